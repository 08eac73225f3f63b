"""Shopify orders converted by column: the same records as `ShopifyOrders.first_row`/`add_item`
with fewer Python steps per row (parsing a 1M-line export: 19.0 -> ~12 s CPU).

Rows come from the same reader (`Table.rows`: same row numbers, blank rows, quoting), a chunk at a
time. Each mapped column of the chunk is cleaned in one pass (and not at all when a regular
expression search over the joined column finds nothing to trim); amounts, statuses, COD, tags and note
attributes are converted once per DISTINCT text (a million-line export has a few thousand prices
and a handful of gateways); Shopify's own date shape is read without the general date parser.
The grouping of line items into orders is the row path's, step for step, including its rules
for an order's line items far from their first row. `tests/unit/test_import_shopify_columns.py`
checks record for record, and table for table, that both paths agree on every sample.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Iterator

from wadesk.core.importing.formats.base import Mapping, OrderData, ParseContext, Record, split_tags
from wadesk.core.importing.formats.columns import CustomerColumns, Memo, field_column, pick_columns
from wadesk.core.importing.formats.shopify import ShopifyOrders, item_qty, note_fields
from wadesk.core.importing.readers.table import Table
from wadesk.core.importing.values import parse_datetime, parse_money
from wadesk.core.importing.vocab import is_cod

# Rows converted together: small enough for a chunk's cells to stay in the CPU cache (parsing the
# 1M-line export: 20,000 rows 14.9 s, 2,000 13.0 s, 250-1,000 11.6-12.0 s CPU), big enough to
# amortise the per-column steps.
CHUNK_ROWS = 500
# Shopify's 'Created at': '2026-06-24 22:58:34 +0530' (any other text goes to parse_datetime).
_SHOPIFY_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) ([+-]\d\d)(\d\d)")
ORDER_FIELDS = ("order_id", "order_number", "order_date", "cancelled_at", "note_attributes", "payment_method",
                "order_tags", "order_total", "subtotal", "discount", "shipping", "currency", "financial_status",
                "fulfillment_status", "discount_code", "ship_city", "ship_state", "ship_pincode", "source_name",
                "refunded")
ITEM_FIELDS = ("item_name", "item_qty", "item_price", "item_sku")


def _money(text: str) -> tuple[Any, str | None]:
    """-> (amount or None, the reason formats.base.money would note)."""
    try:
        return parse_money(text), None
    except ValueError as exc:
        return None, str(exc)


class _Dates:
    """ctx.date over a column; Shopify's own shape without the general parser (same result)."""

    def __init__(self, ctx: ParseContext):
        self.ctx = ctx
        self.fast = type(ctx).date is ParseContext.date  # a context that reads dates its own way: always ask it
        self.offsets: dict[str, timedelta] = {}

    def one(self, text: str) -> datetime | None | ValueError:
        if self.fast and (m := _SHOPIFY_TIME.fullmatch(text)):
            y, mo, d, hh, mi, ss, oh, om = m.groups()
            try:
                local = datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss))
            except ValueError:
                pass  # parse_datetime words the reason
            else:
                off = self.offsets.get(oh + om)
                if off is None:  # the tz arithmetic of values._offset, by way of the parser itself
                    off = self.offsets[oh + om] = local - parse_datetime(text, self.ctx.dayfirst)
                return local - off
        try:
            return self.ctx.date(text)
        except ValueError as exc:
            return exc

    def column(self, texts: list[str]) -> list[datetime | None | ValueError]:
        one = self.one
        return [one(t) if t else None for t in texts]


def records(fmt: ShopifyOrders, table: Table, m: Mapping, ctx: ParseContext, key_col: int) -> Iterator[Record]:
    """What ShopifyOrders.records yields (row path), computed a chunk of rows at a time."""
    return _Orders(fmt, m, ctx, key_col).records(table)


