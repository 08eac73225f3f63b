"""Starting the app: `wadesk` with no subcommand (or `python -m wadesk`) calls `run_gui`.

    wadesk [--data-dir DIR] [--sample-shop] [--smoke-test]

Start-up does only what the first paint needs (open the database, read the settings) and shows
the window; counts and everything else load in the background afterwards.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QtMsgType, QTimer, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from wadesk.core.db import DatabaseError
from wadesk.core.db.team import open_shop_database
from wadesk.core.logging_setup import setup_logging
from wadesk.core.paths import DataDir
from wadesk.ui.errors import CrashReporter
from wadesk.ui.prefs import APPLICATION, ORGANISATION, load_staff_name
from wadesk.ui.resources import app_icon, stylesheet
from wadesk.ui.services import AppServices, build_services
from wadesk.ui.splash import database_needs_update, show_update_splash

log = logging.getLogger(__name__)


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="wadesk", description="Open the WaDesk app.")
    parser.add_argument("--data-dir", default=None,
                        help="shop profile folder (database, logs, backups); default: your user data folder")
    parser.add_argument("--sample-shop", action="store_true",
                        help="if the shop is empty, fill it with the sample shop before opening")
    parser.add_argument("--smoke-test", action="store_true",
                        help="open the window off-screen, visit every page and exit (0 = all good)")
    return parser.parse_known_args(argv)  # the rest is for Qt (e.g. -platform)


# Notes the offscreen platform prints for every window; they mean nothing for the app.
_QT_NOISE = ("This plugin does not support propagateSizeHints", "This plugin does not support raise")
_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}


def _qt_to_log(kind: QtMsgType, _context, message: str) -> None:
    """Qt's own messages go to the log file (not the user's terminal), minus known noise."""
    if not message.startswith(_QT_NOISE):
        logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def make_app(qt_args: list[str], offscreen: bool = False) -> QApplication:
    app = QApplication.instance()
    if app is None:
        if offscreen:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        if sys.platform == "win32":  # own taskbar icon instead of Python's
            try:
                import ctypes

                ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID("WaDesk.WaDesk")
            except (AttributeError, OSError):
                pass
        app = QApplication([sys.argv[0] if sys.argv else "wadesk", *qt_args])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setWindowIcon(app_icon())
    app.setStyleSheet(stylesheet())
    return app  # type: ignore[return-value]


def fatal(message: str, quiet: bool) -> int:
    """Can't start: say why in plain words (a box, or stderr in smoke tests), exit 2."""
    print(f"wadesk: {message}", file=sys.stderr)
    if not quiet:
        QMessageBox.critical(None, "WaDesk cannot open this shop", message)
    return 2


def build_sample_before_start(services: AppServices, customers: int = 2000) -> str | None:
    """--sample-shop: fill an empty database first, with a progress dialog (Cancel = start empty).

    Returns None when built or not needed, else why not (the user has seen it in a box)."""
    if services.db.customer_count() > 0:
        return None
    from wadesk.core.demo import build_sample_shop

    clock = services.clock
    job = services.jobs.run(
        lambda ctx: build_sample_shop(ctx.db, customers=customers, clock=clock,
                                      progress=ctx.progress, cancelled=ctx.cancelled),
        title="Building the sample shop")
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    if not job.is_finished:
        loop.exec()
    services.settings.load()
    if job.outcome == "error":
        return f"the sample shop could not be built: {job.error}"
    return "the sample shop was cancelled" if job.outcome == "cancelled" else None


def since_process_start_ms() -> float | None:
    """Milliseconds since the operating system started this process (None if unknown)."""
    try:
        import psutil  # optional: installed with the test extras
    except ImportError:
        return None
    return (time.time() - psutil.Process().create_time()) * 1000


