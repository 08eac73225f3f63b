"""How campaigns send: the shop's sending settings and `SendPolicy`, the frozen copy a campaign keeps.

The settings live in the settings table (Settings → Sending edits them). A campaign freezes them
with `SendPolicy.as_json()` into campaigns.settings, so changing a setting later never changes a
campaign already made; `from_json` reads it back (keys a newer WaDesk added take their defaults).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import lru_cache
from datetime import time
from typing import TYPE_CHECKING, Any, Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy.orm import Session

from wadesk.core.campaigns.pricing import RateCard
from wadesk.core.settings import SETTINGS, SettingDef, SettingError, _bool, get_setting, register_settings, set_setting

if TYPE_CHECKING:
    from wadesk.core.segments.engine import ReachPolicy


def _int_between(lo: int, hi: int, what: str) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        text = str(value).strip()
        try:
            if isinstance(value, bool):
                raise ValueError
            number = float(text) if not isinstance(value, int) else value
            if number != int(number):
                raise ValueError
        except (ValueError, OverflowError):
            raise SettingError(f"{what} must be a whole number from {lo} to {hi} (not '{value}').") from None
        if not lo <= int(number) <= hi:
            raise SettingError(f"{what} must be from {lo} to {hi} (not {int(number)}).")
        return int(number)
    return parse


def _number_between(lo: float, hi: float, what: str) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        try:
            if isinstance(value, bool):
                raise ValueError
            number = float(str(value).strip().rstrip("%"))
        except ValueError:
            raise SettingError(f"{what} must be a number from {lo:g} to {hi:g} (not '{value}').") from None
        if not lo <= number <= hi:  # also refuses nan
            raise SettingError(f"{what} must be from {lo:g} to {hi:g} (not {number:g}).")
        return number
    return parse


def _clock_time(what: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if isinstance(value, time):
            return value.strftime("%H:%M")
        hh, sep, mm = str(value).strip().partition(":")
        if sep and hh.isdigit() and mm.isdigit() and len(mm) == 2 and int(hh) < 24 and int(mm) < 60:
            return f"{int(hh):02d}:{mm}"
        raise SettingError(f"{what}: '{value}' is not a time of day like 21:00.")
    return parse


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    return {z.lower(): z for z in available_timezones()}


def parse_timezone(value: Any) -> str:
    """'' (this computer's zone) or an IANA name like Asia/Kolkata ("asia/kolkata" is corrected)."""
    name = str(value or "").strip().replace(" ", "_")
    if not name:
        return ""
    try:
        ZoneInfo(name)
        return name
    except (ZoneInfoNotFoundError, ValueError):
        pass
    if name.lower() in _zone_names():  # typed in the wrong case (only searched when the name fails)
        return _zone_names()[name.lower()]
    raise SettingError(f"'{value}' is not a time zone WaDesk knows (use a name like Asia/Kolkata).")


def _rate_card(value: Any) -> dict[str, Any]:
    return RateCard.from_json(value).as_json()


SENDING_SETTINGS = [
    SettingDef("campaign_holdout_pct", 10, "Holdout (% kept out to measure uplift)",
               _int_between(0, 50, "The holdout")),
    SettingDef("quiet_hours_start", "21:00", "Quiet hours start", _clock_time("Quiet hours start")),
    SettingDef("quiet_hours_end", "09:00", "Quiet hours end", _clock_time("Quiet hours end")),
    SettingDef("shop_timezone", "", "Shop time zone ('' = this computer's)", parse_timezone),
    SettingDef("frequency_cap_messages", 2, "Marketing messages per customer",
               _int_between(0, 50, "The number of messages per customer")),
    SettingDef("frequency_cap_days", 7, "... in this many days", _int_between(1, 90, "The number of days")),
    SettingDef("require_marketing_opt_in", True, "Marketing only to customers who opted in", _bool),
    SettingDef("send_rate_per_second", 80, "Sending speed (messages a second)",
               _int_between(1, 1000, "The sending speed")),
    SettingDef("profit_margin_pct", 30.0, "Profit margin (%)", _number_between(0, 100, "The profit margin")),
    SettingDef("rate_card", RateCard.default().as_json(), "Meta's price per message (rate card)", _rate_card),
    SettingDef("rate_card_include_gst", True, "Prices include GST", _bool),
]
register_settings(SENDING_SETTINGS)
SENDING_KEYS = tuple(d.key for d in SENDING_SETTINGS)


def validate_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """Parse every sending setting given (same rules as set_setting); the first problem raises."""
    unknown = [k for k in values if k not in SENDING_KEYS]
    if unknown:
        raise SettingError(f"There is no sending setting called '{unknown[0]}'.")
    return {k: SETTINGS[k].parse(v) for k, v in values.items()}


def save_settings(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate all, then write all in the caller's transaction: nothing is saved if one is wrong."""
    validate_settings(values)
    return {k: set_setting(session, k, v) for k, v in values.items()}


def _time(hhmm: str) -> time:
    return time.fromisoformat(hhmm)


# setting key -> SendPolicy field (the one place the two vocabularies meet)
_FIELD_OF = {"campaign_holdout_pct": "holdout_pct", "quiet_hours_start": "quiet_start",
             "quiet_hours_end": "quiet_end", "shop_timezone": "timezone", "frequency_cap_messages": "cap_messages",
             "frequency_cap_days": "cap_days", "require_marketing_opt_in": "require_opt_in",
             "send_rate_per_second": "rate_per_second", "profit_margin_pct": "margin_pct",
             "rate_card": "rate_card", "rate_card_include_gst": "include_gst"}


@dataclass(frozen=True)
class SendPolicy:
    holdout_pct: int = 10
    quiet_start: time = time(21, 0)
    quiet_end: time = time(9, 0)  # quiet_start == quiet_end: no quiet hours
    timezone: str = ""  # "" = this computer's zone
    cap_messages: int = 2  # marketing messages per customer ...
    cap_days: int = 7  # ... per this many days
    require_opt_in: bool = True
    rate_per_second: int = 80
    margin_pct: float = 30.0
    include_gst: bool = True
    rate_card: RateCard = RateCard.default()
    time_sensitive: bool = False  # give up rather than defer past 24 h (a sale that ends tonight)

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_start != self.quiet_end

    @classmethod
    def _from_values(cls, v: Mapping[str, Any], time_sensitive: bool = False) -> "SendPolicy":
        """From setting values (keyed like the settings table); they are re-checked, cheaply."""
        p = {name: SETTINGS[key].parse(v[key]) for key, name in _FIELD_OF.items()}
        p.update(quiet_start=_time(p["quiet_start"]), quiet_end=_time(p["quiet_end"]),
                 rate_card=RateCard.from_json(p["rate_card"]))
        return cls(**p, time_sensitive=bool(time_sensitive))

    @classmethod
    def from_settings(cls, session: Session) -> "SendPolicy":
        return cls._from_values({k: get_setting(session, k) for k in SENDING_KEYS})

    def as_json(self) -> dict[str, Any]:
        """Plain JSON (times as "HH:MM", money as strings) for campaigns.settings."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d.update(quiet_start=self.quiet_start.strftime("%H:%M"), quiet_end=self.quiet_end.strftime("%H:%M"),
                 rate_card=self.rate_card.as_json())
        return d

    def as_settings(self) -> dict[str, Any]:
        """The setting values this policy stands for (what Settings → Sending saves)."""
        d = self.as_json()
        return {key: d[name] for key, name in _FIELD_OF.items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str) -> "SendPolicy":
        """Read a frozen policy back, validated; keys a newer WaDesk added take today's defaults."""
        d = json.loads(data) if isinstance(data, str) else dict(data)
        extra = set(d) - {f.name for f in fields(cls)}
        if extra:
            raise SettingError(f"A campaign's settings hold something WaDesk does not know: {sorted(extra)[0]}.")
        v = {**cls().as_json(), **d}
        return cls._from_values({key: v[name] for key, name in _FIELD_OF.items()},
                                time_sensitive=_bool(v["time_sensitive"]))

    def reach_policy(self) -> "ReachPolicy":
        from wadesk.core.segments.engine import ReachPolicy  # numpy/pandas: only when asked

        return ReachPolicy(require_opt_in=self.require_opt_in, cap_messages=self.cap_messages,
                           cap_days=self.cap_days)
