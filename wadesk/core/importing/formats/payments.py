"""Razorpay payments (captured payments become orders; amounts in paise or rupees, detected) and
Shiprocket orders (courier status, RTO and delivery dates applied to the matching shop orders)."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from wadesk.core.importing.formats.base import (
    EventData, Format, Mapping, OrderData, ParseContext, Record, Row, ShipmentUpdate, customer_from,
)
from wadesk.core.importing.formats.orders import OrderFormat
from wadesk.core.importing.readers.table import Table
from wadesk.core.importing.values import parse_money
from wadesk.core.importing.vocab import courier_status, shiprocket_is_cod

_FIN = {"captured": "paid", "authorized": "authorized", "refunded": "refunded"}


def amounts_in_paise(values: list[str]) -> bool:
    """Razorpay's API and some reports give paise (49900 = ₹499), dashboard reports rupees (499.00).

    Paise when no amount has a decimal point and nearly every one is a multiple of 100 (paise amounts
    of real prices end in 00; rupee prices like 499 or 1299 don't)."""
    vals = [v.replace(",", "").strip() for v in values if v and v.strip()]
    if not vals or any("." in v for v in vals) or not all(v.lstrip("-").isdigit() for v in vals):
        return False
    nonzero = [int(v) for v in vals if int(v) != 0]
    return bool(nonzero) and sum(1 for v in nonzero if v % 100 == 0) >= 0.9 * len(nonzero)


class Razorpay(Format):
    name = "razorpay"
    label = "Razorpay payments"
    source = "razorpay"
    signature = ["id", "amount", "currency", "status", "method", "email", "contact", "created_at"]
    aliases = {
        "order_id": ["id"], "order_total": ["amount"], "currency": ["currency"], "order_status": ["status"],
        "payment_method": ["method"], "email": ["email"], "phone": ["contact"], "order_date": ["created_at"],
        "refunded": ["amount_refunded"], "note": ["description"],
    }

    def records(self, table: Table, m: Mapping, ctx: ParseContext) -> Iterator[Record]:
        col = (m.get("order_total") or [None])[0]
        sample = [cells[col] for _n, cells in table.rows()] if col is not None else []
        paise = ctx.options.get("razorpay_paise", amounts_in_paise(sample))
        ctx.options["razorpay_paise"] = paise
        for n, cells in table.rows():
            yield self.payment(Row(n, cells, m), ctx, Decimal(100) if paise else Decimal(1))

    def payment(self, row: Row, ctx: ParseContext, unit: Decimal) -> Record:
        rec = Record(row.n, row.cells)
        rec.customer = customer_from(row, ctx)
        try:
            at = ctx.date(row.get("order_date"))
            amount = (parse_money(row.get("order_total")) or Decimal(0)) / unit
        except ValueError as exc:
            rec.error = str(exc)
            return rec
        pay_id, status, method = row.get("order_id"), row.get("order_status").lower(), row.get("payment_method").lower()
        if not pay_id or at is None:
            rec.error = "This payment has no id or no date."
            return rec
        rec.customer.as_of = at
        if status not in _FIN:  # created / failed: no purchase, but a signal of intent
            rec.events.append(EventData("payment_failed", at, value=amount.quantize(Decimal("0.01")),
                                        properties={"payment_id": pay_id, "status": status, "method": method}))
            return rec
        rec.order = OrderData(
            external_id=pay_id[:64], number=pay_id[:64], placed_at=at, total=amount.quantize(Decimal("0.01")),
            currency=(row.get("currency") or "INR")[:3], payment_method=method or None, is_cod=method == "cod",
            financial_status=_FIN[status], attributes={"razorpay_method": method},
        )
        return rec


class Shiprocket(OrderFormat):
    """A courier's report. A row whose Order ID is a shop order WaDesk has updates that order (status,
    RTO, delivery, COD). A row with no such order is an order in its own right (shops also ship
    orders they took on WhatsApp or Instagram, Shiprocket 'CUSTOM' channel): it is kept with its
    customer, and a shop export of the same order number later takes it over (order_writer)."""

    name = "shiprocket"
    label = "Shiprocket orders (courier status, RTO)"
    source = "shiprocket"
    signature = ["Shiprocket Created At", "AWB Code", "Courier Company", "Customer Mobile", "RTO Initiated Date"]
    aliases = {
        "order_number": ["Order ID"], "order_status": ["Status"], "payment_method": ["Payment Method"],
        "rto_initiated": ["RTO Initiated Date"], "rto_delivered": ["RTO Delivered Date"],
        "delivered": ["Order Delivered Date"], "awb": ["AWB Code"], "courier": ["Courier Company"],
        "rto_reason": ["RTO Reason"], "phone": ["Customer Mobile", "Customer Alternate Phone"],
        "email": ["Customer Email"], "name": ["Customer Name"],
        "order_date": ["Channel Created At", "Shiprocket Created At"], "order_total": ["Order Total"],
        "discount": ["Discount Value"], "shipping": ["Shipping Charges"], "order_tags": ["Order Tags"],
        "item_name": ["Product Name"], "item_sku": ["Channel SKU", "Master SKU"], "item_qty": ["Product Quantity"],
        "item_price": ["Product Price"], "item_category": ["Product Category"],
        "city": ["Address City"], "state": ["Address State"], "pincode": ["Address Pincode"],
        "sales_channel": ["Channel"],
    }

    def status(self, row: Row) -> tuple[str | None, str | None, bool]:
        return None, None, courier_status(row.get("order_status")) == "cancelled"

    def order_record(self, row: Row, ctx: ParseContext) -> Record:
        ref = row.get("order_number")
        if not ref:
            return Record(row.n, row.cells, error="No Order ID in this row.")
        status = courier_status(row.get("order_status"))
        try:
            rto_at = ctx.date(row.get("rto_delivered")) or ctx.date(row.get("rto_initiated"))
            delivered = ctx.date(row.get("delivered"))
        except ValueError as exc:
            return Record(row.n, row.cells, error=str(exc))
        attrs = {k: row.get(k) for k in ("awb", "courier", "rto_reason") if row.get(k)}
        attrs["courier_status"] = row.get("order_status")
        if channel := row.get("sales_channel"):
            attrs["sales_channel"] = channel
        ship = ShipmentUpdate(
            order_ref=ref, shipping_status=status, is_rto=status == "rto" or rto_at is not None, rto_at=rto_at,
            delivered_at=delivered if status != "rto" else None, is_cod=shiprocket_is_cod(row.get("payment_method")),
            attributes=attrs,
        )
        rec = super().order_record(row, ctx)  # the order and customer, used when no shop order matches
        ship.why_no_order, rec.error = rec.error, None
        if rec.order is not None:
            o = rec.order
            # The address columns feed the customer; the order keeps its own copy.
            o.ship_city, o.ship_state = row.get("city") or None, row.get("state") or None
            o.ship_pincode = row.get("pincode")[:12] or None
            o.is_cod = bool(ship.is_cod)
            o.shipping = ship
        rec.shipment = ship
        return rec
