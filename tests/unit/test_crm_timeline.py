import time
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert

from wadesk.core.crm import consent, notes
from wadesk.core.crm.customers import CustomerInput, create_customer
from wadesk.core.crm.timeline import money, timeline
from wadesk.core.db.models import Event, Message, Order, OrderItem

T = datetime(2026, 11, 1, 12, 0)


def test_money_uses_indian_grouping():
    assert [money(v) for v in (2340, Decimal("123456.5"), 0, 10_000_000)] == [
        "₹2,340", "₹1,23,456.50", "₹0", "₹1,00,00,000"]
    assert money(1234.5, "USD") == "USD 1,234.50"


def _shop(db, clock):
    with db.session() as s:
        cid = create_customer(s, CustomerInput(first_name="Asha", phone="9876543210"), clock=clock).id
        o = Order(customer_id=cid, source="shopify", external_id="x1", number="1042", placed_at=T,
                  total=Decimal("2340"), is_cod=True, is_rto=True, shipping_status="rto", discount_code="DIWALI10",
                  created_at=T, updated_at=T)
        s.add(o)
        s.flush()
        s.add_all([OrderItem(order_id=o.id, product="Kurta", category="apparel", quantity=2, price=Decimal("1170"))])
        s.add(Message(customer_id=cid, direction="out", template_name="diwali_offer", status="read",
                      body="Hi Asha", created_at=T + timedelta(hours=1)))
        s.add(Message(customer_id=cid, direction="in", body="STOP", created_at=T + timedelta(hours=2)))
        s.add(Event(customer_id=cid, type="product_viewed", product="Kurta", category="apparel",
                    occurred_at=T - timedelta(hours=1)))
        notes.add_note(s, cid, "Call after 6pm", author="Owner", now=T + timedelta(hours=3))
        consent.record_opt_out(s, cid, "whatsapp_stop", at=T + timedelta(hours=2), now=T + timedelta(hours=2))
    return cid


def test_everything_merged_newest_first_with_titles(db, clock):
    cid = _shop(db, clock)
    with db.Session() as s:
        entries = timeline(s, cid)
    assert [(e.kind, e.title) for e in entries] == [
        ("note", "Call after 6pm"),
        ("message", "WhatsApp message received"),
        ("consent", "Opted out of marketing messages (whatsapp_stop)"),
        ("message", "WhatsApp sent: diwali_offer — read"),
        ("order", "Order #1042 — ₹2,340, COD, RTO"),
        ("event", "Viewed Kurta"),
    ]
    order = entries[4]
    assert order.details == ("2 × Kurta (apparel) — ₹2,340", "Discount code DIWALI10")
    assert entries[0].details == ("By Owner",)


def test_paging_by_offset_and_cursor_agree(db, clock):
    cid = _shop(db, clock)
    with db.session() as s:  # many events at the same second: ties must not be lost between pages
        s.execute(insert(Event), [{"customer_id": cid, "type": "session", "occurred_at": T - timedelta(days=i // 100),
                                   "properties": {}} for i in range(300)])
    with db.Session() as s:
        everything = timeline(s, cid, limit=1000)
        assert len(everything) == 306
        by_offset = [e for off in range(0, 306, 25) for e in timeline(s, cid, limit=25, offset=off)]
        by_cursor, cur = [], None
        while True:
            page = timeline(s, cid, limit=25, cursor=cur)
            if not page:
                break
            by_cursor += page
            cur = page[-1].cursor
        assert by_offset == by_cursor == everything
        assert [e.kind for e in timeline(s, cid, kinds={"order"})] == ["order"]


def test_ten_thousand_events_stay_fast(db, clock):
    cid = _shop(db, clock)
    with db.session() as s:
        s.execute(insert(Event), [{"customer_id": cid, "type": "product_viewed", "product": f"P{i}",
                                   "occurred_at": T - timedelta(minutes=i), "properties": {}} for i in range(10_000)])
    with db.Session() as s:
        timeline(s, cid, limit=50)
        t0 = time.perf_counter()
        page = timeline(s, cid, limit=50, offset=100)
        assert time.perf_counter() - t0 < 0.1
        assert len(page) == 50


def test_outgoing_messages_carry_whatsapps_ticks(db, clock):
    cid = _shop(db, clock)
    with db.Session() as s:
        sent, received = [e for e in timeline(s, cid) if e.kind == "message"][::-1]
    assert (sent.data["ticks"], sent.data["status"]) == ("✓✓", "read") and received.data["ticks"] == ""

