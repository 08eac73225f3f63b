"""The send engine and a long write elsewhere (an import or a full score refresh holds SQLite's
write lock for up to a minute): sending waits for the lock instead of failing, records every result
it has, and never leaves a message `sending` or sends one twice."""
from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter

import pytest

from tests.unit._campaign_shop import build_shop, freeze, sender
from wadesk.core.campaigns import ledger as L
from wadesk.core.campaigns import sender as S


@pytest.fixture
def shop(fresh_db, clock, send_client):
    if fresh_db.path is None:
        pytest.skip("SQLite's single writer; PostgreSQL locks rows")
    build_shop(fresh_db, 20, clock=clock, client=send_client)
    return fresh_db


def _hold_write_lock(path, seconds, started):
    con = sqlite3.connect(path, timeout=30)
    try:
        con.execute("BEGIN IMMEDIATE")
        started.set()
        time.sleep(seconds)
        con.rollback()
    finally:
        con.close()


@pytest.mark.parametrize("when,seconds", [("from the start", 6.0), ("half-way", 2.5)])
def test_sending_waits_for_a_long_write_elsewhere(shop, clock, send_client, fake_cloud_api, monkeypatch, when,
                                                  seconds):
    """From the start the lock outlasts the sessions' 5-second busy wait; half-way it meets the
    send loop's own 0.2-second wait."""
    monkeypatch.setattr(S, "LOCK_WAIT_MS", 200)
    cid = freeze(shop, clock)
    started = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(shop.path, seconds, started))
    progress = []

    def report(p):
        progress.append(p.accepted)
        if when == "half-way" and p.accepted >= 3 and not holder.is_alive() and not started.is_set():
            holder.start()
            started.wait()

    if when == "from the start":
        holder.start()
        started.wait()
    run = sender(shop, send_client, cid, clock, sleep=time.sleep, progress=report, rate=50)
    outcome = run.run()
    holder.join()
    with shop.session() as s:
        counts = L.status_counts(s, cid)
    assert outcome.state == L.DONE and counts["sending"] == 0 and counts["unknown"] == 0
    assert counts["accepted"] + counts["holdout"] == 20
    assert run._db_waits > 0  # it did meet the lock
    phones = Counter(m["payload"]["to"] for m in fake_cloud_api.sent)
    assert phones and max(phones.values()) == 1  # nobody got the message twice
