"""One campaign: what it is, live progress while it sends, and what the owner can do about it.

Shows sent (accepted by WhatsApp), failed by reason, waiting 24 h, still to send, the rate against
the target and the time left; the stop reason with what to do; and the box for messages whose
outcome is unknown (after a crash) with "Send again (may duplicate)" / "Mark as failed".
"""
from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget)

from wadesk.ui.widgets.scroll_body import scroll_body
from wadesk.core.campaigns import ledger as L
from wadesk.ui.campaigns.data import CampaignDetail
from wadesk.ui.campaigns.words import (eta_words, local_time, n, rate_words, state_colour, state_meaning,
                                       state_words, stop_advice)

BADGE = ("QLabel {{ background: {bg}; color: {fg}; border-radius: 4px; padding: 2px 10px; font-weight: bold; }}")
SANDBOX_BADGE = BADGE.format(bg="#fff0c2", fg="#7a5200")
BOX = "QFrame#{name} {{ background: {bg}; border: 1px solid {border}; border-radius: 8px; }}"


def number_card(caption: str, name: str) -> tuple[QFrame, QLabel]:
    card = QFrame(objectName="card")
    card.setMinimumWidth(120)
    box = QVBoxLayout(card)
    box.setContentsMargins(12, 8, 12, 8)
    box.setSpacing(0)
    number = QLabel("—", objectName="cardNumber")
    number.setProperty("stat", name)
    text = QLabel(caption, objectName="cardLabel")
    text.setWordWrap(True)
    box.addWidget(number)
    box.addWidget(text)
    return card, number



def _message_box(name: str, bg: str, border: str) -> tuple[QFrame, QVBoxLayout, QLabel]:
    """A coloured box with a rich-text message (the stop reason, the unknown messages)."""
    box = QFrame(objectName=f"{name}Box")
    box.setStyleSheet(BOX.format(name=f"{name}Box", bg=bg, border=border))
    inner = QVBoxLayout(box)
    text = QLabel(objectName=f"{name}Text")
    text.setWordWrap(True)
    text.setTextFormat(Qt.TextFormat.RichText)
    inner.addWidget(text)
    return box, inner, text

