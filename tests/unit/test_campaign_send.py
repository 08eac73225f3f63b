"""The send engine end to end against the fake Cloud API on 127.0.0.1: freeze, pacing, every error
class, stop conditions, pause/resume/cancel, quiet hours and schedules with a moved clock."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tests.conftest import FAKE_TOKEN
from tests.unit._campaign_shop import WINBACK_MAPPING, build_shop, freeze, phone, request, sender
from wadesk.core.campaigns import ledger as L
from wadesk.core.campaigns.freeze import CampaignError, freeze_campaign
from wadesk.core.campaigns.lease import CampaignBusy, CampaignLease
from wadesk.core.campaigns.sender import SendControl
from wadesk.core.db.models import Campaign, ConsentEvent, Customer, Message
from wadesk.core.messaging.cloud_client import CloudClient
from wadesk.core.messaging.sandbox.faults import Fault
from wadesk.core.segments.engine import SegmentEngine


def _client(server, read_timeout):
    return CloudClient(access_token=FAKE_TOKEN, phone_number_id=server.phone_number_id, waba_id=server.waba_id,
                       base_url=server.url, timeout=(2.0, read_timeout), max_retries=0, sleep=lambda s: None)


@pytest.fixture
def client(send_client):
    return send_client


@pytest.fixture
def impatient(fake_cloud_api):
    """A client that gives up waiting for an answer after 0.3 s (the fake is told to take 1 s)."""
    with _client(fake_cloud_api, 0.3) as c:
        yield c


@pytest.fixture
def shop(fresh_db, clock, client):
    build_shop(fresh_db, 20, clock=clock, client=client)
    return fresh_db


def rows(db, cid):
    with db.session() as s:
        return {m.customer_id: m for m in s.scalars(select(Message).where(Message.campaign_id == cid))}


def status(db, cid):
    with db.session() as s:
        return L.status_counts(s, cid)


def test_freeze_writes_one_rendered_row_per_recipient_and_a_stable_holdout(shop, clock):
    cid = freeze(shop, clock, holdout_pct=25)
    r = rows(shop, cid)
    assert len(r) == 20
    held = [m for m in r.values() if m.status == L.HOLDOUT]
    assert 1 <= len(held) <= 12 and all(m.is_holdout and m.payload is None for m in held)
    queued = [m for m in r.values() if m.status == L.QUEUED]
    assert len(queued) + len(held) == 20
    m = queued[0]
    assert m.payload["to"] == m.to_phone and m.payload["template"]["name"] == "cart_reminder"
    assert f"Hi Name{m.customer_id}," in m.body
    assert m.idempotency_key == L.idempotency_key(cid, m.customer_id) and m.category == "MARKETING"
    with shop.session() as s:
        c = s.get(Campaign, cid)
        assert c.status == L.READY and c.settings["funnel"]["after_holdout"] == len(queued)
        assert c.estimated_cost > 0 and c.settings["policy"]["holdout_pct"] == 25


def test_funnel_drops_opted_out_invalid_and_capped_customers(fresh_db, clock, client):
    build_shop(fresh_db, 10, clock=clock, client=client, consent={2: -1, 3: 0}, phones={4: None})
    first = freeze(fresh_db, clock)
    assert len(rows(fresh_db, first)) == 7  # 2 opted out, 3 never opted in, 4 has no number
    second = freeze(fresh_db, clock, name="again")  # everyone got 1 marketing message: cap is 2 / 7 days
    assert len(rows(fresh_db, second)) == 7
    with pytest.raises(CampaignError, match="Nobody is left"):
        freeze(fresh_db, clock, name="third")  # the cap is reached for everyone
    with fresh_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Campaign)) == 2


def test_codes_run_out_recipients_beyond_are_left_out_and_a_cancel_changes_nothing(shop, clock):
    from wadesk.core.jobs import Cancelled
    from wadesk.core.messaging.discount_codes import import_codes

    with shop.session() as s:
        import_codes(s, "WINBACK", [f"CODE{i}" for i in range(5)], clock.now())
    engine = SegmentEngine(shop, clock)
    checked = []  # the owner cancels once every message was checked: while the ledger is written

    with pytest.raises(Cancelled):
        freeze_campaign(shop, engine, request(shop, mapping=WINBACK_MAPPING), sandbox=False, clock=clock,
                        progress=lambda d, t, text="": checked.append(text == "Checked"),
                        cancelled=lambda: any(checked))
    with shop.session() as s:
        assert s.scalar(select(func.count()).select_from(Campaign)) == 0
        assert s.scalar(select(func.count()).select_from(Message)) == 0
    cid, plan = freeze_campaign(shop, engine, request(shop, mapping=WINBACK_MAPPING), sandbox=False, clock=clock)
    assert len(plan.send_ids) == 5 and plan.preflight.problems["no_discount_code"] == 15
    codes = {m.payload["template"]["components"][1]["parameters"][1]["text"] for m in rows(shop, cid).values()}
    assert codes == {f"CODE{i}" for i in range(5)}


def test_send_all_once_with_callback_data(shop, clock, client, fake_cloud_api):
    cid = freeze(shop, clock)
    out = sender(shop, client, cid, clock).run()
    assert out.state == L.DONE
    st = status(shop, cid)
    assert st["accepted"] == 20 and st["queued"] == st["sending"] == st["failed"] == 0
    r = rows(shop, cid)
    sent = {x["payload"]["biz_opaque_callback_data"]: x["wamid"] for x in fake_cloud_api.sent}
    assert sent == {L.callback_data(m.id): m.wamid for m in r.values()}
    # Running again sends nothing more.
    assert sender(shop, client, cid, clock).run().state == L.DONE
    assert len(fake_cloud_api.sent) == 20


def test_undeliverable_and_opt_out_errors(fresh_db, clock, client, fake_cloud_api):
    build_shop(fresh_db, 6, clock=clock, client=client, phones={2: "+919876543200"})
    fake_cloud_api.faults.append(Fault.error(131050, 400, "User stopped marketing", path="messages"))
    cid = freeze(fresh_db, clock)
    out = sender(fresh_db, client, cid, clock, workers=1).run()
    assert out.state == L.DONE
    st = status(fresh_db, cid)
    assert st["failed"] == 2 and st["accepted"] == 4
    assert st["failures"] == {"131026": 1, "131050": 1}
    r = rows(fresh_db, cid)
    opted_out = [cid_ for cid_, m in r.items() if m.error_code == 131050]
    with fresh_db.session() as s:
        assert s.get(Customer, opted_out[0]).consent_state == -1
        assert s.scalar(select(ConsentEvent.source).where(ConsentEvent.customer_id == opted_out[0])) == "whatsapp_131050"
    # Both are now suppressed: a new campaign leaves them out.
    again = freeze(fresh_db, clock, name="next")
    assert set(rows(fresh_db, again)) == set(r) - {2, opted_out[0]}


def test_marketing_cap_defers_24h_or_gives_up_when_time_sensitive(shop, clock, client, fake_cloud_api):
    fake_cloud_api.faults.append(Fault.error(131049, 400, "Not delivered to maintain healthy ecosystem",
                                             path="messages"))
    cid = freeze(shop, clock)
    out = sender(shop, client, cid, clock, max_idle_s=60).run()
    assert out.state == L.WAITING_STATE
    assert out.next_due - clock.now() >= timedelta(hours=24, seconds=-1)  # the pacer's ms move the test clock
    assert status(shop, cid)["deferred"] == 1 and status(shop, cid)["accepted"] == 19
    clock.advance(hours=25)
    assert sender(shop, client, cid, clock).run().state == L.DONE
    assert status(shop, cid)["accepted"] == 20

    fake_cloud_api.faults.append(Fault.error(131049, 400, "Not delivered", path="messages"))
    urgent = freeze(shop, clock, name="flash sale", time_sensitive=True, cap_messages=5)
    assert sender(shop, client, urgent, clock).run().state == L.DONE
    assert status(shop, urgent)["failures"] == {"131049": 1}


def test_throughput_errors_slow_down_and_every_message_still_goes_once(shop, clock, client, fake_cloud_api):
    fake_cloud_api.faults.append(Fault.throughput(count=5))
    fake_cloud_api.faults.append(Fault.server_error(count=3, path="messages"))
    cid = freeze(shop, clock)
    snd = sender(shop, client, cid, clock)
    out = snd.run()
    assert out.state == L.DONE
    assert status(shop, cid)["accepted"] == 20, status(shop, cid)
    assert snd.pacer.rate < snd.pacer.target  # 130429 halved the rate
    counts = Counter(x["payload"]["biz_opaque_callback_data"] for x in fake_cloud_api.sent)
    assert len(counts) == 20 and max(counts.values()) == 1


def test_transient_errors_give_up_after_bounded_attempts(shop, clock, client, fake_cloud_api):
    fake_cloud_api.faults.append(Fault.server_error(count=10_000, path="messages"))
    cid = freeze(shop, clock)
    out = sender(shop, client, cid, clock, workers=1).run()
    # 20 consecutive failures trip the breaker: wait instead of burning every attempt.
    assert out.state == L.WAITING_STATE and "not answering" in out.stop_reason
    assert status(shop, cid)["accepted"] == 0 and status(shop, cid)["failed"] == 0
    fake_cloud_api.faults.clear()
    clock.advance(minutes=6)
    assert sender(shop, client, cid, clock).run().state == L.DONE
    assert status(shop, cid)["accepted"] == 20


def test_token_expiry_mid_campaign_stops_then_resumes_without_duplicates(shop, clock, client, fake_cloud_api):
    cid = freeze(shop, clock)
    expiry = Fault.token_expired(count=10_000)
    expiry.after = 5
    fake_cloud_api.faults.append(expiry)
    out = sender(shop, client, cid, clock, workers=2).run()
    assert out.state == L.STOPPED and "access token" in out.stop_reason
    st = status(shop, cid)
    assert st["accepted"] == 5 and st["queued"] == 20 - st["accepted"] and st["failed"] == 0
    with shop.session() as s:
        assert "token" in s.get(Campaign, cid).stop_reason
    fake_cloud_api.faults.clear()
    assert sender(shop, client, cid, clock).run().state == L.DONE
    counts = Counter(x["payload"]["biz_opaque_callback_data"] for x in fake_cloud_api.sent)
    assert len(counts) == 20 and max(counts.values()) == 1


def test_account_problem_stops_and_template_problem_fails(shop, clock, client, fake_cloud_api):
    fake_cloud_api.faults.append(Fault.error(132001, 404, "Template name does not exist", path="messages"))
    cid = freeze(shop, clock)
    fake_cloud_api.faults.append(Fault.error(368, 403, "Temporarily blocked for policy violations",
                                             path="messages", count=10_000))
    out = sender(shop, client, cid, clock, workers=1).run()
    assert out.state == L.STOPPED and "restricted" in out.stop_reason
    assert status(shop, cid)["failures"] == {"132001": 1}


def test_outcome_unknown_is_never_resent(shop, clock, fake_cloud_api, client, impatient):
    fake_cloud_api.faults.append(Fault.timeout(1.0, path="messages"))
    cid = freeze(shop, clock)
    out = sender(shop, impatient, cid, clock, workers=1).run()
    assert out.state == L.DONE
    st = status(shop, cid)
    assert st["unknown"] == 1 and st["accepted"] == 19
    assert sender(shop, client, cid, clock).run().state == L.DONE
    assert status(shop, cid)["unknown"] == 1  # still the owner's decision
    with shop.session() as s:
        assert L.resolve_unknown(s, cid, resend=False, now=clock.now()) == 1
    assert status(shop, cid)["failed"] == 1


def test_owner_may_resend_unknown_messages(shop, clock, client, impatient, fake_cloud_api):
    fake_cloud_api.faults.append(Fault.timeout(1.0, path="messages"))
    cid = freeze(shop, clock)
    sender(shop, impatient, cid, clock, workers=1).run()
    with shop.session() as s:
        assert L.resolve_unknown(s, cid, resend=True, now=clock.now()) == 1
    assert sender(shop, client, cid, clock).run().state == L.DONE
    assert status(shop, cid)["accepted"] == 20 and status(shop, cid)["unknown"] == 0


def test_crash_leftovers_become_unknown_and_are_not_resent(shop, clock, client, fake_cloud_api):
    cid = freeze(shop, clock)
    with shop.session() as s:
        ids = s.scalars(select(Message.id).where(Message.campaign_id == cid).limit(3)).all()
        for m in s.scalars(select(Message).where(Message.id.in_(ids))):
            m.status = L.SENDING  # what a killed sender leaves behind
    assert sender(shop, client, cid, clock).run().state == L.DONE
    st = status(shop, cid)
    assert st["unknown"] == 3 and st["accepted"] == 17 and len(fake_cloud_api.sent) == 17


def test_pause_resume_and_cancel(shop, clock, client, fake_cloud_api):
    cid = freeze(shop, clock)
    control = SendControl()

    def pause_at_3(p):
        if p.accepted >= 3:
            control.request_pause()

    # Progress is reported every 0.25 s; at 10 messages a second the pause lands mid-campaign.
    assert sender(shop, client, cid, clock, workers=1, control=control, rate=10, progress=pause_at_3,
                  sleep=None).run().state == L.PAUSED  # real pacing: the pause must land mid-campaign
    st = status(shop, cid)
    assert st["accepted"] >= 3 and st["accepted"] + st["queued"] == 20 and st["sending"] == 0

    control2 = SendControl()
    assert sender(shop, client, cid, clock, workers=1, control=control2, rate=10, sleep=None,
                  progress=lambda p: p.accepted >= 8 and control2.request_cancel()).run().state == L.CAMPAIGN_CANCELLED
    st = status(shop, cid)
    assert st["cancelled"] > 0 and st["accepted"] + st["cancelled"] == 20 and st["sending"] == 0
    assert len(fake_cloud_api.sent) == st["accepted"]


def test_quiet_hours_delay_messages_and_resume_after(shop, client, fake_cloud_api):
    from datetime import time as dtime

    from wadesk.core.clock import FixedClock

    clock = FixedClock(datetime(2026, 11, 28, 17, 0, tzinfo=timezone.utc))  # 22:30 in India
    cid = freeze(shop, clock, quiet_start=dtime(21, 0), quiet_end=dtime(9, 0), timezone="Asia/Kolkata")
    with shop.session() as s:
        assert s.get(Campaign, cid).status == L.SCHEDULED  # the start moved to 09:00
    out = sender(shop, client, cid, clock, max_idle_s=60).run()
    assert out.state == L.WAITING_STATE and len(fake_cloud_api.sent) == 0
    assert out.next_due == datetime(2026, 11, 29, 3, 30, tzinfo=timezone.utc)
    clock.advance(hours=11)
    assert sender(shop, client, cid, clock).run().state == L.DONE
    assert len(fake_cloud_api.sent) == 20


def test_schedule_and_daily_tier_plan(shop, clock, client, fake_cloud_api):
    at = clock.now() + timedelta(hours=3)
    cid = freeze(shop, clock, at=at, daily_limit=8)
    with shop.session() as s:
        c = s.get(Campaign, cid)
        assert c.status == L.SCHEDULED and "8" in c.settings["plan"]
    out = sender(shop, client, cid, clock, max_idle_s=0).run()
    assert out.state == L.WAITING_STATE and out.next_due == at and not fake_cloud_api.sent
    clock.advance(hours=3)
    assert sender(shop, client, cid, clock, max_idle_s=0).run().state == L.WAITING_STATE
    assert len(fake_cloud_api.sent) == 8  # the first day's share
    clock.advance(hours=24, minutes=1)  # past the moving window of yesterday's sends
    sender(shop, client, cid, clock, max_idle_s=0).run()
    assert len(fake_cloud_api.sent) == 16
    clock.advance(hours=24, minutes=1)
    assert sender(shop, client, cid, clock, max_idle_s=0).run().state == L.DONE
    assert len(fake_cloud_api.sent) == 20


def test_the_live_tier_window_counts_sends_the_plan_did_not_know_about(shop, clock, client, fake_cloud_api):
    import dataclasses

    late = freeze(shop, clock, name="planned first", daily_limit=10)  # plan: 10 today, 10 tomorrow
    other = dataclasses.replace(request(shop, name="sent first"), exclude_ids=frozenset(range(7, 21)))
    first, _ = freeze_campaign(shop, SegmentEngine(shop, clock), other, sandbox=False, clock=clock)
    assert sender(shop, client, first, clock).run().state == L.DONE  # 6 customers messaged now
    out = sender(shop, client, late, clock, max_idle_s=0).run()
    assert out.state == L.WAITING_STATE and "limit of 10" in out.stop_reason
    assert status(shop, late)["accepted"] == 4
    # (the pacer's few milliseconds per send move the test clock too)
    assert abs(out.next_due - (clock.now() + timedelta(hours=24))) < timedelta(seconds=1)
    clock.advance(hours=24, seconds=1)
    sender(shop, client, late, clock, max_idle_s=0).run()
    assert status(shop, late)["accepted"] == 14  # the window freed 10 places; 6 more wait for the plan


def test_opt_out_after_freeze_is_respected(shop, clock, client, fake_cloud_api):
    from wadesk.core.crm.consent import record_opt_out

    cid = freeze(shop, clock)
    with shop.session() as s:
        record_opt_out(s, 5, "whatsapp_stop", now=clock.now().replace(tzinfo=None))
    sender(shop, client, cid, clock).run()
    r = rows(shop, cid)
    assert r[5].status == L.SKIPPED and status(shop, cid)["accepted"] == 19
    assert phone(5) not in {x["to"] for x in fake_cloud_api.sent}


def test_one_sender_per_campaign(shop, clock, client):
    cid = freeze(shop, clock)
    with CampaignLease(shop, cid):
        with pytest.raises(CampaignBusy):
            sender(shop, client, cid, clock).run()
    done = []
    t = threading.Thread(target=lambda: done.append(sender(shop, client, cid, clock).run().state))
    t.start()
    t.join(30)
    assert done == [L.DONE]


def test_review_and_freeze_hold_out_the_same_customers(shop, clock):
    import dataclasses

    from wadesk.core.campaigns.freeze import plan_campaign

    req = dataclasses.replace(request(shop, holdout_pct=40), campaign_key="wizard-key-1")
    engine = SegmentEngine(shop, clock)
    review = plan_campaign(shop, engine, req, sandbox=False, clock=clock)
    cid, plan = freeze_campaign(shop, engine, req, sandbox=False, clock=clock)
    assert sorted(review.holdout_ids.tolist()) == sorted(plan.holdout_ids.tolist())
    held = {c for c, m in rows(shop, cid).items() if m.status == L.HOLDOUT}
    assert held == set(review.holdout_ids.tolist()) and 0 < len(held) < 20


def test_request_limits_pause_everyone_and_pair_limits_retry_that_customer(shop, clock, client, fake_cloud_api):
    fake_cloud_api.faults.append(Fault.error(80007, 429, "Rate limit issues", path="messages"))
    fake_cloud_api.faults.append(Fault.error(131056, 400, "Pair rate limit hit", path="messages"))
    cid = freeze(shop, clock)
    slept = []
    started = clock.now()
    out = sender(shop, client, cid, clock, workers=1, max_idle_s=600,
                 sleep=lambda s: (slept.append(s), clock.advance(seconds=s))).run()
    assert out.state == L.DONE and status(shop, cid)["accepted"] == 20
    # 80007 held every send back for Meta's wait (60 s without a Retry-After) ...
    assert clock.now() - started >= timedelta(seconds=60)
    assert any(s >= 59 for s in slept)
    calls = Counter(x["payload"]["biz_opaque_callback_data"] for x in fake_cloud_api.sent)
    assert len(calls) == 20 and max(calls.values()) == 1
