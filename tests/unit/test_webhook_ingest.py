"""Statuses, replies and opt-outs through the one ingestion function (issue 7, part A)."""
from __future__ import annotations

import random
import shutil
from datetime import datetime

import pytest
from sqlalchemy import select

from _webhook_payloads import (T0, button, envelope, inbound, preference, referral, status, statuses, text)
from wadesk.core.db import open_database
from wadesk.core.db.models import (CONSENT_OPTED_IN, CONSENT_OPTED_OUT, ConsentEvent, Customer, Event, Message,
                                   WebhookEvent)
from wadesk.core.messaging.errors import classify
from wadesk.core.paths import DataDir
from wadesk.core.webhooks import ingest_batch
from wadesk.core.webhooks.inbound import is_stop, message_text

NOW = datetime(2026, 11, 28, 10, 0)
PHONES = {"asha": "+919876543210", "bala": "+919876543211", "chitra": "+919876543212", "dev": "+919876543213",
          "esha": "+919876543214"}


def at(seconds: int) -> datetime:
    return datetime.utcfromtimestamp(T0 + seconds)


def build_ledger(db) -> dict[str, int]:
    """Customers and outgoing rows in the states the send engine leaves them in."""
    ids: dict[str, int] = {}
    with db.session() as s:
        for key, phone in PHONES.items():
            c = Customer(phone=phone, name=key.title(), name_key=key, channel="import", created_at=NOW,
                         updated_at=NOW, attributes={})
            s.add(c)
            s.flush()
            ids[key] = c.id
        rows = {
            "read": Message(customer_id=ids["asha"], status="accepted", wamid="wamid.READ", category="UTILITY"),
            "fails": Message(customer_id=ids["bala"], status="accepted", wamid="wamid.FAIL"),
            "optout": Message(customer_id=ids["chitra"], status="accepted", wamid="wamid.OPTOUT"),
            "unknown": Message(customer_id=ids["dev"], status="unknown"),  # timed out: wamid never stored
            "sending": Message(customer_id=ids["esha"], status="sending"),
            "holdout": Message(customer_id=ids["esha"], status="holdout", is_holdout=True),
            "readfail": Message(customer_id=ids["bala"], status="accepted", wamid="wamid.RF"),
        }
        for key, m in rows.items():
            m.created_at, m.direction, m.purpose = NOW, "out", "campaign"
            s.add(m)
            s.flush()
            ids[key] = m.id
    return ids


def all_payloads(ids: dict[str, int]) -> list[dict]:
    """One of everything the reference describes, as separate payloads."""
    cb = {k: f"wadesk:{ids[k]}" for k in ("read", "fails", "optout", "unknown", "sending", "holdout", "readfail")}
    return [
        statuses(status("wamid.READ", "sent", T0 + 1, callback=cb["read"])),
        statuses(status("wamid.READ", "delivered", T0 + 3, callback=cb["read"])),
        statuses(status("wamid.READ", "read", T0 + 20, callback=cb["read"])),
        statuses(status("wamid.FAIL", "sent", T0 + 1, callback=cb["fails"])),
        statuses(status("wamid.FAIL", "failed", T0 + 4, callback=cb["fails"], error=131026,
                        details="The recipient is not a valid WhatsApp user.")),
        statuses(status("wamid.FAIL", "delivered", T0 + 9, callback=cb["fails"])),  # late: must not un-fail
        statuses(status("wamid.OPTOUT", "failed", T0 + 2, callback=cb["optout"], error=131050)),
        statuses(status("wamid.UNK", "sent", T0 + 1, callback=cb["unknown"]),
                 status("wamid.UNK", "read", T0 + 30, callback=cb["unknown"])),
        statuses(status("wamid.SENDING", "delivered", T0 + 5, callback=cb["sending"])),
        statuses(status("wamid.HOLD", "delivered", T0 + 5, callback=cb["holdout"])),  # forged: holdout never sent
        statuses(status("wamid.RF", "read", T0 + 20, callback=cb["readfail"])),
        statuses(status("wamid.RF", "failed", T0 + 25, callback=cb["readfail"], error=131000)),  # failed is final
        inbound("wamid.IN.1", "919876543210", T0 + 40, text("Is this in size M?"), name="Asha",
                context="wamid.READ"),
        inbound("wamid.IN.2", "919876543210", T0 + 50, button("STOP_PROMOTIONS", "Stop promotions"), name="Asha",
                context="wamid.READ"),
        inbound("wamid.IN.3", "919876543213", T0 + 60, text("  Band Karo! "), name="Dev"),
        inbound("wamid.IN.4", "919800000001", T0 + 70, {**text("Hi, is the kurta available?"),
                                                         **referral("ARclid001")}, name="Farah"),
        inbound("wamid.IN.5", "919800000001", T0 + 80, text("Price?"), name="Farah"),
        preference("919876543214", "stop", T0 + 90),
        preference("919876543214", "resume", T0 + 95),
        preference("919800000002", "stop", T0 + 99),  # someone WaDesk never met: remembered anyway
    ]


