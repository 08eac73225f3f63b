"""Settings → Sending: quiet hours, the shop's time zone, the frequency cap, marketing opt-in, the
default holdout, sending speed, profit margin and Meta's rate card.

Read and written on the database lane through core's `campaigns.policy` (every field is checked by
its setting's own rule before anything is written; one wrong field saves nothing). A campaign keeps
the settings it was made with, so changes here apply to new campaigns.
"""
from __future__ import annotations

import html
from datetime import datetime, time
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFrame, QGridLayout,
                               QHBoxLayout, QLabel, QPushButton, QSpinBox, QTimeEdit, QWidget)

from wadesk.ui.settings.card import card_layout
from wadesk.core.campaigns.policy import SendPolicy, parse_timezone, save_settings, validate_settings
from wadesk.core.campaigns.schedule import in_quiet_hours, next_send_time, to_local
from wadesk.core.settings import SettingError
from wadesk.ui import events
from wadesk.ui.settings.rate_card_editor import ERROR_COLOUR, RateCardEditor

WARNING_STYLE = "QLabel { background: #fff6dd; border: 1px solid #f0c95c; border-radius: 8px; padding: 8px; }"
OPT_IN_WARNING = ("Only turn this off if customers agreed to WhatsApp marketing elsewhere — Meta can restrict "
                  "your number.")
# Where shops using WaDesk and their customers mostly are; any other IANA name can be typed.
COMMON_ZONES = ("Asia/Kolkata", "Asia/Dubai", "Asia/Riyadh", "Asia/Singapore", "Asia/Kathmandu", "Asia/Dhaka",
                "Asia/Colombo", "Asia/Karachi", "Europe/London", "Europe/Berlin", "America/New_York",
                "America/Chicago", "America/Los_Angeles", "America/Toronto", "Australia/Sydney", "UTC")
DEFAULT_QUIET = (QTime(21, 0), QTime(9, 0))


def _computer_zone_text() -> str:
    now = datetime.now().astimezone()
    offset = now.strftime("%z")
    return f"This computer's time zone ({now.tzname()}, UTC{offset[:3]}:{offset[3:]})"


def _hint(text: str) -> QLabel:
    label = QLabel(text, objectName="muted")
    label.setWordWrap(True)
    return label


