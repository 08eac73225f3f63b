"""Settings → Shop: the shop's name and the country phone numbers are read in by default."""
from __future__ import annotations

import phonenumbers
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (QComboBox, QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from wadesk.core.settings import SettingError

FIRST = ("IN",)  # most shops are Indian: India heads the list


def country_name(code: str) -> str:
    territory = QLocale.codeToTerritory(code)
    name = QLocale.territoryToString(territory) if territory.name != "AnyTerritory" else code
    return f"{name} (+{phonenumbers.country_code_for_region(code)})"


class ShopSection(QFrame):
    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(10)
        title = QLabel("Shop")
        title.setStyleSheet("font-size: 16px; font-weight: bold;")
        layout.addWidget(title)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(14)
        self.shop_name = QLineEdit(objectName="shopName", placeholderText="The name customers know you by")
        self.country = QComboBox(objectName="defaultCountry")
        names = {c: country_name(c) for c in phonenumbers.SUPPORTED_REGIONS - {"001"}}
        for code in (*FIRST, "", *sorted(names.keys() - set(FIRST), key=names.get)):
            if code:
                self.country.addItem(names[code], code)
            else:
                self.country.insertSeparator(self.country.count())
        self.country.setMaxVisibleItems(20)
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
        index = self.country.findData(settings.get("default_region"))
        self.country.setCurrentIndex(max(index, 0))

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
