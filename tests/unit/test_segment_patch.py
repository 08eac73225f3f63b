"""Patching the in-memory copy for the customers that changed gives exactly the copy a full
rebuild gives (every column, tag, order, item, event and message), and the same counts."""
from __future__ import annotations

from dataclasses import fields
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, select, update

from tests.unit._shop_builder import NOW, Shop
from wadesk.core.crm import tags
from wadesk.core.db.models import Customer, CustomerTag, Message
from wadesk.core.demo import build_sample_shop
from wadesk.core.profile import refresh_profiles
from wadesk.core.segments import PRESETS, SegmentEngine
from wadesk.core.segments.columns import Coded

RULES = [
    {"all": [{"field": "tags", "op": "has_any", "value": ["patched-tag"]}]},
    {"all": [{"field": "city", "op": "in", "value": ["Ziro"]}]},
    {"all": [{"field": "order_activity", "op": ">=", "value": 1, "days": 5, "where": {"category": ["toys"]}}]},
    {"all": [{"field": "order_activity", "measure": "sum", "op": ">", "value": 100, "days": 3}]},
    {"all": [{"field": "event", "event": "quiz_taken", "op": "at_least", "value": 2, "days": 10}]},
    {"all": [{"field": "event", "event": "product_viewed", "op": "at_least", "value": 1, "days": 3,
              "where": {"category": ["toys"]}}]},
    {"all": [{"field": "message", "op": "clicked"}]},
    {"all": [{"field": "message", "op": "replied", "days": 3}]},
    {"all": [{"field": "attribute_number", "key": "loyalty_points", "op": ">", "value": 100}]},
    {"all": [{"field": "consent", "op": "in", "value": ["opted_out"]}]},
    {"all": [{"field": "category_purchases", "key": "toys", "op": ">=", "value": 1}]},
    {"all": [{"field": "name", "op": "contains", "value": "renamed"}]},
    {"all": [{"field": "has_whatsapp", "op": "is_true"}, {"field": "orders", "op": ">=", "value": 2}]},
]


@pytest.fixture
def shop(db, clock):
    build_sample_shop(db, customers=400, seed=21, clock=clock)
    refresh_profiles(db, clock=clock)
    return db


def _decoded(frame) -> pd.DataFrame:
    cols = {}
    for f in fields(frame):
        v = getattr(frame, f.name)
        if f.name in ("starts",) or f.name.startswith("item_"):
            continue
        cols[f.name] = [None if c < 0 else v.keys[c] for c in v.codes] if isinstance(v, Coded) else v
    return pd.DataFrame(cols).astype(str).sort_values(list(cols)).reset_index(drop=True)


def _items(o) -> pd.DataFrame:
    return pd.DataFrame({"id": o.item_id, "pos": o.pos[o.item_order], "at": o.at[o.item_order],
                         "total": o.total[o.item_order],
                         "cat": [None if c < 0 else o.item_category.keys[c] for c in o.item_category.codes]}) \
        .astype(str).sort_values(["id"]).reset_index(drop=True)


def _pairs(p) -> pd.DataFrame:
    df = pd.DataFrame({"pos": p.pos, "key": [p.code.keys[c] for c in p.code.codes], **p.counts})
    return df.astype(str).sort_values(list(df.columns)).reset_index(drop=True)


def assert_same_copy(a, b):
    np.testing.assert_array_equal(a.ids, b.ids)
    for k in b.num:
        np.testing.assert_array_equal(a.num[k], b.num[k], err_msg=k)
    for k in b.coded:
        assert [a.coded[k].values[c] if c >= 0 else None for c in a.coded[k].codes] == \
            [b.coded[k].values[c] if c >= 0 else None for c in b.coded[k].codes], k
    np.testing.assert_array_equal(a.consent, b.consent)
    np.testing.assert_array_equal(a.has_whatsapp, b.has_whatsapp)
    pd.testing.assert_frame_equal(_pairs(a.tags), _pairs(b.tags))
    pd.testing.assert_frame_equal(_pairs(a.categories), _pairs(b.categories))
    for name in ("orders", "events", "messages"):
        pd.testing.assert_frame_equal(_decoded(getattr(a, name)), _decoded(getattr(b, name)), obj=name)
    pd.testing.assert_frame_equal(_items(a.orders), _items(b.orders))
    assert np.all(np.diff(a.orders.at) >= 0)  # still sorted by time: windows are binary searches
    for t in b.events.type.keys:
        sl = a.events.slice(t)
        assert (a.events.type.keys[a.events.type.codes[sl]] == t).all() and np.all(np.diff(a.events.at[sl]) >= 0)


