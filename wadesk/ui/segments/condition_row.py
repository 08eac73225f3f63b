"""One condition of the rule tree as a row: [not] [field ▾] [operator ▾] [value] … [↑ ↓ ⧉ ✕],
with the engine's problem, if any, underneath in red."""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QCompleter, QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout,
                               QWidget)

from wadesk.ui.segments.drag import DragHandle
from wadesk.ui.segments.field_picker import FIELDS, FieldPicker
from wadesk.ui.segments.value_editors import NumberEdit, TextEdit, ValueEditor, editor_for
from wadesk.ui.segments.filter_editors import FiltersPart
from wadesk.ui.segments.window_editors import CampaignPart, EventPart, OrderMeasurePart, Part, WindowPart

# Words a shop owner reads instead of symbols.
OP_WORDS = {"=": "is", "!=": "is not", ">": "more than", ">=": "at least", "<": "less than", "<=": "at most",
            "at_least": "at least", "at_most": "at most", "exactly": "exactly", "not_since": "not",
            "received": "received", "not_received": "did not receive", "read": "read", "not_read": "did not read",
            "replied": "replied to", "clicked": "tapped a button in", "failed": "failed to get"}
KEY_HINTS = {"attribute": "attribute name", "attribute_number": "attribute name, e.g. loyalty_points",
             "attribute_date": "attribute name, e.g. birthday", "category_views": "category, e.g. skincare",
             "category_purchases": "category, e.g. skincare"}
ChoicesFor = Callable[[str], list]
PLAIN = {"name the category or attribute in 'key'": "type the category (or attribute) name in the box",
         "the value must be a non-empty list of words": "choose at least one value (tick one or more in the list)",
         "must be a non-empty list": "needs at least one value (type it, or remove the filter with ✕)"}


def tool(text: str, tip: str, name: str) -> QToolButton:
    b = QToolButton(objectName=name)
    b.setText(text)
    b.setToolTip(tip)
    b.setAutoRaise(True)
    return b


