"""Tiny hand-made shops for profile and segment tests: customers, orders, events, messages."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from wadesk.core.db.models import Customer, CustomerTag, Event, Message, Order, OrderItem, Tag

NOW = datetime(2026, 11, 28, 10, 0)
_SERIAL = itertools.count(1)


class Shop:
    def __init__(self, session):
        self.s = session
        self.tags: dict[str, Tag] = {}

    def customer(self, cid: int, **kw) -> Customer:
        kw.setdefault("name", f"Customer {cid}")
        kw.setdefault("name_key", kw["name"].lower())
        c = Customer(id=cid, created_at=kw.pop("created_at", NOW - timedelta(days=400)), updated_at=NOW, **kw)
        self.s.add(c)
        self.s.flush()
        return c

    def order(self, cid: int, days_ago: float, total: float = 1000, cod: bool = False, rto: bool = False,
              cancelled: bool = False, code: str | None = None, status: str = "delivered",
              items: tuple = (("Serum", "SK-1", "skincare"),), method: str | None = None) -> Order:
        at = NOW - timedelta(days=days_ago)
        o = Order(customer_id=cid, source="test", external_id=str(next(_SERIAL)), placed_at=at,
                  total=Decimal(str(total)), is_cod=cod, is_rto=rto, discount_code=code,
                  payment_method=method or ("COD" if cod else "UPI"),
                  shipping_status="rto" if rto else status, cancelled_at=at if cancelled else None,
                  created_at=at, updated_at=at)
        self.s.add(o)
        self.s.flush()
        for product, sku, cat in items:
            self.s.add(OrderItem(order_id=o.id, product=product, sku=sku, category=cat, price=Decimal(str(total))))
        return o

    def event(self, cid: int, kind: str, days_ago: float, category: str | None = None, product: str | None = None,
              value: float | None = None, **props) -> None:
        self.s.add(Event(customer_id=cid, type=kind, occurred_at=NOW - timedelta(days=days_ago), category=category,
                         product=product, value=None if value is None else Decimal(str(value)), properties=props))

    def message(self, cid: int, days_ago: float, direction: str = "out", status: str = "delivered",
                campaign_id: int | None = None, read: bool = False, error: int | None = None,
                category: str | None = "MARKETING", sandbox: bool = False) -> None:
        at = NOW - timedelta(days=days_ago)
        self.s.add(Message(customer_id=cid, direction=direction, status=status, campaign_id=campaign_id,
                           created_at=at, read_at=at + timedelta(minutes=5) if read else None, error_code=error,
                           category=category if direction == "out" else None, is_sandbox=sandbox))

    def tag(self, cid: int, name: str) -> None:
        if name not in self.tags:
            self.tags[name] = Tag(name=name)
            self.s.add(self.tags[name])
            self.s.flush()
        self.s.add(CustomerTag(customer_id=cid, tag_id=self.tags[name].id))

    def totals(self) -> None:
        from wadesk.core.crm.totals import refresh_order_totals, refresh_tag_lists
        self.s.flush()
        refresh_order_totals(self.s)
        refresh_tag_lists(self.s)
