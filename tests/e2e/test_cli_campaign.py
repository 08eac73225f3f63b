"""`wadesk campaign create | preflight | send | status | test | cancel` end to end in sandbox mode."""
from __future__ import annotations

import json

import pytest

from tests.unit._campaign_shop import CART_MAPPING, EVERYONE, build_shop
from wadesk.cli import run
from wadesk.core.db import open_database
from wadesk.core.messaging.cloud_client import CloudClient
from wadesk.core.messaging.sandbox import SandboxServer
from wadesk.core.segments import save_segment
from wadesk.core.settings import set_setting


@pytest.fixture
def shop(data_dir, migrated_db_file, clock, tmp_path):
    import shutil

    shutil.copy(migrated_db_file, data_dir.db_path)
    db = open_database(data_dir)
    with SandboxServer() as server:
        client = CloudClient(access_token=server.token, phone_number_id=server.phone_number_id,
                             waba_id=server.waba_id, base_url=server.url)
        build_shop(db, 30, clock=clock, client=client, sandbox=True)
        client.close()
    with db.session() as s:
        save_segment(s, "Everyone", EVERYONE)
        # The test must not depend on the time of day it runs at: no quiet hours.
        set_setting(s, "quiet_hours_start", "09:00")
        set_setting(s, "quiet_hours_end", "09:00")
    db.dispose()
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(CART_MAPPING), encoding="utf-8")
    return data_dir, mapping


def _run(capsys, data_dir, *argv):
    code = run([*argv, "--json", "--data-dir", str(data_dir.root)])
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_create_send_status(capsys, shop):
    data_dir, mapping = shop
    code, plan, _ = _run(capsys, data_dir, "campaign", "preflight", "--segment", "Everyone",
                         "--template", "cart_reminder", "--mapping", str(mapping))
    assert code == 0 and plan["funnel"]["matched"] == 30 and plan["sandbox"] is True
    assert (plan["recipients"], plan["ok"], plan["problems"]) == (30, 30, {})
    code, out, _ = _run(capsys, data_dir, "campaign", "create", "--name", "Cart nudge", "--segment", "Everyone",
                        "--template", "cart_reminder", "--mapping", str(mapping), "--holdout", "20")
    assert code == 0, out
    assert out["recipients"] + out["holdout"] == 30 and out["holdout"] > 0
    assert out["estimated_cost"] > 0 and out["state"] == "ready" and "break_even" in out
    cid = out["campaign_id"]
    code, sent, _ = _run(capsys, data_dir, "campaign", "send", str(cid))
    assert code == 0 and sent["state"] == "done" and sent["accepted"] == out["recipients"]
    code, st, _ = _run(capsys, data_dir, "campaign", "status", str(cid))
    assert code == 0
    assert {k: st[k] for k in ("state", "queued", "sending", "accepted", "failed", "deferred", "unknown",
                               "cancelled", "holdout")} == {
        "state": "done", "queued": 0, "sending": 0, "accepted": out["recipients"], "failed": 0, "deferred": 0,
        "unknown": 0, "cancelled": 0, "holdout": out["holdout"]}
    assert st["failures"] == {}
    # The sandbox's statuses wait in the data folder for the webhook ingestion.
    assert (data_dir.root / "sandbox-events.json").exists()

    code, t, _ = _run(capsys, data_dir, "campaign", "test", str(cid), "--to", "98765 43210", "--to", "12")
    assert code == 0 and t["sent"] == 1 and t["failed"] == 1
    code, st2, _ = _run(capsys, data_dir, "campaign", "status", str(cid))
    assert st2["accepted"] == st["accepted"]  # test sends are not campaign recipients


def test_errors_are_one_plain_line(capsys, shop):
    data_dir, mapping = shop
    code, out, err = _run(capsys, data_dir, "campaign", "send", "99")
    assert code == 2 and "There is no campaign 99" in out["error"] and err.count("\n") == 1
    code, out, _ = _run(capsys, data_dir, "campaign", "create", "--segment", "Everyone", "--template", "nope",
                        "--mapping", str(mapping))
    assert code == 2 and "no template 'nope'" in out["error"]
    code, out, _ = _run(capsys, data_dir, "campaign", "create", "--segment", "Nobody", "--template",
                        "cart_reminder", "--mapping", str(mapping))
    assert code == 2 and "no saved segment 'Nobody'" in out["error"]


def test_cancel_leaves_nothing_half_sent(capsys, shop):
    data_dir, mapping = shop
    code, out, _ = _run(capsys, data_dir, "campaign", "create", "--segment", "Everyone", "--template",
                        "cart_reminder", "--mapping", str(mapping), "--at", "2030-01-01T10:00+05:30")
    assert code == 0 and out["state"] == "scheduled"
    code, c, _ = _run(capsys, data_dir, "campaign", "cancel", str(out["campaign_id"]))
    assert code == 0
    assert code == 0 and c["cancelled"] == out["recipients"]
    code, st, _ = _run(capsys, data_dir, "campaign", "status", str(out["campaign_id"]))
    assert st["state"] == "cancelled" and st["queued"] == 0 and st["cancelled"] == out["recipients"]


def test_a_scheduled_campaign_can_start_now(capsys, shop):
    data_dir, mapping = shop
    code, out, _ = _run(capsys, data_dir, "campaign", "create", "--segment", "Everyone", "--template",
                        "cart_reminder", "--mapping", str(mapping), "--at", "2030-01-01T10:00+05:30", "--holdout", "0")
    assert out["state"] == "scheduled"
    code, sent, _ = _run(capsys, data_dir, "campaign", "send", str(out["campaign_id"]), "--now")
    assert code == 0 and sent["state"] == "done" and sent["accepted"] == 30
