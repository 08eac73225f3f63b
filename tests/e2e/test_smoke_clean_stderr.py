"""`wadesk --smoke-test` in a real process: exit 0 and nothing on stderr (installers rely on it)."""
import json
import os
import subprocess
import sys


def test_smoke_test_on_a_sample_shop_prints_nothing_unexpected(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    shop = str(tmp_path / "shop")
    subprocess.run([sys.executable, "-m", "wadesk", "demo", "--customers", "60", "--data-dir", shop, "--json"],
                   check=True, capture_output=True, env=env)
    run = subprocess.run([sys.executable, "-m", "wadesk", "--smoke-test", "--data-dir", shop],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stderr == ""
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["smoke_test"] == "ok" and report["customers"] == 60