def snapshot(db) -> dict:
    """The final state the webhooks leave, without ids that depend on insertion order."""
    with db.session() as s:
        phone = {c.id: c.phone for c in s.scalars(select(Customer))}
        out = sorted((m.id, m.status, m.wamid, m.sent_at, m.delivered_at, m.read_at, m.failed_at, m.error_code,
                      m.error_title, m.error_detail, m.category)
                     for m in s.scalars(select(Message).where(Message.direction == "out")))
        inb = sorted((m.wamid, phone[m.customer_id], m.body, m.status, m.created_at, m.purpose)
                     for m in s.scalars(select(Message).where(Message.direction == "in")))
        customers = sorted((c.phone, c.name, c.channel, c.ctwa_clid, c.consent_state, c.consent_source, c.consent_at)
                           for c in s.scalars(select(Customer)))
        events = sorted((phone[e.customer_id], e.type, e.source, e.occurred_at, sorted(e.properties.items()))
                        for e in s.scalars(select(Event)))
        consent = sorted((phone[c.customer_id], c.action, c.source, c.occurred_at)
                         for c in s.scalars(select(ConsentEvent)))
        keys = sorted(s.scalars(select(WebhookEvent.dedupe_key)))
    return {"out": out, "in": inb, "customers": customers, "events": events, "consent": consent, "keys": keys}


def test_everything_lands_where_it_belongs(fresh_db):
    ids = build_ledger(fresh_db)
    res = ingest_batch(fresh_db, all_payloads(ids), source="import", now=NOW)
    assert res.as_json() == {"events": 21, "statuses": 13, "messages": 5, "opt_outs": 5, "duplicates": 0,
                             "rejected": 0, "opt_ins": 1, "ignored": 0, "unmatched": 1, "new_customers": 2}
    with fresh_db.session() as s:
        rows = {k: s.get(Message, ids[k]) for k in ("read", "fails", "optout", "unknown", "sending", "holdout")}
        read = rows["read"]
        assert (read.status, read.sent_at, read.delivered_at, read.read_at) == ("read", at(1), at(3), at(20))
        assert read.category == "MARKETING"  # Meta's billing category wins over the template's
        fails = rows["fails"]
        assert fails.status == "failed" and fails.error_code == 131026 and fails.failed_at == at(4)
        assert fails.error_title == classify(131026).plain
        assert fails.error_detail == "The recipient is not a valid WhatsApp user."
        assert fails.delivered_at == at(9)  # recorded, but the row stays failed
        optout = rows["optout"]
        assert optout.status == "failed" and optout.error_code == 131050
        # settled through the callback data: the wamid is stored now
        assert (rows["unknown"].status, rows["unknown"].wamid) == ("read", "wamid.UNK")
        assert rows["unknown"].delivered_at == at(30)  # a read implies delivery
        assert (rows["sending"].status, rows["sending"].wamid) == ("delivered", "wamid.SENDING")
        assert (rows["holdout"].status, rows["holdout"].wamid) == ("holdout", None)
        assert s.get(Message, ids["readfail"]).status == "failed"

        cust = {c.phone: c for c in s.scalars(select(Customer))}
        assert cust[PHONES["asha"]].consent_state == CONSENT_OPTED_OUT  # tapped Stop promotions
        assert cust[PHONES["asha"]].consent_source == "whatsapp_stop"
        assert cust[PHONES["chitra"]].consent_state == CONSENT_OPTED_OUT  # 131050
        assert cust[PHONES["dev"]].consent_state == CONSENT_OPTED_OUT  # "band karo"
        assert cust[PHONES["esha"]].consent_state == CONSENT_OPTED_IN  # stop, then resume
        assert cust[PHONES["esha"]].consent_source == "whatsapp_resume"
        assert cust["+919800000002"].consent_state == CONSENT_OPTED_OUT and cust["+919800000002"].channel == "whatsapp"
        lead = cust["+919800000001"]
        assert (lead.name, lead.channel, lead.ctwa_clid) == ("Farah", "ctwa", "ARclid001")
        ev = s.scalars(select(Event).where(Event.customer_id == lead.id)).one()
        assert (ev.type, ev.source) == ("lead_created", "ctwa")
        assert ev.properties["ad"] == "Diwali glow kit" and ev.properties["ad_id"] == "120210000000009"
        assert ev.properties["source_url"] == "https://fb.me/abc"
        replies = s.scalars(select(Message).where(Message.direction == "in").order_by(Message.created_at)).all()
        assert [r.body for r in replies][:2] == ["Is this in size M?", "Stop promotions"]
        assert all(r.purpose == "reply" and r.status == "received" for r in replies)

    from wadesk.core.crm.timeline import timeline

    with fresh_db.session() as s:
        entries = timeline(s, ids["asha"], kinds={"message"})
    received = [e for e in entries if e.title == "WhatsApp message received"]
    assert [e.details for e in received] == [("Stop promotions",), ("Is this in size M?",)]  # newest first


