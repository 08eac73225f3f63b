"""One-click segments: the micro-segments of DESIGN.md, the funnel groups, win-back and every
RFM group. Each is an ordinary rule tree, editable after the click; numbers are the defaults."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from wadesk.core.profile.funnel import STAGES
from wadesk.core.profile.rfm import GROUPS

# Where couriers take a week or more and COD orders come back most (editable in the rule).
LONG_DELIVERY_STATES = (
    "Arunachal Pradesh", "Assam", "Manipur", "Meghalaya", "Mizoram", "Nagaland", "Sikkim", "Tripura",
    "Jammu and Kashmir", "Ladakh", "Andaman and Nicobar Islands", "Lakshadweep",
)
REMOTE_PINCODES = ("172114", "172107", "262545", "262554")
HIGH_VALUE_ORDER = 2500


@dataclass(frozen=True)
class Preset:
    name: str
    group: str  # Micro-segments, Funnel, Win-back, RFM
    description: str
    rules: dict[str, Any]

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


def _c(field: str, op: str, value: Any = None, **kw) -> dict[str, Any]:
    c = {"field": field, "op": op, **kw}
    if value is not None:
        c["value"] = value
    return c


def _event(event: str, op: str, value: int = 1, days: int | None = 30, **where) -> dict[str, Any]:
    c = {"field": "event", "event": event, "op": op, "value": value}
    if days is not None:
        c["days"] = days
    if where:
        c["where"] = where
    return c


def _no_orders(days: int) -> dict[str, Any]:
    return {"field": "order_activity", "measure": "count", "op": "=", "value": 0, "days": days}


PRESETS: tuple[Preset, ...] = (
    Preset("High-value repeat buyers", "Micro-segments", "AOV over ₹2000, 3+ orders, last order under 60 days ago",
           {"all": [_c("aov", ">", 2000), _c("orders", ">=", 3), _c("days_since_last_order", "<", 60)]}),
    Preset("COD risk users", "Micro-segments",
           "Mostly pays cash on delivery, has had an RTO, lives in a long-delivery zone, placed a high-value order",
           {"all": [_c("cod_share", ">=", 50),
                    {"any": [_c("rto_count", ">=", 1), _c("rto_rate", ">", 20)]},
                    {"any": [_c("state", "in", list(LONG_DELIVERY_STATES)), _c("pincode", "in", list(REMOTE_PINCODES))]},
                    {"field": "order_activity", "measure": "count", "op": ">=", "value": 1,
                     "where": {"min_total": HIGH_VALUE_ORDER}}]}),
    Preset("Price-sensitive prospects", "Micro-segments",
           "Clicked offers, abandoned a cart during a sale, or only ever buys with a discount",
           {"any": [_event("offer_clicked", "at_least", 1, 90),
                    {"all": [_event("added_to_cart", "at_least", 1, 90, sale=True), _no_orders(90)]},
                    {"all": [_c("orders", ">=", 1), _c("discount_share", "=", 100)]}]}),
    Preset("Category interest: skincare", "Micro-segments",
           "Viewed skincare more than 3 times or wishlisted a skincare product",
           {"any": [_c("category_views", ">", 3, key="skincare"),
                    _event("wishlisted", "at_least", 1, None, category=["skincare"])]}),
    Preset("Category interest: apparel", "Micro-segments",
           "Viewed apparel more than 3 times, wishlisted apparel, or opened the size guide",
           {"any": [_c("category_views", ">", 3, key="apparel"),
                    _event("wishlisted", "at_least", 1, None, category=["apparel"]),
                    _event("size_guide_viewed", "at_least", 1, None)]}),
    Preset("New WhatsApp leads from CTWA ads", "Micro-segments",
           "Came from a click-to-WhatsApp ad, no purchase yet, at most one message from them",
           {"all": [_c("channel", "in", ["ctwa"]), _c("orders", "=", 0), _c("messages_in", "<=", 1)]}),
    *(Preset(f"Funnel: {stage}", "Funnel", f"Customers whose funnel stage is {stage}",
             {"all": [_c("funnel_stage", "in", [stage])]}) for stage in STAGES),
    Preset("Checkout abandoners", "Funnel", "Started a checkout in the last 30 days and did not order",
           {"all": [_event("checkout_started", "at_least", 1, 30), _no_orders(30)]}),
    Preset("Added to cart, no purchase", "Funnel", "Added to cart in the last 30 days and did not order",
           {"all": [_event("added_to_cart", "at_least", 1, 30), _no_orders(30)]}),
    Preset("Viewed product X", "Funnel", "Viewed a chosen product in the last 30 days (pick the product)",
           {"all": [_event("product_viewed", "at_least", 1, 30, product=["Kesar Saffron Face Serum 30ml"])]}),
    Preset("High intent: product page over 2 minutes", "Funnel", "Read a product page for over 2 minutes in the last 30 days",
           {"any": [_event("product_viewed", "at_least", 1, 30, min_pdp_seconds=120),
                    _event("pdp_time", "at_least", 1, 30, min_pdp_seconds=120)]}),
    Preset("Repeat visitors", "Funnel", "Two or more visits in the last 60 days",
           {"all": [_event("session", "at_least", 2, 60)]}),
    Preset("COD users", "Funnel", "Half or more of their orders are cash on delivery",
           {"all": [_c("orders", ">=", 1), _c("cod_share", ">=", 50)]}),
    Preset("Offer-sensitive", "Funnel", "Clicked an offer in the last 90 days or uses a code on most orders",
           {"any": [_event("offer_clicked", "at_least", 1, 90), _c("discount_share", ">=", 50)]}),
    Preset("Repeat buyers with high AOV", "Funnel", "2+ orders with an AOV over ₹2000",
           {"all": [_c("orders", ">=", 2), _c("aov", ">", 2000)]}),
    Preset("Win-back: no order in 90+ days", "Win-back", "Bought before, but not in the last 90 days",
           {"all": [_c("orders", ">=", 1), _c("days_since_last_order", ">=", 90)]}),
    *(Preset(f"RFM: {g}", "RFM", f"RFM group {g}", {"all": [_c("rfm_group", "in", [g])]}) for g in GROUPS),
)


def find_preset(name: str) -> Preset:
    """By name (any case) or slug ("high-value-repeat-buyers")."""
    key = name.strip().lower()
    for p in PRESETS:
        if key in (p.name.lower(), p.slug):
            return p
    raise KeyError(f"There is no preset called '{name}'. Presets: " + ", ".join(p.name for p in PRESETS))
