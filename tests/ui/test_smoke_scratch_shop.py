"""`wadesk --smoke-test` with no --data-dir: the sample shop in a temporary folder, never the user's shop."""
from __future__ import annotations

import json
import tempfile

from wadesk.ui.app import run_gui
from wadesk.ui.pages.registry import PAGE_KEYS


def test_smoke_test_without_a_data_folder_uses_a_scratch_sample_shop(qapp, tmp_path, monkeypatch, capsys):
    users_shop = tmp_path / "users-own-shop"
    monkeypatch.setenv("WADESK_DATA_DIR", str(users_shop))  # what the default data folder would be
    scratch_parent = tmp_path / "tmp"
    scratch_parent.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_parent))

    assert run_gui(["--smoke-test"]) == 0

    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["smoke_test"] == "ok" and report["customers"] == 2000  # the sample shop
    assert report["pages"] == list(PAGE_KEYS) and report["pages_missing"] == []
    assert set(report["placeholders"]) < set(PAGE_KEYS)
    assert not users_shop.exists()  # the user's shop was never opened
    assert list(scratch_parent.iterdir()) == []  # and the scratch folder is gone
