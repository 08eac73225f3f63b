"""Shared order building for the non-Shopify order formats (WooCommerce, generic lists)."""
from __future__ import annotations

import hashlib
import re
from typing import Iterator

from wadesk.core.importing.formats.base import (
    Format, Mapping, OrderData, ParseContext, Record, Row, customer_from, money,
)
from wadesk.core.importing.readers.table import Table
from wadesk.core.importing.values import parse_int
from wadesk.core.importing.vocab import is_cod

UTM = ("source", "medium", "campaign", "content", "term")
_PACKED_ITEM = re.compile(r"\s*;\s*")


def packed_items(text: str) -> list[tuple[str, str | None, int, object, None]]:
    """SkyVerge/WebToffee 'name:Foo|sku:X|quantity:2|total:100.00;name:Bar|...' -> items."""
    out = []
    for chunk in _PACKED_ITEM.split(text or ""):
        kv = dict(p.partition(":")[::2] for p in chunk.split("|") if ":" in p)
        name = kv.get("name", "").strip()
        if not name:
            continue
        try:
            qty = parse_int(kv.get("quantity", "1")) or 1
        except ValueError:
            qty = 1
        try:
            from wadesk.core.importing.values import parse_money

            total = parse_money(kv.get("total", "")) or 0
        except ValueError:
            total = 0
        out.append((name[:255], (kv.get("sku") or None), qty, total / qty if qty else total, None))
    return out


class OrderFormat(Format):
    """Orders where each row is an order or a line item of the order above (grouped by order id)."""

    def records(self, table: Table, m: Mapping, ctx: ParseContext) -> Iterator[Record]:
        key_cols = m.get("order_id") or m.get("order_number")
        if not key_cols:  # a list with amounts and dates but no order id: one order per row
            for n, cells in table.rows():
                yield self.order_record(Row(n, cells, m), ctx)
            return
        rec, key = None, None
        for n, cells in table.rows():
            row = Row(n, cells, m)
            k = cells[key_cols[0]]
            if rec is not None and k == key and rec.order is not None:
                self.add_items(rec, row)
                continue
            if rec is not None:
                yield rec
            rec, key = self.order_record(row, ctx), k
        if rec is not None:
            yield rec

    def status(self, row: Row) -> tuple[str | None, str | None, bool]:
        """-> (financial_status, fulfillment_status, cancelled)."""
        fin = row.get("financial_status").lower() or None
        return fin, row.get("fulfillment_status").lower() or None, fin == "voided"

    def order_record(self, row: Row, ctx: ParseContext) -> Record:
        rec = Record(row.n, row.cells)
        cust = customer_from(row, ctx)
        rec.customer = cust
        try:
            placed = ctx.date(row.get("order_date"))
            cancelled_at = ctx.date(row.get("cancelled_at"))
        except ValueError as exc:
            rec.error = str(exc)
            return rec
        total_text = row.get("order_total")
        if placed is None and not total_text and not row.get("order_id"):
            return rec  # a customer-only row of a mixed list
        if placed is None:
            rec.error = "This order has no date."
            return rec
        total = money(total_text, rec, "Order total")
        if total is None:
            rec.error = f"This order has no readable total ('{total_text}')."
            return rec
        ext = row.get("order_id") or row.get("order_number")
        if not ext:  # stable id from what identifies the purchase, so re-imports match
            who = (cust.phones[0] if cust.phones else "") + "|" + cust.email.lower()
            ext = "h" + hashlib.sha1(f"{who}|{placed.isoformat()}|{total}".encode()).hexdigest()[:20]
        fin, ful, cancelled = self.status(row)
        methods = " + ".join(dict.fromkeys(row.all("payment_method")))
        cust.as_of = placed
        rec.order = OrderData(
            external_id=ext[:64], number=(row.get("order_number") or ext)[:64], placed_at=placed, total=total,
            subtotal=money(row.get("subtotal"), rec, "Subtotal"),
            discount_total=money(row.get("discount"), rec, "Discount"),
            shipping_total=money(row.get("shipping"), rec, "Shipping"),
            currency=(row.get("currency") or "")[:3].upper() or None,
            payment_method=(row.all("payment_method") or [""])[0][:64] or None,
            is_cod=is_cod(methods, row.get("order_tags")), financial_status=fin, fulfillment_status=ful,
            cancelled_at=cancelled_at or (placed if cancelled else None),
            discount_code=row.get("discount_code")[:64] or None,
            utm={u: row.get(f"utm_{u}")[:100] for u in UTM if row.get(f"utm_{u}")},
            ship_city=row.get("ship_city") or None, ship_state=row.get("ship_state") or None,
            ship_pincode=row.get("ship_pincode")[:12] or None,
        )
        self.add_items(rec, row)
        return rec

    def add_items(self, rec: Record, row: Row) -> None:
        if rec.order is None:
            return
        for cell in row.all("line_items"):
            rec.order.items.extend(packed_items(cell))
        if name := row.get("item_name"):
            try:
                qty = parse_int(row.get("item_qty")) or 1
            except ValueError:
                qty = 1
            price = money(row.get("item_price"), rec, "Item price") or 0
            cat = row.get("item_category")[:64] or None
            rec.order.items.append((name[:255], row.get("item_sku")[:64] or None, qty, price, cat))
