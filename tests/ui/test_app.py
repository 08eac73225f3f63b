"""Starting the app: smoke test, a database that won't open, the crash dialog, resources."""
from __future__ import annotations

import json
import logging
import sys

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from wadesk.core.logging_setup import setup_logging
from wadesk.ui.app import parse_args, run_gui
from wadesk.ui.errors import CrashReporter, plain_error
from wadesk.ui.pages.registry import PAGE_KEYS
from wadesk.ui.resources import app_icon, stylesheet

TOKEN = "EAAG" + "x1Y2z3" * 6


def _boxes(name: str) -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == name and w.isVisible()]


def test_parse_args_keeps_qt_arguments():
    args, rest = parse_args(["--data-dir", "x", "--sample-shop", "-platform", "offscreen"])
    assert args.data_dir == "x" and args.sample_shop and not args.smoke_test
    assert rest == ["-platform", "offscreen"]


def test_smoke_test_visits_every_page(qapp, tmp_path, capsys):
    assert run_gui(["--smoke-test", "--data-dir", str(tmp_path / "shop")]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["smoke_test"] == "ok"
    assert report["pages"] == list(PAGE_KEYS) and report["customers"] == 0
    assert (tmp_path / "shop" / "wadesk.sqlite3").exists()
    assert (tmp_path / "shop" / "logs" / "wadesk.log").exists()


def test_sample_shop_flag_builds_before_showing(qapp, tmp_path, capsys):
    pytest.importorskip("wadesk.core.demo", reason="the sample shop generator "
                        "(wadesk.core.demo) is not available yet")
    assert run_gui(["--smoke-test", "--sample-shop", "--data-dir", str(tmp_path / "shop")]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["customers"] == 2000


def test_a_database_that_cannot_open_is_explained_and_exits_2(qapp, tmp_path, monkeypatch, capsys):
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "wadesk.sqlite3").write_bytes(b"this is not a database at all" * 100)
    shown, offered = [], []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    from wadesk.ui import rescue

    # The file is damaged: a backup is offered first (none here); the owner quits
    monkeypatch.setattr(rescue, "ask_owner", lambda problem, newest: offered.append((problem, newest)) or rescue.QUIT)
    assert run_gui(["--data-dir", str(shop)]) == 2
    assert offered == [("wadesk.sqlite3 is not a WaDesk database (it is not an SQLite file).", None)]
    assert shown and "Could not open the database" in shown[0]
    assert "Could not open the database" in capsys.readouterr().err


def test_crash_dialog_shows_the_log_location_and_no_secrets(qtbot, tmp_path):
    log_path = setup_logging(tmp_path / "logs")
    reporter = CrashReporter(log_path).install()
    try:
        try:
            raise RuntimeError(f"token rejected: {TOKEN}")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
        qtbot.waitUntil(lambda: len(_boxes("crashBox")) == 1, timeout=3000)
        box = _boxes("crashBox")[0]
        assert "Something went wrong" in box.text()
        assert str(log_path) in box.text()
        assert TOKEN not in box.text() + box.detailedText()
        assert "RuntimeError" in box.detailedText()
        assert box.close()  # the window's close box (and Esc) dismiss it
        assert not box.isVisible()
    finally:
        reporter.uninstall()
    for handler in logging.getLogger().handlers:
        handler.flush()
    logged = log_path.read_text(encoding="utf-8")
    assert "RuntimeError" in logged and "Traceback" in logged
    assert TOKEN not in logged


def test_plain_error_words():
    import sqlite3

    from sqlalchemy.exc import OperationalError

    locked = OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked"))
    assert "busy" in plain_error(locked)
    assert "disk is full" in plain_error(OSError(28, "No space left on device"))
    assert plain_error(KeyError("x"), "importing") == (
        "Something went wrong while importing. The details were written to the log file.")


def test_resources_load(qapp):
    assert not app_icon().isNull()
    assert "QListWidget#nav" in stylesheet()


def test_app_options_open_the_app_without_loading_the_command_line():
    from wadesk.__main__ import _plainly_gui

    assert _plainly_gui([]) and _plainly_gui(["--data-dir", "x", "--sample-shop"])
    assert _plainly_gui(["--data-dir=x", "--smoke-test"])
    assert not _plainly_gui(["info"]) and not _plainly_gui(["--data-dir", "x", "info"])
    assert not _plainly_gui(["--help"])


def test_an_older_database_gets_an_update_card(qapp, db, data_dir):
    from sqlalchemy import text

    from wadesk.ui.splash import database_needs_update, show_update_splash

    assert not database_needs_update(data_dir)  # up to date
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    db.dispose()
    assert database_needs_update(data_dir)
    splash = show_update_splash(qapp)
    assert splash.isVisible()
    splash.close()
