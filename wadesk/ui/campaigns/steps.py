"""The wizard's simple steps: Customers, Template, Holdout, Schedule. Each step is a `Step`: it shows
`state` (the wizard's choices so far), writes its own choice back, and says with `problem()` what
still stops the owner from going on (None = ready)."""
from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QDateTimeEdit, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QRadioButton, QSlider, QSpinBox, QVBoxLayout, QWidget)

from wadesk.ui.campaigns.funnel import CampaignFunnel
from wadesk.ui.campaigns.words import EVERYONE_RULES, n
from wadesk.ui.templates.audience_combo import AudienceCombo
from wadesk.ui.widgets.whatsapp_bubble import WhatsAppChat

MUTED = "color: #5b6b63;"


def heading(text: str, hint: str = "") -> tuple[QLabel, QLabel]:
    title = QLabel(text, objectName="stepTitle")
    title.setStyleSheet("font-size: 17px; font-weight: bold;")
    words = QLabel(hint, objectName="stepHint")
    words.setWordWrap(True)
    words.setStyleSheet(MUTED)
    return title, words


class Step(QWidget):
    title = ""
    changed = Signal()  # the step's choice or readiness changed

    def __init__(self, wizard: Any):
        super().__init__()
        self.wizard = wizard
        self.services = wizard.services

    @property
    def state(self) -> Any:
        return self.wizard.state

    def enter(self) -> None:
        """Called each time the step is shown."""

    def problem(self) -> str | None:
        return None


class CustomersStep(Step):
    title = "Customers"

    def __init__(self, wizard: Any):
        super().__init__(wizard)
        self._gen = 0
        layout = QVBoxLayout(self)
        for w in heading("Who should get this message?", "Pick a saved segment or a ready-made one. WaDesk only "
                         "messages customers it may: a valid number, opted in, not blocked, and not messaged "
                         "too often lately (Settings → Sending)."):
            layout.addWidget(w)
        row = QHBoxLayout()
        row.addWidget(QLabel("Customers:"))
        self.combo = AudienceCombo(self)
        self.combo.setObjectName("campaignAudience")
        self.combo.setToolTip("Saved segments are made on the Segments page")
        row.addWidget(self.combo, 1)
        layout.addLayout(row)
        self.funnel = CampaignFunnel(("matched", "reachable", "opted_in", "not_suppressed", "eligible"))
        layout.addWidget(self.funnel)
        self.count = QLabel(objectName="audienceCount")
        self.count.setWordWrap(True)
        self.count.setStyleSheet("font-size: 14px;")
        layout.addWidget(self.count)
        layout.addStretch(1)
        self.combo.currentIndexChanged.connect(lambda _i: self._chosen())
        self.timer = QTimer(self, singleShot=True, interval=150)
        self.timer.timeout.connect(self._count)

    def load(self, saved: list[tuple[int, str, dict]]) -> None:
        self.combo.set_saved(saved)
        self._chosen()

    def _chosen(self) -> None:
        from wadesk.core.campaigns.freeze import Audience

        choice = self.combo.choice()
        saved = {name: sid for sid, name, _r in (self.state.setup.saved if self.state.setup else [])}
        if choice is None:
            self.state.audience = Audience(EVERYONE_RULES, "all customers")
        else:
            name, rules = choice
            sid = saved.get(name)
            self.state.audience = Audience(rules, f"segment '{name}'" if sid else f"preset '{name}'", sid)
            self.state.audience_name = name
        if choice is None:
            self.state.audience_name = None
        self.state.counts = None
        self.funnel.show_counts(None)
        self.count.setText("Counting…")
        self.changed.emit()
        self.timer.start()

    def _count(self) -> None:
        from wadesk.ui.campaigns.data import reach_counts

        if self.state.setup is None:
            return
        self._gen += 1
        gen, engine, rules, policy = self._gen, self.services.segment_engine, self.state.audience.rules, \
            self.state.setup.policy
        self.services.jobs.run(lambda _ctx: reach_counts(engine, rules, policy), title="Counting customers",
                               parent=self, progress_dialog=False, show_errors=False,
                               on_result=lambda c: self._counted(gen, c),
                               on_error=lambda m: gen == self._gen and self.count.setText(m))

    def _counted(self, gen: int, counts: dict[str, int]) -> None:
        if gen != self._gen:
            return
        self.state.counts = counts
        self.funnel.show_counts(counts)
        k = counts["eligible"]
        if k:
            self.count.setText(f"<b>{n(k)}</b> of {n(counts['matched'])} can get this campaign now.")
        elif counts["matched"]:
            self.count.setText(f"{n(counts['matched'])} customers match, but none can get a campaign now (no "
                               "WhatsApp number, no opt-in, or they had enough messages this week).")
        else:
            self.count.setText("Nobody matches this segment.")
        self.changed.emit()

    def problem(self) -> str | None:
        if self.state.counts is None:
            return "Counting the customers…"
        if not self.state.counts["eligible"]:
            return "Choose customers who can get the message."
        return None


