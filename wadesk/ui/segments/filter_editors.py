"""The filters of an order or event condition as removable chips: "+ Filter ▾" offers every filter
the engine supports (fields.ORDER_FILTERS / EVENT_FILTERS), each with a widget that fits its type:
yes/no, cash on delivery / prepaid, a ₹ or seconds spinner, a status list, or a typed list."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QMenu, QToolButton, QWidget

from wadesk.core.segments.fields import EVENT_FILTERS, ORDER_FILTERS, ORDER_STATUSES
from wadesk.ui.segments.value_editors import NumberEdit, RowWidget, TextEdit, ValueEditor

# The words on the chip, in the order the "+ Filter" menu lists them.
ORDER_WORDS = {"payment": "paid by", "status": "status", "rto": "returned (RTO)", "min_total": "order value at least",
               "max_total": "order value at most", "category": "has an item in category", "product": "has product",
               "sku": "has SKU", "discount": "used a discount code", "discount_code": "discount code is",
               "payment_method": "payment method is"}
EVENT_WORDS = {"category": "category", "product": "product", "min_value": "value at least",
               "max_value": "value at most", "sale": "during a sale", "min_pdp_seconds": "time on page at least"}
HINTS = {"category": "e.g. skincare", "product": "product names, commas between", "sku": "SKUs, commas between",
         "discount_code": "e.g. DIWALI20", "payment_method": "e.g. UPI, Razorpay"}
STATUS_WORDS = {"pending": "pending", "shipped": "shipped", "delivered": "delivered", "rto": "returned (RTO)",
                "cancelled": "cancelled", "lost": "lost"}


class ComboEdit(ValueEditor):
    """One of a few fixed values (yes / no; cash on delivery / prepaid)."""

    def __init__(self, items: list[tuple[str, Any]], parent: QWidget | None = None):
        super().__init__(parent)
        self.combo = QComboBox(objectName="filterChoice")
        for text, data in items:
            self.combo.addItem(text, data)
        self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.row.addWidget(self.combo)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, v: Any) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(v)))


def filter_editor(key: str, ftype: str) -> ValueEditor:
    from wadesk.ui.segments.choice_edit import ChoiceEdit

    if key == "payment":
        return ComboEdit([("cash on delivery", "cod"), ("prepaid", "prepaid")])
    if ftype == "boolean":
        return ComboEdit([("yes", True), ("no", False)])
    if ftype in ("money", "number"):
        edit = NumberEdit("₹" if ftype == "money" else "seconds")
        if ftype == "number":
            edit.spin.setMinimum(0)
        return edit
    if key == "status":
        edit = ChoiceEdit([(s, None) for s in ORDER_STATUSES])
        edit.button.setMinimumWidth(110)
        return edit
    return TextEdit(as_list=True, hint=HINTS.get(key, "values, commas between"))


def default_value(key: str, ftype: str) -> Any:
    return {"boolean": True, "money": 0, "number": 120}.get(ftype, "cod" if key == "payment" else [])


class FilterChip(RowWidget):
    """[words] [value] [✕]"""

    def __init__(self, key: str, words: str, editor: ValueEditor, on_remove: Callable[["FilterChip"], None],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"filter_{key}")
        self.key, self.editor = key, editor
        self.setStyleSheet(f"QWidget#filter_{key} {{ background: #eef4f1; border-radius: 4px; }}")
        self.row.setContentsMargins(6, 1, 2, 1)
        self.row.addWidget(QLabel(words))
        self.row.addWidget(editor)
        remove = QToolButton(objectName="removeFilter", text="✕", autoRaise=True)
        remove.setToolTip(f"Remove the “{words}” filter")
        remove.clicked.connect(lambda: on_remove(self))
        self.row.addWidget(remove)
        editor.changed.connect(self.changed)


class FiltersPart(QWidget):
    """Every filter of an order ("only orders where …") or event ("only where …") condition, as
    chips three to a line, then "+ Filter"."""

    changed = Signal()
    PER_LINE = 3

    def __init__(self, kind: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        self.types = ORDER_FILTERS if kind == "orders" else EVENT_FILTERS
        self.words = ORDER_WORDS if kind == "orders" else EVENT_WORDS
        self.chips: list[FilterChip] = []
        self.kept: dict[str, Any] = {}  # filters this version has no widget for: kept as they were
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(2)
        self.lead = QLabel("only orders where" if kind == "orders" else "only where")
        self.grid.addWidget(self.lead, 0, 0)
        self.add_button = QToolButton(objectName="addFilter", text="+ Filter")
        self.add_button.setToolTip("Count only some of them: by payment, status, value, category …")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self.add_button)
        self.menu.aboutToShow.connect(self._fill_menu)
        self.add_button.setMenu(self.menu)
        self.grid.setColumnStretch(self.PER_LINE + 1, 1)
        self._place()

    def _place(self) -> None:
        """Chips three to a line after the lead words, "+ Filter" in the next free place."""
        for w in (*self.chips, self.add_button):
            self.grid.removeWidget(w)
        self.lead.setVisible(bool(self.chips))
        for i, w in enumerate((*self.chips, self.add_button)):
            self.grid.addWidget(w, i // self.PER_LINE, 1 + i % self.PER_LINE, Qt.AlignmentFlag.AlignLeft)

    def _fill_menu(self) -> None:
        self.menu.clear()
        used = {c.key for c in self.chips}
        for key, words in self.words.items():
            act = self.menu.addAction(words[:1].upper() + words[1:])
            act.setData(key)
            act.setEnabled(key not in used)
            act.triggered.connect(lambda _c=False, k=key: self.add_filter(k))

    def add_filter(self, key: str, value: Any = None, emit: bool = True) -> FilterChip:
        editor = filter_editor(key, self.types[key])
        editor.set_value(default_value(key, self.types[key]) if value is None else value)
        chip = FilterChip(key, self.words.get(key, key), editor, self.remove_filter)
        chip.changed.connect(self.changed)
        self.chips.append(chip)
        self._place()
        if emit:
            self.changed.emit()
        return chip

    def _drop(self, chip: FilterChip) -> None:
        self.chips.remove(chip)
        self.grid.removeWidget(chip)
        chip.setParent(None)
        chip.deleteLater()

    def remove_filter(self, chip: FilterChip) -> None:
        self._drop(chip)
        self._place()
        self.changed.emit()

    def chip(self, key: str) -> FilterChip | None:
        return next((c for c in self.chips if c.key == key), None)

    def load(self, cond: dict) -> None:
        for chip in list(self.chips):
            self._drop(chip)
        where = dict(cond.get("where") or {})
        self.kept = {k: v for k, v in where.items() if k not in self.types}  # the validator reports them
        for key, v in where.items():
            if key in self.types:
                self.add_filter(key, v, emit=False)
        self._place()

    def fill(self, cond: dict) -> None:
        where = {**self.kept, **{c.key: c.editor.value() for c in self.chips}}
        if where:
            cond["where"] = where
