"""Shop settings: a declarative list with defaults and validation, stored in the settings table."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from wadesk.core.db.models import Setting


class SettingError(ValueError):
    pass


def _region(value: Any) -> str:
    v = str(value).strip().upper()
    if v not in phonenumbers.SUPPORTED_REGIONS:
        raise SettingError(f"'{value}' is not a country code WaDesk knows (use two letters, e.g. IN).")
    return v


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    v = str(value).strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off"):
        return False
    raise SettingError(f"'{value}' is not yes or no.")


def _str(value: Any) -> str:
    return str(value)


@dataclass(frozen=True)
class SettingDef:
    key: str
    default: Any
    label: str
    parse: Callable[[Any], Any]


SETTINGS: dict[str, SettingDef] = {
    d.key: d
    for d in [
        SettingDef("default_region", "IN", "Default country for phone numbers", _region),
        SettingDef("currency", "INR", "Shop currency", _str),
        SettingDef("shop_name", "", "Shop name", _str),
        # Set while the database holds the generated sample shop, so the UI can label it.
        SettingDef("sample_shop", False, "Database holds the sample shop", _bool),
        SettingDef("first_run_done", False, "Welcome screen answered", _bool),
    ]
}


def register_settings(defs: list[SettingDef]) -> None:
    """Let an area declare its own settings (e.g. messaging) without growing this list.

    Re-registering the same key with the same definition is harmless (module reloads in tests)."""
    for d in defs:
        old = SETTINGS.get(d.key)
        if old is not None and (old.default, old.label) != (d.default, d.label):
            raise SettingError(f"The setting '{d.key}' is declared twice.")
        SETTINGS[d.key] = d


def get_setting(session: Session, key: str) -> Any:
    if key not in SETTINGS:
        raise SettingError(f"There is no setting called '{key}'.")
    row = session.get(Setting, key)
    return SETTINGS[key].default if row is None else row.value


def set_setting(session: Session, key: str, value: Any) -> Any:
    if key not in SETTINGS:
        raise SettingError(f"There is no setting called '{key}'.")
    parsed = SETTINGS[key].parse(value)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=parsed))
    else:
        row.value = parsed
    return parsed


def all_settings(session: Session) -> dict[str, Any]:
    stored = {r.key: r.value for r in session.scalars(select(Setting))}
    return {k: stored.get(k, d.default) for k, d in SETTINGS.items()}
