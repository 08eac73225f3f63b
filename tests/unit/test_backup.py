"""Backups (issue 12): online copy checked and noted, restore round trip, refusals that leave the
shop untouched, retention with a moved clock, and a backup taken while a long import writes."""
from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, func, select

from wadesk.core.backup import (BackupError, ChangeWatch, RestoreError, Retention, backup_due, backup_health,
                                choose_to_keep, create_backup, inspect_database,
                                list_backups, read_status, restore_backup)
from wadesk.core.backup.store import note_path
from wadesk.core.crm.customers import CustomerInput, create_customer
from wadesk.core.db.models import Customer
from wadesk.core.importing import run_import
from wadesk.core.settings import set_setting


@pytest.fixture
def db(fresh_db):
    if fresh_db.path is None:  # WADESK_TEST_DB=postgresql
        pytest.skip("backups copy the SQLite file; a team database is backed up on its server")
    return fresh_db


def add_customers(db, n: int, start: int = 0) -> None:
    with db.session() as s:
        for i in range(start, start + n):
            create_customer(s, CustomerInput(first_name=f"Customer {i}", phone=f"+9198{i:08d}"))


def counts(db) -> int:
    with db.Session() as s:
        return s.scalar(select(func.count(Customer.id)))


def test_backup_is_checked_noted_and_listed(db, data_dir, clock):
    add_customers(db, 5)
    result = create_backup(db, data_dir, clock=clock)
    b = result.backup
    assert b.path.parent == data_dir.backups_dir and b.path.name == "wadesk-backup-20261128-100000-manual.sqlite3"
    assert (b.customers, b.orders, b.messages, b.verified) == (5, 0, 0, True)
    note = json.loads(note_path(b.path).read_text())
    assert note["integrity"] == "ok" and note["customers"] == 5 and note["sha256"] == b.sha256
    assert inspect_database(b.path).ok
    with sqlite3.connect(b.path) as con:  # one self-contained file: no -wal needed beside it
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert [x.path for x in list_backups(data_dir.backups_dir)] == [b.path]
    assert not list(data_dir.backups_dir.glob("*.partial"))
    assert backup_health(data_dir, clock.now()).ok


def test_restore_round_trip_keeps_a_safety_backup(db, data_dir, clock):
    add_customers(db, 4)
    first = create_backup(db, data_dir, clock=clock).backup
    clock.advance(hours=1)
    with db.session() as s:  # a bad import, say
        s.execute(delete(Customer))
    add_customers(db, 2, start=100)
    clock.advance(hours=1)
    result = restore_backup(db, data_dir, first.path, clock=clock)
    assert counts(db) == 4 and result.counts["customers"] == 4 and result.migrated_from is None
    assert result.safety_backup.kind == "before-restore" and result.safety_backup.customers == 2
    with db.session() as s:  # the restored database is a working database
        set_setting(s, "shop_name", "After restore")
    assert inspect_database(db.path).ok
    back = restore_backup(db, data_dir, result.safety_backup.path, clock=clock)  # and undo the restore
    assert counts(db) == 2 and back.counts["customers"] == 2
    assert not list(data_dir.root.glob("*.restoring*"))


def _refused(db, data_dir, path, words):
    before = counts(db)
    made = len(list_backups(data_dir.backups_dir))
    with pytest.raises(RestoreError, match=words):
        restore_backup(db, data_dir, path)
    assert counts(db) == before and inspect_database(db.path).ok
    assert len(list_backups(data_dir.backups_dir)) == made  # not even a safety copy: nothing began


def test_corrupt_foreign_and_newer_files_are_refused(db, data_dir, clock, tmp_path):
    add_customers(db, 3)
    good = create_backup(db, data_dir, clock=clock).backup
    # damaged in the middle; its note's checksum catches it
    bad = tmp_path / "damaged.sqlite3"
    shutil.copy(good.path, bad)
    shutil.copy(note_path(good.path), note_path(bad))
    raw = bytearray(bad.read_bytes())
    raw[8192:16384] = b"\xff" * 8192
    bad.write_bytes(bytes(raw))
    _refused(db, data_dir, bad, "checksum")
    note_path(bad).unlink()  # without the note, SQLite's own check refuses it
    _refused(db, data_dir, bad, "damaged")
    text = tmp_path / "customers.sqlite3"
    text.write_text("name,phone\n")
    _refused(db, data_dir, text, "not an SQLite file")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE t (x)")
    _refused(db, data_dir, other, "not a WaDesk database")
    newer = tmp_path / "newer.sqlite3"
    shutil.copy(good.path, newer)
    with sqlite3.connect(newer) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    _refused(db, data_dir, newer, "newer WaDesk")
    _refused(db, data_dir, tmp_path / "missing.sqlite3", "no file")


