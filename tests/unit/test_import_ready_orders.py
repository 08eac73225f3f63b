"""On SQLite an import writes each new order as one ready tuple (ready_orders.ready_order, made by
the parse worker for a big file): the stored row must be what bulk.insert writes for the same
order's order_values, value for value and storage class for storage class."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import text

from wadesk.core.db.models import Order
from wadesk.core.importing.bulk import BulkWriter
from wadesk.core.importing.formats.base import OrderData, ShipmentUpdate
from wadesk.core.importing.order_writer import order_values, values
from wadesk.core.importing.ready_orders import ORDER_COLS, READY_ORDER, ReadyOrder, ready_order
from wadesk.core.importing.stored import datetime_value

NOW = datetime(2026, 11, 28, 12, 0)
IST = timezone(timedelta(hours=5, minutes=30))


def orders() -> list[OrderData]:
    return [
        OrderData("1", number="#1", placed_at=datetime(2026, 3, 1, 10, 0), total=Decimal("1234.50"),
                  subtotal=Decimal("999"), discount_total=Decimal("0.10"), shipping_total=None, currency="INR",
                  payment_method="Razorpay", financial_status="paid", utm={"source": "ig", "campaign": "diwali"},
                  ship_city="Pune", ship_pincode="411001", attributes={"note": "gift", "n": [1, 2]}),
        OrderData("2", placed_at=datetime(2026, 3, 1, 10, 0, 0, 123456, tzinfo=IST), total=Decimal("0"),
                  is_cod=True, cancelled_at=datetime(2026, 3, 2), discount_code="", currency=None),
        OrderData("3", placed_at=datetime(2026, 4, 1, 9, 30), total=Decimal("99.99"), is_cod=True, discount_code="DIWALI10",
                  shipping=ShipmentUpdate("3", shipping_status="rto", is_rto=True, rto_at=datetime(2026, 4, 1),
                                          attributes={"awb": "77"})),
        OrderData("4", placed_at=datetime(2026, 5, 5), total=Decimal("100"), attributes={},
                  shipping=ShipmentUpdate("4", shipping_status="delivered", delivered_at=datetime(2026, 5, 9))),
    ]


def test_ready_orders_are_stored_as_the_bulk_insert_stores_them(fresh_db):
    if fresh_db.engine.dialect.name != "sqlite":
        pytest.skip("ready tuples are SQLite's")
    with fresh_db.Session() as s:
        s.begin()
        bulk = BulkWriter(s)
        for o in orders():  # one at a time: insert() takes its columns from the first row
            v = order_values(o, None)
            v.update(source="shopify", external_id="dict-" + o.external_id, created_at=NOW, updated_at=NOW)
            bulk.insert(Order, [v])
        ids = bulk.new_ids(Order.__table__, len(orders()))
        now = datetime_value(NOW)
        bulk.insert_ready(Order, READY_ORDER, [(i, "shopify", "ready-" + o.external_id, None, *ready_order(o), now, now)
                                               for i, o in zip(ids, orders())])
        cols = [c for c in ("source", *ORDER_COLS, "created_at") if c != "id"]
        select = ", ".join(f"typeof({c}), {c}" for c in cols)

        def stored(prefix: str) -> list[tuple]:
            return [tuple(r) for r in s.execute(text(
                f"SELECT {select} FROM orders WHERE external_id LIKE '{prefix}%' ORDER BY external_id"))]
        by_dict, ready = stored("dict-"), stored("ready-")
        s.rollback()
    assert len(by_dict) == 4 and by_dict == ready


def test_a_ready_order_gives_back_its_order_values():
    """An order the shop already has is compared (order_changes) or a courier's taken over (_adopt)
    through values(): the same figures, times, statuses and attributes as the OrderData it came from."""
    for o in orders():
        want, got = order_values(o, 7), values(ReadyOrder(o.external_id, o.items, ready_order(o)), 7)
        for k, v in want.items():
            if isinstance(v, datetime):  # stored without the zone, as the database keeps it
                v = v.replace(tzinfo=None)
            assert got[k] == v and type(got[k]) is type(v), (o.external_id, k)
