"""A big import commits without SQLite's checkpoint; a thread copies its pages into the file after.

The database file on its own (opened `immutable`, which ignores the write-ahead log) shows what a
checkpoint has copied: nothing at the commit, everything once the background checkpoint has run."""
from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import event

from wadesk.core.db.engine import Database, checkpoint_fully
from wadesk.core.importing import run_import
import wadesk.core.importing.runner as runner

from _import_db import _migrated_template, idb  # noqa: F401


def file_only_count(db: Database) -> int:
    con = sqlite3.connect(f"file:{db.path}?immutable=1", uri=True)
    try:
        return con.execute("SELECT count(*) FROM customers").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def db(idb):
    # Every commit of these connections would checkpoint (SQLite's default waits for 1,000 pages).
    idb.engine.dispose()
    event.listen(idb.engine, "connect", lambda c, _r: c.execute("PRAGMA wal_autocheckpoint=1"))
    return idb


def customers_csv(path, n=30):
    path.write_text("Name,Phone\n" + "".join(f"C{i},98{i:08d}\n" for i in range(n)), encoding="utf-8")
    return path


def test_a_big_import_leaves_the_checkpoint_to_a_thread(db, tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "CHECKPOINT_LATER_BYTES", 10)
    release, ran = threading.Event(), []
    real = Database.checkpoint_later

    def held(self):  # the thread starts only once the test has looked at the file
        def later():
            release.wait(10)
            real(self)
            ran.append(self._checkpointer)
        threading.Thread(target=later).start()
    monkeypatch.setattr(Database, "checkpoint_later", held)
    r = run_import(db, customers_csv(tmp_path / "list.csv"), refresh_scores=False)  # the scores' commit would checkpoint
    assert r.customers_created == 30
    assert file_only_count(db) == 0  # committed (below), but not yet copied into the file
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM customers").scalar() == 30
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1  # the connection's own, back
    release.set()
    for _ in range(100):
        if ran:
            break
        threading.Event().wait(0.05)
    ran[0].join(10)
    assert file_only_count(db) == 30


def test_a_small_import_checkpoints_as_it_commits(db, tmp_path):
    run_import(db, customers_csv(tmp_path / "list.csv"))
    assert db._checkpointer is None
    assert file_only_count(db) == 30


def test_dispose_waits_for_the_background_checkpoint(db, tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "CHECKPOINT_LATER_BYTES", 10)

    def slow(*_a):  # the checkpoint is still running when the test disposes the database
        if threading.current_thread().name == "wadesk-checkpoint":
            threading.Event().wait(0.5)
    event.listen(db.engine, "checkout", slow)
    run_import(db, customers_csv(tmp_path / "list.csv"), refresh_scores=False)
    assert db._checkpointer is not None
    db.dispose()
    assert not db._checkpointer.is_alive() and file_only_count(db) == 30


def test_a_full_checkpoint_asks_again_while_another_one_runs():
    answers = iter([(1, -1, -1), (1, -1, -1), (0, 12, 12)])

    class Conn:
        asked = 0

        def exec_driver_sql(self, sql):
            assert sql == "PRAGMA wal_checkpoint(TRUNCATE)"
            Conn.asked += 1
            return type("R", (), {"one": lambda _s: next(answers)})()
    assert checkpoint_fully(Conn()) is True and Conn.asked == 3
    assert checkpoint_fully(type("Busy", (), {"exec_driver_sql": lambda _s, _q: type(
        "R", (), {"one": lambda _s: (1, -1, -1)})()})(), wait_s=0.1) is False
