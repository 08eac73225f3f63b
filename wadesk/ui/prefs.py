"""Window preferences (size, position, last page) in QSettings — organisation and app "WaDesk".

INI format everywhere, so tests can point QSettings.setPath(IniFormat, UserScope, tmp) elsewhere.
"""
from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANISATION = "WaDesk"
APPLICATION = "WaDesk"


def ui_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)
