"""The job runner: long work off the UI thread, with progress, cancel and errors back on the UI thread.

    job = services.jobs.run_in_session(count_customers, title="Counting customers",
                                       on_result=self._show_count, parent=self)

- Lanes: "db" is one thread (SQLite has one writer, so database jobs run in order); "net" is a
  small pool for network calls that never touch the database.
- A job function gets a `JobContext` (`ctx.progress(done, total, text)`, `ctx.cancelled()`,
  `ctx.check()`, `ctx.db`); `run_in_session` opens one `db.session()` per job (one transaction:
  an exception or a cancel rolls it back).
- Signals and callbacks are delivered on the UI thread. A progress dialog with Cancel appears only
  when a job runs longer than `dialog_delay_ms` (0.5 s). Failures are logged and shown in plain words.
"""
from __future__ import annotations

import itertools
import logging
import time
import warnings
from pathlib import Path
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from wadesk.core.jobs import Cancelled, JobContext
from wadesk.ui.errors import is_our_bug, log_exception, plain_error, show_error

log = logging.getLogger(__name__)
_ids = itertools.count(1)
_BAR_MAX = 1_000_000_000  # QProgressBar holds an int; larger totals are scaled


class Job(QObject):
    """One piece of background work. Its public signals fire on the UI thread.

    Only the UI thread holds Job objects; the worker thread sees a plain `_Work` and reports
    through the runner's relay, so a Job is never freed on a worker thread.
    """

    progress = Signal(int, int, str)  # done, total (0 = unknown), text
    succeeded = Signal(object)  # the function's return value
    failed = Signal(str)  # a plain-words message
    cancelled = Signal()
    finished = Signal()  # after any one of the three above

    def __init__(self, title: str, ctx: JobContext):
        super().__init__()
        self.id = next(_ids)
        self.title, self.ctx = title, ctx
        self.is_finished = False
        self.outcome: str | None = None  # "ok", "error" or "cancelled"
        self.result: Any = None
        self.error: BaseException | None = None
        self.last_progress: tuple[int, int, str] = (0, 0, "")
        self.cancellable = True  # False: cancel_all (on quit) lets it finish

    def cancel(self) -> None:
        """Ask the job to stop; it stops at its next check and rolls back its transaction."""
        if not self.is_finished:
            self.ctx.cancel()

    def _deliver_progress(self, done: int, total: int, text: str) -> None:
        if not self.is_finished:
            self.last_progress = (done, total, text)
            self.progress.emit(done, total, text)

    def _deliver_done(self, outcome: str, payload: Any) -> None:
        self.is_finished, self.outcome = True, outcome
        if outcome == "ok":
            self.result = payload
            self.succeeded.emit(payload)
        elif outcome == "cancelled":
            self.cancelled.emit()
        else:
            self.error = payload
            self.failed.emit(plain_error(payload, self.title.lower()))
        self.finished.emit()


class _Relay(QObject):
    """Carries reports from worker threads to the UI thread (queued connections)."""

    progress = Signal(int, int, int, str)  # job id, done, total, text
    done = Signal(int, str, object)  # job id, outcome, result or exception


class _Work(QRunnable):
    """The worker-thread side of a job: the function, its context and where to report."""

    def __init__(self, job_id: int, title: str, fn: Callable[[JobContext], Any], relay: _Relay):
        super().__init__()
        self.job_id, self.title, self.fn, self.relay = job_id, title, fn, relay
        self.ctx: JobContext | None = None
        self._last_emit = 0.0

    def report(self, done: int, total: int, text: str = "") -> None:
        now = time.monotonic()
        if now - self._last_emit >= 0.05 or (total and done >= total):
            self._last_emit = now
            self.relay.progress.emit(self.job_id, done, total, text)

    def run(self) -> None:
        assert self.ctx is not None
        try:
            self.ctx.check()  # cancelled while waiting in the queue
            outcome, payload = "ok", self.fn(self.ctx)
        except Cancelled:
            outcome, payload = "cancelled", None
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the UI thread
            if is_our_bug(exc):
                log_exception(log, f"Job {self.title!r} failed", exc)
            else:
                log.warning("Job %r failed: %s", self.title, exc)
            outcome, payload = "error", exc
        self.fn = self.ctx = None  # type: ignore[assignment]  # drop references on this thread
        self.relay.done.emit(self.job_id, outcome, payload)


def _disconnect_all(job: Job) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for signal in (job.progress, job.succeeded, job.failed, job.cancelled, job.finished):
            try:
                signal.disconnect()
            except (RuntimeError, TypeError):
                pass


