"""`wadesk segment count --rules` with a number in a custom attribute, as a shop script runs it."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlalchemy import delete, func, select

from tests.unit._shop_builder import Shop
from wadesk.core.db.profile_models import CustomerMetrics
from wadesk.core.db import open_database
from wadesk.core.paths import DataDir


def _wadesk(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "wadesk", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_count_by_a_number_in_a_custom_attribute(tmp_path):
    db = open_database(DataDir(tmp_path / "shop"))
    with db.session() as s:
        sh = Shop(s)
        for cid, points in enumerate(["120", "650", "1,200", "none", None], 1):
            sh.customer(cid, phone=f"+91987654321{cid}", consent_state=1,
                        attributes={"custom": {"loyalty_points": points}} if points else {})
        s.commit()
    db.dispose()
    data = str(tmp_path / "shop")
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"all": [{"field": "attribute_number", "key": "loyalty_points", "op": ">",
                                          "value": 500}]}))
    done = _wadesk("segment", "count", "--rules", str(rules), "--json", "--data-dir", data)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["matched"] == 2

    rules.write_text(json.dumps({"all": [{"field": "attribute_number", "key": "loyalty_points", "op": ">",
                                          "value": "lots"}]}))
    db = open_database(DataDir(tmp_path / "shop"))
    with db.session() as s:  # the good count scored everyone; forget it to see a bad rule change nothing
        s.execute(delete(CustomerMetrics))
        s.commit()
    db.dispose()
    bad = _wadesk("segment", "count", "--rules", str(rules), "--json", "--data-dir", data)
    assert bad.returncode != 0 and bad.stderr.strip().count("\n") == 0
    assert "the value must be a number, not 'lots'" in json.loads(bad.stdout)["error"]
    db = open_database(DataDir(tmp_path / "shop"))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(CustomerMetrics)) == 0
    db.dispose()