def test_a_patched_copy_equals_a_rebuilt_one(shop, clock):
    db = shop
    engine = SegmentEngine(db, clock)
    before = engine.snapshot()
    later = NOW + timedelta(minutes=5)
    with db.session() as s:
        sh = Shop(s)
        s.execute(update(Customer).where(Customer.id == 5).values(city="Ziro", name="Asha renamed", updated_at=later))
        s.execute(update(Customer).where(Customer.id == 9).values(consent_state=-1, updated_at=later))
        s.execute(update(Customer).where(Customer.id == 14).values(
            attributes={"custom": {"loyalty_points": "1,500"}}, updated_at=later))
        tags.add_tag(s, [7, 8], "patched-tag", now=later)
        gone_tag = s.execute(select(CustomerTag.customer_id, CustomerTag.tag_id).limit(1)).first()
        s.execute(delete(CustomerTag).where(CustomerTag.customer_id == gone_tag[0], CustomerTag.tag_id == gone_tag[1]))
        s.execute(update(Customer).where(Customer.id == gone_tag[0]).values(updated_at=later))
        sh.customer(401, phone="+919800000401", city="Ziro", consent_state=1)
        sh.order(11, 1, total=700, items=(("Robot", "TOY-1", "toys"), ("Serum", "SK-1", "skincare")))
        sh.order(401, 2, total=300, cod=True, items=(("Kite", "TOY-2", "toys"),))
        for d in (1, 2, 3):
            sh.event(12, "quiz_taken", d)
        sh.event(12, "product_viewed", 1, category="toys", product="Robot", pdp_seconds=200)
        s.add(Message(customer_id=13, direction="out", status="read", wamid="wamid.patch", campaign_id=None,
                      category="MARKETING", created_at=NOW - timedelta(days=1)))
        s.add(Message(customer_id=13, direction="in", status="received", created_at=NOW - timedelta(hours=20),
                      payload={"type": "button", "context": {"id": "wamid.patch"},
                               "button": {"payload": "SHOP", "text": "Shop now"}}))
        sh.totals()
        s.commit()
    refresh_profiles(db, [5, 7, 8, 9, 11, 12, 13, 14, gone_tag[0], 401], clock=clock)

    assert engine.refresh_changed() == "patched" and engine.patches == 1 and engine.builds == 1
    patched = engine.snapshot()
    assert patched is not before and patched.n == before.n + 1
    rebuilt = SegmentEngine(db, clock)
    assert_same_copy(patched, rebuilt.snapshot())
    for rules in [*RULES, *(p.rules for p in PRESETS)]:
        assert engine.count(rules).as_dict() | {"ms": 0} == rebuilt.count(rules).as_dict() | {"ms": 0}, rules
    # the changes show: tag, city, toys orders, quiz events, toys views, the click, the attribute
    assert [engine.count(RULES[i]).matched for i in (0, 1, 2, 4, 5, 6, 8)] == [2, 2, 2, 1, 1, 1, 1]
    assert engine.refresh_changed() == "unchanged"


def test_what_a_patch_cannot_see_rebuilds(shop, clock):
    db = shop
    engine = SegmentEngine(db, clock)
    engine.snapshot()
    refresh_profiles(db, clock=clock)  # a full refresh moves everyone's scores
    assert engine.refresh_changed() == "rebuilt" and engine.builds == 2
    with db.session() as s:  # a customer erased: positions move
        s.execute(delete(Customer).where(Customer.id == 3))
        s.commit()
    assert engine.refresh_changed() == "rebuilt" and engine.builds == 3
    assert engine.snapshot().n == 399


def test_an_edit_without_new_events_keeps_the_event_frame(shop, clock):
    db = shop
    engine = SegmentEngine(db, clock)
    before = engine.snapshot()
    cid = int(before.events.pos[0]) + 1  # a customer with events (row positions follow ids 1..n)
    with db.session() as s:
        tags.add_tag(s, [cid], "patched-tag", now=NOW + timedelta(minutes=5))
        s.commit()
    refresh_profiles(db, [cid], clock=clock)
    assert engine.refresh_changed() == "patched"
    assert engine.snapshot().events is before.events  # 10M rows not copied for a tag
    assert_same_copy(engine.snapshot(), SegmentEngine(db, clock).snapshot())
