"""Errors in plain words: what a shop owner sees when a job fails or WaDesk hits a bug."""
from __future__ import annotations

import errno
import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Callable

from PySide6.QtCore import QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from wadesk.core.db import DatabaseError
from wadesk.core.jobs import Cancelled
from wadesk.core.logging_setup import scrub

log = logging.getLogger(__name__)
_open_boxes: set[QMessageBox] = set()


def log_exception(logger: logging.Logger, message: str, exc: BaseException) -> None:
    """Log an exception with its traceback, secrets scrubbed from every line (not only the message)."""
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    logger.error("%s\n%s", message, scrub(trace).rstrip())


def is_our_bug(exc: BaseException) -> bool:
    """False for faults of the environment or the input (tell the user), True for bugs (log a trace)."""
    if isinstance(exc, (Cancelled, DatabaseError, ValueError, OSError)):
        return False
    try:
        from sqlalchemy.exc import OperationalError
    except ImportError:  # pragma: no cover
        return True
    return not isinstance(exc, OperationalError)


def plain_error(exc: BaseException, doing: str = "") -> str:
    """One or two sentences for the user; no tracebacks, no secrets."""
    doing = f" while {doing}" if doing else ""
    if isinstance(exc, (Cancelled, DatabaseError, ValueError)):
        return scrub(str(exc))
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "locked" in text or "busy" in text:
        return ("The shop database is busy (another WaDesk window or program is using it). "
                "Wait a moment and try again.")
    if ("disk" in text and "full" in text) or getattr(exc, "errno", None) == errno.ENOSPC:
        return "The disk is full. Free some space and try again; nothing was changed."
    if isinstance(exc, PermissionError):
        return f"WaDesk is not allowed to open {exc.filename or 'a file it needs'}. Check its permissions."
    if isinstance(exc, FileNotFoundError):
        return f"The file {exc.filename or ''} was not found.".replace("  ", " ")
    if isinstance(exc, OSError):
        return f"A file could not be read or written{doing}: {scrub(exc.strerror or str(exc))}."
    if not is_our_bug(exc):
        return f"The shop database could not be read or written{doing}. Try again in a moment."
    return f"Something went wrong{doing}. The details were written to the log file."


def show_error(parent: QWidget | None, title: str, message: str) -> QMessageBox:
    """A non-blocking warning box (it closes itself; tests can find it and read its text)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:  # nothing else keeps a parentless box alive while it is open
        _open_boxes.add(box)
        box.finished.connect(lambda _r: _open_boxes.discard(box))
    box.open()
    return box


class CrashReporter(QObject):
    """`sys.excepthook`: log the trace, then tell the user where the log is (never the secrets)."""

    _post = Signal(str)

    def __init__(self, log_path: Path, parent_window: Callable[[], QWidget | None] = lambda: None):
        super().__init__()
        self.log_path = log_path
        self.parent_window = parent_window
        self._previous = sys.excepthook
        self._showing = False
        self._post.connect(self._show)  # queued when an exception happens on another thread

    def install(self) -> "CrashReporter":
        sys.excepthook = self.excepthook
        threading.excepthook = lambda args: self.excepthook(
            args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)
        return self

    def uninstall(self) -> None:
        sys.excepthook = self._previous
        threading.excepthook = threading.__excepthook__

    def excepthook(self, exc_type: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous(exc_type, exc, tb)
            return
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        log_exception(log, "Unexpected error", exc)
        summary = scrub("".join(traceback.format_exception_only(exc_type, exc)).strip())
        if QApplication.instance() is not None:
            self._post.emit(summary)

    @Slot(str)
    def _show(self, summary: str) -> None:
        if self._showing:  # one box at a time; the rest is in the log
            return
        self._showing = True
        box = QMessageBox(QMessageBox.Icon.Critical, "WaDesk — something went wrong",
                          "Something went wrong inside WaDesk. Your data is safe; you can keep "
                          "working, or restart WaDesk if something looks wrong.\n\n"
                          f"The details were written to the log file:\n{self.log_path}\n\n"
                          "If this keeps happening, send that file to support.",
                          QMessageBox.StandardButton.Ok, self.parent_window())
        box.setObjectName("crashBox")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setDetailedText(summary)
        box.setEscapeButton(box.button(QMessageBox.StandardButton.Ok))  # Esc and the close box work
        folder = box.addButton("Open the log folder", QMessageBox.ButtonRole.ActionRole)
        folder.clicked.connect(lambda: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(self.log_path.parent))))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self._closed)
        self._box = box  # keep it alive while open
        box.open()

    @Slot()
    def _closed(self) -> None:
        self._showing = False
        self._box = None