def run_gui(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    argv = list(sys.argv[1:] if argv is None else argv)
    args, qt_args = parse_args(argv)
    if args.smoke_test and args.data_dir is None:  # never the user's own shop
        from wadesk.ui.smoke import in_scratch_shop

        return in_scratch_shop(run_gui, argv)
    quiet = args.smoke_test
    app = make_app(qt_args, offscreen=args.smoke_test)
    data_dir = DataDir.resolve(args.data_dir)
    try:
        data_dir.ensure()
        log_path = setup_logging(data_dir.logs_dir)
    except OSError as exc:
        return fatal(f"WaDesk cannot use the folder {data_dir.root}: {exc.strerror or exc}", quiet)
    holder: dict[str, QWidget] = {}
    reporter = CrashReporter(log_path, parent_window=lambda: holder.get("window")).install()
    previous_handler = qInstallMessageHandler(_qt_to_log)
    try:
        splash = None
        if database_needs_update(data_dir):  # the one slow start: say why the window waits
            splash = show_update_splash(app)
        try:
            db = open_shop_database(data_dir)  # the team database when this folder is set up for one
        except DatabaseError as exc:
            log.warning("Could not open the database: %s", exc)
            if splash is not None:
                splash.close()
                splash = None
            db = None if quiet else _rescued(data_dir)
            if db is None:
                return fatal(str(exc), quiet)
        finally:
            if splash is not None:
                splash.close()
        try:
            return _run(app, args, db, data_dir, log_path, started, holder)
        finally:
            db.dispose()
    finally:
        qInstallMessageHandler(previous_handler)
        reporter.uninstall()


def _rescued(data_dir: DataDir):
    """A damaged database file: offer a backup in its place, then open the shop again (None: not
    damaged, no backup chosen, or it still would not open)."""
    from wadesk.core.db.team import resolve_url
    from wadesk.ui.rescue import offer_rescue

    try:
        if resolve_url(data_dir) is not None or not offer_rescue(data_dir):
            return None
        return open_shop_database(data_dir)
    except DatabaseError as exc:
        log.warning("The restored database would not open either: %s", exc)
        return None


def _run(app: QApplication, args: argparse.Namespace, db, data_dir: DataDir, log_path: Path,
         started: float, holder: dict[str, QWidget]) -> int:
    from wadesk.ui.main_window import MainWindow
    from wadesk.ui.settings.auto_backup import AutoBackup
    from wadesk.ui.welcome import WelcomeDialog, check_first_run
    from wadesk.ui.whatsapp_env import stop_sandbox_if_started

    services = build_services(db, data_dir, log_path=log_path)
    load_staff_name()  # the audit log names who works at this computer
    app.aboutToQuit.connect(stop_sandbox_if_started)  # the WhatsApp simulator, if a page started it
    auto_backup: AutoBackup | None = None
    try:
        problem = build_sample_before_start(services) if args.sample_shop else None
        window = MainWindow(services)
        holder["window"] = window
        window.show()
        app.processEvents()
        shown_ms = (time.perf_counter() - started) * 1000
        since_launch = since_process_start_ms()
        log.info("Window shown %.0f ms after run_gui started (%s ms after the process started); "
                 "database %s", shown_ms, "?" if since_launch is None else round(since_launch),
                 db.display_name)
        if args.smoke_test:
            from wadesk.ui.smoke import smoke_test

            return smoke_test(app, window, services, shown_ms, since_launch, problem)

        from wadesk.ui.campaigns.app_hooks import install_campaign_hooks

        install_campaign_hooks(window, services)  # resume unfinished sends, start scheduled ones, ask on close
        from wadesk.ui.automations.app_hooks import install_automation_hooks

        install_automation_hooks(window, services)  # a pass every 5 minutes and after each import
        from wadesk.ui.team_watch import TeamWatch

        TeamWatch(services, window).start()  # team database: other computers' changes reach the pages

        def welcome_if_needed(needed: bool) -> None:
            if needed:
                WelcomeDialog(services, window).open()

        QTimer.singleShot(0, window, lambda: check_first_run(services, welcome_if_needed, window))
        auto_backup = AutoBackup(services).start()  # daily while open, and on close (below)
        from wadesk.ui.customers.daily_scores import DailyScores

        DailyScores(services, window).start()  # everyone's scores once a day: recency moves with the calendar
        from wadesk.ui.settings.daily_connection import DailyConnectionCheck

        DailyConnectionCheck(services, window).start()  # keeps Home's quality and token warnings current
        return app.exec()
    finally:
        services.jobs.shutdown()
        if auto_backup is not None:
            auto_backup.on_close()
        stop_sandbox_if_started()  # again after the jobs stopped (smoke tests never quit the app)
        holder.pop("window", None)
