"""At start, a damaged database file: WaDesk offers the newest backup (or another file) instead of a
dead end, keeps the damaged file, and changes nothing when the owner quits or picks a bad file."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from wadesk.core.backup import create_backup
from wadesk.core.crm.customers import CustomerInput, create_customer
from wadesk.core.db import open_database
from wadesk.ui import rescue


@pytest.fixture
def damaged(fresh_db, data_dir, clock):
    if fresh_db.path is None:
        pytest.skip("a team database has no file to damage")
    with fresh_db.session() as s:
        for i in range(12):
            create_customer(s, CustomerInput(first_name=f"Customer {i}", phone=f"+9198{i:08d}"))
    backup = create_backup(fresh_db, data_dir, clock=clock).backup
    fresh_db.dispose()
    raw = bytearray(data_dir.db_path.read_bytes())
    raw[:100] = b"\x00" * 100
    data_dir.db_path.write_bytes(bytes(raw))
    return backup, bytes(raw)


def test_the_newest_backup_is_offered_and_restored(qtbot, data_dir, damaged):
    backup, raw = damaged
    asked = []
    assert rescue.offer_rescue(data_dir, ask=lambda problem, newest: asked.append((problem, newest)) or rescue.RESTORE)
    assert asked[0][1].path == backup.path and asked[0][0]
    db = open_database(data_dir)
    try:
        assert db.customer_count() == 12
    finally:
        db.dispose()
    kept = list(data_dir.backups_dir.glob("wadesk-damaged-*.sqlite3"))
    assert len(kept) == 1 and kept[0].read_bytes() == raw


def test_quit_or_a_bad_file_changes_nothing(qtbot, data_dir, damaged, tmp_path, monkeypatch):
    _backup, raw = damaged
    bad = tmp_path / "not-a-backup.sqlite3"
    bad.write_bytes(b"nothing useful" * 50)
    answers = iter([rescue.CHOOSE, rescue.QUIT])
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    assert not rescue.offer_rescue(data_dir, ask=lambda *_a: next(answers), choose=lambda _d: str(bad))
    assert warned and "not a WaDesk database" in warned[0]
    assert data_dir.db_path.read_bytes() == raw and not list(data_dir.backups_dir.glob("wadesk-damaged-*"))


def test_a_sound_database_is_never_offered_a_restore(qtbot, fresh_db, data_dir):
    if fresh_db.path is None:
        pytest.skip("SQLite file only")
    assert not rescue.offer_rescue(data_dir, ask=lambda *_a: pytest.fail("asked"))


def test_the_question_names_the_backup_in_plain_words(qtbot, data_dir, damaged):
    backup, _raw = damaged
    seen = {}

    def answer():
        box = QApplication.activeModalWidget()
        seen["text"] = box.text() + " " + box.informativeText()
        seen["buttons"] = [b.text() for b in box.buttons()]
        next(b for b in box.buttons() if b.text() == "Restore this backup").click()

    QTimer.singleShot(200, answer)
    assert rescue.ask_owner("wadesk.sqlite3 is not a WaDesk database.", backup) == rescue.RESTORE
    assert "cannot open this shop's data" in seen["text"] and "12 customers" in seen["text"]
    assert sorted(seen["buttons"]) == ["Choose a backup file…", "Quit", "Restore this backup"]


def test_the_app_opens_the_shop_after_the_rescue(qtbot, data_dir, damaged, monkeypatch):
    from wadesk.ui import app

    real = rescue.offer_rescue
    monkeypatch.setattr(rescue, "offer_rescue", lambda d: real(d, ask=lambda *_a: rescue.RESTORE))
    db = app._rescued(data_dir)
    try:
        assert db is not None and db.customer_count() == 12
    finally:
        db.dispose()
    monkeypatch.setattr(rescue, "offer_rescue", lambda d: False)  # the owner chose Quit
    assert app._rescued(data_dir) is None