def test_ingesting_again_changes_nothing(fresh_db):
    ids = build_ledger(fresh_db)
    payloads = all_payloads(ids)
    ingest_batch(fresh_db, payloads, source="import", now=NOW)
    before = snapshot(fresh_db)
    res = ingest_batch(fresh_db, payloads, source="receiver", now=NOW)
    assert res.duplicates == 21 and res.statuses == res.messages == res.opt_outs == 0
    assert snapshot(fresh_db) == before


def _pieces(payloads: list[dict]) -> list[dict]:
    """Each status / message / preference as a payload of its own, so shuffling can split batches."""
    out = []
    for p in payloads:
        value = p["entry"][0]["changes"][0]["value"]
        field = p["entry"][0]["changes"][0]["field"]
        for st in value.get("statuses", []):
            out.append(envelope({"statuses": [st]}))
        for m in value.get("messages", []):
            out.append(envelope({"contacts": value["contacts"], "messages": [m]}))
        for u in value.get("user_preferences", []):
            out.append(envelope({"contacts": value["contacts"], "user_preferences": [u]}, field=field))
    return out


def test_shuffled_and_duplicated_give_the_same_final_state(fresh_db, migrated_db_file, tmp_path):
    ids = build_ledger(fresh_db)
    pieces = _pieces(all_payloads(ids))
    ingest_batch(fresh_db, pieces, source="import", now=NOW)
    reference = snapshot(fresh_db)
    for seed in range(25):
        rng = random.Random(seed)
        shop = DataDir(tmp_path / f"shop{seed}").ensure()
        shutil.copy(migrated_db_file, shop.db_path)
        db = open_database(shop)
        try:
            assert build_ledger(db) == ids
            todo = pieces + rng.sample(pieces, rng.randint(1, len(pieces)))  # duplicates too
            rng.shuffle(todo)
            while todo:  # batches of random sizes, like Meta's deliveries
                n = rng.randint(1, 6)
                ingest_batch(db, [todo.pop() for _ in range(min(n, len(todo)))], source="receiver", now=NOW)
            assert snapshot(db) == reference, f"seed {seed}"
        finally:
            db.dispose()


