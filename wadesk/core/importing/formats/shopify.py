"""Shopify exports: customers (v1 2018, v2 2021-23, v3 2024+, WhatsApp consent, metafields),
orders (one row per line item) and abandoned checkouts (checkout_started events)."""
from __future__ import annotations

import re
from typing import Iterator

from wadesk.core.importing.formats.base import (
    EventData, Format, Mapping, OrderData, ParseContext, Record, Row, customer_from, money, split_tags,
)
from wadesk.core.importing.readers.table import Table
from wadesk.core.importing.values import parse_int
from wadesk.core.importing.vocab import is_cod

_METAFIELD = re.compile(r"^(.*?)\s*\((customer\.metafields\.[^)]+)\)$")
_CHECKOUT_NAME = re.compile(r"^#\d{13,14}$")
COLUMNS = True  # Shopify orders converted by column when the format allows it (see ShopifyOrders.by_columns)


class ShopifyCustomers(Format):
    name = "shopify-customers"
    label = "Shopify customers"
    source = "shopify"
    signature = ["Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing",
                 "Accepts SMS Marketing", "Total Spent", "Total Orders", "Tax Exempt", "Accepts Marketing",
                 "Default Address Phone", "Phone"]
    aliases = {
        "customer_id": ["Customer ID"], "first_name": ["First Name"], "last_name": ["Last Name"],
        "email": ["Email"], "phone": ["Phone", "Default Address Phone"],
        "city": ["Default Address City", "City"],
        "state": ["Default Address Province Code", "Province Code", "Province"],
        "pincode": ["Default Address Zip", "Zip"],
        "country": ["Default Address Country Code", "Country Code", "Country"],
        "tags": ["Tags"], "note": ["Note"],
        "whatsapp_consent": ["Accepts WhatsApp Marketing"], "sms_consent": ["Accepts SMS Marketing"],
        "email_consent": ["Accepts Email Marketing", "Accepts Marketing"],
        "store_total_spent": ["Total Spent"], "store_order_count": ["Total Orders"],
    }

    def score(self, table: Table) -> float:
        have = set(table.headers)
        if "Lineitem name" in have or not ({"Total Spent", "Total Orders"} <= have):
            return 0.0
        return 0.5 + super().score(table) / 2

    def default_mapping(self, headers: list[str]) -> dict[str, str]:
        out = super().default_mapping(headers)
        for h in headers:  # "Birthday (customer.metafields.facts.birth_date)" -> kept as "Birthday"
            if m := _METAFIELD.match(h):
                out[h] = f"attr:{m.group(1) or m.group(2)}"
        return out


def note_attributes(text: str) -> dict[str, str]:
    """Shopify 'Note Attributes': 'key: value' lines written by checkout apps."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            out[key.strip().lower().replace(" ", "_")] = value.strip()
    return out


def note_fields(text: str) -> tuple[dict[str, str], str]:
    """An order's Note Attributes -> (its utm values, its landing page)."""
    attrs = note_attributes(text)
    return ({k[4:]: v[:100] for k, v in attrs.items() if k.startswith("utm_") and v},
            attrs.get("landing_page_url", "")[:500])


def item_qty(text: str) -> int:
    """'Lineitem quantity': blank, 0 or unreadable counts as 1."""
    try:
        return parse_int(text) or 1
    except ValueError:
        return 1