def test_older_backup_is_migrated_on_restore(db, data_dir, tmp_path):
    from alembic import command

    from wadesk.core.db.engine import alembic_config, make_engine

    old = tmp_path / "old.sqlite3"
    engine = make_engine(f"sqlite:///{old}")
    command.upgrade(alembic_config(engine), "0006")
    with engine.begin() as conn:  # a customer as WaDesk 0006 stored it (today's model has more columns)
        conn.exec_driver_sql(
            "INSERT INTO customers (name, name_key, first_name, phone, attributes, consent_state, order_count, "
            "total_spent, tag_list, version, created_at, updated_at) VALUES ('Customer 0', 'customer 0', "
            "'Customer 0', '+919800000000', '{}', 0, 0, 0, '', 1, '2026-01-01', '2026-01-01')")
    engine.dispose()
    result = restore_backup(db, data_dir, old)
    assert result.migrated_from == "0006" and counts(db) == 1
    with db.Session() as s:
        assert s.scalar(select(Customer.first_name)) == "Customer 0"


def test_failed_backup_is_remembered_and_warned(db, data_dir, clock, tmp_path):
    add_customers(db, 1)
    now = clock.now()
    assert "no backup yet" in backup_health(data_dir, now).warning
    assert backup_health(data_dir, now, has_data=False).ok
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(BackupError, match="cannot write to the backup folder"):
        create_backup(db, data_dir, to=blocker / "sub", clock=clock)
    health = backup_health(data_dir, now)
    assert "last backup failed" in health.warning and "cannot write" in health.warning
    create_backup(db, data_dir, clock=clock)
    assert backup_health(data_dir, now).ok and read_status(data_dir)["last_failure"] is None
    assert not backup_due(data_dir, now)
    clock.advance(days=1)
    assert backup_due(data_dir, clock.now())
    clock.advance(days=3)
    assert "4 days ago" in backup_health(data_dir, clock.now()).warning


def test_change_watch_sees_commits_of_other_connections(db, data_dir, clock):
    add_customers(db, 1)
    watch = ChangeWatch(db.path)
    try:
        mark = watch.version()
        create_backup(db, data_dir, clock=clock)  # notes this profile's backup id: one commit
        mark = watch.version()
        create_backup(db, data_dir, clock=clock)
        db.dispose()
        assert not watch.changed_since(mark)  # backing up and closing change nothing
        add_customers(db, 1, start=5)
        assert watch.changed_since(mark)
    finally:
        watch.close()


def _at(day: datetime) -> SimpleNamespace:
    return SimpleNamespace(created_at=day)


def test_retention_keeps_days_weeks_and_months():
    start = datetime(2025, 1, 1, 9, tzinfo=timezone.utc)
    daily = [_at(start + timedelta(days=i)) for i in range(400)]  # a backup a day for 400 days
    kept = [b.created_at.date() for b in choose_to_keep(daily, Retention(7, 4, 12))]
    last = daily[-1].created_at.date()
    assert kept[:7] == [last - timedelta(days=i) for i in range(7)]
    sundays = [d for d in kept if d.isoweekday() == 7]
    assert len(sundays) >= 3  # the last backup of each recent week (plus this week's newest)
    month_ends = {(d.year, d.month) for d in kept}
    assert len(month_ends) == 12 and len(kept) <= 7 + 4 + 12
    assert choose_to_keep(daily, Retention(0, 0, 0)) == [daily[-1]]  # the newest always stays
    # a laptop left off for a year loses nothing by it: only new backups push old ones out
    assert choose_to_keep(daily[:3], Retention(7, 4, 12)) == daily[:3][::-1]


