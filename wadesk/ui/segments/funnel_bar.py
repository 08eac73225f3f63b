"""The reachability counts: matched → has WhatsApp → opted in → not blocked → can message now.
Each number is a button; clicking it shows the customers behind it."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from wadesk.core.segments import STAGES, Counts
from wadesk.ui.numbers import group_indian

STAGE_WORDS = {
    "matched": ("match your rules", "Customers who meet every rule above"),
    "reachable": ("have a WhatsApp number", "…and have a valid mobile number for WhatsApp"),
    "opted_in": ("agreed to offers", "…and agreed to get marketing messages from you"),
    "not_suppressed": ("have not said stop", "…and have not opted out, blocked you or had a message refused"),
    "eligible": ("can be messaged now", "…and have not had 2 offers from you in the last 7 days"),
}
CARD_STYLE = ("QPushButton { background: #ffffff; border: 1px solid #dfe6e2; border-radius: 8px; padding: 6px 8px;"
              " text-align: center; color: #2c3a33; }"
              "QPushButton:checked { background: #e3f4ea; border: 2px solid #169b62; }"
              "QPushButton:hover { border-color: #169b62; }")


class FunnelBar(QWidget):
    stage_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("funnelBar")
        self.counts: Counts | None = None
        self.buttons: dict[str, QPushButton] = {}
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        row = QHBoxLayout()
        row.setSpacing(4)
        for i, stage in enumerate(STAGES):
            if i:
                arrow = QLabel("→")
                arrow.setStyleSheet("color: #8fa39a; font-size: 16px;")
                row.addWidget(arrow)
            b = QPushButton(objectName=f"stage_{stage}")
            b.setCheckable(True)
            b.setStyleSheet(CARD_STYLE)
            b.setMinimumSize(96, 66)
            inside = QVBoxLayout(b)
            inside.setContentsMargins(6, 4, 6, 4)
            inside.setSpacing(0)
            for name, style in (("number", "font-size: 20px; font-weight: bold; color: #0f6b45;"),
                                ("words", "color: #2c3a33;")):
                lbl = QLabel(objectName=f"stage_{name}")
                lbl.setAlignment(Qt.AlignmentFlag.AlignCenter)
                lbl.setWordWrap(name == "words")
                lbl.setStyleSheet(f"background: transparent; border: none; {style}")
                lbl.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
                inside.addWidget(lbl)
            b.labels = inside
            b.setToolTip(STAGE_WORDS[stage][1] + "\nClick to see who they are.")
            b.clicked.connect(lambda _c=False, s=stage: self.stage_clicked.emit(s))
            self.group.addButton(b)
            self.buttons[stage] = b
            row.addWidget(b, 1)
        self.buttons["matched"].setChecked(True)
        self.status = QLabel(objectName="funnelStatus")
        self.status.setStyleSheet("color: #5b6b63;")
        self.status.setWordWrap(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(row)
        box.addWidget(self.status)
        self.show_counts(None)

    def show_counts(self, counts: Counts | None, note: str = "") -> None:
        self.counts = counts
        for stage, b in self.buttons.items():
            n = "…" if counts is None else group_indian(getattr(counts, stage))
            b.labels.itemAt(0).widget().setText(n)
            b.labels.itemAt(1).widget().setText(STAGE_WORDS[stage][0])
            b.setEnabled(counts is not None)
        self.status.setText(note)

    def number(self, stage: str) -> int | None:
        return None if self.counts is None else getattr(self.counts, stage)

    def selected(self) -> str:
        return next((s for s, b in self.buttons.items() if b.isChecked()), "matched")

    def select(self, stage: str) -> None:
        self.buttons[stage].setChecked(True)