class TemplateStep(Step):
    title = "Template"

    def __init__(self, wizard: Any):
        super().__init__(wizard)
        layout = QVBoxLayout(self)
        for w in heading("Which message?", "Only templates WhatsApp has approved can be sent to customers."):
            layout.addWidget(w)
        row = QHBoxLayout()
        left = QVBoxLayout()
        self.list = QListWidget(objectName="campaignTemplates")
        self.list.setMinimumWidth(300)
        self.list.setSpacing(2)
        self.list.setStyleSheet("QListWidget#campaignTemplates::item { padding: 4px 6px; }")
        left.addWidget(self.list, 1)
        self.empty = QLabel(objectName="noTemplates")
        self.empty.setWordWrap(True)
        left.addWidget(self.empty)
        self.templates_button = QPushButton("Open the Templates page", objectName="openTemplates")
        self.templates_button.clicked.connect(lambda: self.services.bus.request_page("templates"))
        left.addWidget(self.templates_button)
        row.addLayout(left, 1)
        self.chat = WhatsAppChat(self.services.settings.shop_name)
        row.addWidget(self.chat, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row, 1)
        self.note = QLabel("The preview shows Meta's example values; the next step fills in each customer's.",
                           objectName="templateNote")
        self.note.setStyleSheet(MUTED)
        layout.addWidget(self.note)
        self.list.currentRowChanged.connect(self._chosen)

    def load(self, templates: list[Any], sandbox: bool) -> None:
        from wadesk.core.messaging.templates import spec_of
        from wadesk.ui.templates.table_model import CATEGORIES, LANGUAGES

        self.list.clear()
        for t in templates:
            spec = spec_of(t)
            item = QListWidgetItem(f"{spec.name}\n{LANGUAGES.get(spec.language, spec.language)} · "
                                   f"{CATEGORIES.get(spec.category, spec.category.title())}")
            item.setData(Qt.ItemDataRole.UserRole, t)
            self.list.addItem(item)
        where = "the sandbox" if sandbox else "your WhatsApp account"
        self.empty.setText(f"No approved templates in {where} yet. Sync them on the Templates page (or create "
                           "one in WhatsApp Manager and wait for approval)." if not templates else "")
        self.empty.setVisible(not templates)
        self.templates_button.setVisible(not templates)
        self.chat.setVisible(bool(templates))
        if templates:
            self.list.setCurrentRow(0)

    def choose(self, name: str) -> bool:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole).name == name:
                self.list.setCurrentRow(i)
                return True
        return False

    def _chosen(self, row: int) -> None:
        from wadesk.core.messaging.preview import preview_values
        from wadesk.core.messaging.templates import spec_of

        item = self.list.item(row) if row >= 0 else None
        template = item.data(Qt.ItemDataRole.UserRole) if item else None
        if template is not None and (self.state.template is None or self.state.template.id != template.id):
            self.state.template, self.state.spec = template, spec_of(template)
            self.state.mapping = None  # a new template needs its own blanks filled
        if template is not None:
            self.chat.show_preview(preview_values(self.state.spec), self.state.spec.media_header)
        self.changed.emit()

    def problem(self) -> str | None:
        return None if self.state.template is not None else "Choose an approved template."


class HoldoutStep(Step):
    title = "Holdout"

    def __init__(self, wizard: Any):
        super().__init__(wizard)
        layout = QVBoxLayout(self)
        for w in heading("Keep some customers out, to measure what the campaign earned",
                         "WaDesk leaves a small share of these customers out of the campaign, chosen at random "
                         "but fixed. Later, Reports compares what they bought with what the messaged customers "
                         "bought: the difference is what the message really earned, not sales that would have "
                         "happened anyway. 10% is a good start; 0% turns it off."):
            layout.addWidget(w)
        row = QHBoxLayout()
        self.slider = QSlider(Qt.Orientation.Horizontal, objectName="holdoutSlider")
        self.slider.setRange(0, 50)
        self.spin = QSpinBox(objectName="holdoutPct")
        self.spin.setRange(0, 50)
        self.spin.setSuffix(" %")
        self.slider.valueChanged.connect(self.spin.setValue)
        self.spin.valueChanged.connect(self.slider.setValue)
        self.spin.valueChanged.connect(self._changed)
        row.addWidget(QLabel("Keep out:"))
        row.addWidget(self.slider, 1)
        row.addWidget(self.spin)
        layout.addLayout(row)
        self.words = QLabel(objectName="holdoutWords")
        self.words.setWordWrap(True)
        self.words.setStyleSheet("font-size: 14px;")
        layout.addWidget(self.words)
        layout.addStretch(1)

    def load(self, pct: int) -> None:
        self.spin.setValue(pct)
        self._changed(pct)

    def _changed(self, pct: int) -> None:
        self.state.holdout_pct = pct
        ready = self.state.ready_count()
        if pct == 0:
            self.words.setText("Everyone gets the message; Reports can't show the uplift for this campaign.")
        elif ready:
            kept = round(ready * pct / 100)
            self.words.setText(f"About <b>{n(kept)}</b> of {n(ready)} customers will be kept out; about "
                               f"<b>{n(ready - kept)}</b> get the message.")
        else:
            self.words.setText(f"About {pct}% of the customers will be kept out.")

    def enter(self) -> None:
        self._changed(self.spin.value())


