import sqlite3

import pytest
from sqlalchemy import inspect

from wadesk.core.db import DatabaseError, open_database
from wadesk.core.db.engine import current_revision, head_revision


@pytest.mark.sqlite_only("WAL mode")
def test_new_database_is_migrated_to_head_in_wal_mode(db):
    assert current_revision(db.engine) == head_revision()
    tables = set(inspect(db.engine).get_table_names())
    assert {"customers", "orders", "order_items", "events", "tags", "messages", "settings"} <= tables
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_reopening_is_idempotent(data_dir):
    open_database(data_dir).dispose()
    again = open_database(data_dir)
    assert again.customer_count() == 0
    again.dispose()
    assert list(data_dir.backups_dir.iterdir()) == []  # nothing to migrate, no copy


def test_database_from_newer_wadesk_is_refused_unchanged(data_dir):
    open_database(data_dir).dispose()
    con = sqlite3.connect(data_dir.db_path)
    con.execute("UPDATE alembic_version SET version_num='9999_future'")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="newer WaDesk"):
        open_database(data_dir)
    con = sqlite3.connect(data_dir.db_path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999_future"
    con.close()


def test_not_a_database_gives_a_plain_error(data_dir):
    data_dir.db_path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="Could not open the database"):
        open_database(data_dir)


def test_head_read_from_files_agrees_with_alembic():
    from alembic.script import ScriptDirectory

    from wadesk.core.db.engine import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_opening_an_up_to_date_database_does_not_import_alembic(data_dir):
    import subprocess
    import sys

    open_database(data_dir).dispose()
    code = (
        "import sys; from wadesk.core.db import open_database; from wadesk.core.paths import DataDir\n"
        f"open_database(DataDir({str(data_dir.root)!r})).dispose()\n"
        "sys.exit(1 if 'alembic' in sys.modules else 0)\n"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
