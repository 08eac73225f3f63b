"""`wadesk --smoke-test`: open the real window, visit every page, and exit 0 only if all went well.

Without --data-dir it never touches the user's shop: it builds the sample shop in a temporary
folder and deletes the folder afterwards (what installers and the frozen-build CI step run).
Any page that fails to build, a page of the registry not visited, any unexpected exception, or a
job that does not finish makes the exit code 1.
"""
from __future__ import annotations

import json
import logging
import sys
import tempfile
import time
from typing import Callable

from PySide6.QtWidgets import QApplication

from wadesk.ui.main_window import MainWindow
from wadesk.ui.pages.placeholder import PlaceholderPage
from wadesk.ui.pages.registry import PAGE_KEYS
from wadesk.ui.services import AppServices


def pump(app: QApplication, ms: int) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)


def in_scratch_shop(run_gui: Callable[[list[str]], int], argv: list[str]) -> int:
    """Run the smoke test on the sample shop in a temporary data folder, then remove the folder."""
    scratch = tempfile.TemporaryDirectory(prefix="wadesk-smoke-", ignore_cleanup_errors=True)
    try:
        return run_gui([*argv, "--data-dir", scratch.name, "--sample-shop"])
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):  # the log file lives in the folder (Windows locks it)
            if getattr(handler, "baseFilename", "").startswith(scratch.name):
                root.removeHandler(handler)
                handler.close()
        scratch.cleanup()


def smoke_test(app: QApplication, window: MainWindow, services: AppServices, shown_ms: float,
               since_launch_ms: float | None = None, problem: str | None = None) -> int:
    from wadesk.ui.welcome import WelcomeDialog

    window.remember_state = False
    exceptions: list[str] = []
    previous = sys.excepthook

    def record(exc_type, exc, tb) -> None:
        exceptions.append(f"{exc_type.__name__}: {exc}")
        previous(exc_type, exc, tb)

    sys.excepthook = record
    try:
        for row in range(window.nav.count()):  # through the navigation, as a user would
            window.nav.setCurrentRow(row)
            pump(app, 40)
        for key in reversed(PAGE_KEYS):
            window.show_page(key)
            pump(app, 20)
        welcome = WelcomeDialog(services, window)
        welcome.show()
        pump(app, 50)
        welcome.reject()
        # Stop what may be stopped; the rest must end on its own (the Segments page's first copy of
        # a 1,000,000-customer shop takes ~40 s), so only a job that hangs fails the test.
        services.jobs.cancel_all()
        deadline = time.monotonic() + 120
        while services.jobs.busy and time.monotonic() < deadline:
            pump(app, 20)
        stuck = services.jobs.busy
    finally:
        sys.excepthook = previous
    missing = [key for key in PAGE_KEYS if key not in window.pages]
    placeholders = [key for key, page in window.pages.items() if isinstance(page, PlaceholderPage)]
    window.close()
    pump(app, 20)
    ok = not (window.page_errors or missing or exceptions or stuck or problem)
    print(json.dumps({
        "smoke_test": "ok" if ok else "failed",
        "pages": list(window.pages),
        "pages_missing": missing,  # in the registry but never built
        "placeholders": placeholders,  # pages not built yet (a frozen build must show the same)
        "window_shown_ms": round(shown_ms),  # from run_gui's start
        "window_shown_since_launch_ms": None if since_launch_ms is None else round(since_launch_ms),
        "customers": window.customer_count,
        "page_errors": window.page_errors,
        "exceptions": exceptions,
        "jobs_unfinished": stuck,
        "problem": problem,
    }, ensure_ascii=False))
    return 0 if ok else 1
