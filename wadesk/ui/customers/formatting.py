"""How customer figures read on screen: Indian rupee grouping, spaced phones, short dates.

Pure Python (no Qt) so the table model, the detail pane and tests share one way of writing things.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from wadesk.core.crm.customer_query import CustomerRow
from wadesk.core.crm.phones import format_phone
from wadesk.core.db.models import CONSENT_OPTED_IN, CONSENT_OPTED_OUT
from wadesk.ui.numbers import count_noun, group_indian

__all__ = ["count_noun", "group_indian", "rupees", "phone", "date", "date_time", "consent", "local", "DisplayRow"]

DASH = "—"


def rupees(amount: Decimal | float | int | None, paise: bool = False) -> str:
    """₹1,23,456 (rounded to the rupee), or ₹1,23,456.50 with paise=True when there are paise."""
    if amount is None:
        return DASH
    value = Decimal(str(amount))
    if paise and value != value.to_integral_value():
        q = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        whole = int(q)
        frac = abs(q - whole)
        return f"₹{group_indian(whole)}.{str(frac)[2:4].ljust(2, '0')}"
    return f"₹{group_indian(int(value.quantize(Decimal('1'), rounding=ROUND_HALF_UP)))}"


@lru_cache(maxsize=8192)
def phone(e164: str | None) -> str:
    """'+919876543210' -> '+91 98765 43210'; anything unparsable is shown as stored."""
    return format_phone(e164)


def local(dt: datetime | None) -> datetime | None:
    """Stored times are naive UTC; show them in the computer's own time zone."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone()


def date(dt: datetime | None) -> str:
    """'5 Mar 2026' (day first, as Indian shops write dates)."""
    d = local(dt)
    return f"{d.day} {d:%b %Y}" if d else ""


def date_time(dt: datetime | None) -> str:
    """'5 Mar 2026, 4:05 pm'."""
    d = local(dt)
    if d is None:
        return ""
    hour = d.hour % 12 or 12
    return f"{d.day} {d:%b %Y}, {hour}:{d:%M} {'am' if d.hour < 12 else 'pm'}"


def consent(state: int | None) -> str:
    if state == CONSENT_OPTED_IN:
        return "Opted in"
    if state == CONSENT_OPTED_OUT:
        return "Opted out"
    return DASH


class DisplayRow:
    """One customer as the table paints it: the id, display texts and what colours it."""

    __slots__ = ("id", "texts", "opted_out")

    def __init__(self, row: CustomerRow):
        self.id = row.id
        self.opted_out = row.consent == CONSENT_OPTED_OUT
        self.texts = (
            row.name or DASH,
            phone(row.phone),
            row.email or "",
            row.city or "",
            row.tags or "",
            group_indian(row.orders or 0),
            rupees(row.total_spent),
            date(row.last_order),
            consent(row.consent),
        )