class ShopifyOrders(Format):
    source_orders = True  # checkouts set False: their line items belong to events
    name = "shopify-orders"
    label = "Shopify orders"
    source = "shopify"
    signature = ["Name", "Financial Status", "Lineitem name", "Lineitem quantity", "Payment Method",
                 "Fulfillment Status", "Id", "Billing Phone"]
    aliases = {
        "order_id": ["Id"], "order_number": ["Name"], "email": ["Email"],
        "phone": ["Phone", "Billing Phone", "Shipping Phone"], "name": ["Billing Name", "Shipping Name"],
        "city": ["Billing City", "Shipping City"],
        "state": ["Billing Province Name", "Billing Province", "Shipping Province Name"],
        "pincode": ["Billing Zip", "Shipping Zip"], "country": ["Billing Country", "Shipping Country"],
        "order_date": ["Created at"], "financial_status": ["Financial Status"],
        "fulfillment_status": ["Fulfillment Status"], "currency": ["Currency"], "subtotal": ["Subtotal"],
        "shipping": ["Shipping"], "order_total": ["Total"], "discount": ["Discount Amount"],
        "discount_code": ["Discount Code"], "payment_method": ["Payment Method"],
        "cancelled_at": ["Cancelled at"], "order_tags": ["Tags"], "item_name": ["Lineitem name"],
        "item_qty": ["Lineitem quantity"], "item_price": ["Lineitem price"], "item_sku": ["Lineitem sku"],
        "ship_city": ["Shipping City"], "ship_state": ["Shipping Province Name", "Shipping Province"],
        "ship_pincode": ["Shipping Zip"], "note_attributes": ["Note Attributes"],
        "email_consent": ["Accepts Marketing"], "source_name": ["Source"], "refunded": ["Refunded Amount"],
    }

    @property
    def by_columns(self) -> bool:
        """The same records converted by column (formats/shopify_columns.py; ~25 % less CPU on a
        big export), unless a subclass reads rows its own way. COLUMNS = False forces the row path."""
        cls = type(self)
        return COLUMNS and cls.first_row is ShopifyOrders.first_row and cls.add_item is ShopifyOrders.add_item

    def score(self, table: Table) -> float:
        if "Lineitem name" not in table.headers or "Financial Status" not in table.headers:
            return 0.0
        return 0.5 + super().score(table) / 2 - (0.3 if _looks_like_checkouts(table) else 0)

    def records(self, table: Table, m: Mapping, ctx: ParseContext) -> Iterator[Record]:
        """Group line-item rows: the first row of an order carries its fields, the rest add items."""
        key_col = (m.get("order_number") or m.get("order_id") or [None])[0]
        if key_col is not None and self.by_columns:
            from wadesk.core.importing.formats import shopify_columns

            yield from shopify_columns.records(self, table, m, ctx, key_col)
            return
        rec: Record | None = None
        key = None
        seen: dict[str, str] = {}  # order name -> external id, for line items far from their order
        for n, cells in table.rows():
            row = Row(n, cells, m)
            k = cells[key_col] if key_col is not None else str(n)
            if rec is not None and k == key:
                self.add_item(rec, row)
                continue
            if rec is not None:
                yield rec
            if k in seen and not row.get("order_id") and not row.get("financial_status") and self.source_orders:
                rec = Record(n, cells, order=OrderData(external_id=seen[k], continuation=True))
                self.add_item(rec, row)
            else:
                rec = self.first_row(row, ctx)
                if rec.order is not None:
                    seen[k] = rec.order.external_id
            key = k
        if rec is not None:
            yield rec

    def first_row(self, row: Row, ctx: ParseContext) -> Record:
        rec = Record(row.n, row.cells)
        try:
            placed = ctx.date(row.get("order_date"))
            cancelled = ctx.date(row.get("cancelled_at"))
        except ValueError as exc:
            rec.error = str(exc)
            return rec
        ext = row.get("order_id") or row.get("order_number")
        if not ext or placed is None:
            rec.error = "No order id or order date on the first row of this order."
            return rec
        cust = customer_from(row, ctx)
        cust.as_of = placed
        rec.customer = cust
        utm, landing = note_fields(row.get("note_attributes"))
        method = row.get("payment_method")
        tags = row.get("order_tags")
        o = OrderData(
            external_id=ext, number=row.get("order_number") or None, placed_at=placed,
            total=money(row.get("order_total"), rec, "Total") or 0,
            subtotal=money(row.get("subtotal"), rec, "Subtotal"),
            discount_total=money(row.get("discount"), rec, "Discount"),
            shipping_total=money(row.get("shipping"), rec, "Shipping"),
            currency=(row.get("currency") or "")[:3] or None, payment_method=method[:64] or None,
            is_cod=is_cod(method, tags), financial_status=row.get("financial_status").lower() or None,
            fulfillment_status=row.get("fulfillment_status").lower() or None, cancelled_at=cancelled,
            discount_code=row.get("discount_code")[:64] or None,
            utm=utm,
            ship_city=row.get("ship_city") or None, ship_state=row.get("ship_state") or None,
            ship_pincode=row.get("ship_pincode")[:12] or None,
        )
        o.attributes = {k: v for k, v in (("tags", split_tags(tags)), ("channel", row.get("source_name")),
                                          ("refunded", row.get("refunded")),
                                          ("landing_page", landing)) if v}
        rec.order = o
        self.add_item(rec, row)
        return rec

    def add_item(self, rec: Record, row: Row) -> None:
        if rec.order is None or not (name := row.get("item_name")):
            return
        price = money(row.get("item_price"), rec, "Lineitem price") or 0
        rec.order.items.append((name[:255], row.get("item_sku")[:64] or None, item_qty(row.get("item_qty")), price, None))


def _looks_like_checkouts(table: Table) -> bool:
    """Abandoned checkouts: orders-style header, Name '#'+13-14 digits, Financial Status empty."""
    name_i, fin_i = table.column("Name"), table.column("Financial Status")
    rows = table.preview(20)
    if name_i is None or fin_i is None or not rows:
        return False
    return all(_CHECKOUT_NAME.match(r[name_i]) and not r[fin_i] for r in rows)


class ShopifyCheckouts(ShopifyOrders):
    source_orders = False
    name = "shopify-checkouts"
    label = "Shopify abandoned checkouts"

    def score(self, table: Table) -> float:
        return 0.95 if "Lineitem name" in table.headers and _looks_like_checkouts(table) else 0.0

    def first_row(self, row: Row, ctx: ParseContext) -> Record:
        rec = super().first_row(row, ctx)
        if rec.error or rec.order is None:
            return rec
        o = rec.order
        rec.order = None  # an abandoned checkout is not a purchase
        self._event(rec, o)
        return rec

    def add_item(self, rec: Record, row: Row) -> None:
        if rec.order is not None:  # called by first_row before the order becomes an event
            return super().add_item(rec, row)
        if rec.events and (name := row.get("item_name")):
            rec.events[0].properties["products"].append(name[:255])

    @staticmethod
    def _event(rec: Record, o: OrderData) -> None:
        products = [i[0] for i in o.items]
        rec.events.append(EventData(
            type="checkout_started", occurred_at=o.placed_at, product=products[0] if products else None,
            value=o.total, properties={"checkout_id": o.external_id, "currency": o.currency,
                                       "products": products, "discount_code": o.discount_code},
        ))