class ScheduleStep(Step):
    title = "Schedule"

    def __init__(self, wizard: Any):
        super().__init__(wizard)
        layout = QVBoxLayout(self)
        for w in heading("When should it go?"):
            layout.addWidget(w)
        self.now = QRadioButton("Now", objectName="sendNow", checked=True)
        self.later = QRadioButton("At a date and time:", objectName="sendLater")
        group = QButtonGroup(self)
        group.addButton(self.now)
        group.addButton(self.later)
        layout.addWidget(self.now)
        row = QHBoxLayout()
        row.addWidget(self.later)
        self.when = QDateTimeEdit(objectName="sendAt")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy, HH:mm")
        row.addWidget(self.when)
        row.addStretch(1)
        layout.addLayout(row)
        self.when_note = QLabel(objectName="sendAtNote")
        self.when_note.setStyleSheet("color: #7a5200; margin-left: 22px;")
        self.when_note.hide()
        layout.addWidget(self.when_note)
        self.quiet = QLabel(objectName="quietHours")
        self.quiet.setWordWrap(True)
        self.quiet.setStyleSheet(MUTED)
        layout.addWidget(self.quiet)
        self.time_sensitive = QCheckBox("Time-sensitive (for example a sale that ends tonight)",
                                        objectName="timeSensitive")
        layout.addWidget(self.time_sensitive)
        ts = QLabel("Sometimes WhatsApp asks WaDesk to wait 24 hours before messaging a customer again. "
                    "Normally WaDesk waits and sends later; for a time-sensitive message it gives up instead, "
                    "so nobody gets an offer that has already ended.")
        ts.setWordWrap(True)
        ts.setStyleSheet(MUTED + " margin-left: 22px;")
        layout.addWidget(ts)
        self.open_note = QLabel("A scheduled campaign starts by itself while WaDesk is open (or at its next start).",
                                objectName="scheduleNote")
        self.open_note.setWordWrap(True)
        self.open_note.setStyleSheet(MUTED)
        layout.addWidget(self.open_note)
        layout.addStretch(1)
        for w in (self.now, self.later):
            w.toggled.connect(self._changed)
        self.when.dateTimeChanged.connect(self._changed)
        self.time_sensitive.toggled.connect(self._changed)

    def load(self, policy: Any, now: datetime) -> None:
        start, end = policy.quiet_start.strftime("%H:%M"), policy.quiet_end.strftime("%H:%M")
        zone = policy.timezone or "this computer's time"
        self.quiet.setText(f"Quiet hours: no messages from {start} to {end} ({zone}); messages that fall in them "
                           f"wait until {end}. Change this in Settings → Sending." if policy.has_quiet_hours
                           else "No quiet hours are set (Settings → Sending).")
        from wadesk.core.campaigns.schedule import next_send_time

        self.policy = policy
        # The next whole hour, moved out of quiet hours: a sensible time to start.
        nxt = next_send_time((now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0), policy)
        local = nxt.astimezone()
        self.when.setDateTime(QDateTime(local.date(), local.time()))
        self._changed()

    def _changed(self, *_a: Any) -> None:
        self.when.setEnabled(self.later.isChecked())
        self.state.at = self.chosen_time() if self.later.isChecked() else None
        self.state.time_sensitive = self.time_sensitive.isChecked()
        note = ""
        policy = getattr(self, "policy", None)
        if self.state.at is not None and policy is not None:
            from wadesk.core.campaigns.schedule import next_send_time

            start = next_send_time(self.state.at, policy)
            if start > self.state.at:
                note = (f"That is in quiet hours: the first messages go at {start.astimezone():%H:%M on %a %d %b}.")
        self.when_note.setText(note)
        self.when_note.setVisible(bool(note))
        self.changed.emit()

    def chosen_time(self) -> datetime:
        qdt = self.when.dateTime()
        local = datetime(qdt.date().year(), qdt.date().month(), qdt.date().day(), qdt.time().hour(),
                         qdt.time().minute()).astimezone()  # this computer's zone
        return local.astimezone(timezone.utc)

    def problem(self) -> str | None:
        if self.later.isChecked() and self.state.at is not None and self.state.at < self.services.clock.now():
            return "That time has passed: choose a later one, or “Now”."
        return None


def esc(text: str) -> str:
    return html.escape(text or "")
