"""The Review step: the whole plan before anything is written — reachability funnel, cost (GST
toggle, rate card in Settings → Sending), the daily-limit plan, break-even, time, warnings — with a
test send to the owner's number and the final "Create and send" / "Schedule"."""
from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton)

from wadesk.ui.widgets.scroll_body import scroll_body
from wadesk.ui.campaigns.funnel import CampaignFunnel
from wadesk.ui.campaigns.steps import MUTED, Step, heading
from wadesk.ui.campaigns.words import local_time, n

WARN = "QLabel#reviewWarnings { background: #fff6dd; border: 1px solid #f0c95c; border-radius: 8px; padding: 8px; }"


class ReviewStep(Step):
    title = "Review"

    def __init__(self, wizard: Any):
        super().__init__(wizard)
        self.planning = False
        self.cost = None
        self.break_even = None
        layout = scroll_body(self)
        for w in heading("Check everything, then send", "Nothing is saved until you press the button below."):
            layout.addWidget(w)
        row = QHBoxLayout()
        row.addWidget(QLabel("Campaign name:"))
        self.name = QLineEdit(objectName="campaignName")
        self.name.setToolTip("For you (and the tracking tags on links); customers don't see it")
        self.name.textChanged.connect(self._name_changed)
        row.addWidget(self.name, 1)
        layout.addLayout(row)
        self.status = QLabel(objectName="reviewStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.funnel = CampaignFunnel()
        layout.addWidget(self.funnel)

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(8)
        self.rows: dict[str, QLabel] = {}
        for i, (key, caption) in enumerate((("cost", "Cost"), ("break_even", "Pays for itself"),
                                            ("plan", "Plan"), ("start", "Starts"),
                                            ("duration", "Takes"), ("what", "Message"))):
            label = QLabel(caption)
            label.setStyleSheet(MUTED)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            value = QLabel(objectName=f"review_{key}")
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.RichText)
            value.setOpenExternalLinks(False)
            grid.addWidget(label, i, 0)
            grid.addWidget(value, i, 1)
            self.rows[key] = value
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        cost_row = QHBoxLayout()
        self.gst = QCheckBox("Include GST", objectName="includeGst")
        self.gst.setToolTip("Meta adds GST to its bill in India")
        self.gst.toggled.connect(self._gst_changed)
        cost_row.addWidget(self.gst)
        self.rate_link = QLabel("<a href='settings'>Rate card: Settings → Sending</a>", objectName="rateCardLink")
        self.rate_link.setToolTip("Meta changes its prices; keep the rate card up to date there")
        self.rate_link.linkActivated.connect(lambda _l: self.services.bus.request_page("settings"))
        cost_row.addWidget(self.rate_link)
        cost_row.addStretch(1)
        layout.addLayout(cost_row)
        self.warnings = QLabel(objectName="reviewWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        self.warnings.setStyleSheet(WARN)
        layout.addWidget(self.warnings)
        tests = QHBoxLayout()
        self.test_button = QPushButton("Send a test to my number…", objectName="wizardTest")
        self.test_button.setToolTip("See the real message on your own phone before sending to customers")
        self.test_button.clicked.connect(self.wizard.test_send)
        tests.addWidget(self.test_button)
        tests.addStretch(1)
        layout.addLayout(tests)
        layout.addStretch(1)

    def enter(self) -> None:
        if not self.name.text().strip():
            self.name.setText(self.state.default_name(self.services.clock.now()))
        self.gst.blockSignals(True)
        self.gst.setChecked(self.state.include_gst)
        self.gst.blockSignals(False)
        self.plan()

    def _name_changed(self, text: str) -> None:
        self.state.name = text
        self.changed.emit()

    # -- planning --------------------------------------------------------------------------------
    def plan(self) -> None:
        from wadesk.ui.campaigns.data import plan_review

        self.state.review = None
        self.planning = True
        self.funnel.show_counts(None)
        for v in self.rows.values():
            v.setText("…")
        self.warnings.hide()
        self.status.setText("Working out who gets it, the cost and the plan…")
        req = self.state.request()
        engine, db, clock, sandbox = self.services.segment_engine, self.services.db, self.services.clock, \
            self.state.setup.sandbox
        job = self.services.jobs.run(lambda ctx: plan_review(db, engine, req, sandbox, clock, ctx),
                                     title="Preparing the review", parent=self, on_result=self._planned,
                                     on_error=self._failed, show_errors=False)
        job.cancelled.connect(lambda: self._failed("Stopped. Go Back and Next to prepare the review again."))
        self.changed.emit()

    def _failed(self, message: str) -> None:
        self.planning = False
        self.status.setText(f"<span style='color:#b3261e'>{html.escape(message)}</span>")
        self.changed.emit()

    def _planned(self, review: Any) -> None:
        self.planning = False
        self.state.review = review
        plan = review.plan
        funnel = dict(plan.funnel)
        self.funnel.show_counts(funnel)
        held = len(plan.holdout_ids)
        # The Review and the freeze share the wizard's holdout key: these are the people kept out
        # (unless the data changes before pressing the button).
        self.status.setText(f"<b>{n(len(plan.send_ids))}</b> customers get the message"
                            + (f"; {n(held)} are kept out as the holdout, to measure what the campaign "
                               "really changed." if held else "."))
        self.cost, self.break_even = plan.cost, plan.break_even
        self._show_cost()
        limit = self.state.daily_limit
        limit_words = (f"Your number may message {n(limit)} new customers a day. " if limit
                       else "Your number has no daily limit. ")
        now = self.services.clock.now()
        sentence = plan.plan.sentence(now=now, zone_name=self.state.setup.policy.timezone)  # "today" is today
        self.rows["plan"].setText(html.escape(limit_words + sentence)
                                  + (f"<br><span style='{MUTED}'>{html.escape(self.state.daily_limit_note)}</span>"
                                     if self.state.daily_limit_note else ""))
        self.rows["start"].setText("Now" if plan.start <= now else html.escape(local_time(plan.start))
                                   + (" (after quiet hours)" if self.state.at is None else ""))
        from wadesk.core.campaigns.schedule import duration_words

        days = f" over {plan.plan.days} days (the daily limit)" if plan.plan.days > 1 else ""
        self.rows["duration"].setText(html.escape(
            f"{duration_words(plan.plan.duration_s)} of sending at {plan.plan.rate_per_second:g} messages a second"
            f"{days}; quiet hours may add waiting."))
        spec = self.state.spec
        self.rows["what"].setText(html.escape(f"{spec.name} ({spec.category.lower()}) to {self.state.audience.label}"
                                              + (f", {self.state.holdout_pct}% holdout" if self.state.holdout_pct
                                                 else "")
                                              + (", time-sensitive" if self.state.time_sensitive else "")))
        warnings = list(plan.warnings)
        if self.state.setup.sandbox:
            warnings.insert(0, "Sandbox: messages go to the built-in simulator; no real customer gets anything.")
        self.warnings.setText("<b>Please note</b><ul style='margin-top:2px'>"
                              + "".join(f"<li>{html.escape(w)}</li>" for w in warnings) + "</ul>")
        self.warnings.setVisible(bool(warnings))
        self.changed.emit()

    def _show_cost(self) -> None:
        from wadesk.core.campaigns.pricing import money_words

        c = self.cost
        if c is None:
            return
        gst = f", incl. {money_words(c.gst, c.currency)} GST" if c.gst else " (GST not included)"
        self.rows["cost"].setText(f"<b>{html.escape(money_words(c.total, c.currency))}</b> if every message is "
                                  f"delivered ({html.escape(money_words(c.per_message, c.currency))} a message"
                                  f"{html.escape(gst)}). Undelivered messages are free.")
        self.rows["break_even"].setText(html.escape(self.break_even.sentence(c.currency)))

    def _gst_changed(self, on: bool) -> None:
        from wadesk.core.campaigns.pricing import break_even, estimate_cost

        self.state.include_gst = on
        review = self.state.review
        if review is None:
            return
        policy = self.state.setup.policy
        self.cost = estimate_cost(policy.rate_card, review.countries, review.plan.category, on)
        self.break_even = break_even(self.cost.total, review.plan.break_even.aov, policy.margin_pct)
        review.plan.cost, review.plan.break_even = self.cost, self.break_even
        self._show_cost()

    def problem(self) -> str | None:
        if self.planning or self.state.review is None:
            return "Preparing the review…" if self.planning else "The review could not be prepared."
        if not self.state.name.strip():
            return "Give the campaign a name."
        if not self.state.review.plan.send_ids:
            return "Nobody is left to send to."
        return None

    def policy(self) -> Any:
        return replace(self.state.setup.policy, include_gst=self.state.include_gst)
