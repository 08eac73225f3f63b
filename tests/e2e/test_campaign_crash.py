"""Kill the sending process (SIGKILL) at random moments, many times over, then finish the campaign.

Proves the ledger's promises: no recipient got two messages, no queued message was lost, and
every message in flight at a kill became `unknown` (never resent automatically)."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import FAKE_TOKEN
from tests.unit._campaign_shop import build_shop, freeze, sender
from wadesk.core.campaigns import ledger as L
from wadesk.core.db.models import Message
from wadesk.core.messaging.cloud_client import CloudClient
from wadesk.core.messaging.sandbox.faults import Fault

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
DRIVER = Path(__file__).with_name("_crash_sender.py")
RECIPIENTS = 600
KILLS = int(os.environ.get("WADESK_CRASH_KILLS", "15"))


def _taken(db, cid) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Message).where(
            Message.campaign_id == cid, Message.status.in_([L.SENDING, L.ACCEPTED, L.UNKNOWN]))) or 0


def _wait_for_sending(db, cid, before: int, timeout: float = 20.0) -> None:
    """Until the sender has claimed something (or nothing is left to claim)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with db.session() as s:
            waiting = s.scalar(select(func.count()).select_from(Message).where(
                Message.campaign_id == cid, Message.status == L.QUEUED)) or 0
        if not waiting or _taken(db, cid) > before:
            return
        time.sleep(0.02)


def test_sigkill_at_random_moments_never_sends_twice_or_loses_a_message(fresh_db, data_dir, clock, fake_cloud_api):
    client = CloudClient(access_token=FAKE_TOKEN, phone_number_id=fake_cloud_api.phone_number_id,
                         waba_id=fake_cloud_api.waba_id, base_url=fake_cloud_api.url, max_retries=0)
    build_shop(fresh_db, RECIPIENTS, clock=clock, client=client)
    cid = freeze(fresh_db, clock)
    fresh_db.dispose()
    # Every send takes ~15 ms at the server: plenty of calls are in flight when the kill lands.
    fake_cloud_api.faults.append(Fault(http_status=0, delay=0.015, path="messages", method="POST", count=10**9))
    rng = random.Random(20261128)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    mid_send = 0
    for _ in range(KILLS):
        proc = subprocess.Popen([sys.executable, str(DRIVER), str(data_dir.root), fake_cloud_api.url, FAKE_TOKEN,
                                 fake_cloud_api.phone_number_id, str(cid)], stdout=subprocess.PIPE, text=True,
                                env=env)
        assert proc.stdout.readline().strip() == "ready"
        _wait_for_sending(fresh_db, cid, before=_taken(fresh_db, cid))  # a slow start must not waste a kill
        time.sleep(rng.uniform(0.0, 0.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        with fresh_db.session() as s:
            by = Counter(s.scalars(select(Message.status).where(Message.campaign_id == cid)))
        assert sum(by.values()) == RECIPIENTS  # nothing lost, nothing added
        mid_send += by[L.SENDING] > 0  # the kill caught calls in flight
    assert mid_send >= KILLS // 2, "too few kills landed mid-send: the test did not test much"
    assert sender(fresh_db, client, cid, clock).run().state == L.DONE

    with fresh_db.session() as s:
        final = {m.id: m for m in s.scalars(select(Message).where(Message.campaign_id == cid))}
    sent = Counter(x["payload"]["biz_opaque_callback_data"] for x in fake_cloud_api.sent)
    assert max(sent.values()) == 1, "a recipient got the campaign twice"
    statuses = Counter(m.status for m in final.values())
    assert set(statuses) <= {L.ACCEPTED, L.UNKNOWN} and sum(statuses.values()) == RECIPIENTS
    wamids = {x["payload"]["biz_opaque_callback_data"]: x["wamid"] for x in fake_cloud_api.sent}
    for m in final.values():
        if m.status == L.ACCEPTED:
            assert wamids[L.callback_data(m.id)] == m.wamid
    # Every accepted-at-Meta message is accounted for: accepted in the ledger, or unknown.
    assert all(final[int(k.split(":")[1])].status in (L.ACCEPTED, L.UNKNOWN) for k in sent)
    assert statuses[L.UNKNOWN] >= mid_send
    client.close()
