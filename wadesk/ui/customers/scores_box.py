"""The customer's scores with a one-line "why" each: R, F, M (1–5), the RFM group and the funnel
stage, plus the categories they buy and browse (core's `customer_scores`)."""
from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

NOT_YET = "Scores appear after the next profile refresh (it runs after every import)."


def _value_text(line: Any) -> str:
    if line.key in ("r", "f", "m"):
        return f"{line.value} / 5" if line.value else "no orders"
    return str(line.value or "—")


def _why_text(line: Any) -> str:
    """The first clause, in words: no leading "R=5: " (the score is beside it), no threshold detail
    (in the tooltip), and "R=1 and (F+M)/2=3" read out."""
    why = str(line.why or "")
    head, sep, rest = why.partition(": ")
    text = rest if sep and len(head) <= 24 else why
    text = text.split("; ")[0]
    m = re.fullmatch(r"R=(\d) and \(F\+M\)/2=([\d.]+)", text.strip())
    if m:
        text = f"recency {m.group(1)} of 5; how often and how much they buy {m.group(2)} of 5"
    return text


class ScoresBox(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("scoresBox")
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(2, 1)
        self.interests = QLabel(objectName="scoreInterests")
        self.interests.setWordWrap(True)
        self.interests.setStyleSheet("color: #2c3a33;")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(self.grid)
        box.addWidget(self.interests)
        self.lines: list[tuple[str, str, str]] = []  # (label, value, why) as shown

    def set_scores(self, scores: Any | None) -> None:
        while self.grid.count():
            w = self.grid.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.lines = []
        if scores is None:
            note = QLabel(NOT_YET, objectName="muted")
            note.setWordWrap(True)
            self.grid.addWidget(note, 0, 0, 1, 3)
            self.interests.hide()
            return
        for i, line in enumerate(scores.lines):
            label = QLabel(line.label, objectName="scoreLabel")
            label.setStyleSheet("color: #5b6b63;")
            value = QLabel(_value_text(line), objectName=f"score_{line.key}")
            value.setStyleSheet("font-weight: bold; color: #0f6b45;")
            why = QLabel(_why_text(line), objectName="scoreWhy")
            why.setWordWrap(True)
            why.setToolTip(str(line.why))
            why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            for col, w in enumerate((label, value, why)):
                self.grid.addWidget(w, i, col, Qt.AlignmentFlag.AlignTop)
            self.lines.append((line.label, value.text(), why.text()))
        cats = sorted((scores.categories or {}).items(), key=lambda kv: (-kv[1]["purchases"], -kv[1]["views"]))
        parts = []
        for name, n in cats[:4]:
            bits = [f"{n['purchases']} bought" if n["purchases"] else "", f"{n['views']} viewed" if n["views"] else ""]
            parts.append(f"{name} ({', '.join(b for b in bits if b)})")
        fixed = any("fixed thresholds" in str(line.why) for line in scores.lines)
        text = "Interests: " + "; ".join(parts) if parts else ""
        if fixed:
            text += ("\n" if text else "") + "Scores use fixed ₹ and order thresholds until the shop has 200 buyers."
        self.interests.setText(text)
        self.interests.setVisible(bool(text))
