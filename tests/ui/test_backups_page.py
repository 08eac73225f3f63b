"""Settings → Backups, the Home page's backup warning, automatic backups and the reload after a
restore, built on the test's real database with pytest-qt."""
from __future__ import annotations

import shutil

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from wadesk.core.backup import create_backup, list_backups
from wadesk.core.crm.customers import CustomerInput, create_customer
from wadesk.core.settings import get_setting
from wadesk.ui import dialogs
from wadesk.ui.main_window import MainWindow
from wadesk.ui.pages.home import HomePage
from wadesk.ui.settings.auto_backup import BACKUPS, AutoBackup
from wadesk.ui.settings.backups_section import BackupsSection


@pytest.fixture(autouse=True)
def _sqlite_file(db):
    if db.path is None:  # WADESK_TEST_DB=postgresql
        pytest.skip("backups copy the SQLite file; a team database is backed up on its server")


def add_customers(db, n: int, start: int = 0) -> None:
    with db.session() as s:
        for i in range(start, start + n):
            create_customer(s, CustomerInput(first_name=f"Customer {i}", phone=f"+9198{i:08d}"))


@pytest.fixture
def section(qtbot, services):
    w = BackupsSection(services)
    qtbot.addWidget(w)
    w.resize(900, 640)
    qtbot.waitUntil(lambda: w.state is not None, timeout=5000)
    return w


def reloaded(qtbot, section, rows: int):
    qtbot.waitUntil(lambda: not section.busy and section.table.rowCount() == rows, timeout=10000)


def test_back_up_now_lists_the_checked_backup(qtbot, services, section, db):
    assert section.status.text().startswith("No backup yet") and not section.restore_button.isEnabled()
    assert section.folder.text() == str(services.data_dir.backups_dir)
    add_customers(db, 3)
    with qtbot.waitSignal(services.bus.changed, timeout=10000, check_params_cb=lambda w: BACKUPS in w):
        section.backup_button.click()
    assert "Backed up 3 customers" in section.result.text() and "checked" in section.result.text()
    reloaded(qtbot, section, 1)
    cells = [section.table.item(0, c).text() for c in range(5)]
    assert cells[1:] == [cells[1], cells[2], "3", "✓"] and cells[1] == "Back up now"
    assert "Last backup" in section.status.text() and section.restore_button.isEnabled()


def test_restore_asks_then_brings_the_data_back(qtbot, services, section, db, monkeypatch):
    add_customers(db, 4)
    create_backup(db, services.data_dir, clock=services.clock)
    add_customers(db, 3, start=50)
    services.bus.notify(BACKUPS)
    reloaded(qtbot, section, 1)
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda *a: asked.append(a[2]) or False)
    section.restore_button.click()
    assert "4 customers" in asked[0] and "backup of the data as it is now" in asked[0]
    assert db.customer_count() == 7  # "Keep it": nothing happened
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    services.clock.advance(minutes=1)
    section.restore_button.click()
    qtbot.waitUntil(lambda: "Restored" in section.result.text(), timeout=10000)
    assert db.customer_count() == 4 and "before-restore" in section.result.text()
    reloaded(qtbot, section, 2)  # the safety backup is listed too
    assert section.table.item(0, 1).text() == "Before a restore" and section.table.item(0, 3).text() == "7"


def test_a_damaged_file_is_refused_and_nothing_changes(qtbot, services, section, db, monkeypatch, tmp_path):
    add_customers(db, 2)
    bad = tmp_path / "old-laptop.sqlite3"
    good = create_backup(db, services.data_dir, clock=services.clock).backup.path
    shutil.copy(good, bad)
    raw = bytearray(bad.read_bytes())
    raw[4096:12288] = b"\x00" * 8192
    bad.write_bytes(bytes(raw))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    section.restore_file_button.click()
    qtbot.waitUntil(lambda: "damaged" in section.result.text(), timeout=10000)
    assert "Nothing was changed" in section.result.text() and db.customer_count() == 2
    assert len(list_backups(services.data_dir.backups_dir)) == 1  # not even a safety copy was needed
    for box in section.findChildren(QMessageBox):  # the job runner's error box says the same
        box.close()


