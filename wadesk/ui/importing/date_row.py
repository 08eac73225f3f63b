"""The wizard's "dates like 03/04/2026 mean …" row: which reading WaDesk chose, why, and a switch."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QWidget

from wadesk.core.importing.dates import DMY, LABELS, MDY, ORDERS, DateOrder


class DateOrderRow(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.decided: DateOrder | None = None
        self.question = QLabel(objectName="importDateQuestion")
        self.combo = QComboBox(objectName="importDateOrder")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setToolTip("Change this if the dates in the preview are read the wrong way round (Alt+D)")
        self.question.setBuddy(self.combo)
        self.why = QLabel(objectName="importDateWhy")
        self.why.setStyleSheet("color: #5b6b63;")
        self.why.setWordWrap(True)
        self.remember = QCheckBox("Use this for every file whose dates could be read both ways",
                                  objectName="importDateRemember")
        self.combo.currentIndexChanged.connect(self._update_why)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.question)
        layout.addWidget(self.combo)
        layout.addWidget(self.why, 1)
        layout.addWidget(self.remember)
        self.hide()

    def show_dates(self, dates: DateOrder | None) -> None:
        self.decided = dates
        self.setVisible(bool(dates and dates.has_dates))
        if not (dates and dates.has_dates):
            return
        example = dates.example or dates.proof
        self.question.setText(f"&Dates like {example} mean:" if example else "&Dates are written:")
        self.combo.blockSignals(True)
        self.combo.clear()
        for order in ORDERS:
            text = f"{dates.reading(order)}  ({LABELS[order]})" if dates.example else LABELS[order]
            self.combo.addItem(text, order)
        self.combo.setCurrentIndex(ORDERS.index(dates.order))
        self.combo.blockSignals(False)
        self.remember.setChecked(False)
        self._update_why()

    def _update_why(self) -> None:
        d = self.decided
        if d is None:
            return
        switched = self.combo.currentData() != d.order
        if d.source == "file" and not switched:
            self.why.setText(f"WaDesk saw {d.proof} in this file, so it can only be {LABELS[d.order]}.")
        elif d.source == "file":
            self.why.setText(f"⚠ The file has {d.proof}, which only works as {LABELS[d.order]}.")
        elif switched:
            self.why.setText("Your choice for this file.")
        elif d.source == "setting":
            self.why.setText("These dates could be read both ways; this is your shop's setting. Check the preview.")
        else:
            self.why.setText("Your choice for this file.")
        self.remember.setVisible(d.source != "file" and switched)

    def choice(self) -> str | None:
        """The order to import with, or None to let WaDesk decide as it did for the preview."""
        if self.decided is None or not self.decided.has_dates:
            return None
        order = self.combo.currentData()
        return order if order != self.decided.order or self.decided.source == "chosen" else None

    def remembered(self) -> str | None:
        """The order to save as the shop's setting (the box is ticked), else None."""
        if not self.remember.isHidden() and self.remember.isChecked():
            return self.combo.currentData()
        return None


__all__ = ["DateOrderRow", "DMY", "MDY"]