def test_pruning_follows_the_clock_and_spares_others(db, data_dir, clock):
    add_customers(db, 1)
    with db.session() as s:
        set_setting(s, "backup_keep_daily", 3)
        set_setting(s, "backup_keep_weekly", 0)
        set_setting(s, "backup_keep_monthly", 0)
    first = create_backup(db, data_dir, clock=clock).backup
    foreign = data_dir.backups_dir / "wadesk-backup-20200101-000000-manual.sqlite3"  # another shop's
    shutil.copy(first.path, foreign)
    note = json.loads(note_path(first.path).read_text())
    note_path(foreign).write_text(json.dumps({**note, "profile": "another-shop", "created_at": "2020-01-01T00:00:00Z"}))
    safety = restore_backup(db, data_dir, first.path, clock=clock).safety_backup
    pruned = []
    for _ in range(5):
        clock.advance(days=1)
        pruned += create_backup(db, data_dir, kind="daily", clock=clock).deleted
    names = sorted(p.name for p in data_dir.backups_dir.glob("*.sqlite3"))
    assert names == sorted([foreign.name, safety.path.name, "wadesk-backup-20261201-100000-daily.sqlite3",
                            "wadesk-backup-20261202-100000-daily.sqlite3", "wadesk-backup-20261203-100000-daily.sqlite3"])
    assert first.path in pruned and not note_path(first.path).exists()


