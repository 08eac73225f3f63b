"""Sending campaigns from the app: one CampaignSender per campaign on the job runner's network pool.

The runner is app-wide (one per AppServices, see `campaign_runner`): the Campaigns page, the
start-up resume offer, the 30-second schedule check and the quit guard all talk to the same one.
Progress (core's SendProgress) and the outcome come back as signals on the UI thread. Pause and
cancel go through core's SendControl; a job-runner cancel (app quit) pauses cleanly too.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal

from wadesk.core.campaigns.sender import SendControl
from wadesk.ui import events
from wadesk.ui.whatsapp_env import SandboxProvider

log = logging.getLogger(__name__)


class _PauseOrCancel:
    """The sender's pause flag, also set when the job runner cancels the job (the app quits)."""

    def __init__(self, pause: threading.Event, ctx: Any):
        self._pause, self._ctx = pause, ctx

    def is_set(self) -> bool:
        return self._pause.is_set() or self._ctx.cancelled()

    def set(self) -> None:
        self._pause.set()


class UiSendControl(SendControl):
    def bind(self, ctx: Any) -> None:
        self.pause = _PauseOrCancel(self.pause, ctx)  # type: ignore[assignment]


@dataclass
class Running:
    campaign_id: int
    control: UiSendControl
    job: Any
    last: Any = None  # the latest SendProgress


def send_job(db: Any, sandbox: Callable[[], Any], campaign_id: int, control: UiSendControl,
             report: Callable[[Any], None], clock: Any, ctx: Any) -> Any:
    """The job: a client for the current mode, then the sender until done / paused / stopped / waiting."""
    from wadesk.core.campaigns.sender import CampaignSender
    from wadesk.core.messaging.account import resolve_mode
    from wadesk.core.messaging.connection import open_client
    from wadesk.core.campaigns.lease import CampaignBusy
    from wadesk.ui.whatsapp_env import UserError, user_errors

    control.bind(ctx)
    with db.session() as s:
        is_sandbox = resolve_mode(s).sandbox
    try:
        with user_errors(), open_client(db, sandbox=sandbox() if is_sandbox else None, max_retries=0) as (client, _m):
            return CampaignSender(db, client, campaign_id, sandbox=is_sandbox, control=control, progress=report,
                                  clock=clock).run()
    except (CampaignBusy, LookupError) as exc:  # another window is sending it; it was deleted
        raise UserError(str(exc)) from None


class CampaignRunner(QObject):
    progress = Signal(int, object)  # campaign id, SendProgress
    finished = Signal(int, object)  # campaign id, RunOutcome (None when it failed)
    failed = Signal(int, str)  # campaign id, plain words
    running_changed = Signal()
    _report = Signal(int, object)  # from the sender's thread

    def __init__(self, services: Any, sandbox: Callable[[], Any] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.services = services
        self.sandbox = sandbox or SandboxProvider(services.data_dir.root)
        self.running: dict[int, Running] = {}
        self._report.connect(self._on_report)  # queued: emitted on the sender's thread

    # -- questions -------------------------------------------------------------------------------
    def is_running(self, campaign_id: int) -> bool:
        return campaign_id in self.running

    @property
    def sending(self) -> bool:
        return bool(self.running)

    def last_progress(self, campaign_id: int) -> Any:
        r = self.running.get(campaign_id)
        return r.last if r else None

    # -- actions ---------------------------------------------------------------------------------
    def start(self, campaign_id: int) -> bool:
        """Send (or resume) a campaign; False if it is already sending from this window."""
        if campaign_id in self.running:
            return False
        control = UiSendControl()
        db, sandbox, clock = self.services.db, self.sandbox, self.services.clock

        def report(p: Any) -> None:
            self._report.emit(campaign_id, p)

        job = self.services.jobs.run(lambda ctx: send_job(db, sandbox, campaign_id, control, report, clock, ctx),
                                     title="Sending a campaign", lane="net", progress_dialog=False,
                                     show_errors=False)
        self.running[campaign_id] = Running(campaign_id, control, job)
        job.succeeded.connect(lambda outcome: self._done(campaign_id, outcome, None))
        job.failed.connect(lambda message: self._done(campaign_id, None, message))
        job.cancelled.connect(lambda: self._done(campaign_id, None, None))
        self.services.bus.notify(events.CAMPAIGNS)
        self.running_changed.emit()
        return True

    def pause(self, campaign_id: int) -> None:
        r = self.running.get(campaign_id)
        if r is not None:
            r.control.request_pause()

    def cancel(self, campaign_id: int) -> bool:
        """Cancel while sending (messages in flight finish; the rest become cancelled). False if not
        sending here: the page cancels it with a database job instead."""
        r = self.running.get(campaign_id)
        if r is None:
            return False
        r.control.request_cancel()
        return True

    def pause_all_and_wait(self, timeout_ms: int = 60_000) -> list[int]:
        """Pause every send and wait until each run has returned (on quit). Returns the ids paused."""
        ids = list(self.running)
        for cid in ids:
            self.pause(cid)
        if self.running:
            loop = QEventLoop()

            def check() -> None:
                if not self.running:
                    loop.quit()

            self.running_changed.connect(check)
            QTimer.singleShot(timeout_ms, loop.quit)
            loop.exec()
            self.running_changed.disconnect(check)
        return ids

    # -- answers ---------------------------------------------------------------------------------
    def _on_report(self, campaign_id: int, p: Any) -> None:
        r = self.running.get(campaign_id)
        if r is not None:
            r.last = p
        self.progress.emit(campaign_id, p)

    def _done(self, campaign_id: int, outcome: Any, message: str | None) -> None:
        self.running.pop(campaign_id, None)
        if message is not None:
            log.info("Campaign %s could not send: %s", campaign_id, message)
            self.failed.emit(campaign_id, message)
        self.finished.emit(campaign_id, outcome)
        self.services.bus.notify(events.CAMPAIGNS)
        self.running_changed.emit()


def campaign_runner(services: Any, sandbox: Callable[[], Any] | None = None) -> CampaignRunner:
    """The app's one runner, made on first use and kept on the services object."""
    runner = services.__dict__.get("_campaign_runner")
    if runner is None:
        runner = CampaignRunner(services, sandbox, parent=services.jobs)
        services.__dict__["_campaign_runner"] = runner
    return runner
