"""Automation passes from the app: core's `run_pass` on the job runner's network pool, one at a time.

The runner is app-wide (one per AppServices, see `automation_runner`): the page's "Run now", the
timer and the after-import hook all ask it. A request while a pass runs is remembered and run once
more when it ends (an import during a pass is not missed); a pass in another WaDesk window or a
scheduled `wadesk automations run` is kept apart by core's leases and ledger keys.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from wadesk.ui import events
from wadesk.ui.campaigns.runner import UiSendControl
from wadesk.ui.whatsapp_env import SandboxProvider

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PassOutcome:
    result: Any  # core PassResult
    at: datetime
    why: str  # "now" (the owner), "timer", "import"


def pass_job(db: Any, engine: Callable[[], Any], sandbox: Callable[[], Any], clock: Any, control: UiSendControl,
             report: Callable[[Any], None], ctx: Any) -> Any:
    """One pass in the current mode. Without enabled flows or messages waiting, nothing is opened (nor
    the segment engine made: `engine()` imports numpy/pandas the first time, here, off the UI thread)."""
    from sqlalchemy import func, select

    from wadesk.core.automations.runner import PassResult, automation_scope, run_pass
    from wadesk.core.campaigns import ledger as L
    from wadesk.core.campaigns.lease import CampaignBusy
    from wadesk.core.db.automation_models import Flow
    from wadesk.core.db.models import Message
    from wadesk.core.messaging.account import resolve_mode
    from wadesk.core.messaging.connection import open_client
    from wadesk.ui.whatsapp_env import UserError, user_errors

    control.bind(ctx)
    with db.session() as s:
        is_sandbox = resolve_mode(s).sandbox
        flows = s.scalar(select(func.count()).select_from(Flow).where(Flow.enabled.is_(True),
                                                                      Flow.is_sandbox == is_sandbox)) or 0
        waiting = s.scalar(select(func.count()).select_from(Message).where(
            *automation_scope(is_sandbox), Message.status.in_(L.WAITING))) or 0
    if not flows and not waiting:
        return PassResult()
    try:
        with user_errors(), open_client(db, sandbox=sandbox() if is_sandbox else None, max_retries=0) as (client, _m):
            return run_pass(db, client, sandbox=is_sandbox, engine=engine(), clock=clock, control=control,
                            progress=report)
    except CampaignBusy as exc:
        raise UserError(str(exc)) from None


class AutomationRunner(QObject):
    started = Signal(str)  # why
    progress = Signal(object)  # core SendProgress while the pass sends
    finished = Signal(object)  # PassOutcome, or None when it failed / was stopped
    failed = Signal(str, str)  # plain words, why
    _report = Signal(object)  # from the pass's thread

    def __init__(self, services: Any, sandbox: Callable[[], Any] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.services = services
        self.sandbox = sandbox or SandboxProvider(services.data_dir.root)
        self.job: Any = None
        self.control: UiSendControl | None = None
        self.why = ""
        self.again: str | None = None  # asked for while running: run once more after
        self.last: PassOutcome | None = None
        self.last_error: str | None = None
        self._report.connect(self.progress)  # queued onto the UI thread

    @property
    def running(self) -> bool:
        return self.job is not None

    def run(self, why: str = "now") -> bool:
        """Start a pass; False if one is running (it runs again once this one ends)."""
        if self.job is not None:
            self.again = self.again or why
            return False
        services = self.services
        db, sandbox, clock = services.db, self.sandbox, services.clock

        def engine() -> Any:
            return services.segment_engine  # thread-safe, made on first use
        control = self.control = UiSendControl()
        self.why = why
        self.job = self.services.jobs.run(
            lambda ctx: pass_job(db, engine, sandbox, clock, control, self._report.emit, ctx),
            title="Running automations", lane="net", progress_dialog=False, show_errors=False)
        self.job.succeeded.connect(lambda result: self._done(result, None))
        self.job.failed.connect(lambda message: self._done(None, message))
        self.job.cancelled.connect(lambda: self._done(None, None))
        self.started.emit(why)
        return True

    def stop(self) -> None:
        """Stop sending: messages in flight finish, the rest stay queued for the next pass."""
        if self.control is not None:
            self.control.request_pause()
        self.again = None

    def _done(self, result: Any, message: str | None) -> None:
        why, self.job, self.control = self.why, None, None
        if message is not None:
            log.info("Automation pass (%s) failed: %s", why, message)
            self.last_error = message
            self.failed.emit(message, why)
            self.finished.emit(None)
        else:
            self.last_error = None
            outcome = PassOutcome(result, self.services.clock.now(), why) if result is not None else None
            if outcome is not None:
                self.last = outcome
                if result.flows or result.sent or result.queued:
                    log.info("Automation pass (%s): %s", why, result.as_json())
            self.finished.emit(outcome)
        if result is None or _changed_anything(result):  # quiet timer passes don't make pages re-read
            self.services.bus.notify(events.AUTOMATIONS)
        again, self.again = self.again, None
        if again:
            self.run(again)


def _changed_anything(r: Any) -> bool:
    return any((r.enrolled, r.held_out, r.queued, r.sent, r.exited, r.deferred, r.completed, r.notes))


def automation_runner(services: Any, sandbox: Callable[[], Any] | None = None) -> AutomationRunner:
    """The app's one runner, made on first use and kept on the services object."""
    runner = services.__dict__.get("_automation_runner")
    if runner is None:
        runner = AutomationRunner(services, sandbox, parent=services.jobs)
        services.__dict__["_automation_runner"] = runner
    return runner