def test_bad_pieces_are_counted_not_fatal(fresh_db):
    ids = build_ledger(fresh_db)
    good = statuses(status("wamid.READ", "delivered", T0 + 3))
    mixed = envelope({"statuses": [{"id": "wamid.READ"}, "nonsense", status("wamid.READ", "sent", T0 + 1),
                                   {"id": "wamid.READ", "status": "read", "timestamp": "yesterday"},
                                   {"id": "wamid.READ", "status": "deleted", "timestamp": str(T0)}]})
    no_sender = envelope({"messages": [{"id": "wamid.X", "timestamp": str(T0), "type": "text",
                                        "text": {"body": "hi"}}]})
    not_a_number = inbound("wamid.Y", "12", T0, text("hi"), name="")  # no phone, no user id, no name
    res = ingest_batch(fresh_db, [None, {"object": "page"}, {"entry": "x"}, good, mixed, no_sender, not_a_number,
                                  envelope({"statuses": {"id": 1}})], source="import", now=NOW)
    assert res.statuses == 2 and res.ignored == 1
    assert res.rejected == 3 + 3 + 1 + 1 + 1
    with fresh_db.session() as s:
        row = s.get(Message, ids["read"])
        assert (row.status, row.sent_at, row.delivered_at) == ("delivered", at(1), at(3))
        assert s.scalar(select(Message).where(Message.wamid == "wamid.Y")) is None
        assert s.scalar(select(WebhookEvent).where(WebhookEvent.dedupe_key == "message:wamid.Y")) is None


def test_failed_after_read_is_failed_and_stays_failed(fresh_db):
    ids = build_ledger(fresh_db)
    ingest_batch(fresh_db, [statuses(status("wamid.READ", "read", T0 + 20))], source="import", now=NOW)
    ingest_batch(fresh_db, [statuses(status("wamid.READ", "failed", T0 + 25, error=131000))], source="import",
                 now=NOW)
    ingest_batch(fresh_db, [statuses(status("wamid.READ", "delivered", T0 + 3))], source="import", now=NOW)
    with fresh_db.session() as s:
        row = s.get(Message, ids["read"])
        assert (row.status, row.error_code, row.read_at, row.delivered_at) == ("failed", 131000, at(20), at(3))


def test_user_id_only_customers_and_unknown_statuses(fresh_db):
    hidden = envelope({"contacts": [{"profile": {"name": "Zoya"}, "user_id": "IN.1349000000001"}],
                       "messages": [{"from_user_id": "IN.1349000000001", "id": "wamid.Z", "timestamp": str(T0),
                                     "type": "text", "text": {"body": "UNSUBSCRIBE"}}]})
    res = ingest_batch(fresh_db, [hidden, statuses(status("wamid.NOT.OURS", "sent", T0))], source="import", now=NOW)
    assert (res.messages, res.opt_outs, res.unmatched, res.new_customers) == (1, 1, 1, 1)
    with fresh_db.session() as s:
        c = s.scalars(select(Customer)).one()
        assert (c.phone, c.wa_user_id, c.name, c.consent_state) == (None, "IN.1349000000001", "Zoya", -1)
        kept = s.scalar(select(WebhookEvent).where(WebhookEvent.dedupe_key == "status:wamid.NOT.OURS:sent"))
        assert kept.processed_at is None  # not ours (yet): kept for a person or a later pass to look at


@pytest.mark.parametrize("msg,stop", [
    (text("STOP"), True), (text(" stop. "), True), (text("Unsubscribe!"), True), (text("band karo"), True),
    (text("stop sending me offers"), False), (text("Stop promotions"), True), (text("non-stop"), False),
    (button("STOP_PROMOTIONS", "Stop promotions"), True), (button("SIZE_M", "Size M"), False),
    ({"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {"id": "STOP_PROMOTIONS",
                                                                                     "title": "No thanks"}}}, True),
    ({"type": "image", "image": {"caption": "stop"}}, False),
])
def test_what_counts_as_stop(msg, stop):
    assert is_stop(msg) is stop


def test_message_text_in_words():
    assert message_text({"type": "image", "image": {"caption": "this one"}}) == "[photo] this one"
    assert message_text({"type": "location", "location": {"name": "Shop", "address": "MG Road"}}) == \
        "[location] Shop, MG Road"
    assert message_text({"type": "interactive", "interactive": {"list_reply": {"title": "Size M"}}}) == "Size M"
    assert message_text({"type": "sticker", "sticker": {}}) == "[sticker]"


def test_a_status_from_another_computer_moves_the_team_fingerprint(db):
    """Pages on other computers refresh when the stamp moves: a delivered/read status changes no
    row count, but its dedupe row and the ingestion's audit entry move the stamp."""
    from wadesk.core.db.team import change_stamp

    ids = build_ledger(db)
    before = change_stamp(db)
    ingest_batch(db, [statuses(status("wamid.READ", "delivered", T0 + 5, callback=f"wadesk:{ids['read']}"))],
                 source="receiver", now=NOW)
    assert change_stamp(db) != before
