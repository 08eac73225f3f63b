"""Pipeline fields in segments: lead status, owner, pipeline, stage, days in stage, deal value, lost
reason — on a fresh copy and after a move (the copy is patched, not rebuilt)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit._pipeline_shop import NOW, Shop, stage_ids, walk
from wadesk.core import pipeline as P
from wadesk.core.segments import SegmentEngine


@pytest.fixture
def engine(db, clock):
    with db.session() as s:
        shop = Shop(s)
        for cid in range(1, 6):
            shop.customer(cid, phone=f"+9198765432{cid:02d}")
        pid = P.ensure_default_pipeline(s, NOW).id
        P.set_staff_names(s, "Asha, Ravi")
        walk(s, pid, 1, ["New lead", "Contacted", "Quote sent"], value=15000, start_days_ago=9, step_days=2,
             owner="Asha")  # in Quote sent for 5 days
        walk(s, pid, 2, ["New lead", "Quote sent"], value=4000, start_days_ago=3, step_days=2)  # 1 day
        walk(s, pid, 3, ["New lead", "Lost"], value=900, start_days_ago=10, reason="Price too high")
        walk(s, pid, 4, ["New lead", "Won"], value=30000, start_days_ago=20)
        P.set_lead_status(s, 5, "Unqualified")
        P.set_customer_owner(s, 5, "Ravi")
    return SegmentEngine(db, clock)


def ids(engine, *conditions):
    return sorted(int(x) for x in engine.ids({"all": list(conditions)}))


def test_quote_sent_more_than_3_days_ago(engine):
    assert ids(engine, {"field": "stage", "op": "in", "value": ["Quote sent"]},
               {"field": "days_in_stage", "op": ">", "value": 3}) == [1]
    assert ids(engine, {"field": "stage_entered_at", "op": "more_than_days_ago", "value": 3}) == [1, 3, 4]


def test_each_pipeline_field(engine):
    assert ids(engine, {"field": "lead_status", "op": "in", "value": ["Customer"]}) == [4]
    assert ids(engine, {"field": "lead_status", "op": "in", "value": ["unqualified"]}) == [5]
    assert ids(engine, {"field": "owner", "op": "in", "value": ["Asha"]}) == [1]
    assert ids(engine, {"field": "owner", "op": "in", "value": ["Ravi"]}) == [5]
    assert ids(engine, {"field": "pipeline", "op": "in", "value": ["Sales"]}) == [1, 2, 3, 4]
    assert ids(engine, {"field": "pipeline", "op": "is_not_set"}) == [5]
    assert ids(engine, {"field": "deal_value", "op": ">=", "value": 4000}) == [1, 2, 4]
    assert ids(engine, {"field": "lost_reason", "op": "in", "value": ["Price too high"]}) == [3]
    assert ids(engine, {"field": "lost_reason", "op": "is_set"}) == [3]
    assert ("Quote sent", 2) in engine.choices("stage")


def test_a_move_is_seen_after_a_patch(engine, db):
    assert ids(engine, {"field": "stage", "op": "in", "value": ["Won"]}) == [4]
    with db.session() as s:
        pid = P.ensure_default_pipeline(s, NOW).id
        deal = P.open_deal_of(s, 2, pid)
        P.move_deal(s, deal.id, stage_ids(s, pid)["Won"], NOW + timedelta(hours=1))
    assert engine.refresh_changed() == "patched"
    assert ids(engine, {"field": "stage", "op": "in", "value": ["Won"]}) == [2, 4]
    assert ids(engine, {"field": "lead_status", "op": "in", "value": ["Customer"]}) == [2, 4]
