"""A group of the rule tree: "Match ALL of / ANY of / NONE of" over conditions and nested groups."""
from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from wadesk.core.segments.rules import GROUP_KEYS
from wadesk.ui.segments import drag
from wadesk.ui.segments.condition_row import ChoicesFor, ConditionRow, tool

MODES = (("all", "Match ALL of these"), ("any", "Match ANY of these"), ("none", "Match NONE of these"))
COLOURS = ("#f3f8f5", "#eef3fb", "#fbf5ec", "#f5effa")


def ordinal(i: int) -> str:
    suffix = "th" if 10 <= i % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(i % 10, "th")
    return f"{i}{suffix}"


def is_negated_condition(node: Any) -> bool:
    return isinstance(node, dict) and list(node) == ["none"] and isinstance(node["none"], list) \
        and len(node["none"]) == 1 and isinstance(node["none"][0], dict) and "field" in node["none"][0]


class GroupBox(QFrame):
    changed = Signal()
    request = Signal(str)  # "up", "down", "duplicate", "delete" (nested groups only)

    def __init__(self, choices_for: ChoicesFor, today: date, depth: int = 0, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ruleGroup")
        self.choices_for, self.today, self.depth = choices_for, today, depth
        self.set_depth(depth)
        self.items: list[QWidget] = []
        self.owner: GroupBox | None = None  # the group holding this one (None for the root)
        self.setAcceptDrops(True)
        self.mode = QComboBox(objectName="groupMode")
        for key, text in MODES:
            self.mode.addItem(text, key)
        self.mode.setToolTip("ALL: every condition must be true · ANY: at least one · NONE: leave out whoever matches")
        self.mode.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.add_condition_button = QPushButton("+ Condition", objectName="addCondition")
        self.add_condition_button.clicked.connect(lambda: self.add_condition())
        self.add_group_button = QPushButton("+ Group", objectName="addGroup")
        self.add_group_button.setToolTip("A group inside this one, e.g. 'ANY of' two alternatives")
        self.add_group_button.clicked.connect(lambda: self.add_group())
        head = QHBoxLayout()
        if depth > 0:
            head.addWidget(drag.DragHandle(self))
        head.addWidget(self.mode)
        head.addStretch(1)
        head.addWidget(self.add_condition_button)
        head.addWidget(self.add_group_button)
        if depth > 0:
            for text, tip, what in (("↑", "Move group up", "up"), ("↓", "Move group down", "down"),
                                    ("Copy", "Duplicate this group", "duplicate"), ("✕", "Delete this group", "delete")):
                b = tool(text, tip, f"group_{what}")
                b.clicked.connect(lambda _c=False, w=what: self.request.emit(w))
                head.addWidget(b)
        self.empty = QLabel("No conditions yet: everyone matches. Add a condition to narrow it down.",
                            objectName="groupEmpty")
        self.empty.setStyleSheet("color: #5b6b63; font-style: italic;")
        self.body = QVBoxLayout()
        self.body.setSpacing(6)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 8)
        box.addLayout(head)
        box.addWidget(self.empty)
        box.addLayout(self.body)

    def set_depth(self, depth: int) -> None:
        """Nesting shows as alternating colours (kept right when a group is dragged elsewhere)."""
        self.depth = depth
        colour = COLOURS[depth % len(COLOURS)]
        self.setStyleSheet(f"QFrame#ruleGroup {{ background: {colour}; border: 1px solid #d5dfd9;"
                           f" border-left: 4px solid {'#169b62' if depth == 0 else '#8fb7a3'}; border-radius: 6px; }}")
        for w in getattr(self, "items", []):
            if isinstance(w, GroupBox):
                w.set_depth(depth + 1)

    @property
    def key(self) -> str:
        return self.mode.currentData()

    # -- children -------------------------------------------------------------------------------
    def add_condition(self, cond: dict | None = None, at: int | None = None, negated: bool = False) -> ConditionRow:
        row = ConditionRow(self.choices_for, self.today, cond)
        row.negate.setChecked(negated)
        self._insert(row, at)
        return row

    def add_group(self, rules: dict | None = None, at: int | None = None) -> "GroupBox":
        group = GroupBox(self.choices_for, self.today, self.depth + 1)
        if rules:
            group.load(rules)
        else:
            group.mode.setCurrentIndex(1)  # a new inner group is usually "any of" alternatives
        self._insert(group, at)
        return group

    def _insert(self, w: QWidget, at: int | None) -> None:
        at = len(self.items) if at is None else at
        self.items.insert(at, w)
        self.body.insertWidget(at, w)
        if getattr(w, "owner", None) is None:  # wired once; `owner` follows the item when it is moved
            w.changed.connect(lambda w=w: w.owner.changed.emit())
            w.request.connect(lambda what, w=w: w.owner._child_request(w, what))
        w.owner = self
        self.empty.setVisible(False)
        self.changed.emit()

    def move_here(self, w: QWidget, at: int) -> None:
        """Move an item (from this or another group) to position `at` in this group."""
        old = w.owner
        i = old.items.index(w)
        if old is self and i < at:
            at -= 1
        old.items.pop(i)
        old.body.removeWidget(w)
        old.empty.setVisible(not old.items)
        self._insert(w, at)
        if isinstance(w, GroupBox):
            w.set_depth(self.depth + 1)
        if old is not self:
            old.changed.emit()

    # -- drag and drop ---------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if drag.can_drop(self, event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        if drag.can_drop(self, event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        if drag.can_drop(self, event.mimeData()):
            self.move_here(drag.dragging[0], drag.drop_index(self, event.position().y()))
            event.acceptProposedAction()

    def _child_request(self, w: QWidget, what: str) -> None:
        i = self.items.index(w)
        if what in ("up", "down"):
            j = i - 1 if what == "up" else i + 1
            if 0 <= j < len(self.items):
                self.items.insert(j, self.items.pop(i))
                self.body.removeWidget(w)
                self.body.insertWidget(j, w)
        elif what == "duplicate":
            rules = w.rules()
            if isinstance(w, ConditionRow):
                self.add_condition(w.condition(), at=i + 1, negated=w.negate.isChecked())
            else:
                self.add_group(rules, at=i + 1)
        elif what == "delete":
            self.items.pop(i)
            self.body.removeWidget(w)
            w.setParent(None)
            w.deleteLater()
            self.empty.setVisible(not self.items)
        self.changed.emit()

    def clear(self) -> None:
        for w in self.items:
            self.body.removeWidget(w)
            w.setParent(None)
            w.deleteLater()
        self.items = []
        self.empty.setVisible(True)

    # -- data -----------------------------------------------------------------------------------
    def load(self, rules: dict) -> None:
        self.blockSignals(True)
        self.clear()
        if isinstance(rules, dict) and "field" in rules:
            rules = {"all": [rules]}
        key = next((k for k in GROUP_KEYS if k in rules), "all")
        self.mode.setCurrentIndex(self.mode.findData(key))
        for child in rules.get(key) or []:
            if is_negated_condition(child):
                self.add_condition(child["none"][0], negated=True)
            elif isinstance(child, dict) and "field" in child:
                self.add_condition(child)
            else:
                self.add_group(child)
        self.blockSignals(False)
        self.changed.emit()

    def rules(self) -> dict:
        return {self.key: [w.rules() for w in self.items]}

    def walk(self, path: str, found: dict[str, QWidget]) -> None:
        """Map the engine's path for each condition ("all › 2nd › any › 1st") to its row."""
        for i, w in enumerate(self.items, 1):
            here = f"{path} › {self.key} › {ordinal(i)}" if path else f"{self.key} › {ordinal(i)}"
            found[here] = w
            if isinstance(w, GroupBox):
                w.walk(here, found)

    def rows(self) -> list[ConditionRow]:
        out: list[ConditionRow] = []
        for w in self.items:
            out.extend(w.rows() if isinstance(w, GroupBox) else [w])
        return out


def scrolled(builder: GroupBox, name: str) -> QScrollArea:
    """The builder in a frameless scroll area, pushed to the top (the Segments page, the
    automations' entry dialog)."""
    inner = QWidget()
    box = QVBoxLayout(inner)
    box.setContentsMargins(0, 0, 6, 0)
    box.addWidget(builder)
    box.addStretch(1)
    scroll = QScrollArea(objectName=name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(inner)
    return scroll
