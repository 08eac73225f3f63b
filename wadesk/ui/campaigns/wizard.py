"""The new-campaign wizard, a stepped panel inside the Campaigns page (so Settings or Templates can be
opened meanwhile): Customers → Template → Personalise (+ pre-flight) → Holdout → Schedule → Review.

Nothing is written until the last button: `freeze_campaign` then writes the campaign and every
message in one transaction (db lane, progress, Cancel leaves nothing behind).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from wadesk.core.campaigns.holdout import new_campaign_key
from wadesk.ui.campaigns import data
from wadesk.ui.campaigns.campaign_view import SANDBOX_BADGE
from wadesk.ui.campaigns.personalise import PersonaliseStep
from wadesk.ui.campaigns.review import ReviewStep
from wadesk.ui.campaigns.steps import CustomersStep, HoldoutStep, ScheduleStep, Step, TemplateStep

# The app's primary (green) button has no disabled look; a greyed green says "not yet".
PRIMARY_DISABLED = "QPushButton:disabled { background: #b9dcc9; border: 1px solid #b9dcc9; color: #f2f8f4; }"
LOWEST_TIER = 250  # Meta's smallest daily limit: the safe plan when WhatsApp can't be asked


@dataclass
class WizardState:
    setup: data.WizardSetup | None = None
    daily_limit: int | None = LOWEST_TIER
    daily_limit_note: str = ""
    audience: Any = None  # core Audience
    audience_name: str | None = None  # the combo's name (None: all customers)
    counts: dict[str, int] | None = None
    template: Any = None
    spec: Any = None
    mapping: Any = None
    preflight: data.Review | None = None  # the Personalise step's check
    exclude_ids: frozenset[int] = frozenset()
    holdout_pct: int = 10
    at: datetime | None = None
    time_sensitive: bool = False
    include_gst: bool = True
    review: data.Review | None = None
    name: str = ""
    # One holdout draw from the Review to the saved campaign (the same people are kept out).
    campaign_key: str = dataclasses.field(default_factory=new_campaign_key)

    def ready_count(self) -> int:
        if self.preflight is None:
            return 0
        return self.preflight.plan.funnel["preflight_ok"] - len(self.exclude_ids)

    def default_name(self, now: datetime) -> str:
        return f"{self.spec.name if self.spec else 'Campaign'} {now.astimezone():%d %b %H:%M}"

    def request(self, exclude: bool = True) -> Any:
        from wadesk.core.campaigns.freeze import CampaignRequest

        policy = dataclasses.replace(self.setup.policy, holdout_pct=self.holdout_pct,
                                     time_sensitive=self.time_sensitive, include_gst=self.include_gst)
        name = self.name.strip() or "Campaign"
        mapping = dataclasses.replace(self.mapping, utm_campaign=name) if self.mapping is not None else None
        return CampaignRequest(name=name, audience=self.audience, template=self.template, mapping=mapping,
                               policy=policy, at=self.at, exclude_ids=self.exclude_ids if exclude else frozenset(),
                               daily_limit=self.daily_limit, marketing_endpoint=self.setup.marketing_endpoint,
                               campaign_key=self.campaign_key)


class CampaignWizard(QWidget):
    closed = Signal(object, bool)  # campaign id (None: cancelled), send now

    def __init__(self, services: Any, sandbox: Callable[[], Any], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("campaignWizard")
        self.services, self.sandbox = services, sandbox
        self.state = WizardState()
        self.freezing = False
        self.test_dialog = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel("New campaign", objectName="pageTitle"))
        self.sandbox_badge = QLabel("SANDBOX", objectName="wizardSandbox")
        self.sandbox_badge.setStyleSheet(SANDBOX_BADGE)
        self.sandbox_badge.hide()
        top.addWidget(self.sandbox_badge)
        top.addStretch(1)
        self.crumbs = QLabel(objectName="wizardSteps")
        top.addWidget(self.crumbs)
        layout.addLayout(top)
        self.stack = QStackedWidget(objectName="wizardStack")
        self.steps: list[Step] = [CustomersStep(self), TemplateStep(self), PersonaliseStep(self), HoldoutStep(self),
                                  ScheduleStep(self), ReviewStep(self)]
        for step in self.steps:
            self.stack.addWidget(step)
            step.changed.connect(self._update)
        layout.addWidget(self.stack, 1)
        bottom = QHBoxLayout()
        self.cancel_button = QPushButton("Cancel", objectName="wizardCancel", toolTip="Nothing is saved (Esc)")
        self.cancel_button.clicked.connect(self.cancel)
        bottom.addWidget(self.cancel_button)
        self.problem = QLabel(objectName="wizardProblem")
        self.problem.setStyleSheet("color: #7a5200;")
        self.problem.setWordWrap(True)
        bottom.addWidget(self.problem, 1)
        self.back_button = QPushButton("◀ Back", objectName="wizardBack", toolTip="Alt+←")
        self.back_button.setShortcut("Alt+Left")
        self.next_button = QPushButton("Next ▶", objectName="wizardNext", toolTip="Alt+→")
        self.next_button.setShortcut("Alt+Right")
        self.next_button.setProperty("primary", True)
        self.finish_button = QPushButton("Create and send", objectName="wizardFinish")
        self.finish_button.setProperty("primary", True)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.finish_button.clicked.connect(self.finish)
        for b in (self.back_button, self.next_button, self.finish_button):
            bottom.addWidget(b)
        for b in (self.next_button, self.finish_button):
            b.setStyleSheet(PRIMARY_DISABLED)
        layout.addLayout(bottom)
        self.index = 0
        self._update()
        self._load()
        services.bus.changed.connect(self._on_data_changed)

    # -- set-up ----------------------------------------------------------------------------------
    def _load(self) -> None:
        self.problem.setText("Reading your templates and segments…")
        self.services.jobs.run_in_session(data.read_setup, title="Preparing the campaign wizard", parent=self,
                                          on_result=self._loaded, show_errors=True)

    def _loaded(self, setup: data.WizardSetup) -> None:
        self.state.setup = setup
        self.state.include_gst = setup.policy.include_gst
        self.sandbox_badge.setVisible(setup.sandbox)
        self.sandbox_badge.setToolTip(setup.mode_reason)
        self.steps[0].load(setup.saved)
        self.steps[1].load(setup.templates, setup.sandbox)
        self.steps[3].load(setup.policy.holdout_pct)
        self.steps[4].load(setup.policy, self.services.clock.now())
        db, sandbox, is_sandbox = self.services.db, self.sandbox, setup.sandbox
        self.services.jobs.run(lambda _ctx: data.read_daily_limit(db, sandbox, is_sandbox),
                               title="Reading your daily limit", lane="net", parent=self, progress_dialog=False,
                               show_errors=False, on_result=self._got_limit, on_error=self._no_limit)
        self._update()

    def _got_limit(self, limit: int | None) -> None:
        self._set_limit(limit, "")

    def _no_limit(self, message: str) -> None:
        self._set_limit(LOWEST_TIER, f"WhatsApp could not be asked for your daily limit ({message}), so the plan "
                                     f"assumes {LOWEST_TIER}, the lowest.")

    def _set_limit(self, limit: int | None, note: str) -> None:
        changed = (limit, note) != (self.state.daily_limit, self.state.daily_limit_note)
        self.state.daily_limit, self.state.daily_limit_note = limit, note
        if changed:
            self._replan()

    def _on_data_changed(self, what: frozenset[str]) -> None:
        """Settings → Sending edited meanwhile (the Review links there): plan with the new values."""
        from wadesk.ui import events

        if self.state.setup is None or self.freezing or not events.touches(what, events.SETTINGS):
            return
        self.services.jobs.run_in_session(data.read_setup, title="Reading the sending settings", parent=self,
                                          progress_dialog=False, show_errors=False, on_result=self._new_settings)

    def _new_settings(self, setup: data.WizardSetup) -> None:
        if self.state.setup is None:
            return
        self.state.setup.policy = setup.policy
        self.state.setup.marketing_endpoint = setup.marketing_endpoint
        self._replan()

    def _replan(self) -> None:
        """The Review shown is out of date: prepare it again."""
        if self.index == len(self.steps) - 1 and not self.freezing and not self.steps[-1].planning:
            self.steps[-1].plan()

    # -- moving ----------------------------------------------------------------------------------
    @property
    def step(self) -> Step:
        return self.steps[self.index]

    def go(self, index: int) -> None:
        self.index = max(0, min(index, len(self.steps) - 1))
        self.stack.setCurrentIndex(self.index)
        self.step.enter()
        self._update()

    def next(self) -> None:
        if self.next_button.isEnabled() and self.index < len(self.steps) - 1:
            self.go(self.index + 1)

    def back(self) -> None:
        if self.index > 0 and not self.freezing:
            self.go(self.index - 1)

    def cancel(self) -> None:
        from wadesk.ui import dialogs

        if self.freezing:
            return
        if self.index > 0 and not dialogs.confirm(self, "WaDesk — New campaign",
                                                  "Leave this new campaign? Nothing has been saved yet.", "Leave it"):
            return
        self.closed.emit(None, False)

    def _update(self) -> None:
        names = [f"<b style='color:#0f6b45'>{i + 1} {s.title}</b>" if i == self.index
                 else f"<span style='color:#8fa39a'>{i + 1} {s.title}</span>" for i, s in enumerate(self.steps)]
        self.crumbs.setText("  ›  ".join(names))
        problem = self.step.problem() if self.state.setup is not None else "Reading your templates and segments…"
        self.problem.setText(problem or "")
        self.problem.setStyleSheet("color: #7a5200;")
        last = self.index == len(self.steps) - 1
        self.back_button.setEnabled(self.index > 0 and not self.freezing)
        self.next_button.setVisible(not last)
        self.next_button.setEnabled(problem is None)
        self.finish_button.setVisible(last)
        self.finish_button.setEnabled(last and problem is None and not self.freezing)
        review = self.state.review
        scheduled = review is not None and review.plan.start > self.services.clock.now()
        self.finish_button.setText("Schedule" if scheduled and self.state.at is not None
                                   else "Create (starts after quiet hours)" if scheduled else "Create and send")

    # -- the end -----------------------------------------------------------------------------------
    def finish(self) -> None:
        from wadesk.core.campaigns.freeze import freeze_campaign

        if not self.finish_button.isEnabled():
            return
        self.freezing = True
        self._update()
        req = self.state.request()
        engine, db, clock, sandbox, is_sandbox = (self.services.segment_engine, self.services.db,
                                                  self.services.clock, self.sandbox, self.state.setup.sandbox)

        def job(ctx: Any) -> tuple[int, bool]:
            upload = data.uploader(db, sandbox() if is_sandbox else None) \
                if isinstance(req.mapping.header_media, str) else None
            cid, plan = freeze_campaign(db, engine, req, sandbox=is_sandbox, clock=clock, upload_media=upload,
                                        progress=ctx.progress, cancelled=ctx.cancelled)
            return cid, plan.start <= clock.now()

        j = self.services.jobs.run(job, title="Creating the campaign", parent=self, on_result=self._created,
                                   on_error=self._not_created, show_errors=False)
        j.cancelled.connect(lambda: self._not_created("Stopped; nothing was saved."))

    def _created(self, result: tuple[int, bool]) -> None:
        self.freezing = False
        cid, send_now = result
        self.closed.emit(cid, send_now)

    def _not_created(self, message: str) -> None:
        self.freezing = False
        self._update()
        self.problem.setText(message)
        self.problem.setStyleSheet("color: #b3261e;")

    def test_send(self) -> None:
        from wadesk.ui.campaigns.test_send import TestSendDialog

        s, services, sandbox = self.state, self.services, self.sandbox
        if s.template is None or s.mapping is None or s.setup is None:
            return
        template, mapping, sample = s.template, s.mapping, s.review.sample_id if s.review else None
        is_sandbox, endpoint, region = s.setup.sandbox, s.setup.marketing_endpoint, s.setup.region

        def make_job(phones: list[str]) -> Callable[[Any], list[Any]]:
            return lambda _ctx: data.send_tests(services.db, sandbox, template, mapping, phones,
                                                is_sandbox=is_sandbox, sample_id=sample, region=region,
                                                campaign_id=None, marketing_endpoint=endpoint, clock=services.clock)

        self.test_dialog = TestSendDialog(services, make_job, is_sandbox, self)
        self.test_dialog.open()
