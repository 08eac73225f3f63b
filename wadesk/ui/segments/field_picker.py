"""The field picker: a button that opens a menu of every field, grouped by category, with a search
box on top ("type to find: spent, COD, skincare …")."""
from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QMenu, QPushButton, QWidget, QWidgetAction

from wadesk.core.segments import CATEGORIES, catalogue

FIELDS = {f["key"]: f for f in catalogue()}
HINTS = {f["key"]: f"{f['category']} · {f['help']}" if f["help"] else f["category"] for f in FIELDS.values()}


class FieldPicker(QPushButton):
    """`field_chosen(key)` when the owner picks a field; `set_field(key)` shows one without a signal."""

    field_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("fieldPicker")
        self.setMinimumWidth(170)
        self.setStyleSheet("QPushButton { text-align: left; padding: 4px 8px; }")
        self.key: str | None = None
        self.menu = QMenu(self)
        self.search = QLineEdit(objectName="fieldSearch", placeholderText="Search fields…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._pick_first)
        box = QWidgetAction(self.menu)
        box.setDefaultWidget(self.search)
        self.menu.addAction(box)
        self.sections = {}
        for cat in CATEGORIES:
            self.sections[cat] = self.menu.addSection(cat)
            for f in FIELDS.values():
                if f["category"] == cat:
                    act = self.menu.addAction(f["label"])
                    act.setData(f["key"])
                    act.setToolTip(HINTS[f["key"]])
                    act.triggered.connect(lambda _c=False, k=f["key"]: self._chosen(k))
        self.menu.setToolTipsVisible(True)
        self.menu.aboutToShow.connect(self._reset_search)
        self.setMenu(self.menu)
        self.set_field(None)

    def field_actions(self):
        return [a for a in self.menu.actions() if isinstance(a.data(), str)]

    def _reset_search(self) -> None:
        self.search.clear()
        self.search.setFocus()

    def _filter(self, text: str) -> None:
        """Every typed word must start a word of the field's name, category or help."""
        words = text.lower().split()
        visible_cats = set()
        for act in self.field_actions():
            f = FIELDS[act.data()]
            hay = re.findall(r"\w+", f"{f['label']} {f['category']} {f['help']}".lower())
            show = all(any(h.startswith(w) for h in hay) for w in words)
            act.setVisible(show)
            if show:
                visible_cats.add(f["category"])
        for cat, section in self.sections.items():
            section.setVisible(cat in visible_cats)

    def _pick_first(self) -> None:
        first = next((a for a in self.field_actions() if a.isVisible()), None)
        if first is not None:
            self.menu.hide()
            first.trigger()

    def _chosen(self, key: str) -> None:
        self.set_field(key)
        self.field_chosen.emit(key)

    def set_field(self, key: str | None) -> None:
        self.key = key
        if key is None:
            self.setText("Choose what to check…")
            self.setToolTip("")
            return
        f = FIELDS[key]
        self.setText(f["label"])
        self.setToolTip(HINTS[key])

    def choose(self, key: str) -> None:
        """What clicking the field in the menu does (for code and tests)."""
        next(a for a in self.field_actions() if a.data() == key).trigger()
