"""Settings → Shop: the shop's name and the country phone numbers are read in by default."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QWidget)

from wadesk.ui.settings.card import card_layout
from wadesk.core.settings import SettingError
from wadesk.ui.widgets.country_combo import CountryCombo


class ShopSection(QFrame):
    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.services = services
        layout = card_layout(self, "Shop")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(14)
        self.shop_name = QLineEdit(objectName="shopName", placeholderText="The name customers know you by")
        self.country = CountryCombo(objectName="defaultCountry")
        form.addRow("Shop name", self.shop_name)
        form.addRow("Default country for phone numbers", self.country)
        hint = QLabel("Numbers typed without a country code, like 98765 43210, are read as this country's.",
                      objectName="muted")
        hint.setWordWrap(True)
        layout.addLayout(form)
        layout.addWidget(hint)
        row = QHBoxLayout()
        self.save_button = QPushButton("Save", objectName="saveShop")
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        self.result = QLabel(objectName="shopResult")
        row.addWidget(self.result, 1)
        layout.addLayout(row)
        services.settings.updated.connect(self.load)
        self.load()

    def load(self) -> None:
        settings = self.services.settings
        self.shop_name.setText(settings.shop_name)
        self.country.set_code(settings.get("default_region"))

    def save(self) -> None:
        settings = self.services.settings
        name, region = self.shop_name.text().strip(), self.country.currentData()  # `set` reloads the fields
        try:
            settings.set("shop_name", name)
            settings.set("default_region", region,
                         on_saved=lambda: self.result.setText("Saved."))
        except SettingError as exc:
            self.result.setText(str(exc))
            return
        self.result.setText("Saving…")
