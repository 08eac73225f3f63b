"""`wadesk segment ...` and `wadesk profile refresh` as a shop script runs them: a subprocess, JSON."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

from wadesk.core.db import open_database
from wadesk.core.demo import build_sample_shop
from wadesk.core.paths import DataDir
from wadesk.core.segments import save_segment


def _wadesk(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "wadesk", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_segment_commands(tmp_path):
    data = str(tmp_path / "shop")
    db = open_database(DataDir(tmp_path / "shop"))
    build_sample_shop(db, customers=300, seed=5)  # in-process: `wadesk demo` has its own e2e test
    db.dispose()

    done = _wadesk("segment", "count", "--preset", "High-value repeat buyers", "--json", "--data-dir", data)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert list(out) == ["matched", "reachable", "opted_in", "not_suppressed", "eligible", "ms"]
    assert out["matched"] >= out["reachable"] >= out["opted_in"] >= out["not_suppressed"] >= out["eligible"]
    assert out["matched"] > 0

    presets = json.loads(_wadesk("segment", "presets", "--json", "--data-dir", data).stdout)
    assert any(p["name"] == "RFM: Champions" for p in presets) and all("rules" in p for p in presets)

    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"any": [{"field": "rfm_group", "op": "in", "value": ["Champions"]}]}))
    by_file = json.loads(_wadesk("segment", "count", "--rules", str(rules), "--json", "--data-dir", data).stdout)
    champions = next(p for p in presets if p["name"] == "RFM: Champions")
    db = open_database(DataDir(tmp_path / "shop"))
    with db.session() as s:
        seg = save_segment(s, "Champions", champions["rules"])
    db.dispose()
    listed = json.loads(_wadesk("segment", "list", "--json", "--data-dir", data).stdout)
    assert listed == [{"id": seg.id, "name": "Champions", "rules": champions["rules"]}]
    by_name = json.loads(_wadesk("segment", "count", "--segment", "champions", "--json", "--data-dir", data).stdout)
    assert by_file["matched"] == by_name["matched"] > 0

    csv_out = tmp_path / "champions.csv"
    exported = _wadesk("segment", "export", "--segment", str(seg.id), "--out", str(csv_out), "--json", "--data-dir", data)
    assert json.loads(exported.stdout)["exported"] == by_name["matched"]
    with csv_out.open(encoding="utf-8-sig") as fh:  # closed here: an open file warns when collected
        assert len(list(csv.DictReader(fh))) == by_name["matched"]

    refreshed = json.loads(_wadesk("profile", "refresh", "--json", "--data-dir", data).stdout)
    assert refreshed["kind"] == "full" and refreshed["customers"] == 300


def test_segment_errors_are_one_line(tmp_path):
    data = str(tmp_path / "shop")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"all": [{"field": "orders", "op": "~", "value": 1}]}))
    for args, reason in (
        (("--rules", str(bad)), "'~' is not an operator for Orders"),
        (("--segment", "nope"), "There is no saved segment 'nope'"),
    ):
        r = _wadesk("segment", "count", *args, "--json", "--data-dir", data)
        assert r.returncode == 2 and reason in json.loads(r.stdout)["error"], r.stdout
        assert len(r.stderr.strip().splitlines()) == 1
