"""Pick one or more values from a list filled from the data, each with how many customers have it.
The menu stays open while ticking, and has a search box for long lists (cities, tags)."""
from __future__ import annotations

from typing import Any

from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLineEdit, QMenu, QPushButton, QWidget, QWidgetAction

from wadesk.ui.numbers import group_indian
from wadesk.ui.segments.value_editors import ValueEditor

SEARCH_FROM = 12  # a search box once the list is longer than this


class StayOpenMenu(QMenu):
    """Ticking a value doesn't close the menu, so several can be ticked in one go."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        act = self.activeAction()
        if act is not None and act.isEnabled() and act.isCheckable():
            act.setChecked(not act.isChecked())
            return
        super().mouseReleaseEvent(event)


class ChoiceEdit(ValueEditor):
    def __init__(self, choices: list[tuple[str, int]], parent: QWidget | None = None):
        super().__init__(parent)
        self.button = QPushButton(objectName="choiceValue")
        self.button.setMinimumWidth(150)
        self.button.setStyleSheet("QPushButton { text-align: left; padding: 4px 8px; }")
        self.menu = StayOpenMenu(self.button)
        self.button.setMenu(self.menu)
        self.row.addWidget(self.button)
        self.search: QLineEdit | None = None
        self._selected: list[str] = []
        self._choices: list[tuple[str, int]] = []
        self.set_choices(choices)

    def value_actions(self):
        return [a for a in self.menu.actions() if a.isCheckable()]

    def set_choices(self, choices: list[tuple[str, int]]) -> None:
        self._choices = list(choices)
        self.menu.clear()
        self.search = None
        known = {v for v, _n in choices}
        extra = [(v, None) for v in self._selected if v not in known]  # saved values not in the data now
        if len(choices) + len(extra) > SEARCH_FROM:
            self.search = QLineEdit(objectName="choiceSearch", placeholderText="Search…")
            self.search.setClearButtonEnabled(True)
            self.search.textChanged.connect(self._filter)
            box = QWidgetAction(self.menu)
            box.setDefaultWidget(self.search)
            self.menu.addAction(box)
        if not choices and not extra:
            none = self.menu.addAction("(no values in your data yet)")
            none.setEnabled(False)
        for value, n in [*choices, *extra]:
            act = self.menu.addAction(value if n is None else f"{value}  ({group_indian(n)})")
            act.setData(value)
            act.setCheckable(True)
            act.setChecked(value in self._selected)
            act.toggled.connect(lambda _c: self._toggled())
        self._show()

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for act in self.value_actions():
            act.setVisible(needle in str(act.data()).lower())

    def _toggled(self) -> None:
        ticked = {a.data() for a in self.value_actions() if a.isChecked()}
        # keep the order they were ticked in, new ones last
        self._selected = [v for v in self._selected if v in ticked] + \
            [a.data() for a in self.value_actions() if a.data() in ticked and a.data() not in self._selected]
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        sel = self._selected
        text = "choose…" if not sel else ", ".join(sel[:2]) + (f" +{len(sel) - 2} more" if len(sel) > 2 else "")
        self.button.setText(text)
        self.button.setToolTip("\n".join(sel))

    def value(self) -> list[str]:
        return list(self._selected)

    def set_value(self, v: Any) -> None:
        self._selected = [str(x) for x in (v if isinstance(v, (list, tuple)) else [v] if v else [])]
        self.set_choices(self._choices)

    def choose(self, *values: str) -> None:
        """Tick exactly these values (what clicks in the menu do), for code and tests."""
        for act in self.value_actions():
            act.setChecked(act.data() in values)
