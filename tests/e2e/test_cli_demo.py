"""`wadesk demo` as a shop script would run it: a subprocess, JSON on stdout, exit codes."""
from __future__ import annotations

import json
import os
import subprocess
import sys


def _wadesk(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "wadesk", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_demo_builds_refuses_a_second_time_and_removes(tmp_path):
    data = str(tmp_path / "shop")
    done = _wadesk("demo", "--customers", "300", "--seed", "7", "--json", "--data-dir", data)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert list(out) == ["customers", "orders", "order_items", "events", "data_dir"]
    assert out["customers"] == 300 and out["orders"] > 300 and out["order_items"] > out["orders"]
    assert out["events"] > 300 and os.path.samefile(out["data_dir"], data)
    assert done.stderr == ""  # no progress noise with --json

    again = _wadesk("demo", "--customers", "300", "--json", "--data-dir", data)
    assert again.returncode != 0
    assert "already has 300 customers" in json.loads(again.stdout)["error"]
    assert len(again.stderr.strip().splitlines()) == 1

    info = json.loads(_wadesk("info", "--json", "--data-dir", data).stdout)
    assert info["customers"] == 300

    removed = _wadesk("demo", "--remove", "--json", "--data-dir", data)
    assert removed.returncode == 0, removed.stderr
    assert json.loads(removed.stdout)["removed"] is True
    assert json.loads(_wadesk("info", "--json", "--data-dir", data).stdout)["customers"] == 0

    twice = _wadesk("demo", "--remove", "--data-dir", data)
    assert twice.returncode != 0 and "does not hold the sample shop" in twice.stderr


def test_demo_plain_output_with_progress_on_stderr(tmp_path):
    done = _wadesk("demo", "--customers", "400", "--seed", "3", "--data-dir", str(tmp_path / "b"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("customers: 400\norders: ")
    assert "Building the sample shop" in done.stderr and "(100%)" in done.stderr
