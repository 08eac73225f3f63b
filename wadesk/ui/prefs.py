"""Window preferences (size, position, last page) in QSettings — organisation and app "WaDesk".

INI format everywhere, so tests can point QSettings.setPath(IniFormat, UserScope, tmp) elsewhere.
"""
from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANISATION = "WaDesk"
APPLICATION = "WaDesk"


def ui_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


STAFF_NAME = "staff_name"  # who works at this computer (team mode), named in the audit log


def load_staff_name() -> None:
    """This computer's staff name into the audit log's default actor (kept per computer, not in the
    shared database: two computers on one team database are two people)."""
    from wadesk.core.crm.bookkeeping import set_staff_name

    name = ui_settings().value(STAFF_NAME, "")
    if name:
        set_staff_name(str(name))
