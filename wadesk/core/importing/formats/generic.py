"""Free-form lists (mapped by the user or by fuzzy header matching) and behaviour-event files."""
from __future__ import annotations

from typing import Iterator

from wadesk.core.importing.formats.base import EventData, Format, Mapping, ParseContext, Record, Row, money
from wadesk.core.importing.formats.orders import OrderFormat
from wadesk.core.importing.mapping import SYNONYMS, norm_header, suggest_generic
from wadesk.core.importing.readers.table import Table


# Fields whose value makes OrderFormat.order_record build an order (or reject the row).
ORDER_MAKERS = frozenset({"order_date", "cancelled_at", "order_total", "order_id"})


class Generic(OrderFormat):
    """Any customer list. Mapped amount/date columns become orders (keyed by a stable hash)."""

    name = "generic"
    label = "Customer list (any spreadsheet)"
    source = "import"

    def score(self, table: Table) -> float:
        return 0.1  # the fallback

    def records(self, table: Table, m: Mapping, ctx: ParseContext) -> Iterator[Record]:
        """Without a column that makes an order (date, total, order id, cancelled at) each row is
        a customer only, which is what order_record would conclude row by row."""
        if ORDER_MAKERS.isdisjoint(m):
            return Format.records(self, table, m, ctx)
        return super().records(table, m, ctx)

    def default_mapping(self, headers: list[str]) -> dict[str, str]:
        """Suggested fields; every other column is kept as a custom attribute (nothing is lost;
        the wizard can switch a column to "skip")."""
        m = suggest_generic(headers)
        return {h: m.get(h, f"attr:{h}") for h in headers}


class Events(Format):
    """phone or email, event type, time, product, category, value."""

    name = "events"
    label = "Events (views, carts, clicks)"
    source = "import"

    def score(self, table: Table) -> float:
        if not any(norm_header(h) in SYNONYMS["event_type"] for h in table.headers):
            return 0.0  # cheap test first: store exports have no event column
        m = suggest_generic(table.headers)
        fields = set(m.values())
        return 0.9 if {"event_type", "event_time"} <= fields and fields & {"phone", "email"} else 0.0

    def default_mapping(self, headers: list[str]) -> dict[str, str]:
        m = suggest_generic(headers)
        # In an events file 'date'/'amount' mean the event's time and value.
        return {h: {"order_date": "event_time", "order_total": "value", "item_name": "product",
                    "item_category": "category"}.get(f, f) for h, f in m.items()}

    def record(self, row: Row, ctx: ParseContext) -> Record:
        rec = super().record(row, ctx)
        kind = "_".join(row.get("event_type").lower().replace("-", " ").split())[:32]
        try:
            at = ctx.date(row.get("event_time"))
        except ValueError as exc:
            rec.error = str(exc)
            return rec
        if not kind or at is None:
            rec.error = "An event needs a type and a time."
            return rec
        rec.events.append(EventData(kind, at, product=row.get("product")[:255] or None,
                                    category=row.get("category")[:64] or None,
                                    value=money(row.get("value"), rec, "Value")))
        return rec
