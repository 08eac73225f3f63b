"""What the sample-shop builder carries from one customer to the next: the random stream, the
reference time, the next id of every table and the rows waiting to be written."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any, Sequence, TypeVar

T = TypeVar("T")

DAY = 86400
HISTORY_DAYS = 540  # orders go back 18 months

CUSTOMER_COLS = (
    "id", "phone", "phone_national", "email", "first_name", "last_name", "name", "name_key",
    "last_name_key", "city", "state", "pincode", "country", "language", "channel", "ctwa_clid",
    "attributes", "consent_state", "consent_source", "consent_at", "order_count", "total_spent",
    "last_order_at", "first_order_at", "cod_orders", "rto_orders", "cancelled_orders", "discount_orders",
    "settled_orders", "tag_list", "version", "created_at", "updated_at",
)
ORDER_COLS = (
    "id", "customer_id", "source", "external_id", "number", "placed_at", "total", "subtotal",
    "discount_total", "shipping_total", "currency", "payment_method", "is_cod", "financial_status",
    "fulfillment_status", "shipping_status", "is_rto", "delivered_at", "rto_at", "cancelled_at",
    "discount_code", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
    "ship_city", "ship_state", "ship_pincode", "attributes", "created_at", "updated_at",
)
ITEM_COLS = ("id", "order_id", "product", "sku", "category", "quantity", "price")
EVENT_COLS = ("id", "customer_id", "type", "occurred_at", "product", "category", "value", "properties", "source")
CONSENT_COLS = ("id", "customer_id", "purpose", "action", "source", "occurred_at", "note")
CUSTOMER_TAG_COLS = ("customer_id", "tag_id")
NOTE_COLS = ("id", "customer_id", "body", "author", "created_at")
MESSAGE_COLS = (
    "id", "direction", "customer_id", "to_phone", "body", "payload", "status", "is_holdout",
    "wamid", "attempts", "created_at",
)


class ShopState:
    def __init__(self, seed: int, now: datetime):
        self.rng = random.Random(seed)
        self.random = self.rng.random
        self.now = now
        self.history_start = now - timedelta(days=HISTORY_DAYS)
        self.used_phones: set[str] = set()
        self.next_id: dict[str, int] = {}
        self.rows: dict[str, list[list[Any]]] = {}
        self.tag_ids: dict[str, int] = {}

    def new_id(self, table: str) -> int:
        n = self.next_id.get(table, 0) + 1
        self.next_id[table] = n
        return n

    def add(self, table: str, row: list[Any]) -> None:
        self.rows.setdefault(table, []).append(row)

    # random() with int() is several times faster than randrange()/randint()/choice(), which
    # matters at a million customers; the stream is just as deterministic.
    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def randint(self, lo: int, hi: int) -> int:
        """lo..hi inclusive."""
        return lo + int(self.random() * (hi - lo + 1))

    def ago(self, lo_days: float, hi_days: float) -> datetime:
        """A whole-second time between lo_days and hi_days before now."""
        lo, hi = int(lo_days * DAY), int(hi_days * DAY)
        return self.now - timedelta(seconds=lo + int(self.random() * max(1, hi - lo)))

    def between(self, start: datetime, end: datetime) -> datetime:
        span = int((end - start).total_seconds())
        return start + timedelta(seconds=int(self.random() * max(1, span)))
