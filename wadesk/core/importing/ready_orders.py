"""A new order as the driver takes it on SQLite (ready_order) and as the parse worker sends it
(ReadyOrder). No SQLAlchemy here: the parse worker imports this; order_writer.py writes them."""
from __future__ import annotations

from wadesk.core.importing.formats.base import OrderData
from wadesk.core.importing.stored import NULL, datetime_value, json_text, money_value

ORDER_COLS = ("customer_id", "number", "placed_at", "total", "subtotal", "discount_total", "shipping_total",
              "currency", "payment_method", "is_cod", "financial_status", "fulfillment_status", "cancelled_at",
              "discount_code", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
              "ship_city", "ship_state", "ship_pincode", "attributes", "shipping_status", "is_rto",
              "delivered_at", "rto_at", "updated_at")

# An order row as insert_ready takes it (SQLite); ready_order gives the part between customer_id
# and updated_at, the writer adds the rest.
READY_ORDER = ("id", "source", "external_id", *ORDER_COLS, "created_at")
READY_FIELDS = ORDER_COLS[1:-1]  # what ready_order gives, in order
_NO_SHIPPING = (None, False, NULL, NULL)  # shipping_status, is_rto, delivered_at, rto_at of a shop's order
assert READY_FIELDS[-5:] == ("attributes", "shipping_status", "is_rto", "delivered_at", "rto_at")


def ready_order(o: OrderData) -> tuple:
    """The order's own values (READY_FIELDS) as bulk.insert binds order_values(o, ...) on SQLite."""
    u, sh = o.utm, o.shipping
    if sh is None:
        attrs, ship = o.attributes, _NO_SHIPPING
    else:
        attrs = {**o.attributes, **sh.attributes}
        ship = (sh.shipping_status, sh.is_rto, datetime_value(sh.delivered_at), datetime_value(sh.rto_at))
    return (o.number, datetime_value(o.placed_at), money_value(o.total), money_value(o.subtotal),
            money_value(o.discount_total), money_value(o.shipping_total), o.currency or "INR", o.payment_method,
            o.is_cod, o.financial_status, o.fulfillment_status, datetime_value(o.cancelled_at), o.discount_code,
            u.get("source"), u.get("medium"), u.get("campaign"), u.get("content"), u.get("term"),
            o.ship_city, o.ship_state, o.ship_pincode, json_text(attrs), *ship)


class ReadyOrder:
    """A new order as the parse worker sends it for a SQLite shop: its id, line items (prices as
    floats) and its ready_order values; its order_values, when wanted (an order the shop already
    has, a courier's order taken over), come back from those (`values`)."""

    __slots__ = ("external_id", "items", "ready")
    continuation = False

    def __init__(self, external_id: str, items: list[tuple], ready: tuple):
        self.external_id, self.items, self.ready = external_id, items, ready

    @property
    def number(self) -> str | None:
        return self.ready[0]
