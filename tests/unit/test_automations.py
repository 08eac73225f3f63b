"""Automations with a moved clock against the fake Cloud API: the abandoned-cart story, re-entry,
holdout, concurrent passes, quiet hours and the frequency cap shared with campaigns."""
from __future__ import annotations

import dataclasses
import threading
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import FAKE_TOKEN
from tests.unit._campaign_shop import build_shop, freeze, sender
from wadesk.core.automations.definition import FlowDefinition, FlowError, Step, Wait
from wadesk.core.automations.flows import add_flow, list_flows, set_enabled
from wadesk.core.automations.recipes import RECIPES, find_recipe
from wadesk.core.automations.runner import dry_run, run_pass
from wadesk.core.db.automation_models import Flow, FlowEnrolment
from wadesk.core.db.models import Event, Message, Order
from wadesk.core.messaging.cloud_client import CloudClient
from wadesk.core.segments.engine import SegmentEngine
from wadesk.core.settings import set_setting


@pytest.fixture
def client(send_client):
    return send_client


@pytest.fixture
def shop(fresh_db, clock, client):
    build_shop(fresh_db, 10, clock=clock, client=client)
    with fresh_db.session() as s:  # the shop's clock is UTC and has no quiet hours unless a test sets them
        set_setting(s, "quiet_hours_start", "09:00")
        set_setting(s, "quiet_hours_end", "09:00")
        set_setting(s, "shop_timezone", "UTC")
    return fresh_db


def flow(db, clock, recipe="abandoned_cart", **changes):
    d = dataclasses.replace(find_recipe(recipe).definition, holdout_pct=0, **changes)
    with db.session() as s:
        f = add_flow(s, now=clock.now(), sandbox=False, recipe=recipe, definition=d)
        set_enabled(s, f.id, True, now=clock.now())
        return f.id


def run(db, client, clock, **kw):
    return run_pass(db, client, sandbox=False, engine=SegmentEngine(db, clock), clock=clock,
                    sender_kw={"rate": 1000, **kw})


def cart(db, clock, cid):
    with db.session() as s:
        s.add(Event(customer_id=cid, type="added_to_cart", occurred_at=clock.now().replace(tzinfo=None),
                    product="Rose Gold Hoops", value=Decimal("899"), properties={}))


def buy(db, clock, cid):
    now = clock.now().replace(tzinfo=None)
    with db.session() as s:
        s.add(Order(customer_id=cid, source="test", external_id=f"o{cid}-{now:%H%M%S}", placed_at=now,
                    total=Decimal("899"), created_at=now, updated_at=now))


def sent_to(db, cid):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Message).where(
            Message.customer_id == cid, Message.purpose == "automation")) or 0


def test_abandoned_cart_reminder_then_purchase_stops_the_second(shop, clock, client, fake_cloud_api):
    flow(shop, clock)
    assert run(shop, client, clock).enrolled == 0  # switching on takes today's members as the start
    cart(shop, clock, 3)
    r = run(shop, client, clock)
    assert (r.enrolled, r.sent) == (1, 0)  # reminder 1 waits an hour
    clock.advance(minutes=61)
    r = run(shop, client, clock)
    assert r.sent == 1 and sent_to(shop, 3) == 1
    body = next(c for c in fake_cloud_api.sent[-1]["payload"]["template"]["components"] if c["type"] == "body")
    assert body["parameters"][1]["text"] == "Rose Gold Hoops"  # the carted product
    buy(shop, clock, 3)
    assert run(shop, client, clock).exited == 1
    clock.advance(hours=30)
    assert run(shop, client, clock).sent == 0
    assert sent_to(shop, 3) == 1
    with shop.session() as s:
        e = s.scalar(select(FlowEnrolment).where(FlowEnrolment.customer_id == 3))
        assert e.state == "exited" and e.exit_reason == "bought something"


