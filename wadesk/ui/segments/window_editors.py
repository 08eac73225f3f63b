"""The extra parts of order, event and message conditions: what to measure, which event, which
campaign and the time window (any time, the last N days, between / since / before dates). The
filters are in `filter_editors`.

Each part reads its keys from a condition (`load`) and writes them back (`fill`).
"""
from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox, QWidget

from wadesk.core.segments.fields import EVENT_TYPES
from wadesk.ui.segments.value_editors import DateEdit, RowWidget

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


class Part(RowWidget):

    def load(self, cond: dict) -> None: ...

    def fill(self, cond: dict) -> None: ...


class WindowPart(Part):
    """When: at any time, in the last N days, between two dates, since a date or before a date.
    For "has not done it" (not_since) only "in the last N days" and "since a date" make sense."""

    MODES = (("ever", "at any time"), ("days", "in the last"), ("between", "between"), ("since", "since"),
             ("before", "before"))

    def __init__(self, today: date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        today = today or date.today()
        self.op = ""
        self.mode = QComboBox(objectName="windowMode")
        self.days = QSpinBox(objectName="windowDays", suffix=" days", minimum=1, maximum=10_000, value=30)
        self.start = DateEdit(today - timedelta(days=30))
        self.start.edit.setObjectName("windowFrom")
        self.and_label = QLabel("and")
        self.end = DateEdit(today)
        self.end.edit.setObjectName("windowTo")
        for w in (self.mode, self.days, self.start, self.and_label, self.end):
            self.row.addWidget(w)
        self.row.addStretch(1)
        self._fill_modes("ever")
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.days.valueChanged.connect(lambda _v: self.changed.emit())
        self.start.changed.connect(self.changed)
        self.end.changed.connect(self.changed)
        self._show()

    def _fill_modes(self, want: str) -> None:
        allowed = ("days", "since") if self.op == "not_since" else [m for m, _ in self.MODES]
        self.mode.blockSignals(True)
        self.mode.clear()
        for m, words in self.MODES:
            if m in allowed:
                self.mode.addItem(words, m)
        self.mode.setCurrentIndex(max(0, self.mode.findData(want if want in allowed else "days")))
        self.mode.blockSignals(False)

    def restrict(self, op: str) -> None:
        """The operator changed: offer the windows it can use ("not since" needs days or a date)."""
        was = self.mode.currentData()
        self.op = op or ""
        self._fill_modes(was if op != "not_since" or was in ("days", "since") else "days")
        self._show()
        if self.mode.currentData() != was:
            self.changed.emit()

    def _show(self) -> None:
        m = self.mode.currentData()
        self.days.setVisible(m == "days")
        self.start.setVisible(m in ("between", "since"))
        self.and_label.setVisible(m == "between")
        self.end.setVisible(m in ("between", "before"))

    def _mode_changed(self) -> None:
        self._show()
        self.changed.emit()

    def load(self, cond: dict) -> None:
        self.op = cond.get("op") or ""
        if cond.get("days") is not None:
            self.days.setValue(int(cond["days"]))
            mode = "days"
        elif cond.get("since") is not None or (cond.get("from") is not None and cond.get("to") is None):
            self.start.set_value(cond.get("since") or cond.get("from"))
            mode = "since"
        elif cond.get("from") is not None:
            self.start.set_value(cond["from"])
            self.end.set_value(cond["to"])
            mode = "between"
        elif cond.get("to") is not None:  # "to" is the last day counted: "before" the day after
            try:
                self.end.set_value((date.fromisoformat(str(cond["to"])[:10]) + timedelta(days=1)).isoformat())
            except ValueError:
                pass  # the validator names the bad date beside the condition
            mode = "before"
        else:
            mode = "ever"
        self._fill_modes(mode)
        self._show()

    def fill(self, cond: dict) -> None:
        m = self.mode.currentData()
        if m == "days":
            cond["days"] = self.days.value()
        elif m == "since":
            cond["since" if cond.get("op") == "not_since" else "from"] = self.start.value()
        elif m == "between":
            cond["from"], cond["to"] = sorted((self.start.value(), self.end.value()))
        elif m == "before":  # "before 1 Nov" = up to the day before
            cond["to"] = (date.fromisoformat(self.end.value()) - timedelta(days=1)).isoformat()


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


class CampaignPart(Part):
    """Which campaign, by name (newest first), or any; a saved rule's campaign that no longer
    exists stays as "campaign #id"."""

    def __init__(self, campaigns: list[tuple[str, int]] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.campaign = QComboBox(objectName="messageCampaign")
        self.campaign.setMinimumWidth(160)
        self.set_campaigns(campaigns)
        self.campaign.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.row.addWidget(self.campaign)

    def set_campaigns(self, campaigns: list[tuple[str, int]]) -> None:
        """Fill the list (again, once the data is read), keeping the chosen campaign."""
        keep = self.campaign.currentData()
        self.campaign.blockSignals(True)
        self.campaign.clear()
        self.campaign.addItem("any campaign", None)
        for name, cid in campaigns:
            self.campaign.addItem(name, cid)
        self._choose(keep)
        self.campaign.blockSignals(False)

    def _choose(self, cid) -> None:
        if cid is not None and self.campaign.findData(cid) < 0:
            self.campaign.addItem(f"campaign #{cid}", cid)
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(cid)))

    def load(self, cond: dict) -> None:
        self._choose(cond.get("campaign"))

    def fill(self, cond: dict) -> None:
        if self.campaign.currentData() is not None:
            cond["campaign"] = self.campaign.currentData()
