"""UI test fixtures: services built on the per-test database, and QSettings kept in tmp_path."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from wadesk.ui.services import AppServices, build_services


@pytest.fixture(autouse=True)
def temp_qsettings(tmp_path):
    """Every UI test writes window state to its own folder, never to the real user's settings."""
    folder = tmp_path / "qsettings"
    folder.mkdir(exist_ok=True)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    yield folder


@pytest.fixture
def services(qapp, db, data_dir, clock) -> AppServices:
    """AppServices over the test's fresh database; jobs are stopped when the test ends."""
    svc = build_services(db, data_dir, clock=clock)
    yield svc
    svc.jobs.shutdown()
    svc.jobs.deleteLater()
    svc.bus.deleteLater()
