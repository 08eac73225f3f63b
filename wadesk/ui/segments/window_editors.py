"""The extra parts of order, event and message conditions: what to measure, which event, the time
window ("at any time" / "in the last N days") and the filters (COD, RTO, order value, category).

Each part reads its keys from a condition (`load`) and writes them back (`fill`); keys it has no
widget for (e.g. a `from`/`to` window or a `product` filter from a preset) are kept as they were.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSpinBox, QWidget

from wadesk.core.segments.fields import EVENT_TYPES
from wadesk.ui.segments.value_editors import NumberEdit, RowWidget, TextEdit

EVENT_WORDS = {
    "product_viewed": "viewed a product", "added_to_cart": "added to cart",
    "checkout_started": "started checkout", "session": "visited the shop",
    "offer_clicked": "clicked an offer", "wishlisted": "wishlisted a product",
    "size_guide_viewed": "opened the size guide", "pdp_time": "spent time on a product page",
    "lead_created": "became a lead",
}
FILTER_WORDS = {"product": "product", "sku": "SKU", "status": "status", "payment_method": "payment method",
                "discount": "used a discount", "discount_code": "discount code", "max_total": "order under ₹",
                "sale": "during a sale", "min_pdp_seconds": "seconds on page at least", "min_value": "value over ₹",
                "max_value": "value under ₹"}


def _words(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    return f"{v:g}" if isinstance(v, float) else str(v)


class Part(RowWidget):

    def load(self, cond: dict) -> None: ...

    def fill(self, cond: dict) -> None: ...


class WindowPart(Part):
    """'at any time' or 'in the last N days'; a dated window from a saved rule is kept and shown."""

    def __init__(self, parent: QWidget | None = None, allow_ever: bool = True):
        super().__init__(parent)
        self.kept: dict[str, Any] = {}
        self.mode = QComboBox(objectName="windowMode")
        if allow_ever:
            self.mode.addItem("at any time", "ever")
        self.mode.addItem("in the last", "days")
        self.days = QSpinBox(objectName="windowDays", suffix=" days", minimum=1, maximum=10_000, value=30)
        self.dates = QLabel(objectName="windowDates")
        for w in (self.mode, self.days, self.dates):
            self.row.addWidget(w)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.days.valueChanged.connect(lambda _v: self.changed.emit())
        self._mode_changed()

    def _mode_changed(self) -> None:
        self.days.setVisible(self.mode.currentData() == "days")
        self.dates.setVisible(bool(self.kept) and self.mode.currentData() == "ever")
        self.changed.emit()

    def load(self, cond: dict) -> None:
        self.kept = {k: cond[k] for k in ("from", "to", "since") if cond.get(k) is not None}
        self.dates.setText(" ".join(f"{k} {v}" for k, v in self.kept.items()))
        if cond.get("days") is not None:
            self.days.setValue(int(cond["days"]))
            self.mode.setCurrentIndex(self.mode.findData("days"))
        elif self.mode.findData("ever") >= 0:
            self.mode.setCurrentIndex(self.mode.findData("ever"))
        self._mode_changed()

    def fill(self, cond: dict) -> None:
        if self.mode.currentData() == "days":
            cond["days"] = self.days.value()
        else:
            cond.update(self.kept)


class OrderMeasurePart(Part):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.measure = QComboBox(objectName="orderMeasure")
        self.measure.addItem("number of orders", "count")
        self.measure.addItem("₹ value of orders", "sum")
        self.measure.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.row.addWidget(self.measure)

    def load(self, cond: dict) -> None:
        self.measure.setCurrentIndex(max(0, self.measure.findData(cond.get("measure", "count"))))

    def fill(self, cond: dict) -> None:
        cond["measure"] = self.measure.currentData()


class EventPart(Part):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.event = QComboBox(objectName="eventType")
        for e in EVENT_TYPES:
            self.event.addItem(EVENT_WORDS.get(e, e.replace("_", " ")), e)
        self.event.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.row.addWidget(self.event)

    def load(self, cond: dict) -> None:
        e = cond.get("event") or EVENT_TYPES[0]
        if self.event.findData(e) < 0:
            self.event.addItem(e.replace("_", " "), e)
        self.event.setCurrentIndex(self.event.findData(e))

    def fill(self, cond: dict) -> None:
        cond["event"] = self.event.currentData()


class FiltersPart(Part):
    """Order filters (payment, RTO, order value) or event filters (category); others are kept."""

    def __init__(self, kind: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind, self.kept = kind, {}
        self.row.addWidget(QLabel("counting" if kind == "orders" else "only"))
        if kind == "orders":
            self.payment = QComboBox(objectName="filterPayment")
            for text, data in (("orders paid any way", None), ("cash-on-delivery orders", "cod"), ("prepaid orders", "prepaid")):
                self.payment.addItem(text, data)
            self.rto = QCheckBox("returned (RTO)", objectName="filterRto")
            self.min_total = NumberEdit("₹")
            self.min_total.spin.setSpecialValueText("any value")
            self.row.addWidget(self.payment)
            self.row.addWidget(self.rto)
            self.row.addWidget(QLabel("worth at least"))
            self.row.addWidget(self.min_total)
            self.payment.currentIndexChanged.connect(lambda _i: self.changed.emit())
            self.rto.toggled.connect(lambda _c: self.changed.emit())
            self.min_total.changed.connect(self.changed)
        else:
            self.row.addWidget(QLabel("in category"))
            self.category = TextEdit(as_list=True, hint="any category (e.g. skincare)")
            self.category.changed.connect(self.changed)
            self.row.addWidget(self.category)
        self.other = QLabel(objectName="keptFilters")
        self.other.setStyleSheet("color: #5b6b63;")
        self.row.addWidget(self.other)
        self.row.addStretch(1)

    def load(self, cond: dict) -> None:
        where = dict(cond.get("where") or {})
        if self.kind == "orders":
            self.payment.setCurrentIndex(max(0, self.payment.findData(where.pop("payment", None))))
            self.rto.setChecked(bool(where.pop("rto", False)))
            self.min_total.set_value(where.pop("min_total", 0))
        else:
            self.category.set_value(where.pop("category", None))
        self.kept = where
        self.other.setText(" · ".join(f"{FILTER_WORDS.get(k, k)}: {_words(v)}" for k, v in where.items()))

    def fill(self, cond: dict) -> None:
        where = dict(self.kept)
        if self.kind == "orders":
            if self.payment.currentData():
                where["payment"] = self.payment.currentData()
            if self.rto.isChecked():
                where["rto"] = True
            if self.min_total.value():
                where["min_total"] = self.min_total.value()
        elif self.category.value():
            where["category"] = self.category.value()
        if where:
            cond["where"] = where


class CampaignPart(Part):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.campaign = QSpinBox(objectName="messageCampaign", minimum=0, maximum=10**9)
        self.campaign.setSpecialValueText("any campaign")
        self.campaign.setPrefix("campaign #")
        self.campaign.valueChanged.connect(lambda _v: self.changed.emit())
        self.row.addWidget(self.campaign)

    def load(self, cond: dict) -> None:
        self.campaign.setValue(int(cond.get("campaign") or 0))

    def fill(self, cond: dict) -> None:
        if self.campaign.value():
            cond["campaign"] = self.campaign.value()
