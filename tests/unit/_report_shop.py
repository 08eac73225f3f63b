"""A campaign sent against the fake Cloud API with everything a report shows: statuses (delivered,
read, a failure) and replies through the webhook ingestion, a discount code, and orders imported
afterwards that test each attribution rule. Shared by the report's unit and page tests."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from tests.unit import _webhook_payloads as P
from tests.unit._campaign_shop import build_shop, freeze, sender
from wadesk.core.db.messaging_models import DiscountCode
from wadesk.core.db.models import Message, Order
from wadesk.core.webhooks.ingest import ingest_batch


def _order(s, oid, cid, at, total, **kw):
    s.add(Order(id=oid, customer_id=cid, source="manual", external_id=f"o{oid}", placed_at=at, total=Decimal(total),
                created_at=at, updated_at=at, **kw))


def sent_campaign(fresh_db, clock, client) -> tuple[list[int], list[int]]:
    """80 customers, half held out, the rest sent at 10:00; then what Meta and the customers did.
    Returns the messaged and the held-out customer ids (the campaign is id 1)."""
    build_shop(fresh_db, 80, clock=clock, client=client)
    cid = freeze(fresh_db, clock, name="Diwali glow", holdout_pct=50)
    assert sender(fresh_db, client, cid, clock).run().state == "done"
    with fresh_db.session() as s:
        rows = s.execute(select(Message.customer_id, Message.wamid, Message.to_phone, Message.is_holdout)
                         .where(Message.campaign_id == cid).order_by(Message.customer_id)).all()
    messaged = [r for r in rows if not r.is_holdout]
    held = [r.customer_id for r in rows if r.is_holdout]
    t = int(clock.now().timestamp()) + 60
    events = []
    for i, r in enumerate(messaged):
        to = r.to_phone[1:]
        if i < 12:
            events.append(P.status(r.wamid, "read", t + 30, to=to))
        if i < 20:
            events.append(P.status(r.wamid, "delivered", t, to=to))
    fail = messaged[-1]
    events.append(P.status(fail.wamid, "failed", t, to=fail.to_phone[1:], error=131026))
    payloads = [P.statuses(*events),
                P.inbound("wamid.in1", messaged[0].to_phone[1:], t + 3600, P.text("Is it in stock?")),
                P.inbound("wamid.in2", messaged[1].to_phone[1:], t + 5 * 86400, P.text("late reply")),
                P.inbound("wamid.in3", messaged[2].to_phone[1:], t + 600, P.button("SHOP", "Shop now"),
                          context=messaged[2].wamid)]
    clock.advance(days=7)  # the events happened over the week (times in the future are clamped to now)
    ingest_batch(fresh_db, payloads, source="import", clock=clock)
    clock.advance(days=-7)
    now = clock.now().replace(tzinfo=None)
    m = [r.customer_id for r in messaged]
    with fresh_db.session() as s:
        s.add(DiscountCode(pool="GLOW", code="GLOW-7", customer_id=m[5], campaign_id=cid, assigned_at=now,
                           imported_at=now))
        _order(s, 1, m[0], now + timedelta(days=2), "1000")                      # window
        _order(s, 2, m[1], now + timedelta(days=10), "700")                      # too late
        _order(s, 3, m[3], now + timedelta(days=10), "500", utm_campaign="Diwali-Glow")  # its UTM
        _order(s, 4, m[4], now + timedelta(days=1), "900", cancelled_at=now + timedelta(days=2))
        _order(s, 5, m[5], now + timedelta(days=20), "1200", discount_code="glow-7")   # its code, any case
        _order(s, 6, m[6], now - timedelta(days=1), "800")                       # before the message
        _order(s, 7, m[0], now + timedelta(days=3), "300")                       # 2nd order, same buyer
        _order(s, 8, held[0], now + timedelta(days=3), "650")                    # holdout, in window
        _order(s, 9, held[1], now + timedelta(days=8), "400")                    # holdout, too late
    assert cid == 1
    return m, held