class CampaignView(QWidget):
    back = Signal()
    send_clicked = Signal()
    pause_clicked = Signal()
    cancel_clicked = Signal()
    test_clicked = Signal()
    unknown_decided = Signal(bool)  # True: send again; False: mark failed

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("campaignView")
        self.detail: CampaignDetail | None = None
        self.running = False
        self._build()

    def _build(self) -> None:
        layout = scroll_body(self)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(10)

        top = QHBoxLayout()
        self.back_button = QPushButton("← All campaigns", objectName="backToList")
        self.back_button.setToolTip("Back to the list (Esc)")
        self.back_button.clicked.connect(self.back)
        top.addWidget(self.back_button)
        self.title = QLabel(objectName="campaignTitle")
        self.title.setStyleSheet("font-size: 19px; font-weight: bold;")
        top.addWidget(self.title, 1)
        self.state = QLabel(objectName="campaignState")
        top.addWidget(self.state)
        self.sandbox_badge = QLabel("SANDBOX", objectName="campaignSandbox")
        self.sandbox_badge.setStyleSheet(SANDBOX_BADGE)
        self.sandbox_badge.setToolTip("Sent to the built-in simulator: nothing reaches real customers.")
        top.addWidget(self.sandbox_badge)
        layout.addLayout(top)

        self.summary = QLabel(objectName="campaignSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setStyleSheet("color: #5b6b63;")
        layout.addWidget(self.summary)
        self.meaning = QLabel(objectName="campaignMeaning")
        self.meaning.setWordWrap(True)
        self.meaning.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.meaning)

        buttons = QHBoxLayout()
        self.send_button = QPushButton("Send now", objectName="sendCampaign")
        self.send_button.setProperty("primary", True)
        self.pause_button = QPushButton("Pause", objectName="pauseCampaign")
        self.pause_button.setToolTip("Messages already on their way finish; the rest wait until you resume")
        self.cancel_button = QPushButton("Cancel campaign…", objectName="cancelCampaign")
        self.cancel_button.setToolTip("Messages not sent yet are dropped; nothing is sent half-way")
        self.test_button = QPushButton("Send a test to my number…", objectName="testCampaign")
        for b, sig in ((self.send_button, self.send_clicked), (self.pause_button, self.pause_clicked),
                       (self.cancel_button, self.cancel_clicked), (self.test_button, self.test_clicked)):
            b.clicked.connect(sig)
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.bar = QProgressBar(objectName="sendProgress")
        self.bar.setFormat("%v of %m done")
        layout.addWidget(self.bar)
        grid = QGridLayout()
        grid.setSpacing(8)
        self.numbers: dict[str, QLabel] = {}
        for i, (key, caption) in enumerate((
                ("accepted", "sent (WhatsApp accepted them)"), ("failed", "failed (reasons below, if any)"),
                ("deferred", "waiting 24 h (WhatsApp asked to try later)"), ("remaining", "still to send"),
                ("rate", "messages a second now"), ("eta", "time left"))):
            card, label = number_card(caption, key)
            self.numbers[key] = label
            grid.addWidget(card, i // 3, i % 3)
        layout.addLayout(grid)
        self.rate_note = QLabel(objectName="rateNote")
        self.rate_note.setStyleSheet("color: #5b6b63;")
        layout.addWidget(self.rate_note)

        self.stop_box, _sb, self.stop_text = _message_box("stop", "#fdecea", "#f1b0aa")
        layout.addWidget(self.stop_box)

        self.unknown_box, ub, self.unknown_text = _message_box("unknown", "#fff6dd", "#f0c95c")
        row = QHBoxLayout()
        self.resend_button = QPushButton("Send again (may duplicate)", objectName="resendUnknown")
        self.give_up_button = QPushButton("Mark as failed", objectName="giveUpUnknown")
        self.resend_button.clicked.connect(lambda: self.unknown_decided.emit(True))
        self.give_up_button.clicked.connect(lambda: self.unknown_decided.emit(False))
        row.addWidget(self.resend_button)
        row.addWidget(self.give_up_button)
        row.addStretch(1)
        ub.addLayout(row)
        layout.addWidget(self.unknown_box)

        self.failures = QLabel(objectName="failureReasons")
        self.failures.setWordWrap(True)
        self.failures.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.failures)
        self.facts = QLabel(objectName="campaignFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setStyleSheet("color: #3a4a42;")
        layout.addWidget(self.facts)
        layout.addStretch(1)
        for w in (self.stop_box, self.unknown_box, self.failures, self.rate_note):
            w.hide()  # until a campaign is shown

    # -- content ---------------------------------------------------------------------------------
    def set_detail(self, detail: CampaignDetail, running: bool, live: Any = None) -> None:
        self.detail, self.running = detail, running
        r, c = detail.row, detail.counts
        self.title.setText(r.name)
        self.sandbox_badge.setVisible(r.sandbox)
        audience = html.escape(r.audience or "")
        held = f" · {n(r.holdout)} kept out as the holdout" if r.holdout else ""
        self.summary.setText(f"Template {html.escape(r.template)} · {audience} · made {local_time(r.created_at)}"
                             f"{held}")
        state = L.RUNNING if running else r.state
        self._show_state(state)
        if state == L.SCHEDULED and r.scheduled_at:
            self.meaning.setText(f"Starts by itself at {local_time(r.scheduled_at)} (while WaDesk is open, or at "
                                 "its next start).")
        self._show_numbers(c["accepted"], c["failed"], c["deferred"], c["queued"] + c["deferred"] + c["sending"],
                           r.recipients, None, None, None)
        self._show_failures(detail.failures)
        self._show_stop(state, r.stop_reason, detail.next_due)
        self._show_unknown(c["unknown"], running)
        st = detail.settings
        facts = [("Reach when it was made", self._funnel_words(st.get("funnel") or {})),
                 ("Plan", html.escape(st.get("plan") or "")),
                 ("Estimated cost", html.escape(_money(r.estimated_cost)))]
        self.facts.setText("<table>" + "".join(
            f"<tr><td style='color:#5b6b63; padding:2px 12px 2px 0'>{k}</td><td>{v}</td></tr>"
            for k, v in facts if v) + "</table>")
        self._buttons(state)
        if live is not None:
            self.show_progress(live)

    def show_progress(self, p: Any) -> None:
        """A live SendProgress from the sender."""
        self._show_state(p.state)
        self._show_numbers(p.accepted, p.failed, p.deferred, p.remaining, p.total, p.rate, p.target_rate, p.eta_s)
        self._show_failures(p.failures)
        self._show_unknown(p.unknown, p.state == L.RUNNING)
        if p.stop_reason:
            self._show_stop(L.STOPPED, p.stop_reason, None)

    def _show_state(self, state: str) -> None:
        colour = state_colour(state)
        self.state.setText(state_words(state))
        self.state.setStyleSheet(BADGE.format(bg="#ffffff", fg=colour) + f"QLabel {{ border: 1px solid {colour}; }}")
        self.meaning.setText(state_meaning(state))

    def _show_numbers(self, accepted: int, failed: int, deferred: int, remaining: int, total: int,
                      rate: float | None, target: float | None, eta: float | None) -> None:
        self.numbers["accepted"].setText(n(accepted))
        self.numbers["failed"].setText(n(failed))
        self.numbers["deferred"].setText(n(deferred))
        self.numbers["remaining"].setText(n(remaining))
        self.numbers["rate"].setText(f"{rate:,.1f}" if rate is not None else "—")
        self.numbers["eta"].setText(eta_words(eta) if eta is not None else "—")
        self.rate_note.setText(f"Speed: {rate_words(rate, target)}" if rate is not None and target else "")
        self.rate_note.setVisible(rate is not None and bool(target))
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(max(total - remaining, 0), max(total, 1)))

    def _show_failures(self, failures: dict[str, int]) -> None:
        if not failures:
            self.failures.setText("")
            self.failures.hide()
            return
        lines = "".join(f"<li><b>{n(k)}</b> — {html.escape(reason)}</li>"
                        for reason, k in sorted(failures.items(), key=lambda x: -x[1]))
        self.failures.setText(f"<b>Why messages failed</b><ul style='margin-top:2px'>{lines}</ul>")
        self.failures.show()

    def _show_stop(self, state: str, reason: str | None, next_due: Any) -> None:
        if state == L.STOPPED and reason:
            self.stop_text.setText(f"<b>Sending stopped:</b> {html.escape(reason)}<br><br>"
                                   f"<b>What to do:</b> {html.escape(stop_advice(reason))}")
            self.stop_box.setStyleSheet(BOX.format(name="stopBox", bg="#fdecea", border="#f1b0aa"))
        elif state == L.WAITING_STATE:
            when = f" The next messages may go at {local_time(next_due)}." if next_due else ""
            self.stop_text.setText(f"<b>Waiting:</b> {html.escape(reason or 'some messages must wait.')}{when} "
                                   "WaDesk carries on by itself while it is open; press Resume to try now.")
            self.stop_box.setStyleSheet(BOX.format(name="stopBox", bg="#fff6dd", border="#f0c95c"))
        else:
            self.stop_box.hide()
            return
        self.stop_box.show()

    def _show_unknown(self, unknown: int, running: bool) -> None:
        self.unknown_box.setVisible(unknown > 0)
        if unknown:
            self.unknown_text.setText(
                f"<b>{n(unknown)} message{'s' if unknown != 1 else ''} may or may not have gone out.</b> WaDesk "
                "stopped (the computer shut down or the connection broke) while they were being sent. If "
                "WhatsApp sends a delivery status for them, WaDesk settles them by itself. Otherwise choose: "
                "send them again (a customer may get the message twice) or mark them as failed.")
        for b in (self.resend_button, self.give_up_button):
            b.setEnabled(not running)
            b.setToolTip("Pause the campaign first" if running else "")

    def _buttons(self, state: str) -> None:
        active = state == L.RUNNING
        finished = state in (L.DONE, L.CAMPAIGN_CANCELLED)
        self.send_button.setText(send_words(state))
        self.send_button.setVisible(not finished and not active)
        self.pause_button.setVisible(not finished)
        self.pause_button.setEnabled(active)
        self.cancel_button.setVisible(not finished)
        self.test_button.setEnabled(state != L.CAMPAIGN_CANCELLED)

    def set_running(self, running: bool) -> None:
        self.running = running
        if running:
            self._buttons(L.RUNNING)
            self._show_state(L.RUNNING)

    @staticmethod
    def _funnel_words(funnel: dict[str, int]) -> str:
        from wadesk.ui.campaigns.funnel import STAGE_WORDS

        parts = [f"{n(funnel[k])} {STAGE_WORDS[k][0]}" for k in STAGE_WORDS if k in funnel]
        return " → ".join(parts)


def send_words(state: str | None) -> str:
    """The send button's words: a scheduled campaign starts by itself at its time, so its button
    brings it forward (after asking)."""
    if state == L.SCHEDULED:
        return "Start now…"
    return "Resume" if state in (L.PAUSED, L.STOPPED, L.WAITING_STATE) else "Send now"


def _money(amount: Any) -> str:
    if amount is None:
        return ""
    from wadesk.core.campaigns.pricing import money_words

    return money_words(amount) + " if every message is delivered"
