from datetime import datetime
from decimal import Decimal

from wadesk.core.crm.totals import refresh_order_totals, refresh_tag_lists
from wadesk.core.db.models import Customer, CustomerTag, Order, Tag

T = datetime(2026, 1, 1)


def _customer(s, name):
    c = Customer(name=name, name_key=name.lower(), created_at=T, updated_at=T)
    s.add(c)
    s.flush()
    return c


def _order(s, c, ext, total, placed, cancelled=None, **more):
    s.add(Order(customer_id=c.id, source="test", external_id=ext, total=Decimal(total),
                placed_at=placed, cancelled_at=cancelled, created_at=T, updated_at=T, **more))


FIGURES = ("order_count", "first_order_at", "last_order_at", "cod_orders", "rto_orders", "cancelled_orders",
           "discount_orders", "settled_orders")


def test_every_order_figure_and_back_to_zero_when_the_orders_go(db):
    with db.session() as s:
        a = _customer(s, "A")
        _order(s, a, "1", "100", datetime(2026, 2, 1), is_cod=True, shipping_status="shipped", discount_code="DIWALI")
        _order(s, a, "2", "200", datetime(2026, 3, 1), is_cod=True, shipping_status="rto", is_rto=True)
        _order(s, a, "3", "300", datetime(2026, 1, 5), discount_code="", shipping_status="pending")
        _order(s, a, "4", "999", datetime(2025, 12, 1), cancelled=datetime(2025, 12, 2), is_cod=True)
        s.flush()
        refresh_order_totals(s, [a.id])
        s.refresh(a)
        # counted: 1, 2, 3 (4 is cancelled; its earlier date is not the first order); COD 1, 2; RTO 2;
        # discount 1 only (an empty code is none); settled 2 (COD, came back) and 3 (prepaid).
        assert tuple(getattr(a, f) for f in FIGURES) == (
            3, datetime(2026, 1, 5), datetime(2026, 3, 1), 2, 1, 1, 1, 2)
        assert a.total_spent == Decimal("600")
        for o in list(a.orders):
            s.delete(o)
        s.flush()
        refresh_order_totals(s, [a.id])
        s.refresh(a)
        assert tuple(getattr(a, f) for f in FIGURES) == (0, None, None, 0, 0, 0, 0, 0)
        assert a.total_spent == 0


def test_order_totals_skip_cancelled_and_respect_chunk(db):
    with db.session() as s:
        a, b = _customer(s, "A"), _customer(s, "B")
        _order(s, a, "1", "100.50", datetime(2026, 2, 1))
        _order(s, a, "2", "200", datetime(2026, 3, 1))
        _order(s, a, "3", "999", datetime(2026, 4, 1), cancelled=datetime(2026, 4, 2))
        _order(s, b, "4", "10", datetime(2026, 5, 1))
        s.flush()
        refresh_order_totals(s, [a.id])
    with db.session() as s:
        a, b = s.get(Customer, a.id), s.get(Customer, b.id)
        assert (a.order_count, a.total_spent, a.last_order_at) == (2, Decimal("300.50"), datetime(2026, 3, 1))
        assert b.order_count == 0  # not in the refreshed set
        refresh_order_totals(s)
    with db.session() as s:
        assert s.get(Customer, b.id).total_spent == Decimal("10")


def test_tag_lists_sorted_and_cleared(db):
    with db.session() as s:
        a = _customer(s, "A")
        vip, cod = Tag(name="vip"), Tag(name="cod")
        s.add_all([vip, cod])
        s.flush()
        s.add_all([CustomerTag(customer_id=a.id, tag_id=vip.id), CustomerTag(customer_id=a.id, tag_id=cod.id)])
        s.flush()
        refresh_tag_lists(s, [a.id])
    with db.session() as s:
        assert s.get(Customer, a.id).tag_list == "cod, vip"
        s.query(CustomerTag).delete()
        refresh_tag_lists(s)
    with db.session() as s:
        assert s.get(Customer, a.id).tag_list == ""
