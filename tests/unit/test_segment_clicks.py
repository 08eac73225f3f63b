"""'Clicked': the customer tapped a button in one of our messages (a quick reply or an interactive
reply button arrives as an inbound message whose context is our message); Stop taps are opt-outs."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit._shop_builder import NOW, Shop
from wadesk.core.db.models import Campaign, Message
from wadesk.core.segments import SegmentEngine, problems


def _out(s, cid, wamid, days_ago, campaign=None, sandbox=False):
    at = NOW - timedelta(days=days_ago)
    s.add(Message(customer_id=cid, direction="out", status="read", wamid=wamid, campaign_id=campaign,
                  category="MARKETING", created_at=at, is_sandbox=sandbox))


def _tap(s, cid, context, days_ago, **content):
    at = NOW - timedelta(days=days_ago)
    payload = {"from": "91987654320", "id": f"wamid.in{cid}{days_ago}", "timestamp": "0",
               "context": {"id": context}, **content}
    s.add(Message(customer_id=cid, direction="in", status="received", created_at=at, payload=payload))


@pytest.fixture
def engine(db, clock):
    with db.session() as s:
        sh = Shop(s)
        for camp in (1, 2):
            s.add(Campaign(id=camp, name=f"c{camp}", created_at=NOW, updated_at=NOW))
        for cid in range(1, 8):
            sh.customer(cid, phone=f"+91987654321{cid}")
        _out(s, 1, "w1", 2, campaign=1)
        _tap(s, 1, "w1", 1.9, type="button", button={"payload": "SHOP_NOW", "text": "Shop now"})
        _out(s, 2, "w2", 2, campaign=1)
        _tap(s, 2, "w2", 1.9, type="button", button={"payload": "STOP_PROMOTIONS", "text": "Stop promotions"})
        _out(s, 3, "w3", 20, campaign=2)
        _tap(s, 3, "w3", 19, type="interactive",
             interactive={"type": "button_reply", "button_reply": {"id": "yes", "title": "Yes, confirm"}})
        _out(s, 4, "w4", 2, campaign=1)
        _tap(s, 4, "w4", 1.9, type="text", text={"body": "thanks"})  # a reply, not a click
        _out(s, 5, "w5", 2, campaign=1)  # received, no tap
        _out(s, 6, "w6", 2, campaign=1, sandbox=True)  # a sandbox send is never counted
        _tap(s, 6, "w6", 1.9, type="button", button={"payload": "SHOP_NOW", "text": "Shop now"})
        s.commit()
    return SegmentEngine(db, clock)


def _ids(engine, **cond):
    return sorted(engine.ids({"all": [{"field": "message", "op": "clicked", **cond}]}).tolist())


def test_clicked_counts_button_taps_on_our_messages(engine):
    assert _ids(engine) == [1, 3]
    assert _ids(engine, campaign=1) == [1]
    assert _ids(engine, campaign=2) == [3]
    assert _ids(engine, days=7) == [1]
    none_clicked = {"none": [{"field": "message", "op": "clicked", "campaign": 1}]}
    received = {"field": "message", "op": "received", "campaign": 1}
    assert sorted(engine.ids({"all": [received, none_clicked]}).tolist()) == [2, 4, 5]


def test_clicked_is_a_message_operator():
    assert not problems({"all": [{"field": "message", "op": "clicked", "campaign": 1, "days": 30}]})
