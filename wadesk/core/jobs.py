"""Long work without a screen: progress reports and cooperative cancel.

Core functions that take a while accept two plain callables and know nothing of Qt:

    def build_something(db, *, progress=no_progress, cancelled=never_cancelled):
        for i, chunk in enumerate(chunks):
            if cancelled():
                raise Cancelled()
            ...
            progress(i + 1, len(chunks), "Writing customers")

A `JobContext` bundles both (the UI's job runner makes one per job; the CLI and tests can too):
pass `ctx.progress` and `ctx.cancelled`, or call `ctx.check()` to raise `Cancelled`.
Work that is cancelled must leave the database as it was (raise inside the transaction).
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Protocol


class Cancelled(Exception):
    """The user stopped the work; nothing half-done was kept."""

    def __init__(self, message: str = "Stopped by the user; nothing was changed."):
        super().__init__(message)


class ProgressFn(Protocol):
    def __call__(self, done: int, total: int, text: str = "") -> None: ...


CancelledFn = Callable[[], bool]


def no_progress(done: int, total: int, text: str = "") -> None:
    """A progress callback that ignores reports."""


def never_cancelled() -> bool:
    """A cancel check for work nobody can stop."""
    return False


def check_cancelled(cancelled: CancelledFn) -> None:
    """Raise `Cancelled` if the cancel check says so."""
    if cancelled():
        raise Cancelled()


class JobContext:
    """What a running job sees: where to report progress, whether to stop, and the database.

    Thread-safe: `cancel()` may be called from any thread while the job runs on another.
    """

    def __init__(
        self,
        progress: ProgressFn | None = None,
        db: Any = None,
        cancel_event: threading.Event | None = None,
    ):
        self._report = progress or no_progress
        self._cancel = cancel_event or threading.Event()
        # The shop Database (wadesk.core.db.Database) when the job needs one; a job opens its
        # own `db.session()` so every job has its own session.
        self.db = db

    def progress(self, done: int, total: int, text: str = "") -> None:
        """Report `done` of `total` steps (total 0 means "unknown"); `text` says what is happening."""
        self._report(int(done), int(total), text)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise `Cancelled` if someone asked this job to stop."""
        if self._cancel.is_set():
            raise Cancelled()

    def cancel(self) -> None:
        """Ask the job to stop at its next check."""
        self._cancel.set()