def test_both_reminders_without_a_purchase_then_reentry_rules(shop, clock, client):
    fid = flow(shop, clock, reentry_days=None)
    run(shop, client, clock)
    cart(shop, clock, 4)
    run(shop, client, clock)
    clock.advance(hours=1, minutes=1)
    run(shop, client, clock)
    clock.advance(hours=23, minutes=1)
    r = run(shop, client, clock)
    assert r.sent == 1 and r.completed == 1 and sent_to(shop, 4) == 2
    # They leave the segment (the cart event ages out) and come back: never re-enter.
    clock.advance(days=3)
    run(shop, client, clock)
    cart(shop, clock, 4)
    assert run(shop, client, clock).enrolled == 0
    with shop.session() as s:
        f = s.get(Flow, fid)
        f.definition = dict(f.definition, reentry_days=2)
    clock.advance(days=3)
    run(shop, client, clock)  # ages out again
    cart(shop, clock, 4)
    assert run(shop, client, clock).enrolled == 1


def test_holdout_customers_are_recorded_and_never_messaged(shop, clock, client):
    d = dataclasses.replace(find_recipe("abandoned_cart").definition, holdout_pct=50)
    with shop.session() as s:
        f = add_flow(s, now=clock.now(), sandbox=False, recipe="abandoned_cart", definition=d)
        set_enabled(s, f.id, True, now=clock.now())
    run(shop, client, clock)
    for cid in range(1, 11):
        cart(shop, clock, cid)
    r = run(shop, client, clock)
    assert r.enrolled + r.held_out == 10 and 0 < r.held_out < 10
    clock.advance(hours=2)
    assert run(shop, client, clock).sent == r.enrolled


def test_concurrent_passes_never_send_a_step_twice(shop, clock, client, fake_cloud_api):
    flow(shop, clock, steps=(Step("cart_reminder", "en", find_recipe("abandoned_cart").definition.steps[0].mapping,
                                  Wait()),))
    run(shop, client, clock)
    for cid in range(1, 11):
        cart(shop, clock, cid)
    results = []

    def one_pass():
        with CloudClient(access_token=FAKE_TOKEN, phone_number_id=fake_cloud_api.phone_number_id,
                         base_url=fake_cloud_api.url, max_retries=0) as c:
            results.append(run_pass(shop, c, sandbox=False, engine=SegmentEngine(shop, clock), clock=clock,
                                    sender_kw={"rate": 1000}))

    threads = [threading.Thread(target=one_pass) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    run(shop, client, clock)  # whatever a busy pass left queued
    assert sum(r.enrolled for r in results) == 10
    calls = [x["payload"]["biz_opaque_callback_data"] for x in fake_cloud_api.sent]
    assert len(calls) == len(set(calls)) == 10
    with shop.session() as s:
        assert s.scalar(select(func.count()).select_from(Message).where(Message.purpose == "automation")) == 10


def test_quiet_hours_hold_a_due_step_until_morning(shop, client, fake_cloud_api):
    from wadesk.core.clock import FixedClock

    clock = FixedClock(datetime(2026, 11, 28, 22, 0, tzinfo=timezone.utc))
    with shop.session() as s:
        set_setting(s, "quiet_hours_start", "21:00")
        set_setting(s, "quiet_hours_end", "09:00")
    flow(shop, clock, steps=(Step("cart_reminder", "en", find_recipe("abandoned_cart").definition.steps[0].mapping,
                                  Wait()),))
    run(shop, client, clock)
    cart(shop, clock, 2)
    r = run(shop, client, clock)
    assert r.queued == 1 and r.sent == 0 and r.send_state == "waiting"
    clock.advance(hours=11)
    assert run(shop, client, clock).sent == 1


def test_frequency_cap_is_shared_with_campaigns(shop, clock, client):
    for name in ("first", "second"):  # two marketing campaigns this week reach everyone
        sender(shop, client, freeze(shop, clock, name=name), clock).run()
    flow(shop, clock)
    run(shop, client, clock)
    cart(shop, clock, 5)
    run(shop, client, clock)
    clock.advance(hours=2)
    r = run(shop, client, clock)
    assert r.deferred == 1 and r.sent == 0
    clock.advance(days=7)
    assert run(shop, client, clock).sent == 1  # the week passed: the reminder goes (a day late is better than never)


def test_recipes_validate_and_a_step_without_template_keeps_the_flow_off(shop, clock):
    for r in RECIPES:
        r.definition.validate()
    with shop.session() as s:
        f = add_flow(s, now=clock.now(), sandbox=False, recipe="review_request")
        with pytest.raises(FlowError, match="Choose a template for step 1"):
            set_enabled(s, f.id, True, now=clock.now())
        assert [v.enabled for v in list_flows(s)] == [False]
    with pytest.raises(FlowError, match="at least one message"):
        FlowDefinition({"all": []}, ()).validate()
    assert Wait(days=1, at="10:00").after(datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc), "Asia/Kolkata") == \
        datetime(2026, 11, 29, 4, 30, tzinfo=timezone.utc)
    assert Wait(hours=1).words() == "1 hour later"


