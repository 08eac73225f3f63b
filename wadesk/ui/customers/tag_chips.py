"""A customer's tags as chips with a remove ×, and a small box to add one."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from wadesk.ui.customers.flow_layout import FlowLayout

CHIP_STYLE = (
    "QWidget#chip { background: #e7f0ea; border: 1px solid #b9d3c1; border-radius: 10px; }"
    "QToolButton { border: none; padding: 0 2px; color: #3d5a47; }"
    "QToolButton:hover { color: #b3261e; }"
)


class _Chip(QWidget):
    remove_clicked = Signal(str)

    def __init__(self, tag: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.tag = tag
        self.setObjectName("chip")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(CHIP_STYLE)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 1, 2, 1)
        row.setSpacing(2)
        row.addWidget(QLabel(tag))
        remove = QToolButton(self)
        remove.setText("×")
        remove.setToolTip(f"Remove the tag '{tag}' from this customer")
        remove.setAccessibleName(f"Remove tag {tag}")
        remove.clicked.connect(lambda: self.remove_clicked.emit(self.tag))
        row.addWidget(remove)


class TagChips(QWidget):
    """Shows tags; emits `add_requested(name)` and `remove_requested(name)`."""

    add_requested = Signal(str)
    remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._chips_host = QWidget(self)
        self._flow = FlowLayout(self._chips_host)
        outer.addWidget(self._chips_host)
        self._empty = QLabel("No tags yet.", self)
        self._empty.setStyleSheet("color: #6b6b6b;")
        outer.addWidget(self._empty)
        self.add_box = QLineEdit(self)
        self.add_box.setPlaceholderText("Add a tag and press Enter")
        self.add_box.setClearButtonEnabled(True)
        self.add_box.returnPressed.connect(self._add)
        outer.addWidget(self.add_box)
        self._completer = QCompleter([], self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.add_box.setCompleter(self._completer)
        self._tags: list[str] = []

    @property
    def tags(self) -> list[str]:
        return list(self._tags)

    def set_tags(self, tags: list[str]) -> None:
        self._tags = list(tags)
        self._flow.clear()
        for tag in self._tags:
            chip = _Chip(tag, self._chips_host)
            chip.remove_clicked.connect(self.remove_requested)
            self._flow.addWidget(chip)
        self._empty.setVisible(not self._tags)
        self._chips_host.setVisible(bool(self._tags))
        self._chips_host.updateGeometry()

    def set_known_tags(self, names: list[str]) -> None:
        self._completer.model().setStringList(names)  # type: ignore[attr-defined]

    def _add(self) -> None:
        name = self.add_box.text().strip()
        if name:
            self.add_box.clear()
            self.add_requested.emit(name)
