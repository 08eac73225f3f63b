"""The local webhook receiver over real HTTP on 127.0.0.1: handshake, signatures, limits, durability."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime
import threading
import time

import pytest
import requests
from sqlalchemy import func, select

from _webhook_payloads import T0, inbound, status, statuses, text
from wadesk.core.db.models import Customer, Message, WebhookEvent
from wadesk.core.messaging.sandbox import sign
from wadesk.core.webhooks.receiver import WebhookReceiver, signature_ok

SECRET = "receiver-test-app-secret-41d9"
TOKEN = "verify-token-5c2e8a"


@pytest.fixture
def row(fresh_db):
    with fresh_db.session() as s:
        m = Message(direction="out", status="accepted", wamid="wamid.R1", created_at=datetime(2026, 11, 28, 8),
                    to_phone="+919876543210")
        s.add(m)
        s.flush()
        return m.id


@pytest.fixture
def receiver(fresh_db, tmp_path):
    r = WebhookReceiver(fresh_db, app_secret=SECRET, verify_token=TOKEN, inbox=tmp_path / "inbox", retry_s=0.05)
    with r:
        yield r


def _post(receiver, body: bytes, signature: str | None, **kw):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return requests.post(receiver.url + "webhook", data=body, headers=headers, timeout=5, **kw)


def _status_of(db, row_id):
    with db.session() as s:
        return s.get(Message, row_id).status


def test_verification_handshake(receiver):
    ok = requests.get(receiver.url + "webhook", params={"hub.mode": "subscribe", "hub.verify_token": TOKEN,
                                                         "hub.challenge": "1158201444"}, timeout=5)
    assert (ok.status_code, ok.text) == (200, "1158201444")
    for params in ({"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
                   {"hub.verify_token": TOKEN, "hub.challenge": "1"}, {}):
        bad = requests.get(receiver.url, params=params, timeout=5)
        assert bad.status_code == 403 and "1" not in bad.text
    assert receiver.stats.verified == 1


def test_signed_statuses_are_stored(receiver, fresh_db, row):
    body = json.dumps(statuses(status("wamid.R1", "delivered", T0 + 3))).encode()
    started = time.perf_counter()
    r = _post(receiver, body, sign(body, SECRET))
    assert (r.status_code, r.text) == (200, "EVENT_RECEIVED")
    assert time.perf_counter() - started < 1.0
    assert receiver.wait_idle()
    assert _status_of(fresh_db, row) == "delivered"
    assert receiver.stats.accepted == 1 and receiver.stats.totals.statuses == 1


def test_forged_or_missing_signatures_change_nothing(receiver, fresh_db, row):
    body = json.dumps(statuses(status("wamid.R1", "read", T0 + 9))).encode()
    tampered = body.replace(b"read", b"sent")
    for payload, sig in [(body, sign(body, "someone-elses-secret")), (tampered, sign(body, SECRET)), (body, None),
                         (body, ""), (body, "sha1=" + sign(body, SECRET)[7:]), (body, sign(body, SECRET)[:-2])]:
        r = _post(receiver, payload, sig)
        assert r.status_code == 403, sig
    assert receiver.stats.forged == 6 and not receiver.inbox.pending()
    time.sleep(0.1)
    assert _status_of(fresh_db, row) == "accepted"
    with fresh_db.session() as s:
        assert s.scalar(select(func.count()).select_from(WebhookEvent)) == 0


def test_signature_check_is_exact():
    body = b'{"entry": []}'
    assert signature_ok(body, sign(body, SECRET), SECRET)
    assert signature_ok(body, sign(body, SECRET).upper().replace("SHA256=", "sha256="), SECRET)  # hex case
    assert not signature_ok(body + b" ", sign(body, SECRET), SECRET)
    assert not signature_ok(body, None, SECRET)


def test_too_large_and_not_json(fresh_db, tmp_path):
    with WebhookReceiver(fresh_db, app_secret=SECRET, verify_token=TOKEN, inbox=tmp_path / "in",
                         max_body=2000) as r:
        big = b"{" + b" " * 3000 + b"}"
        assert _post(r, big, sign(big, SECRET)).status_code == 413
        junk = b"<xml>not json</xml>"
        assert _post(r, junk, sign(junk, SECRET)).status_code == 400
        no_length = requests.Request("POST", r.url, data=iter([b"{}"]), headers={
            "X-Hub-Signature-256": sign(b"{}", SECRET)}).prepare()  # chunked: no Content-Length
        assert requests.Session().send(no_length, timeout=5).status_code == 411
        assert (r.stats.too_large, r.stats.not_json) == (1, 1) and not r.inbox.pending()


@pytest.mark.sqlite_only("holds SQLite's file write lock")
def test_fast_answer_while_the_database_is_busy(fresh_db, tmp_path, row):
    """Another program holds the write lock: Meta still gets its 200 at once; the statuses go in
    when the lock is released."""
    lock = sqlite3.connect(fresh_db.path, timeout=5)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        with WebhookReceiver(fresh_db, app_secret=SECRET, verify_token=TOKEN, inbox=tmp_path / "in",
                             retry_s=0.05) as r:
            body = json.dumps(statuses(status("wamid.R1", "read", T0 + 9))).encode()
            started = time.perf_counter()
            assert _post(r, body, sign(body, SECRET)).status_code == 200
            assert time.perf_counter() - started < 0.5
            assert len(r.inbox.pending()) == 1  # safe on disk while the database is locked
            lock.rollback()
            assert r.wait_idle(15)
    finally:
        lock.close()
    assert _status_of(fresh_db, row) == "read"


def test_inbox_left_from_a_crash_is_ingested_at_start(fresh_db, tmp_path, row):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "00000000000000000001-1-000000.json").write_text(
        json.dumps(statuses(status("wamid.R1", "sent", T0 + 1))))
    (inbox / "00000000000000000002-1-000000.json").write_text("{broken")
    with WebhookReceiver(fresh_db, app_secret=SECRET, verify_token=TOKEN, inbox=inbox) as r:
        assert r.wait_idle()
    assert _status_of(fresh_db, row) == "sent"
    assert [p.name for p in (inbox / "unreadable").iterdir()] == ["00000000000000000002-1-000000.json"]


def test_many_concurrent_posts(receiver, fresh_db):
    """Meta sends in parallel: every accepted body is ingested exactly once."""
    bodies = [json.dumps(inbound(f"wamid.C{i}", f"9198765{i:05d}", T0 + i, text(f"hello {i}"))).encode()
              for i in range(1, 41)]
    codes: list[int] = []

    def send(chunk):
        with requests.Session() as http:
            for b in chunk:
                codes.append(http.post(receiver.url, data=b, headers={"X-Hub-Signature-256": sign(b, SECRET)},
                                       timeout=5).status_code)

    threads = [threading.Thread(target=send, args=(bodies[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * 40 and receiver.wait_idle()
    with fresh_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Message).where(Message.direction == "in")) == 40
        assert s.scalar(select(func.count()).select_from(Customer)) == 40
