"""Value widgets that fit a field's type: ₹ spinners, dates, "in the last N days", choice lists
with counts, text and comma-separated lists. Each has `value()`, `set_value(v)` and `changed`."""
from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QDateEdit, QDoubleSpinBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from wadesk.core.segments.fields import DAYS_OPS


NUMBER_MAX = 1_000_000_000
LIST_OPS = ("in", "not_in", "has_any", "has_all", "has_none")


class RowWidget(QWidget):
    """A tight horizontal strip of inputs that says when any of them changed."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(4)


class ValueEditor(RowWidget):

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, v: Any) -> None:
        raise NotImplementedError


class NumberEdit(ValueEditor):
    """A number; money shows ₹, shares show %, day counts show 'days'."""

    def __init__(self, unit: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.spin = QDoubleSpinBox(objectName="numberValue")
        self.spin.setRange(-NUMBER_MAX, NUMBER_MAX)
        self.spin.setDecimals(0)
        self.spin.setGroupSeparatorShown(unit == "₹")
        if unit == "₹":
            self.spin.setPrefix("₹ ")
            self.spin.setMinimum(0)
        elif unit:
            self.spin.setSuffix(f" {unit}")
        if unit in ("%", "days"):
            self.spin.setMinimum(0)
            self.spin.setMaximum(100 if unit == "%" else 100_000)
        self.spin.setMinimumWidth(96)
        if unit == "times":
            self.spin.valueChanged.connect(lambda v: self.spin.setSuffix(" time" if v == 1 else " times"))
        self.spin.valueChanged.connect(lambda _v: self.changed.emit())
        self.row.addWidget(self.spin)

    def value(self) -> int | float:
        v = self.spin.value()
        return int(v) if float(v).is_integer() else round(v, 2)

    def set_value(self, v: Any) -> None:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if not float(v).is_integer():
                self.spin.setDecimals(2)
            self.spin.setValue(float(v))


class DaysEdit(NumberEdit):
    def __init__(self, parent: QWidget | None = None):
        super().__init__("days", parent)
        self.spin.setValue(30)


class DateEdit(ValueEditor):
    def __init__(self, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = QDateEdit(objectName="dateValue", calendarPopup=True)
        self.edit.setDisplayFormat("d MMM yyyy")
        self.edit.setDate(QDate(today.year, today.month, today.day))
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.row.addWidget(self.edit)

    def value(self) -> str:
        return self.edit.date().toString("yyyy-MM-dd")

    def set_value(self, v: Any) -> None:
        d = QDate.fromString(str(v)[:10], "yyyy-MM-dd")
        if d.isValid():
            self.edit.setDate(d)


class RangeEdit(ValueEditor):
    """'between' low and high (numbers or dates)."""

    def __init__(self, low: ValueEditor, high: ValueEditor, parent: QWidget | None = None):
        super().__init__(parent)
        self.low, self.high = low, high
        self.row.addWidget(low)
        self.row.addWidget(QLabel("and"))
        self.row.addWidget(high)
        low.changed.connect(self.changed)
        high.changed.connect(self.changed)

    def value(self) -> list:
        return [self.low.value(), self.high.value()]

    def set_value(self, v: Any) -> None:
        if isinstance(v, (list, tuple)) and len(v) == 2:
            self.low.set_value(v[0])
            self.high.set_value(v[1])


class TextEdit(ValueEditor):
    """Free text, or a comma-separated list for 'is one of' on text and list fields."""

    def __init__(self, as_list: bool = False, hint: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.as_list = as_list
        self.edit = QLineEdit(objectName="textValue")
        self.edit.setPlaceholderText(hint or ("values separated by commas" if as_list else "type a value"))
        self.edit.setMinimumWidth(200 if as_list else 140)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self.row.addWidget(self.edit)

    def value(self) -> Any:
        text = self.edit.text()
        if not self.as_list:
            return text
        return [p.strip() for p in text.replace("\n", ",").split(",") if p.strip()]

    def set_value(self, v: Any) -> None:
        if isinstance(v, (list, tuple)):
            self.edit.setText(", ".join(str(x) for x in v))
        elif v is not None:
            self.edit.setText(str(v))
        self.edit.setCursorPosition(0)


def editor_for(field: dict, op: str, choices: list[tuple[str, int]] | None, today: date) -> ValueEditor | None:
    """The value widget for a plain (column) condition, or None when the operator needs no value."""
    from wadesk.ui.segments.choice_edit import ChoiceEdit

    ftype, unit = field["type"], field.get("unit", "")
    if op in ("is_set", "is_not_set", "is_true", "is_false"):
        return None
    if op in DAYS_OPS:
        return DaysEdit()
    if op == "between":
        if ftype == "date":
            return RangeEdit(DateEdit(today), DateEdit(today))
        return RangeEdit(NumberEdit(unit), NumberEdit(unit))
    if ftype in ("number", "money"):
        return NumberEdit(unit or ("₹" if ftype == "money" else ""))
    if ftype == "date":
        return DateEdit(today)
    if ftype in ("choice", "tags") and op in LIST_OPS:
        if field.get("choices"):
            counts = dict(choices or [])
            choices = [(c, counts.get(c, 0)) for c in field["choices"]]
        return ChoiceEdit(choices or [])
    return TextEdit(as_list=op in LIST_OPS, hint=field.get("help", ""))
