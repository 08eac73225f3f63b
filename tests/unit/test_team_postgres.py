"""Team mode on PostgreSQL (issue 11): the schema, the send engine and automations run unchanged,
and sending stays at-most-once when two processes press Send on one campaign."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import FAKE_TOKEN
from tests.unit._campaign_shop import build_shop, freeze, sender
from wadesk.core.campaigns import ledger as L
from wadesk.core.campaigns.lease import CampaignBusy, CampaignLease
from wadesk.core.db import DatabaseError, open_database
from wadesk.core.db.engine import head_revision
from wadesk.core.messaging.sandbox.faults import Fault

DRIVER = Path(__file__).parents[1] / "e2e" / "_crash_sender.py"


@pytest.fixture
def client(send_client):
    return send_client


def test_migrations_reach_head_and_a_newer_database_is_refused(pg_db):
    with pg_db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        conn.commit()
    with pytest.raises(DatabaseError, match="newer WaDesk"):
        open_database(url=pg_db.url.replace("***", ""))


def test_campaign_sends_once_on_postgres(pg_db, clock, client, fake_cloud_api):
    build_shop(pg_db, 20, clock=clock, client=client)
    cid = freeze(pg_db, clock)
    fake_cloud_api.faults.append(Fault.throughput(count=3))
    assert sender(pg_db, client, cid, clock).run().state == L.DONE
    with pg_db.session() as s:
        assert L.status_counts(s, cid)["accepted"] == 20
    calls = Counter(x["payload"]["biz_opaque_callback_data"] for x in fake_cloud_api.sent)
    assert len(calls) == 20 and max(calls.values()) == 1


def test_the_lease_is_held_on_the_server(pg_db, clock, client):
    build_shop(pg_db, 3, clock=clock, client=client)
    cid = freeze(pg_db, clock)
    with CampaignLease(pg_db, cid):
        with pytest.raises(CampaignBusy, match="team database"):
            sender(pg_db, client, cid, clock).run()
    assert sender(pg_db, client, cid, clock).run().state == L.DONE


def test_two_processes_press_send_on_one_campaign(pg_db, clock, client, fake_cloud_api):
    build_shop(pg_db, 200, clock=clock, client=client)
    cid = freeze(pg_db, clock)
    url = pg_db.engine.url.render_as_string(hide_password=False)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    procs = [subprocess.Popen([sys.executable, str(DRIVER), url, fake_cloud_api.url, FAKE_TOKEN,
                               fake_cloud_api.phone_number_id, str(cid)], stdout=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    outs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert sorted(o[-1] for o in outs) in (["busy", "done"], ["done", "done"])
    if any(o[-1] == "busy" for o in outs):  # the loser tried while the winner held the lease
        pass
    assert sender(pg_db, client, cid, clock).run().state == L.DONE
    calls = Counter(x["payload"]["biz_opaque_callback_data"] for x in fake_cloud_api.sent)
    assert len(calls) == 200 and max(calls.values()) == 1
    with pg_db.session() as s:
        assert L.status_counts(s, cid)["accepted"] == 200


def test_automation_pass_on_postgres(pg_db, clock, client):
    import dataclasses
    from decimal import Decimal

    from wadesk.core.automations.flows import add_flow, set_enabled
    from wadesk.core.automations.recipes import find_recipe
    from wadesk.core.automations.runner import run_pass
    from wadesk.core.db.models import Event
    from wadesk.core.segments.engine import SegmentEngine
    from wadesk.core.settings import set_setting

    build_shop(pg_db, 5, clock=clock, client=client)
    with pg_db.session() as s:
        set_setting(s, "quiet_hours_start", "09:00")
        set_setting(s, "quiet_hours_end", "09:00")
        f = add_flow(s, now=clock.now(), sandbox=False, recipe="abandoned_cart",
                     definition=dataclasses.replace(find_recipe("abandoned_cart").definition, holdout_pct=0))
        set_enabled(s, f.id, True, now=clock.now())

    def run():
        return run_pass(pg_db, client, sandbox=False, engine=SegmentEngine(pg_db, clock), clock=clock,
                        sender_kw={"rate": 1000})

    run()
    with pg_db.session() as s:
        s.add(Event(customer_id=2, type="added_to_cart", occurred_at=clock.now().replace(tzinfo=None),
                    product="Hoops", value=Decimal("899"), properties={}))
    assert run().enrolled == 1
    clock.advance(hours=1, minutes=1)
    assert run().sent == 1
