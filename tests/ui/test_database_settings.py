"""Settings → Database (team mode, issue 11): test a connection, move this computer's data to an
empty team database on a throw-away PostgreSQL server, plain words when it fails."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy.engine import make_url

from tests.pg_server import new_database
from wadesk.core.crm.customers import CustomerInput, create_customer
from wadesk.core.db import open_database
from wadesk.core.db.team import TeamDatabase, load_config, move_to_team
from wadesk.core.paths import DataDir
from wadesk.ui import dialogs
from wadesk.ui.settings import database_section
from wadesk.ui.settings.database_section import DatabaseSection


@pytest.fixture
def section(qtbot, services, monkeypatch):
    restarts = []
    monkeypatch.setattr(database_section, "restart_wadesk", lambda: restarts.append(1))
    w = DatabaseSection(services)
    w.restarts = restarts
    qtbot.addWidget(w)
    w.resize(900, 520)
    return w


def _fill(section, url: str) -> None:
    u = make_url(url)
    section.team_choice.setChecked(True)
    section.host.setText(u.host)
    section.port.setValue(u.port)
    section.dbname.setText(u.database)
    section.user.setText(u.username)
    section.sslmode.setCurrentIndex(section.sslmode.findData("disable"))


def _switched_box():
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.objectName() == "databaseSwitchedBox" and w.isVisible()), None)


@pytest.mark.sqlite_only("moves this computer's SQLite file to the team database")
def test_move_to_an_empty_team_database_then_restart(qtbot, section, services, db, pg_admin_url, monkeypatch):
    with db.session() as s:
        for i in range(3):
            create_customer(s, CustomerInput(first_name=f"Customer {i}", phone=f"+91981234567{i}"))
    assert "on this computer" in section.status.text() and section.local_choice.isChecked()
    assert not section.form_box.isEnabled() and not section.test_button.isEnabled()
    section.team_choice.setChecked(True)
    section.test_button.click()
    assert "Fill in the server" in section.result.text()  # nothing typed yet: said, nothing run

    url = new_database(pg_admin_url)
    _fill(section, url)
    section.test_button.click()
    qtbot.waitUntil(lambda: not section.busy, timeout=15000)
    assert "Connected to PostgreSQL" in section.result.text() and "empty" in section.result.text()

    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda *a: asked.append(a[2]) or False)
    section.move_button.click()
    assert "stays as it is" in asked[0] and load_config(services.data_dir) is None  # "No": nothing changed
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    section.move_button.click()
    qtbot.waitUntil(lambda: _switched_box() is not None, timeout=30000)
    assert "Moved: 3 customers" in section.result.text() and "restart" in section.result.text()
    assert load_config(services.data_dir).database == make_url(url).database
    team = open_database(url=url)
    try:
        assert team.customer_count() == 3
    finally:
        team.dispose()
    _switched_box().accept()
    qtbot.waitUntil(lambda: section.restarts == [1], timeout=5000)


@pytest.mark.sqlite_only("types a team database's details on a computer that uses its own file")
def test_connection_problems_are_said_in_plain_words(qtbot, section, pg_admin_url):
    _fill(section, new_database(pg_admin_url))
    section.port.setValue(1)  # nothing listens there
    section.test_button.click()
    qtbot.waitUntil(lambda: not section.busy, timeout=15000)
    assert "Could not reach the team database server" in section.result.text()
    section.port.setValue(make_url(pg_admin_url).port)
    section.dbname.setText("no_such_shop")
    section.test_button.click()
    qtbot.waitUntil(lambda: not section.busy, timeout=15000)
    assert "no database with that name" in section.result.text()


def test_the_staff_name_is_kept_per_computer_and_named_in_the_audit_log(qtbot, section, db, monkeypatch):
    from sqlalchemy import select

    from wadesk.core.crm import bookkeeping
    from wadesk.core.db.models import AuditLog
    from wadesk.ui.prefs import STAFF_NAME, load_staff_name, ui_settings

    monkeypatch.setattr(bookkeeping, "_staff_name", None)  # put back after the test
    with db.session() as s:
        create_customer(s, CustomerInput(first_name="Before"))
    section.staff.setText("  Ravi   (counter) ")
    section.staff.editingFinished.emit()
    assert ui_settings().value(STAFF_NAME) == "Ravi   (counter)"
    with db.session() as s:
        create_customer(s, CustomerInput(first_name="After"))
        actors = s.scalars(select(AuditLog.actor).order_by(AuditLog.id)).all()
    assert actors == [None, "Ravi (counter)"]
    bookkeeping.set_staff_name(None)
    load_staff_name()  # what the app does at start
    assert bookkeeping.staff_name() == "Ravi (counter)"


@pytest.mark.sqlite_only("joins from a computer that uses its own file")
def test_a_second_computer_joins_a_team_database(qtbot, section, services, pg_admin_url, tmp_path, monkeypatch):
    url = new_database(pg_admin_url)
    u = make_url(url)
    _fill(section, url)
    section.join_button.click()  # still empty: told to move instead, nothing saved
    qtbot.waitUntil(lambda: not section.busy, timeout=15000)
    assert "empty" in section.result.text() and load_config(services.data_dir) is None

    first = DataDir(tmp_path / "first-computer").ensure()  # the first computer moves its shop there
    seed = open_database(first)
    with seed.session() as s:
        create_customer(s, CustomerInput(first_name="Shared"))
    seed.dispose()
    move_to_team(first, TeamDatabase(u.host, u.database, u.username, u.port, "disable"), None)
    section.join_button.click()
    qtbot.waitUntil(lambda: _switched_box() is not None, timeout=15000)
    assert "1 customer" in section.result.text() and load_config(services.data_dir).database == u.database
    _switched_box().accept()
    qtbot.waitUntil(lambda: section.restarts == [1], timeout=5000)
