"""SQLite's allocation statistics are turned off before the first connection, never under one."""
import subprocess
import sys
import textwrap

import pytest

import wadesk.core.db.sqlite_library as sqlite_library

pytestmark = pytest.mark.skipif(sqlite_library._library() is None, reason="this build hides SQLite's functions")


def _run(code: str) -> str:
    """In a fresh process: the setting is process-wide and decided once."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


_MEMORY_USED = """
    import ctypes, sqlite3
    from wadesk.core.db.sqlite_library import _library, turn_off_memory_statistics
    lib = _library()
    lib.sqlite3_memory_used.restype = ctypes.c_int64
"""


def test_turned_off_before_the_first_connection_and_sqlite_still_works():
    out = _run(_MEMORY_USED + """
    print(turn_off_memory_statistics(), turn_off_memory_statistics())
    con = sqlite3.connect(":memory:")
    con.execute("create table t (x)")
    con.executemany("insert into t values (?)", [(i,) for i in range(1000)])
    print(con.execute("select sum(x) from t").fetchone()[0], lib.sqlite3_memory_used())
    """)
    assert out.splitlines() == ["True True", "499500 0"]  # nothing counted any more


def test_left_alone_while_a_connection_is_open():
    out = _run(_MEMORY_USED + """
    con = sqlite3.connect(":memory:")
    con.execute("create table t (x)")
    print(turn_off_memory_statistics(), lib.sqlite3_memory_used() > 0)
    con.execute("insert into t values (1)")
    print(con.execute("select count(*) from t").fetchone()[0])
    """)
    assert out.splitlines() == ["False True", "1"]


def test_a_closed_connection_does_not_stop_it():
    out = _run(_MEMORY_USED + """
    sqlite3.connect(":memory:").close()
    print(turn_off_memory_statistics())
    """)
    assert out == "True"


def test_opening_a_shop_turns_it_off(tmp_path):
    out = _run(f"""
    from pathlib import Path
    from wadesk.core.db import open_database
    from wadesk.core.db import sqlite_library
    from wadesk.core.paths import DataDir
    db = open_database(DataDir(Path({str(tmp_path)!r})))
    print(sqlite_library._result)
    """)
    assert out == "True"
