"""Shared set-up for the Customers page tests: a few hand-made customers with known figures."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from wadesk.core.crm import consent, customers, notes, tags
from wadesk.core.crm.totals import refresh_order_totals
from wadesk.core.db.models import Order, OrderItem

T = datetime(2026, 1, 1)

PEOPLE = [
    # first, last, phone, email, city, total of one order (None: no order)
    ("Rohan", "Sharma", "98765 43210", "rohan@example.com", "Pune", "1299.00"),
    ("Anita", "Desai", "+91 98123 45678", None, "Mumbai", None),
    ("Sharad", "Kulkarni", None, "sharad@shop.in", "Nashik", "45999.50"),
    ("Meera", "Iyer", "09988776655", "meera@example.com", "Chennai", "350.00"),
    ("Zoya", "Khan", "+91 90000 11111", None, "Delhi", "2200.00"),
]


def make_shop(db) -> dict[str, int]:
    """Five customers; returns {first name: id}. Rohan is tagged 'vip' and opted in."""
    ids: dict[str, int] = {}
    with db.session() as s:
        for i, (first, last, phone, email, city, total) in enumerate(PEOPLE):
            c = customers.create_customer(s, dict(first_name=first, last_name=last, phone=phone, email=email,
                                                  city=city), now=T)
            ids[first] = c.id
            if total:
                o = Order(customer_id=c.id, source="test", external_id=f"o{i}", number=f"10{i}",
                          placed_at=datetime(2026, 2, 1 + i), total=Decimal(total), is_cod=i % 2 == 0,
                          created_at=T, updated_at=T)
                s.add(o)
                s.flush()
                s.add(OrderItem(order_id=o.id, product="Kumkumadi face oil", category="skincare", quantity=1,
                                price=Decimal(total)))
        s.flush()
        refresh_order_totals(s, list(ids.values()))
        tags.add_tag(s, [ids["Rohan"]], "vip", now=T)
        consent.record_opt_in(s, ids["Rohan"], "checkout", now=T)
        notes.add_note(s, ids["Rohan"], "Prefers evening calls", now=T)
    return ids


@pytest.fixture
def ids(db):
    return make_shop(db)


@pytest.fixture
def page(qtbot, services, ids):
    """The Customers page over make_shop, shown and loaded."""
    from wadesk.ui.customers.page import CustomersPage

    p = CustomersPage(services)
    qtbot.addWidget(p)
    qtbot.waitUntil(lambda: not p.model.loading, timeout=3000)
    p.resize(1300, 800)
    p.show()
    qtbot.waitExposed(p)
    return p
