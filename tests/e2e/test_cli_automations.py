"""`wadesk automations recipes | add | on | run | list | dry-run` in sandbox mode."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tests.unit._campaign_shop import build_shop
from wadesk.cli import run
from wadesk.core.db import open_database
from wadesk.core.messaging.cloud_client import CloudClient
from wadesk.core.messaging.sandbox import SandboxServer
from wadesk.core.settings import set_setting


@pytest.fixture
def shop(data_dir, migrated_db_file):
    import shutil

    from wadesk.core.clock import FixedClock

    shutil.copy(migrated_db_file, data_dir.db_path)
    db = open_database(data_dir)
    clock = FixedClock(datetime.now(timezone.utc))
    with SandboxServer() as server:
        with CloudClient(access_token=server.token, phone_number_id=server.phone_number_id,
                         waba_id=server.waba_id, base_url=server.url) as client:
            build_shop(db, 12, clock=clock, client=client, sandbox=True)
    with db.session() as s:
        set_setting(s, "quiet_hours_start", "09:00")
        set_setting(s, "quiet_hours_end", "09:00")
    yield data_dir, db
    db.dispose()


def _run(capsys, data_dir, *argv):
    code = run([*argv, "--json", "--data-dir", str(data_dir.root)])
    out = capsys.readouterr()
    return code, json.loads(out.out)


def test_recipe_to_sent_message(capsys, shop):
    data_dir, db = shop
    code, out = _run(capsys, data_dir, "automations", "recipes")
    assert code == 0 and "abandoned_cart" in {r["key"] for r in out["recipes"]}
    code, flow = _run(capsys, data_dir, "automations", "add", "ctwa_welcome", "--name", "Welcome")
    assert code == 0 and flow["enabled"] is False and flow["sandbox"] is True
    code, out = _run(capsys, data_dir, "automations", "on", str(flow["id"]))
    assert code == 0 and out["enabled"] is True
    code, out = _run(capsys, data_dir, "automations", "run")
    assert code == 0 and out["flows"] == 1 and out["enrolled"] == 0  # the starting point
    with db.session() as s:  # two customers arrive from an ad
        from wadesk.core.db.models import Customer

        for cid in (3, 4):
            s.get(Customer, cid).channel = "ctwa"
    code, dry = _run(capsys, data_dir, "automations", "dry-run")
    assert code == 0 and sorted(m["customer_id"] for m in dry["messages"]) == [3, 4]
    code, out = _run(capsys, data_dir, "automations", "run")
    assert code == 0 and (out["enrolled"], out["sent"]) == (2, 2), out
    code, out = _run(capsys, data_dir, "automations", "run")
    assert code == 0 and out["sent"] == 0  # a second pass sends nobody anything twice
    code, out = _run(capsys, data_dir, "automations", "list")
    assert out["flows"][0]["entered"] == 2
    code, out = _run(capsys, data_dir, "automations", "delete", str(flow["id"]))
    assert code == 0 and out["deleted"] is True and (out["active"], out["cancelled"]) == (0, 0)
    code, out = _run(capsys, data_dir, "automations", "list")
    assert out["flows"] == []
    code, out = _run(capsys, data_dir, "automations", "delete", str(flow["id"]))
    assert code == 2 and f"There is no flow {flow['id']}" in out["error"]


def test_plain_errors(capsys, shop):
    data_dir, _db = shop
    code, out = _run(capsys, data_dir, "automations", "add", "nope")
    assert code == 2 and "no recipe 'nope'" in out["error"]
    code, flow = _run(capsys, data_dir, "automations", "add", "review_request")
    code, out = _run(capsys, data_dir, "automations", "on", str(flow["id"]))
    assert code == 2 and "Choose a template for step 1" in out["error"]
