"""Whose messages the Templates preview shows: "All customers", a saved segment or a preset, in one
combo box (saved segments and presets under their own, unselectable headings)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QWidget

ALL = "All customers"


def read_saved_segments(session: Any, _ctx: Any) -> list[tuple[int, str, dict]]:
    from wadesk.core.segments import list_segments

    return [(s.id, s.name, s.rules) for s in list_segments(session)]


class AudienceCombo(QComboBox):
    """`choice()` is None for all customers, else (name, rules)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("previewAudience")
        self.setToolTip("Step through everyone, or only the customers a campaign to this segment would reach")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)
        self.model_ = QStandardItemModel(self)
        self.setModel(self.model_)
        self.set_saved([])

    def _heading(self, text: str) -> None:
        item = QStandardItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)  # a heading: not selectable
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        self.model_.appendRow(item)

    def _choice(self, text: str, name: str, rules: dict, tip: str = "") -> None:
        item = QStandardItem(f"   {text}")
        item.setData((name, rules), Qt.ItemDataRole.UserRole)
        item.setToolTip(tip)
        self.model_.appendRow(item)

    def set_saved(self, saved: list[tuple[int, str, dict]]) -> None:
        """Fill (or refill) the list; the current choice stays chosen when it still exists."""
        from wadesk.core.segments import PRESETS

        current = self.currentText().strip()
        self.blockSignals(True)
        self.model_.clear()
        self.model_.appendRow(QStandardItem(ALL))
        if saved:
            self._heading("Saved segments")
            for _id, name, rules in saved:
                self._choice(name, name, rules)
        self._heading("Ready-made segments")
        for p in PRESETS:
            self._choice(p.name, p.name, p.rules, p.description)
        found = self.findText(f"   {current}") if current and current != ALL else -1
        self.setCurrentIndex(max(found, 0))
        self.blockSignals(False)
        if current and current != ALL and found < 0:
            self.currentIndexChanged.emit(0)  # the saved segment was deleted: back to everyone

    def choice(self) -> tuple[str, dict] | None:
        return self.currentData(Qt.ItemDataRole.UserRole)

    def choose(self, name: str) -> bool:
        i = self.findText(f"   {name}")
        if i >= 0:
            self.setCurrentIndex(i)
        return i >= 0