class SendingSection(QFrame):
    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.services = services
        self.policy: SendPolicy | None = None
        self._build()
        self.reload()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = card_layout(self, "Sending")
        layout.addWidget(_hint("How campaigns send. A campaign keeps the settings it was made with: changes "
                               "here apply to the next campaigns you make."))
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(1, 1)

        def row(label: str, *items: QWidget | str, hint: str = "") -> None:
            line = QHBoxLayout()
            line.setSpacing(8)
            for item in items:
                line.addWidget(QLabel(item) if isinstance(item, str) else item)
            if hint:
                line.addSpacing(8)
                line.addWidget(_hint(hint), 1)  # wraps in a narrow window
            else:
                line.addStretch(1)
            r = grid.rowCount()
            grid.addWidget(QLabel(label), r, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addLayout(line, r, 1)

        self.quiet_start = QTimeEdit(objectName="quietStart", displayFormat="HH:mm")
        self.quiet_end = QTimeEdit(objectName="quietEnd", displayFormat="HH:mm")
        self.no_quiet = QCheckBox("No quiet hours", objectName="noQuietHours")
        self.no_quiet.toggled.connect(self._quiet_toggled)
        row("Quiet hours", "No messages from", self.quiet_start, "to", self.quiet_end, self.no_quiet)
        self.zone = QComboBox(objectName="shopTimezone", editable=True)
        self.zone.addItem(_computer_zone_text(), "")
        for name in COMMON_ZONES:
            self.zone.addItem(name, name)
        self.zone.setMinimumWidth(340)
        self.zone.setToolTip("Quiet hours follow this clock. Pick one, or type a name like Asia/Kolkata.")
        row("Shop time zone", self.zone)
        self.quiet_now = _hint("")
        self.quiet_now.setObjectName("quietNow")
        grid.addWidget(self.quiet_now, grid.rowCount(), 1)
        for signal in (self.quiet_start.timeChanged, self.quiet_end.timeChanged, self.no_quiet.toggled,
                       self.zone.currentTextChanged):
            signal.connect(self._show_quiet_now)

        self.cap_messages = QSpinBox(objectName="capMessages", minimum=0, maximum=50)
        self.cap_days = QSpinBox(objectName="capDays", minimum=1, maximum=90, suffix=" days")
        row("Frequency cap", "At most", self.cap_messages, "marketing messages per customer in", self.cap_days)
        self.opt_in = QCheckBox("Send marketing only to customers who opted in", objectName="requireOptIn")
        self.opt_in.toggled.connect(self._opt_in_toggled)
        row("Marketing consent", self.opt_in)
        self.opt_in_warning = QLabel(OPT_IN_WARNING, objectName="optInWarning")
        self.opt_in_warning.setWordWrap(True)
        self.opt_in_warning.setStyleSheet(WARNING_STYLE)
        self.opt_in_warning.setVisible(False)
        grid.addWidget(self.opt_in_warning, grid.rowCount(), 1)

        self.holdout = QSpinBox(objectName="holdoutPct", minimum=0, maximum=50, suffix=" %")
        row("Holdout", self.holdout, hint="of each audience kept out, to show what a campaign added")
        self.rate = QSpinBox(objectName="sendRate", minimum=1, maximum=1000, suffix=" messages a second")
        row("Sending speed", self.rate, hint="your WhatsApp throughput: 80 unless WhatsApp Manager shows more")
        self.margin = QDoubleSpinBox(objectName="profitMargin", minimum=0, maximum=100, decimals=1, suffix=" %")
        row("Profit margin", self.margin, hint="of an order's value; tells how many orders pay for a campaign")
        layout.addLayout(grid)

        rates_title = QLabel("What WhatsApp charges per delivered message")
        rates_title.setStyleSheet("font-weight: bold;")
        layout.addSpacing(6)
        layout.addWidget(rates_title)
        layout.addWidget(_hint("₹ per message, before GST. Meta changes prices on 1 January, April, July and "
                               "October: check them in WhatsApp Manager and edit them here. Undelivered messages "
                               "are free."))
        self.rate_card = RateCardEditor()
        layout.addWidget(self.rate_card)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save", objectName="saveSending")
        self.save_button.setProperty("primary", True)
        self.save_button.setToolTip("Save the sending settings (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        # Ctrl+S while typing anywhere in this card (not page-wide: other cards have their own Save).
        QShortcut(QKeySequence.StandardKey.Save, self, self._save_if_ready,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        buttons.addWidget(self.save_button)
        self.result = QLabel(objectName="sendingResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        buttons.addWidget(self.result, 1)
        layout.addLayout(buttons)

    def _quiet_toggled(self, none: bool) -> None:
        self.quiet_start.setEnabled(not none)
        self.quiet_end.setEnabled(not none)

    def _show_quiet_now(self) -> None:
        """What the quiet hours mean right now on the chosen clock: proof the zone is the right one."""
        start, end = self.quiet_start.time(), self.quiet_end.time()
        window = SimpleNamespace(quiet_start=time(start.hour(), start.minute()),
                                 quiet_end=time(end.hour(), end.minute()) if not self.no_quiet.isChecked()
                                 else time(start.hour(), start.minute()), timezone="")
        try:
            window.timezone = parse_timezone(self._zone_value())
        except SettingError:
            self.quiet_now.setText("Pick a time zone from the list or type a name like Asia/Kolkata.")
            return
        now = self.services.clock.now()
        clock = to_local(now, window.timezone).strftime("%H:%M")
        if not in_quiet_hours(now, window):
            self.quiet_now.setText(f"It is {clock} there now: messages can go out. "
                                   "Messages due during quiet hours wait until they end; none are dropped.")
        else:
            until = to_local(next_send_time(now, window), window.timezone).strftime("%H:%M")
            self.quiet_now.setText(f"It is {clock} there now: quiet hours, so messages wait until {until}. "
                                   "None are dropped.")

    def _opt_in_toggled(self, required: bool) -> None:
        self.opt_in_warning.setVisible(not required)

    # -- in and out ------------------------------------------------------------------------------
    def reload(self) -> None:
        self.save_button.setEnabled(False)
        self.services.jobs.run_in_session(lambda s, _ctx: SendPolicy.from_settings(s),
                                          title="Reading the sending settings", parent=self,
                                          on_result=self.show_policy, on_error=self._show_error,
                                          progress_dialog=False, show_errors=False)

    def show_policy(self, policy: SendPolicy) -> None:
        self.policy = policy
        quiet = policy.has_quiet_hours
        start, end = ((QTime(t.hour, t.minute) for t in (policy.quiet_start, policy.quiet_end)) if quiet
                      else DEFAULT_QUIET)  # none: show the usual night, ready if the box is unticked
        self.quiet_start.setTime(start)
        self.quiet_end.setTime(end)
        self.no_quiet.setChecked(not quiet)
        self._quiet_toggled(not quiet)
        index = self.zone.findData(policy.timezone)
        if index < 0:  # a zone typed earlier that is not in the short list
            self.zone.addItem(policy.timezone, policy.timezone)
            index = self.zone.count() - 1
        self.zone.setCurrentIndex(index)
        self.cap_messages.setValue(policy.cap_messages)
        self.cap_days.setValue(policy.cap_days)
        self.opt_in.setChecked(policy.require_opt_in)
        self._opt_in_toggled(policy.require_opt_in)
        self.holdout.setValue(policy.holdout_pct)
        self.rate.setValue(policy.rate_per_second)
        self.margin.setValue(policy.margin_pct)
        self.rate_card.set_card(policy.rate_card, policy.include_gst)
        self._show_quiet_now()
        self.save_button.setEnabled(True)

    def _zone_value(self) -> str:
        text = self.zone.currentText().strip()
        index = self.zone.findText(text)  # a listed item (the computer's zone shows words, not a name)
        return self.zone.itemData(index) if index >= 0 else text

    def values(self) -> dict[str, Any]:
        """The setting values the fields hold (keys of the settings table)."""
        start, end = self.quiet_start.time().toString("HH:mm"), self.quiet_end.time().toString("HH:mm")
        if self.no_quiet.isChecked():
            end = start  # start == end means no quiet hours
        return {"quiet_hours_start": start, "quiet_hours_end": end, "shop_timezone": self._zone_value(),
                "frequency_cap_messages": self.cap_messages.value(), "frequency_cap_days": self.cap_days.value(),
                "require_marketing_opt_in": self.opt_in.isChecked(), "campaign_holdout_pct": self.holdout.value(),
                "send_rate_per_second": self.rate.value(), "profit_margin_pct": round(self.margin.value(), 1),
                "rate_card": self.rate_card.card_json(),
                "rate_card_include_gst": self.rate_card.include_gst.isChecked()}

    def _save_if_ready(self) -> None:
        if self.save_button.isEnabled():
            self.save()

    def save(self) -> None:
        try:
            values = validate_settings(self.values())  # plain words at once; nothing written yet
        except SettingError as exc:
            self._show_error(str(exc))
            return

        def write(session: Any, _ctx: Any) -> SendPolicy:
            save_settings(session, values)
            return SendPolicy.from_settings(session)

        self.result.setText("Saving…")
        self.save_button.setEnabled(False)
        self.services.jobs.run_in_session(write, title="Saving the sending settings", parent=self,
                                          on_result=self._saved, on_error=self._show_error, progress_dialog=False,
                                          cancellable=False, show_errors=False
                                          ).finished.connect(lambda: self.save_button.setEnabled(True))

    def _saved(self, policy: SendPolicy) -> None:
        self.show_policy(policy)
        self.result.setText("Saved. New campaigns use these settings.")
        self.services.bus.notify(events.SETTINGS)

    def _show_error(self, message: str) -> None:
        self.result.setText(f"<span style='color:{ERROR_COLOUR}'>{html.escape(message)}</span>")