class JobRunner(QObject):
    """Starts jobs on the database lane or the network pool and tracks them until they finish."""

    def __init__(self, db: Any, parent: QObject | None = None, *, dialog_delay_ms: int = 500,
                 net_threads: int = 4, log_path: Path | None = None):
        super().__init__(parent)
        self.db = db
        self.dialog_delay_ms = dialog_delay_ms
        self.log_path = log_path
        self.db_pool = QThreadPool(self)
        self.db_pool.setMaxThreadCount(1)
        self.net_pool = QThreadPool(self)
        self.net_pool.setMaxThreadCount(net_threads)
        self.active: dict[int, Job] = {}
        self.dialogs: dict[int, QProgressDialog] = {}
        self._closing = False
        self._relay = _Relay(self)
        self._relay.progress.connect(self._on_progress)  # queued: emitted on worker threads
        self._relay.done.connect(self._on_done)

    @property
    def busy(self) -> bool:
        return bool(self.active)

    def run(self, fn: Callable[[JobContext], Any], *, title: str = "Working", lane: str = "db",
            parent: QWidget | None = None, on_result: Callable[[Any], None] | None = None,
            on_error: Callable[[str], None] | None = None,
            on_cancelled: Callable[[], None] | None = None, progress_dialog: bool = True,
            cancellable: bool = True, show_errors: bool = True) -> Job:
        """Run `fn(ctx)` off the UI thread. Callbacks are skipped if `parent` was deleted meanwhile."""
        if lane not in ("db", "net"):
            raise ValueError(f"unknown job lane {lane!r}")
        work = _Work(0, title, fn, self._relay)
        job = Job(title, JobContext(progress=work.report, db=self.db))
        job.cancellable = cancellable
        work.job_id, work.ctx = job.id, job.ctx
        self.active[job.id] = job

        def alive() -> bool:
            return parent is None or shiboken6.isValid(parent)

        if on_result:
            job.succeeded.connect(lambda r: alive() and on_result(r))
        if on_cancelled:
            job.cancelled.connect(lambda: alive() and on_cancelled())
        if on_error:
            job.failed.connect(lambda m: alive() and on_error(m))
        if show_errors:
            job.failed.connect(lambda m: self._present_error(job, m, parent if alive() else None))
        job.finished.connect(lambda: self._finish(job))
        if progress_dialog:
            QTimer.singleShot(self.dialog_delay_ms, self,
                              lambda: self._open_dialog(job, parent if alive() else None, cancellable))
        (self.db_pool if lane == "db" else self.net_pool).start(work)
        return job

    def run_in_session(self, fn: Callable[[Any, JobContext], Any], **kwargs: Any) -> Job:
        """Run `fn(session, ctx)` in its own `db.session()`: one transaction, rolled back on error."""

        def in_session(ctx: JobContext) -> Any:
            with ctx.db.session() as session:
                return fn(session, ctx)

        return self.run(in_session, **kwargs)

    def cancel_all(self) -> None:
        """Stop every job that may be stopped; short non-cancellable writes (a setting) finish."""
        for job in list(self.active.values()):
            if job.cancellable:
                job.cancel()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel everything and wait for the threads (on quit). True if all stopped in time."""
        self._closing = True
        self.cancel_all()
        ok = self.db_pool.waitForDone(timeout_ms) and self.net_pool.waitForDone(timeout_ms)
        for dlg in self.dialogs.values():
            dlg.hide()
            dlg.deleteLater()
        self.dialogs.clear()
        return ok

    @Slot(int, int, int, str)
    def _on_progress(self, job_id: int, done: int, total: int, text: str) -> None:
        job = self.active.get(job_id)
        if job is not None:
            job._deliver_progress(done, total, text)

    @Slot(int, str, object)
    def _on_done(self, job_id: int, outcome: str, payload: Any) -> None:
        job = self.active.get(job_id)
        if job is not None:
            job._deliver_done(outcome, payload)  # its `finished` signal calls _finish

    # -- dialog and errors ---------------------------------------------------------------------
    def _open_dialog(self, job: Job, parent: QWidget | None, cancellable: bool) -> None:
        if self._closing or job.is_finished or job.id not in self.active:
            return
        dlg = QProgressDialog(parent)
        dlg.setObjectName("jobProgress")
        dlg.setWindowTitle(f"WaDesk — {job.title}")
        dlg.setLabelText(f"{job.title}…")
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.setMinimumDuration(0)
        dlg.setMinimumWidth(380)
        if cancellable:
            dlg.setCancelButtonText("Cancel")
            dlg.canceled.connect(job.cancel)
            dlg.canceled.connect(lambda: dlg.setLabelText("Stopping… (nothing half-done is kept)"))
        else:
            dlg.setCancelButton(None)
        self.dialogs[job.id] = dlg
        job.progress.connect(lambda d, t, text: self._update_dialog(dlg, job, d, t, text))
        self._update_dialog(dlg, job, *job.last_progress)
        dlg.show()

    def _update_dialog(self, dlg: QProgressDialog, job: Job, done: int, total: int, text: str) -> None:
        if not shiboken6.isValid(dlg) or job.ctx.cancelled():
            return
        if total <= 0:
            dlg.setRange(0, 0)  # busy indicator
        else:
            scale = max(1, -(-total // _BAR_MAX))
            dlg.setRange(0, total // scale)
            dlg.setValue(min(done, total) // scale)
        if not text and total > 0:
            text = f"{job.title}… {done:,} of {total:,} done"
        dlg.setLabelText(text or f"{job.title}…")

    def _present_error(self, job: Job, message: str, parent: QWidget | None) -> None:
        if job.error is not None and is_our_bug(job.error) and self.log_path is not None:
            message = f"{message}\n\nLog file: {self.log_path}"
        show_error(parent, f"WaDesk — {job.title}", message)

    def _finish(self, job: Job) -> None:
        self.active.pop(job.id, None)
        dlg = self.dialogs.pop(job.id, None)
        if dlg is not None and shiboken6.isValid(dlg):
            dlg.hide()  # hide, not close: closing a QProgressDialog emits canceled
            QTimer.singleShot(0, dlg.deleteLater)
        # Connections to lambdas that mention the job would keep it alive forever; cut them
        # once everyone has heard `finished`.
        QTimer.singleShot(0, self, lambda: _disconnect_all(job))