def test_dry_run_shows_who_gets_what(shop, clock, client):
    flow(shop, clock)
    run(shop, client, clock)
    cart(shop, clock, 6)
    plan = dry_run(shop, sandbox=False, engine=SegmentEngine(shop, clock), clock=clock)
    assert [(p["customer_id"], p["step"], p["template"]) for p in plan] == [(6, 1, "cart_reminder")]
    with shop.session() as s:
        assert s.scalar(select(func.count()).select_from(FlowEnrolment)) == 0  # nothing written


def test_editing_a_flow_removes_steps_safely_and_new_entry_rules_start_afresh(shop, clock, client):
    from wadesk.core.automations.flows import update_definition

    fid = flow(shop, clock)
    run(shop, client, clock)
    cart(shop, clock, 7)
    run(shop, client, clock)
    clock.advance(hours=1, minutes=1)
    assert run(shop, client, clock).sent == 1  # step 1 done; customer 7 waits for step 2
    d = dataclasses.replace(find_recipe("abandoned_cart").definition, holdout_pct=0)
    with shop.session() as s:
        update_definition(s, fid, dataclasses.replace(d, steps=d.steps[:1]), now=clock.now())
        e = s.scalar(select(FlowEnrolment).where(FlowEnrolment.customer_id == 7))
        assert e.state == "completed"
    clock.advance(days=1)
    assert run(shop, client, clock).sent == 0  # no crash, nothing more for customer 7
    # New entry rules: everyone matching them now is the starting point, nobody is messaged for it.
    with shop.session() as s:
        update_definition(s, fid, dataclasses.replace(d, entry={"all": [{"field": "orders", "op": ">=", "value": 0}]}),
                          now=clock.now())
    assert run(shop, client, clock).enrolled == 0


def test_deleting_a_flow_drops_its_unsent_messages_and_keeps_the_sent(shop, clock, client, fake_cloud_api,
                                                                        monkeypatch):
    from wadesk.core.automations import runner
    from wadesk.core.automations.flows import delete_flow
    from wadesk.core.campaigns.lease import SendLease

    fid = flow(shop, clock)
    run(shop, client, clock)
    cart(shop, clock, 3)
    run(shop, client, clock)
    clock.advance(minutes=61)
    assert run(shop, client, clock).sent == 1  # customer 3 had step 1
    cart(shop, clock, 5)
    run(shop, client, clock)
    clock.advance(minutes=61)
    run_pass(shop, client, sandbox=False, engine=SegmentEngine(shop, clock), clock=clock, send=False)
    calls = len(fake_cloud_api.sent)

    monkeypatch.setattr(runner, "PASS_WAIT_S", 0.05)
    with SendLease(shop, runner.pass_lease_key(False)), pytest.raises(FlowError, match="still enrolling"):
        delete_flow(shop, fid)  # a pass is enrolling: nothing changes
    with shop.session() as s:
        assert s.get(Flow, fid) is not None
        assert s.scalar(select(func.count()).select_from(Message).where(Message.status == "queued")) == 1

    out = delete_flow(shop, fid)
    assert out == {"id": fid, "name": out["name"], "deleted": True, "active": 2, "cancelled": 1}
    with shop.session() as s:
        assert s.get(Flow, fid) is None
        assert s.scalar(select(func.count()).select_from(FlowEnrolment)) == 0
        statuses = dict(s.execute(select(Message.customer_id, Message.status).where(
            Message.purpose == "automation")).all())
    assert statuses == {3: "accepted", 5: "cancelled"}
    clock.advance(days=2)
    assert run(shop, client, clock).sent == 0 and len(fake_cloud_api.sent) == calls
    with pytest.raises(FlowError, match="no flow"):
        delete_flow(shop, fid)
