"""Campaign sending at the app level, whichever page is open:

- at start, offer to resume campaigns left unfinished (ledger.active_campaigns);
- every 30 s, start scheduled campaigns whose time has come and waiting ones that may go again
  (not during quiet hours, and not those the owner chose not to resume);
- closing the window while a campaign sends asks "Pause sending and quit?"; pausing lets the
  messages in flight finish, and the campaign is offered again at the next start.

`install_campaign_hooks(window, services)` is called once by app.py after the window is shown.
"""
from __future__ import annotations

import html
import logging
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from wadesk.core.campaigns import ledger as L
from wadesk.ui.campaigns import data
from wadesk.ui.campaigns.runner import CampaignRunner, campaign_runner
from wadesk.ui.campaigns.words import state_words

log = logging.getLogger(__name__)
DUE_CHECK_MS = 30_000
START_DELAY_MS = 1_500  # let the window paint first


def ask(parent: QWidget | None, title: str, text: str, yes_text: str, no_text: str) -> bool:
    """A question with two plain answers (tests replace it with monkeypatch)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(no_text, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


class CampaignHooks(QObject):
    def __init__(self, window: QWidget, services: Any, runner: CampaignRunner | None = None,
                 check_ms: int = DUE_CHECK_MS):
        super().__init__(window)
        self.window, self.services = window, services
        self.runner = runner or campaign_runner(services)
        self.declined: set[int] = set()  # "not now" at start: only the owner's Send/Resume starts them
        self.offered = False
        self.checking = False
        self.timer = QTimer(self, interval=check_ms)
        self.timer.timeout.connect(self.check_due)
        self.started: set[int] = set()  # sends these hooks started (they report their failures)
        self.runner.failed.connect(self._failed)
        self.runner.finished.connect(lambda cid, _o: self.started.discard(cid))
        window.installEventFilter(self)

    def start(self, delay_ms: int = START_DELAY_MS) -> None:
        QTimer.singleShot(delay_ms, self, self.offer_resume)
        self.timer.start()

    # -- start-up ----------------------------------------------------------------------------------
    def offer_resume(self) -> None:
        now = self.services.clock.now()
        self.services.jobs.run_in_session(lambda s, _ctx: data.read_due(s, now), title="Looking for unfinished "
                                          "campaigns", parent=self.window, progress_dialog=False, show_errors=False,
                                          on_result=self._offer)

    def _offer(self, due: data.Due) -> None:
        self.offered = True
        unfinished = [(cid, name, state) for cid, name, state in due.resumable
                      if state != L.SCHEDULED and not self.runner.is_running(cid)]
        if not unfinished:
            self.check_due()
            return
        lines = "".join(f"<li>{html.escape(name)} — {html.escape(state_words(state).lower())}</li>"
                        for _cid, name, state in unfinished)
        many = len(unfinished) > 1
        text = (f"<p>{'These campaigns were' if many else 'This campaign was'} not finished when WaDesk last "
                f"closed:</p><ul>{lines}</ul><p>Resume sending now? Nobody gets a message twice: WaDesk carries "
                "on with the customers who have not had it yet.</p>")
        if ask(self.window, "WaDesk — Unfinished campaigns", text, "Resume sending", "Not now"):
            for cid, _name, _state in unfinished:
                self._start(cid)
        else:
            self.declined.update(cid for cid, _n, _s in unfinished)
        self.check_due()

    # -- every 30 seconds ------------------------------------------------------------------------
    def check_due(self) -> None:
        if self.checking:
            return
        self.checking = True
        now = self.services.clock.now()
        job = self.services.jobs.run_in_session(lambda s, _ctx: data.read_due(s, now), title="Checking schedules",
                                                parent=self.window, progress_dialog=False, show_errors=False,
                                                on_result=self._start_due)
        job.finished.connect(self._checked)

    def _checked(self) -> None:
        self.checking = False

    def _start_due(self, due: data.Due) -> None:
        states = {cid: state for cid, _n, state in due.resumable}
        for cid in due.due_now:
            if states.get(cid) == L.READY or cid in self.declined or self.runner.is_running(cid):
                continue  # ready campaigns start when the owner says so (start-up offer, Send)
            log.info("Starting campaign %s: its time has come", cid)
            self._start(cid)

    def _start(self, campaign_id: int) -> None:
        if self.runner.start(campaign_id):
            self.started.add(campaign_id)

    def _failed(self, campaign_id: int, message: str) -> None:
        if campaign_id in self.started:
            from wadesk.ui.errors import show_error

            show_error(self.window, "WaDesk — Sending", f"A campaign could not send. {message}")

    # -- closing -----------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt
        if watched is self.window and event.type() == QEvent.Type.Close and self.runner.sending:
            if not ask(self.window, "WaDesk — A campaign is sending",
                       "Pause sending and quit? Messages already on their way finish first (a second or two). "
                       "The rest are kept, and WaDesk offers to resume them the next time it opens.",
                       "Pause and quit", "Keep sending"):
                event.ignore()
                return True
            self.timer.stop()
            paused = self.runner.pause_all_and_wait()
            try:
                data.mark_resumable(self.services.db, paused)
            except Exception:  # noqa: BLE001 - quitting must not fail; they stay paused
                log.exception("Could not mark paused campaigns for resuming")
        return False


def install_campaign_hooks(window: QWidget, services: Any) -> CampaignHooks:
    hooks = CampaignHooks(window, services)
    hooks.start()
    return hooks
