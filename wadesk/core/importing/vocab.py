"""Store vocabularies -> WaDesk's words: COD, order statuses, courier (RTO) statuses.

See reference/store-exports.md: COD is a vocabulary (Shopify gateway names, tags, WooCommerce
gateway ids, Shiprocket 'COD'/'Prepaid', Razorpay method 'cod'); RTO comes only from couriers.
"""
from __future__ import annotations

import re

_COD_TEXT = re.compile(r"cash\s*on\s*delivery|(?<![a-z0-9])cod(?![a-z0-9])", re.I)
_TOKENS = re.compile(r"[^a-z0-9]+")


def is_cod(payment_method: str = "", tags: str = "") -> bool:
    """True when a gateway name ('GoKwik Cash on Delivery', 'cod', 'Cash on Delivery (COD) + Gift card')
    or a tag ('COD', 'releasit_cod_form') says the order is cash on delivery.

    Razorpay Magic's note attribute "cod":1 only means COD was offered; callers must not pass it."""
    if payment_method and _COD_TEXT.search(payment_method):
        return True
    for tag in (tags or "").split(","):
        if "cod" in _TOKENS.split(tag.strip().lower()):
            return True
    return False


WOO_STATUSES = {"pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed",
                "checkout-draft", "trash"}


def woo_status(text: str) -> str | None:
    """'wc-completed', 'completed', 'Completed', 'On hold' -> 'completed' / 'on-hold'."""
    t = (text or "").strip().lower()
    if not t:
        return None
    if t.startswith("wc-"):
        t = t[3:]
    t = t.replace(" ", "-").replace("_", "-")
    if t == "canceled":
        t = "cancelled"
    return t


def woo_financial(status: str | None) -> str | None:
    """WooCommerce status -> a Shopify-like financial status, so segments can ask one question."""
    return {
        "completed": "paid", "processing": "paid", "on-hold": "pending", "pending": "pending",
        "refunded": "refunded", "failed": "voided", "cancelled": "voided",
    }.get(status or "", status)


def courier_status(text: str) -> str | None:
    """Shiprocket 'RTO_DELIVERED', 'RTO IN TRANSIT', 'DELIVERED', 'CANCELED' -> rto, delivered,
    cancelled, lost, shipped or pending."""
    t = (text or "").strip().upper().replace("_", " ")
    t = " ".join(t.split())
    if not t:
        return None
    if t.startswith("RTO"):
        return "rto"
    if t in ("DELIVERED",):
        return "delivered"
    if t.startswith("CANCEL"):
        return "cancelled"
    if t in ("LOST", "DAMAGED", "DESTROYED"):
        return "lost"
    if any(w in t for w in ("TRANSIT", "SHIPPED", "PICKED", "OUT FOR DELIVERY", "REACHED", "UNDELIVERED", "DELAYED")):
        return "shipped"
    return "pending"


def shiprocket_is_cod(text: str) -> bool | None:
    t = (text or "").strip().lower()
    if not t:
        return None
    return t == "cod" or "cash" in t
