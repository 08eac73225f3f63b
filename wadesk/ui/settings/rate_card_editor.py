"""The rate card editor: Meta's price per delivered message by country and category, GST, and a
reset to the India rates. It only collects what is typed; core's RateCard.from_json judges it."""
from __future__ import annotations

from typing import Any

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDoubleSpinBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from wadesk.core.campaigns.pricing import CATEGORIES, MAX_RATE, OTHER, RateCard, estimate_cost, money_words
from wadesk.core.settings import SettingError
from wadesk.ui.widgets.country_combo import CountryCombo

OTHER_TEXT = "All other countries"
ERROR_COLOUR = "#b3261e"
HEADERS = ("Country", "Marketing", "Utility", "Authentication")
SUGGESTED = ("IN", "AE", "US", "GB", "SA", "SG", "NP", "BD", "LK", "AU", "CA")  # where Indian shops' customers live


class RateCardEditor(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.currency = "INR"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.table = QTableWidget(0, len(HEADERS), objectName="rateCardTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(HEADERS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(col, 130)
        self.table.setToolTip("₹ per delivered message, before GST. Double-click a price to change it.")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemChanged.connect(self._check_price)
        layout.addWidget(self.table)

        row = QHBoxLayout()
        self.add_button = QPushButton("Add a country", objectName="addRateRow")
        self.remove_button = QPushButton("Remove country", objectName="removeRateRow")
        self.reset_button = QPushButton("Reset to Meta's India rates", objectName="resetRates")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_selected)
        self.reset_button.clicked.connect(self.reset)
        for b in (self.add_button, self.remove_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.reset_button)
        layout.addLayout(row)

        gst = QHBoxLayout()
        gst.addWidget(QLabel("GST"))
        self.gst = QDoubleSpinBox(objectName="gstPct", decimals=1, minimum=0, maximum=100, suffix=" %")
        self.include_gst = QCheckBox("Show costs with GST added", objectName="includeGst")
        gst.addWidget(self.gst)
        gst.addSpacing(16)
        gst.addWidget(self.include_gst)
        gst.addStretch(1)
        layout.addLayout(gst)
        self.example = QLabel(objectName="rateExample")
        self.example.setWordWrap(True)
        layout.addWidget(self.example)
        self.table.itemChanged.connect(self._show_example)
        self.gst.valueChanged.connect(self._show_example)
        self.include_gst.toggled.connect(self._show_example)

    # -- rows ------------------------------------------------------------------------------------
    def _check_price(self, item: QTableWidgetItem) -> None:
        """Mark a price that is not a number at once (saving says why in words)."""
        if item.column() == 0:
            return
        try:
            ok = 0 <= Decimal(item.text().strip().replace(",", "")) <= MAX_RATE
        except InvalidOperation:
            ok = False
        item.setForeground(QColor("#15241c" if ok else ERROR_COLOUR))
        item.setToolTip("" if ok else "Type a price per message, like 0.8631 (0 if it is free).")

    def _show_example(self) -> None:
        """'1,000 marketing messages to India cost ₹1,018 (₹863 + ₹155 GST).' from what the table holds."""
        try:
            card = RateCard.from_json(self.card_json())
        except SettingError:
            self.example.setText("")
            return
        where = "IN" if "IN" in card.rates else OTHER
        est = estimate_cost(card, {where: 1000}, "MARKETING", self.include_gst.isChecked())
        gst = (f" ({money_words(est.subtotal, card.currency)} + {money_words(est.gst, card.currency)} GST)"
               if est.gst else " before GST")
        to = "India" if where == "IN" else "other countries"
        self.example.setText(f"For example, 1,000 marketing messages to {to} cost "
                             f"{money_words(est.total, card.currency)}{gst}.")

    def _price_item(self, value: Any) -> QTableWidgetItem:
        item = QTableWidgetItem(str(value))
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _append(self, country: str, prices: dict[str, Any], at: int | None = None) -> int:
        r = self.table.rowCount() if at is None else at
        self.table.insertRow(r)
        if country == OTHER:
            item = QTableWidgetItem(OTHER_TEXT)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            item.setToolTip("Used for every country without its own row. It cannot be removed.")
            self.table.setItem(r, 0, item)
        else:
            combo = CountryCombo()
            combo.set_code(country)
            combo.currentIndexChanged.connect(self._show_example)
            self.table.setCellWidget(r, 0, combo)
        for col, cat in enumerate(CATEGORIES, start=1):
            self.table.setItem(r, col, self._price_item(prices.get(cat, "")))
        self._fit_height()
        return r

    def _country(self, r: int) -> str:
        combo = self.table.cellWidget(r, 0)
        return combo.currentData() if isinstance(combo, CountryCombo) else OTHER

    def _other_row(self) -> int | None:
        return next((r for r in range(self.table.rowCount()) if self._country(r) == OTHER), None)

    def add_row(self) -> None:
        """A new country, priced like "all other countries" until edited, just above that row."""
        used = {self._country(r) for r in range(self.table.rowCount())}
        code = next((c for c in SUGGESTED if c not in used), "IN")
        other = self._other_row()
        r = self._append(code, self._row_prices(other) if other is not None else {}, at=other)
        self.table.selectRow(r)
        self.table.cellWidget(r, 0).setFocus()

    def remove_selected(self) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        for r in sorted(rows, reverse=True):
            if self._country(r) != OTHER:
                self.table.removeRow(r)
        self._fit_height()
        self._update_buttons()

    def _update_buttons(self) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        self.remove_button.setEnabled(any(self._country(r) != OTHER for r in rows))

    def _row_prices(self, r: int) -> dict[str, str]:
        return {cat: (self.table.item(r, col).text().strip() if self.table.item(r, col) else "")
                for col, cat in enumerate(CATEGORIES, start=1)}

    def _fit_height(self) -> None:
        # No inner scrolling: the page scrolls; a rate card has a handful of rows.
        rows = max(self.table.rowCount(), 2)
        header = self.table.horizontalHeader().sizeHint().height()
        row_height = self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(header + rows * row_height + 2 * self.table.frameWidth() + 2)

    # -- in and out ------------------------------------------------------------------------------
    def set_card(self, card: RateCard, include_gst: bool) -> None:
        self.currency = card.currency
        self.table.setRowCount(0)
        for cc in sorted(card.rates, key=lambda c: (c == OTHER, c != "IN", c)):
            self._append(cc, {cat: card.rates[cc][cat] for cat in CATEGORIES})
        self.gst.setValue(float(card.gst_pct))
        self.include_gst.setChecked(include_gst)
        self._update_buttons()
        self._show_example()

    def card_json(self) -> dict[str, Any]:
        """What the table holds, as RateCard JSON; prices are whatever was typed (core checks them)."""
        rates: dict[str, dict[str, str]] = {}
        for r in range(self.table.rowCount()):
            cc = self._country(r)
            if cc in rates:
                combo = self.table.cellWidget(r, 0)
                raise SettingError(f"The rate card lists {combo.currentText()} twice: remove one of the rows.")
            rates[cc] = self._row_prices(r)
        return {"currency": self.currency, "gst_pct": str(round(self.gst.value(), 1)), "rates": rates}

    def reset(self) -> None:
        self.set_card(RateCard.default(), self.include_gst.isChecked())