def test_folder_and_retention_are_settings(qtbot, services, section, db, monkeypatch, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    section.choose_button.click()
    qtbot.waitUntil(lambda: section.folder.text() == str(usb), timeout=5000)
    section.keep_daily.setValue(3)
    section.keep_monthly.setValue(24)
    section.save_keep.click()
    qtbot.waitUntil(lambda: section.result.text().startswith("Saved."), timeout=5000)
    with db.session() as s:
        assert (get_setting(s, "backup_keep_daily"), get_setting(s, "backup_keep_monthly")) == (3, 24)
    section.backup_button.click()
    reloaded(qtbot, section, 1)
    assert list(usb.glob("wadesk-backup-*.sqlite3"))
    section.default_button.click()
    qtbot.waitUntil(lambda: section.folder.text() == str(services.data_dir.backups_dir), timeout=5000)


def test_home_warns_until_a_backup_is_made(qtbot, services, db, tmp_path):
    add_customers(db, 2)
    home = HomePage(services)
    qtbot.addWidget(home)
    home.show()
    warning = home.backup_warning
    qtbot.waitUntil(lambda: warning.health is not None, timeout=5000)
    assert warning.isVisible() and "no backup yet" in warning.text.text()
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    with pytest.raises(Exception):
        create_backup(db, services.data_dir, to=blocked / "x", clock=services.clock)
    services.bus.notify(BACKUPS)
    qtbot.waitUntil(lambda: "failed" in warning.text.text(), timeout=5000)
    create_backup(db, services.data_dir, clock=services.clock)
    services.bus.notify(BACKUPS)
    qtbot.waitUntil(lambda: not warning.isVisible(), timeout=5000)
    services.clock.advance(days=4)
    services.bus.notify(BACKUPS)
    qtbot.waitUntil(lambda: "4 days ago" in warning.text.text() and warning.isVisible(), timeout=5000)
    with qtbot.waitSignal(services.bus.page_requested) as asked:
        warning.button.click()
    assert asked.args == ["settings"]


def test_daily_and_on_close_backups(qtbot, services, db):
    add_customers(db, 1)
    auto = AutoBackup(services, first_check_ms=0)
    with qtbot.waitSignal(services.bus.changed, timeout=10000):
        auto.start()
    assert [b.kind for b in list_backups(services.data_dir.backups_dir)] == ["daily"]
    auto.check()  # not due again the same day
    qtbot.waitUntil(lambda: not auto.running, timeout=5000)
    assert len(list_backups(services.data_dir.backups_dir)) == 1
    services.jobs.shutdown()
    assert auto.on_close() is None  # nothing written since the daily backup
    auto2 = AutoBackup(services)
    add_customers(db, 1, start=9)
    services.clock.advance(minutes=5)
    made = auto2.on_close()
    assert made is not None and made.backup.kind == "on-close" and made.backup.customers == 2


def test_restore_in_the_window_reloads_the_pages(qtbot, services, db, monkeypatch):
    add_customers(db, 2)
    create_backup(db, services.data_dir, clock=services.clock)
    add_customers(db, 5, start=20)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    home = window.show_page("home")
    page = window.show_page("settings")
    section = page.backups
    qtbot.waitUntil(lambda: section.state is not None and section.table.rowCount() == 1, timeout=5000)
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    section.restore_button.click()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "restoredBox") is not None, timeout=10000)
    box = window.findChild(QMessageBox, "restoredBox")
    assert "Restored 2 customers" in box.text() and "reloaded every page" in box.text()
    assert window.pages["settings"] is not page and "home" not in window.pages
    assert window.current_key == "settings"
    qtbot.waitUntil(lambda: window.count_label.text() == "2 customers", timeout=5000)
    box.close()
    assert home is not None


def test_a_team_database_says_where_its_backups_are(qtbot, qapp, data_dir, clock):
    from wadesk.core.db.engine import Database, make_engine
    from wadesk.ui.services import build_services

    svc = build_services(Database(make_engine("sqlite://")), data_dir, clock=clock, load_settings=False)
    try:
        section = BackupsSection(svc)
        qtbot.addWidget(section)
        assert "team database on a server" in section.status.text() and not section.backup_button.isEnabled()
        from wadesk.ui.settings.backup_warning import BackupWarning

        warning = BackupWarning(svc)
        qtbot.addWidget(warning)
        assert warning.isHidden() and warning.health is None  # no nagging about backups made elsewhere
    finally:
        svc.jobs.shutdown()