def _orders_file(path, n: int, start: int = 0):
    lines = ["Order ID,Name,Phone,Email,Order Date,Amount"]
    lines += [f"B{i},Buyer {i},+9197{i % 20000:08d},b{i % 20000}@shop.in,2026-0{1 + i % 9}-1{i % 9} 10:00,{100 + i % 900}"
              for i in range(start, start + n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _consistent(path) -> tuple[int, int]:
    with sqlite3.connect(path) as con:
        customers = con.execute("SELECT count(*) FROM customers").fetchone()[0]
        denormalised = con.execute("SELECT coalesce(sum(order_count), 0) FROM customers").fetchone()[0]
        orders = con.execute("SELECT count(*) FROM orders WHERE customer_id IS NOT NULL "
                             "AND cancelled_at IS NULL").fetchone()[0]
    assert denormalised == orders  # the totals match the orders in the same snapshot
    return customers, orders


def test_backup_while_a_long_import_writes(db, data_dir, clock, tmp_path):
    run_import(db, _orders_file(tmp_path / "first.csv", 2000))
    create_backup(db, data_dir, clock=clock, prune=False)  # the first backup names the shop (a write)
    clock.advance(seconds=1)
    before = _consistent(db.path)
    done, in_transaction, copied = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold_open(_done, _total, text=""):
        # Inside the import's open transaction: wait until a backup has been taken meanwhile, so the
        # test does not depend on how fast the import is.
        if text == "Saving" and not in_transaction.is_set():
            in_transaction.set()
            copied.wait(30)

    def importing():
        try:
            run_import(db, _orders_file(tmp_path / "big.csv", 8000, start=2000), progress=hold_open)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            done.set()

    worker = threading.Thread(target=importing)
    worker.start()
    assert in_transaction.wait(60)
    seen = []
    for _ in range(2):  # copies while the import's transaction is open
        b = create_backup(db, data_dir, clock=clock, prune=False).backup
        clock.advance(seconds=1)
        assert inspect_database(b.path).ok
        seen.append(_consistent(b.path))
    copied.set()
    while not done.is_set() or len(seen) < 3:
        b = create_backup(db, data_dir, clock=clock, prune=False).backup
        clock.advance(seconds=1)
        assert inspect_database(b.path).ok
        seen.append(_consistent(b.path))
        done.wait(0.2)
    worker.join()
    assert not errors
    after = _consistent(db.path)
    assert after != before
    assert set(seen) <= {before, after} and seen[0] == before  # each copy is one side of the commit
    assert seen.count(before) >= 2  # copies were taken while the import's transaction was open


def test_a_damaged_current_database_can_still_be_restored(db, data_dir, clock):
    add_customers(db, 300)
    good = create_backup(db, data_dir, clock=clock).backup
    db.dispose()
    raw = bytearray(db.path.read_bytes())
    raw[len(raw) // 2:len(raw) // 2 + 8192] = b"\x5a" * 8192  # pages in the middle of the file
    db.path.write_bytes(bytes(raw))
    assert not inspect_database(db.path).ok
    result = restore_backup(db, data_dir, good.path, clock=clock)
    assert result.safety_backup.kind == "damaged" and result.safety_backup.path.read_bytes() == bytes(raw)
    assert inspect_database(db.path).ok and counts(db) == 300
    assert "damaged" in [b.kind for b in list_backups(data_dir.backups_dir)]


def test_safety_backup_falls_back_to_the_data_folder(db, data_dir, clock, tmp_path):
    add_customers(db, 2)
    good = create_backup(db, data_dir, clock=clock).backup
    gone = tmp_path / "usb"
    gone.mkdir()
    with db.session() as s:
        set_setting(s, "backup_folder", str(gone))
    gone.rmdir()
    gone.write_text("the drive is not plugged in")  # now a file: the folder cannot be made
    result = restore_backup(db, data_dir, good.path, clock=clock)
    assert result.safety_backup.path.parent == data_dir.backups_dir


def test_a_team_database_is_not_backed_up_here(data_dir, tmp_path):
    from wadesk.core.db.engine import Database, make_engine

    server = Database(make_engine("sqlite://"))  # no file, like a PostgreSQL team database
    with pytest.raises(BackupError, match="team database on a server"):
        create_backup(server, data_dir)
    with pytest.raises(RestoreError, match="team database on a server"):
        restore_backup(server, data_dir, tmp_path / "x.sqlite3")


def test_a_database_that_cannot_be_opened_is_rescued_from_a_backup(db, data_dir, clock, tmp_path):
    from wadesk.core.backup import damaged_database, rescue_backups, rescue_restore
    from wadesk.core.db import DatabaseError, open_database

    add_customers(db, 300)
    assert damaged_database(data_dir) is None  # sound
    usb = tmp_path / "usb"
    with db.session() as s:
        set_setting(s, "backup_folder", str(usb))
    good = create_backup(db, data_dir, clock=clock).backup  # in the chosen folder, named in the status file
    other = usb / "wadesk-backup-20261127-090000-daily.sqlite3"  # another shop's, same folder
    shutil.copy(good.path, other)
    note = json.loads(note_path(good.path).read_text())
    note_path(other).write_text(json.dumps({**note, "profile": "another-shop", "created_at": "2026-11-29T09:00:00Z"}))
    db.dispose()
    raw = bytearray(db.path.read_bytes())
    raw[:100] = b"\x00" * 100  # the header: SQLite no longer sees a database
    db.path.write_bytes(bytes(raw))
    with pytest.raises(DatabaseError):
        open_database(data_dir).dispose()

    assert "not a WaDesk database" in damaged_database(data_dir) or "damaged" in damaged_database(data_dir)
    assert [b.path for b in rescue_backups(data_dir)] == [good.path]  # not the other shop's
    result = rescue_restore(data_dir, good.path, clock=clock)
    assert result.counts["customers"] == 300 and result.damaged_kept.read_bytes() == bytes(raw)
    reopened = open_database(data_dir)
    try:
        assert counts(reopened) == 300
    finally:
        reopened.dispose()
    assert damaged_database(data_dir) is None and not data_dir.db_path.with_name("wadesk.sqlite3.restoring").exists()


def test_a_rescue_refuses_a_bad_backup_and_changes_nothing(db, data_dir, tmp_path):
    from wadesk.core.backup import rescue_restore

    db.dispose()
    db.path.write_bytes(b"garbage" * 1000)
    bad = tmp_path / "wadesk-backup-bad.sqlite3"
    bad.write_bytes(b"also garbage" * 100)
    with pytest.raises(RestoreError, match="not a WaDesk database"):
        rescue_restore(data_dir, bad)
    assert db.path.read_bytes() == b"garbage" * 1000 and not list(data_dir.backups_dir.glob("wadesk-damaged-*"))


def test_an_update_keeps_only_the_newest_copies_made_before_updates(tmp_path):
    """Each schema update copies the whole database first; older such copies are removed (the
    regular backups keep the history), other files in the folder are left alone."""
    from alembic import command

    from wadesk.core.db import open_database
    from wadesk.core.db.engine import alembic_config, head_revision, make_engine
    from wadesk.core.paths import DataDir

    data = DataDir(tmp_path / "shop").ensure()
    engine = make_engine(f"sqlite:///{data.db_path}")
    command.upgrade(alembic_config(engine), "0011")
    engine.dispose()
    data.backups_dir.mkdir(parents=True, exist_ok=True)
    old = [data.backups_dir / f"wadesk-before-{rev}-2026010{i}-101010.sqlite3" for i, rev in enumerate(("0009", "0010", "0011"), 1)]
    others = [data.backups_dir / "wadesk-backup-20260101-101010-daily.sqlite3",
              data.backups_dir / "wadesk-damaged-20260101-101010.sqlite3", data.backups_dir / "notes.txt"]
    for p in old + others:
        p.write_bytes(b"x")
    open_database(data).dispose()  # migrates 0011 -> head, copying first
    left = sorted(p.name for p in data.backups_dir.iterdir())
    made = [n for n in left if n.startswith(f"wadesk-before-{head_revision()}-")]
    assert len(made) == 1
    assert sorted(set(left) - set(made)) == sorted([old[2].name] + [p.name for p in others])
