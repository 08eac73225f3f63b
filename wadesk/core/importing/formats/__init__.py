"""The format adapters and auto-detection by header names (and, for checkouts, by values)."""
from __future__ import annotations

from dataclasses import dataclass

from wadesk.core.importing.formats.base import FIELDS, Format, ParseContext, Record
from wadesk.core.importing.formats.contacts import GoogleContacts, MetaLeads
from wadesk.core.importing.formats.crm import CrmExport
from wadesk.core.importing.formats.generic import Events, Generic
from wadesk.core.importing.formats.payments import Razorpay, Shiprocket
from wadesk.core.importing.formats.shopify import ShopifyCheckouts, ShopifyCustomers, ShopifyOrders
from wadesk.core.importing.formats.woocommerce import WooCustomers, WooOrders
from wadesk.core.importing.readers.table import Table

FORMATS: dict[str, Format] = {f.name: f for f in (
    ShopifyCustomers(), ShopifyOrders(), ShopifyCheckouts(), WooOrders(), WooCustomers(), Razorpay(),
    Shiprocket(), MetaLeads(), GoogleContacts(), CrmExport(), Events(), Generic(),
)}
# The headers must match this well before a store format is chosen over the generic list.
THRESHOLD = 0.6

__all__ = ["FIELDS", "FORMATS", "Format", "FormatGuess", "ParseContext", "Record", "detect_formats", "get_format"]


@dataclass(frozen=True)
class FormatGuess:
    name: str
    label: str
    score: float


def detect_formats(table: Table) -> list[FormatGuess]:
    """Every format with its score, best first; the first is the auto-detected one."""
    guesses = [FormatGuess(f.name, f.label, round(f.score(table), 3)) for f in FORMATS.values()]
    guesses = [g for g in guesses if g.score >= THRESHOLD or g.name == "generic"]
    return sorted(guesses, key=lambda g: -g.score)


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"'{name}' is not an import format (use one of: auto, {', '.join(FORMATS)}).") from None