class ConditionRow(QFrame):
    changed = Signal()
    request = Signal(str)  # "up", "down", "duplicate", "delete"

    def __init__(self, choices_for: ChoicesFor, today: date, cond: dict | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("conditionRow")
        self.setStyleSheet("QFrame#conditionRow { background: #ffffff; border: 1px solid #dfe6e2; border-radius: 6px; }")
        self.choices_for, self.today = choices_for, today
        self.value_editor: ValueEditor | None = None
        self.parts: list[Part] = []
        self._loading = False

        self.negate = tool("Not", "Turn this condition around: keep customers who do NOT match it", "negate")
        self.negate.setCheckable(True)
        self.negate.setStyleSheet("QToolButton:checked { background: #fde2e1; color: #b3261e; font-weight: bold; }")
        self.negate.toggled.connect(self._negated)
        self.not_label = QLabel("NOT", objectName="notLabel")
        self.not_label.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.not_label.setToolTip("Customers who do NOT match this condition")
        self.not_label.hide()
        self.picker = FieldPicker()
        self.picker.field_chosen.connect(self._field_chosen)
        self.key = TextEdit()
        self.key.changed.connect(self._edited)
        self.op = QComboBox(objectName="operator")
        self.op.currentIndexChanged.connect(self._op_changed)
        self.line = QHBoxLayout()
        self.line.setSpacing(4)
        self.line.addWidget(DragHandle(self))
        self.line.addWidget(self.not_label)
        self.line.addWidget(self.picker)
        self.line.addWidget(self.key)
        self.pre = QHBoxLayout()  # measure / event parts sit before the operator
        self.line.addLayout(self.pre)
        self.line.addWidget(self.op)
        self.value_slot = QHBoxLayout()
        self.line.addLayout(self.value_slot)
        self.line.addStretch(1)
        self.line.addWidget(self.negate)
        for text, tip, what in (("↑", "Move up", "up"), ("↓", "Move down", "down"),
                                ("Copy", "Duplicate this condition", "duplicate"), ("✕", "Delete this condition", "delete")):
            b = tool(text, tip, f"row_{what}")
            b.clicked.connect(lambda _c=False, w=what: self.request.emit(w))
            self.line.addWidget(b)
        self.extra = QHBoxLayout()  # the time window
        self.extra.setContentsMargins(36, 0, 0, 0)
        self.filters = QHBoxLayout()  # order / event filters, on their own lines
        self.filters.setContentsMargins(36, 0, 0, 0)
        self.problem = QLabel(objectName="conditionProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 4, 6, 4)
        box.setSpacing(2)
        box.addLayout(self.line)
        box.addLayout(self.extra)
        box.addLayout(self.filters)
        box.addWidget(self.problem)
        self.key.hide()
        self.op.hide()
        if cond:
            self.load(cond)

    # -- building -------------------------------------------------------------------------------
    @property
    def field(self) -> dict | None:
        return FIELDS.get(self.picker.key) if self.picker.key else None

    def _field_chosen(self, key: str) -> None:
        self._setup(FIELDS[key], {"field": key})
        self._edited()

    def _setup(self, f: dict, cond: dict) -> None:
        self._loading = True
        self.picker.set_field(f["key"])
        self.key.setVisible(f["keyed"])
        self.key.edit.setPlaceholderText(KEY_HINTS.get(f["key"], "name"))
        self.key.set_value(cond.get("key", ""))
        if f["keyed"]:  # category names, or the custom attributes customers have
            source = "attribute_names" if f["kind"] == "attribute" else "favourite_category"
            names = [v for v, _n in self.choices_for(source)]
            completer = QCompleter(names, self.key.edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.key.edit.setCompleter(completer)
        for part in self.parts:
            part.setParent(None)
            part.deleteLater()
        self.parts = []
        if f["kind"] == "orders":
            self._part(OrderMeasurePart(), self.pre, cond)
        elif f["kind"] == "event":
            self._part(EventPart(), self.pre, cond)
        elif f["kind"] == "message":
            self._part(CampaignPart(self.choices_for("campaigns")), self.pre, cond)
        if f["kind"] in ("orders", "event", "message"):
            self._part(WindowPart(self.today), self.extra, cond)
        if f["kind"] in ("orders", "event"):
            self._part(FiltersPart(f["kind"]), self.filters, cond)
        self.op.blockSignals(True)
        self.op.clear()
        for o in f["operators"]:
            self.op.addItem(OP_WORDS.get(o["op"], o["label"]), o["op"])
        self.op.setCurrentIndex(max(0, self.op.findData(cond.get("op"))))
        self.op.blockSignals(False)
        self.op.show()
        self._make_value(cond.get("value"))
        self._loading = False

    def _part(self, part: Part, where: QHBoxLayout, cond: dict) -> None:
        part.load(cond)
        part.changed.connect(self._part_changed)
        where.addWidget(part)
        self.parts.append(part)

    def _part_changed(self) -> None:
        if isinstance(self.sender(), OrderMeasurePart):
            self._make_value(self.value_editor.value() if self.value_editor else None)
        self._edited()

    def _op_changed(self) -> None:
        if not self._loading:
            window = next((p for p in self.parts if isinstance(p, WindowPart)), None)
            if window is not None:  # "has not … " takes "in the last N days" or "since a date"
                window.blockSignals(True)
                window.restrict(self.op.currentData())
                window.blockSignals(False)
            self._make_value(self.value_editor.value() if self.value_editor else None)
            self._edited()

    def _make_value(self, keep: Any) -> None:
        f, op = self.field, self.op.currentData()
        if self.value_editor is not None:
            self.value_editor.setParent(None)
            self.value_editor.deleteLater()
            self.value_editor = None
        if f is None:
            return
        if f["kind"] == "orders":
            money = self.parts and self.parts[0].measure.currentData() == "sum"
            editor: ValueEditor | None = NumberEdit("₹" if money else "")
        elif f["kind"] == "event":
            editor = None if op == "not_since" else NumberEdit("times")
        elif f["kind"] == "message":
            editor = None
        else:
            editor = editor_for(f, op, self.choices_for(f["key"]), self.today)
        if editor is None:
            return
        if keep is not None:
            editor.set_value(keep)
        elif f["kind"] in ("orders", "event"):
            editor.set_value(1)
        editor.changed.connect(self._edited)
        self.value_slot.addWidget(editor)
        self.value_editor = editor

    def refresh_choices(self) -> None:
        for part in self.parts:
            if isinstance(part, CampaignPart):
                part.set_campaigns(self.choices_for("campaigns"))
        if self.field is not None and hasattr(self.value_editor, "set_choices"):
            f = self.field
            choices = self.choices_for(f["key"])
            if f.get("choices"):
                counts = dict(choices)
                choices = [(c, counts.get(c, 0)) for c in f["choices"]]
            self.value_editor.set_choices(choices)

    def _negated(self, on: bool) -> None:
        self.not_label.setVisible(on)
        self._edited()

    def _edited(self) -> None:
        if not self._loading:
            self.changed.emit()

    # -- data -----------------------------------------------------------------------------------
    def load(self, cond: dict) -> None:
        f = FIELDS.get(cond.get("field"))
        if f is None:
            self.picker.set_field(None)
            return
        self._setup(f, cond)

    def condition(self) -> dict:
        f = self.field
        if f is None:
            return {"field": None}
        cond: dict[str, Any] = {"field": f["key"]}
        if f["keyed"]:
            cond["key"] = self.key.value().strip()
        for part in self.parts:
            if not isinstance(part, (WindowPart, FiltersPart)):
                part.fill(cond)
        cond["op"] = self.op.currentData()
        if self.value_editor is not None:
            cond["value"] = self.value_editor.value()
        for part in self.parts:
            if isinstance(part, (WindowPart, FiltersPart)):
                part.fill(cond)
        return cond

    def rules(self) -> dict:
        cond = self.condition()
        return {"none": [cond]} if self.negate.isChecked() else cond

    def show_problem(self, text: str) -> None:
        """The engine's message beside the condition (its place in the tree is in the tooltip)."""
        message = text.split("): ", 1)[-1] if "): " in text else text.split(": ", 1)[-1]
        for old, new in PLAIN.items():
            message = message.replace(old, new)
        self.problem.setText(f"⚠ {message[:1].upper()}{message[1:]}" if text else "")
        self.problem.setToolTip(text)
        self.problem.setVisible(bool(text))
        self.setStyleSheet("QFrame#conditionRow { background: #ffffff; border: 1px solid %s; border-radius: 6px; }"
                           % ("#e0a19c" if text else "#dfe6e2"))
