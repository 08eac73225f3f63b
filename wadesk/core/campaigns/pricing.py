"""What a campaign costs and when it pays for itself.

Meta charges per delivered template message, by category and the recipient's country; the owner
keeps an editable rate card because Meta changes rates each quarter. Money is Decimal throughout.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Mapping

import phonenumbers
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wadesk.core.db.models import Order
from wadesk.core.messaging.formatting import format_inr, format_number
from wadesk.core.settings import SettingError

CATEGORIES = ("MARKETING", "UTILITY", "AUTHENTICATION")
OTHER = "*"  # the row used for every country without its own
# India, per delivered message before 18% GST (shared/reference/whatsapp-cloud-api.md, "Pricing",
# marketing from 1 Jan 2026). The reference gives no other country, so "*" starts as India's.
INDIA_RATES = {"MARKETING": Decimal("0.8631"), "UTILITY": Decimal("0.115"), "AUTHENTICATION": Decimal("0.115")}
MAX_RATE = Decimal(1000)  # per message; anything above is a typo
CENT = Decimal("0.01")


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool):
        raise SettingError(f"{what}: '{value}' is not a number.")
    if str(value).strip() == "":
        raise SettingError(f"{what} is empty: type a price (0 if it is free).")
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise SettingError(f"{what}: '{value}' is not a number.") from None
    if not d.is_finite():
        raise SettingError(f"{what}: '{value}' is not a number.")
    return d


def _country(value: Any) -> str:
    cc = str(value or "").strip().upper()
    if cc != OTHER and cc not in phonenumbers.SUPPORTED_REGIONS:
        raise SettingError(f"'{value}' is not a country code (use two letters like IN, or * for other countries).")
    return cc


@dataclass(frozen=True)
class RateCard:
    currency: str = "INR"
    gst_pct: Decimal = Decimal(18)
    # {"IN": {"MARKETING": Decimal, "UTILITY": ..., "AUTHENTICATION": ...}, "*": {...}}
    rates: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict, hash=False)

    @classmethod
    def default(cls) -> "RateCard":
        return cls(rates={"IN": dict(INDIA_RATES), OTHER: dict(INDIA_RATES)})

    def rate(self, country: str | None, category: str) -> Decimal:
        """Price of one delivered message of `category` to `country` (ISO2; None/unknown → "*")."""
        cat = str(category or "").strip().upper()
        if cat not in CATEGORIES:
            raise SettingError(f"'{category}' is not a WhatsApp template category "
                               f"({', '.join(c.lower() for c in CATEGORIES)}).")
        row = self.rates.get(str(country or "").upper()) or self.rates[OTHER]
        return row[cat]

    def as_json(self) -> dict[str, Any]:
        # Rates as strings: JSON floats would turn 0.115 into 0.11500000000000000499.
        return {"currency": self.currency, "gst_pct": str(self.gst_pct),
                "rates": {cc: {cat: str(r[cat]) for cat in CATEGORIES} for cc, r in self.rates.items()}}

    @classmethod
    def from_json(cls, data: Any) -> "RateCard":
        """Validate a rate card (a dict, or its JSON text); raises SettingError in plain words."""
        if isinstance(data, RateCard):
            return data
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                raise SettingError("The rate card is not readable (it should be JSON).") from None
        if not isinstance(data, Mapping) or not isinstance(data.get("rates"), Mapping):
            raise SettingError("The rate card needs a list of rates by country.")
        currency = str(data.get("currency") or "INR").strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise SettingError(f"'{data.get('currency')}' is not a currency code like INR.")
        gst = _decimal(data.get("gst_pct", 18), "GST")
        if not 0 <= gst <= 100:
            raise SettingError(f"GST must be between 0 and 100% (not {gst}).")
        rates: dict[str, dict[str, Decimal]] = {}
        for raw_cc, row in data["rates"].items():
            cc = _country(raw_cc)
            if cc in rates:
                raise SettingError(f"The rate card lists {cc} twice.")
            if not isinstance(row, Mapping):
                raise SettingError(f"The rates for {cc} should give marketing, utility and authentication.")
            clean = {}
            for cat in CATEGORIES:
                what = f"{cc} {cat.lower()} rate"
                if cat not in row:
                    raise SettingError(f"The {what} is missing.")
                r = _decimal(row[cat], f"The {what}")
                if not 0 <= r <= MAX_RATE:
                    raise SettingError(f"The {what} must be between 0 and {MAX_RATE} (not {r}).")
                clean[cat] = r
            rates[cc] = clean
        if OTHER not in rates:
            raise SettingError("Keep a row for other countries (*): it prices numbers from every country not listed.")
        return cls(currency=currency, gst_pct=gst, rates=rates)


@dataclass(frozen=True)
class CostEstimate:
    total: Decimal  # what Meta will charge if every message is delivered, rounded to 2 places
    per_message: Decimal  # total / messages (4 places); 0 when there are none
    by_country: dict[str, Decimal]  # each country's share, rounded to 2 places, GST included if asked
    gst: Decimal  # the GST inside `total` (0 when GST is not included)
    currency: str
    messages: int = 0
    subtotal: Decimal = Decimal(0)  # before GST


def _money(d: Decimal, places: Decimal = CENT) -> Decimal:
    return d.quantize(places, rounding=ROUND_HALF_UP)


def estimate_cost(card: RateCard, recipients_by_country: Mapping[str, int], category: str,
                  include_gst: bool) -> CostEstimate:
    """Cost of sending one `category` template to these recipients ({"IN": 9200, "AE": 40, ...})."""
    factor = 1 + card.gst_pct / 100 if include_gst else Decimal(1)
    exact = {cc: card.rate(cc, category) * int(n) for cc, n in recipients_by_country.items()}
    subtotal = sum(exact.values(), Decimal(0))
    total = _money(subtotal * factor)
    messages = sum(int(n) for n in recipients_by_country.values())
    return CostEstimate(
        total=total,
        per_message=_money(subtotal * factor / messages, Decimal("0.0001")) if messages else Decimal(0),
        by_country={cc: _money(v * factor) for cc, v in exact.items()},
        gst=total - _money(subtotal) if include_gst else Decimal(0),
        currency=card.currency, messages=messages, subtotal=_money(subtotal))


def money_words(amount: Decimal, currency: str = "INR") -> str:
    """₹862 (whole rupees once it is ₹100 or more), ₹8.63 below; other currencies as 'USD 12.50'."""
    decimals = 0 if abs(amount) >= 100 else 2
    if currency.upper() == "INR":
        return format_inr(amount, decimals)
    return f"{currency.upper()} {format_number(amount, decimals)}"


@dataclass(frozen=True)
class BreakEven:
    cost: Decimal
    aov: Decimal
    margin_pct: float
    orders_needed: int | None  # None when there is no AOV or margin to work it out

    def sentence(self, currency: str = "INR") -> str:
        cost = money_words(self.cost, currency)
        if self.orders_needed == 0:
            return f"This costs {cost}, so it pays for itself with no orders at all."
        if self.orders_needed is None:
            missing = "an average order value (no orders yet)" if self.aov <= 0 else "a profit margin above 0%"
            return f"This costs {cost}; WaDesk needs {missing} to say how many orders pay for it."
        orders = f"{format_number(self.orders_needed)} order{'s' if self.orders_needed != 1 else ''}"
        return (f"This costs {cost}; at your AOV of {money_words(self.aov, currency)} and a "
                f"{self.margin_pct:g}% margin it pays for itself with {orders}.")


def break_even(cost: Decimal, aov: Decimal, margin_pct: float) -> BreakEven:
    """Orders needed for the profit on them to cover the cost: ceil(cost / (aov × margin))."""
    cost, aov = Decimal(cost), Decimal(aov)
    if cost <= 0:
        needed: int | None = 0
    elif aov <= 0 or margin_pct <= 0:
        needed = None
    else:
        needed = math.ceil(cost / (aov * Decimal(str(margin_pct)) / 100))
    return BreakEven(cost=cost, aov=aov, margin_pct=margin_pct, orders_needed=needed)


def shop_aov(session: Session) -> Decimal:
    """Average order value over the shop's orders (cancelled ones left out, as in customer totals)."""
    avg = session.scalar(select(func.avg(Order.total)).where(Order.cancelled_at.is_(None)))
    return _money(Decimal(str(avg))) if avg is not None else Decimal(0)