class _Orders:
    def __init__(self, fmt: ShopifyOrders, m: Mapping, ctx: ParseContext, key_col: int):
        self.fmt, self.m, self.ctx, self.key_col = fmt, m, ctx, key_col
        self.dates = _Dates(ctx)
        self.customers = CustomerColumns(m)
        self.money, self.qty, self.note, self.tags = Memo(_money), Memo(item_qty), Memo(note_fields), Memo(split_tags)
        self.cod: dict[tuple[str, str], bool] = {}
        self.seen: dict[str, str] = {}  # order name -> external id, for line items far from their order
        self.rec: Record | None = None  # the open record: its line items may go on in the next chunk
        self.key: str | None = None

    def records(self, table: Table) -> Iterator[Record]:
        chunk: list[tuple[int, list[str]]] = []
        for item in table.rows():
            chunk.append(item)
            if len(chunk) >= CHUNK_ROWS:
                yield from self._chunk(chunk)
                chunk = []
        if chunk:
            yield from self._chunk(chunk)
        if self.rec is not None:
            yield self.rec

    def _chunk(self, chunk: list[tuple[int, list[str]]]) -> Iterator[Record]:
        m = self.m
        cells = [c for _n, c in chunk]
        item_cols = [i for f in ITEM_FIELDS for i in m.get(f, ())]
        picked = pick_columns(cells, [self.key_col, *item_cols])
        keys = picked[self.key_col]
        starts = []  # rows whose key differs from the row above: each starts an order (or its continuation)
        last = self.key if self.rec is not None else object()
        for j, k in enumerate(keys):
            if k != last:
                starts.append(j)
                last = k
        # First-row fields for every row that starts a group (a few are continuations, rows of an
        # order met earlier, told apart below exactly as the row path does).
        head = [cells[j] for j in starts]
        at_head = pick_columns(head, [i for f in ORDER_FIELDS for i in m.get(f, ())] + self.customers.columns)
        f = [field_column(at_head, m.get(name), len(head)) for name in ORDER_FIELDS]
        f.append(self.customers.build(at_head, len(head)))  # the customer of each order's first row
        f[2], f[3] = self.dates.column(f[2]), self.dates.column(f[3])  # order_date, cancelled_at
        self._item_cols = [field_column(picked, m.get(name), len(cells)) for name in ITEM_FIELDS]
        rec = self.rec
        if starts[:1] != [0]:  # the open record's line items go on at the top of this chunk
            self._items(rec, 0, starts[0] if starts else len(chunk))
        ends = starts[1:] + [len(chunk)]
        seen, source_orders = self.seen, self.fmt.source_orders
        for j, end, vals in zip(starts, ends, zip(*f)):
            if rec is not None:
                yield rec
            k = keys[j]
            n = chunk[j][0]
            if k in seen and not vals[0] and not vals[12] and source_orders:  # no order id, no payment status
                rec = Record(n, cells[j], order=OrderData(external_id=seen[k], continuation=True))
            else:
                rec = self._first_row(n, cells[j], vals)
                if rec.order is not None:
                    seen[k] = rec.order.external_id
            self.key = k
            self._items(rec, j, end)
        self.rec = rec

    def _items(self, rec: Record | None, start: int, end: int) -> None:
        """ShopifyOrders.add_item for rows start..end-1 of the chunk."""
        if rec is None or rec.order is None:
            return
        names, qtys, prices, skus = self._item_cols
        money, qty, items = self.money, self.qty, rec.order.items
        for i in range(start, end):
            name = names[i]
            if not name:
                continue
            price, why = money[prices[i]]
            if why is not None:
                rec.warnings.append(f"Lineitem price: {why}")
            items.append((name[:255], skus[i][:64] or None, qty[qtys[i]], price or 0, None))

    def _first_row(self, n: int, cells: list[str], vals: tuple) -> Record:
        """ShopifyOrders.first_row (without its own line item) from one group start's ORDER_FIELDS
        and customer."""
        (order_id, number, placed, cancelled, note, method, tags, total, subtotal, discount, shipping, currency,
         fin, ful, code, ship_city, ship_state, ship_pincode, channel, refunded, cust) = vals
        rec = Record(n, cells)
        for when in (placed, cancelled):
            if isinstance(when, ValueError):
                rec.error = str(when)
                return rec
        ext = order_id or number
        if not ext or placed is None:
            rec.error = "No order id or order date on the first row of this order."
            return rec
        cust.as_of = placed
        rec.customer = cust
        utm, landing = self.note[note]
        money = self.money
        amounts = []
        for text, what in ((total, "Total"), (subtotal, "Subtotal"), (discount, "Discount"), (shipping, "Shipping")):
            value, why = money[text]
            if why is not None:
                rec.warnings.append(f"{what}: {why}")
            amounts.append(value)
        if (cod := self.cod.get((method, tags))) is None:
            cod = self.cod[(method, tags)] = is_cod(method, tags)
        o = OrderData(
            external_id=ext, number=number or None, placed_at=placed, total=amounts[0] or 0, subtotal=amounts[1],
            discount_total=amounts[2], shipping_total=amounts[3], currency=currency[:3] or None,
            payment_method=method[:64] or None, is_cod=cod, financial_status=fin.lower() or None,
            fulfillment_status=ful.lower() or None, cancelled_at=cancelled, discount_code=code[:64] or None,
            utm=dict(utm), ship_city=ship_city or None, ship_state=ship_state or None,
            ship_pincode=ship_pincode[:12] or None,
        )
        o.attributes = {k: v for k, v in (("tags", list(self.tags[tags])), ("channel", channel),
                                          ("refunded", refunded), ("landing_page", landing)) if v}
        rec.order = o
        return rec
