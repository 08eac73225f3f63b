"""A country picker for "numbers without +code are from": India first, then A–Z, with calling codes."""
from __future__ import annotations

import phonenumbers
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QComboBox, QWidget

FIRST = ("IN",)  # most shops are Indian: India heads the list


def country_name(code: str) -> str:
    territory = QLocale.codeToTerritory(code)
    name = QLocale.territoryToString(territory) if territory.name != "AnyTerritory" else code
    return f"{name} (+{phonenumbers.country_code_for_region(code)})"


class CountryCombo(QComboBox):
    def __init__(self, parent: QWidget | None = None, **kwargs):
        super().__init__(parent, **kwargs)
        names = {c: country_name(c) for c in phonenumbers.SUPPORTED_REGIONS - {"001"}}
        for code in (*FIRST, "", *sorted(names.keys() - set(FIRST), key=names.get)):
            if code:
                self.addItem(names[code], code)
            else:
                self.insertSeparator(self.count())
        self.setMaxVisibleItems(20)

    def set_code(self, code: str | None) -> None:
        self.setCurrentIndex(max(self.findData(code), 0))
