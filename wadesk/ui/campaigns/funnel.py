"""The campaign's reachability funnel as a row of number cards (the Segments page's card look):
matched → valid number → opted in → not suppressed → under the frequency cap → pre-flight ok →
to send (after the holdout). Read-only; stages not known yet show "…"."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from wadesk.ui.numbers import group_indian
from wadesk.ui.segments.funnel_bar import CARD_STYLE

STAGE_WORDS = {
    "matched": ("match", "Customers in the segment you chose"),
    "reachable": ("have a valid number", "…with a mobile number WhatsApp can reach"),
    "opted_in": ("opted in", "…who agreed to marketing messages (if your settings require it)"),
    "not_suppressed": ("not blocked", "…who have not opted out and whose number did not fail before"),
    "eligible": ("under the weekly limit", "…who have not had too many messages lately (Settings → Sending)"),
    "preflight_ok": ("message ready", "…whose personalised message passed every check"),
    "after_holdout": ("to send", "…minus the holdout kept out to measure uplift: these get the message"),
}


class CampaignFunnel(QWidget):
    def __init__(self, stages: tuple[str, ...] = tuple(STAGE_WORDS), parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("campaignFunnel")
        self.stages = stages
        self.numbers: dict[str, QLabel] = {}
        self.values: dict[str, int] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(3)
        for i, stage in enumerate(stages):
            if i:
                arrow = QLabel("→")
                arrow.setStyleSheet("color: #8fa39a; font-size: 15px;")
                row.addWidget(arrow)
            card = QFrame(objectName=f"funnel_{stage}")
            card.setStyleSheet(CARD_STYLE.replace("QPushButton", "QFrame"))
            card.setMinimumSize(78, 62)
            card.setToolTip(STAGE_WORDS[stage][1])
            inside = QVBoxLayout(card)
            inside.setContentsMargins(4, 4, 4, 4)
            inside.setSpacing(0)
            number = QLabel("…")
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            final = stage == stages[-1]
            number.setStyleSheet("background: transparent; border: none; font-size: 18px; font-weight: bold; "
                                 f"color: {'#ffffff' if final else '#0f6b45'};")
            words = QLabel(STAGE_WORDS[stage][0])
            words.setAlignment(Qt.AlignmentFlag.AlignCenter)
            words.setWordWrap(True)
            words.setStyleSheet(f"background: transparent; border: none; color: {'#ffffff' if final else '#2c3a33'};")
            if final:
                card.setStyleSheet("QFrame { background: #169b62; border-radius: 8px; }")
            inside.addWidget(number)
            inside.addWidget(words)
            self.numbers[stage] = number
            row.addWidget(card, 1)

    def show_counts(self, counts: dict[str, int] | None) -> None:
        self.values = dict(counts or {})
        for stage, label in self.numbers.items():
            label.setText(group_indian(self.values[stage]) if stage in self.values else "…")
