"""`wadesk templates sync` and `wadesk account ...` end to end: sandbox, a connected (fake) account,
errors in one line, and the token nowhere in output or logs."""
from __future__ import annotations

import io
import json
import sys

import pytest

from wadesk.cli import run


@pytest.fixture(autouse=True)
def _migrated(data_dir, migrated_db_file):
    """Start each command on an already-migrated database (the CLI would migrate it itself; slower)."""
    import shutil

    shutil.copy(migrated_db_file, data_dir.db_path)


def _run(capsys, *argv):
    code = run(list(argv))
    out = capsys.readouterr()
    return code, (json.loads(out.out) if out.out.strip().startswith("{") else out.out), out.err


def _connect(capsys, monkeypatch, data_dir, server, token):
    monkeypatch.setattr(sys, "stdin", io.StringIO(token + "\n"))
    return _run(capsys, "account", "connect", "--json", "--data-dir", str(data_dir.root),
                "--phone-number-id", server.phone_number_id, "--waba-id", server.waba_id,
                "--base-url", server.url, "--token-stdin")


def test_sync_without_account_uses_the_sandbox(capsys, data_dir):
    code, out, _ = _run(capsys, "templates", "sync", "--json", "--data-dir", str(data_dir.root))
    assert code == 0
    assert (out["templates"], out["approved"], out["sandbox"]) == (13, 10, True)
    assert "SANDBOX" in out["note"]
    code, out, _ = _run(capsys, "templates", "list", "--sendable", "--json", "--data-dir", str(data_dir.root))
    assert out["sandbox"] and out["count"] == 10


def test_sync_from_connected_account(capsys, monkeypatch, data_dir, memory_keyring, fake_cloud_api):
    token = fake_cloud_api.token
    code, out, _ = _connect(capsys, monkeypatch, data_dir, fake_cloud_api, token)
    assert code == 0 and out["connected"] is True
    code, out, _ = _run(capsys, "templates", "sync", "--json", "--data-dir", str(data_dir.root))
    assert code == 0 and (out["templates"], out["approved"], out["sandbox"]) == (13, 10, False)
    assert len(fake_cloud_api.requests_to("/message_templates")) == 3
    code, out, _ = _run(capsys, "account", "test", "--json", "--data-dir", str(data_dir.root))
    assert out == {"sandbox": False, "phone": "+91 98765 00000", "name": "Sandbox Shop", "quality": "GREEN",
                   "tier": "TIER_2K", "daily_limit": 2000, "throughput": "STANDARD", "messages_per_second": 80,
                   "token_expires_at": None}  # a System User token never expires
    code, out, _ = _run(capsys, "account", "show", "--json", "--data-dir", str(data_dir.root))
    assert out["token_saved"] is True and token not in json.dumps(out)
    logs = "".join(p.read_text(encoding="utf-8") for p in data_dir.logs_dir.glob("*.log*"))
    assert token not in logs


def test_expired_token_is_one_plain_line(capsys, monkeypatch, data_dir, memory_keyring, fake_cloud_api):
    _connect(capsys, monkeypatch, data_dir, fake_cloud_api, "an-old-token-that-expired-123")
    code, out, err = _run(capsys, "templates", "sync", "--json", "--data-dir", str(data_dir.root))
    assert code == 2 and "System users" in out["error"] and "[Meta error 190]" in out["error"]
    assert err.count("\n") == 1 and "an-old-token-that-expired-123" not in err + json.dumps(out)


def test_connect_is_refused_without_a_keychain(capsys, monkeypatch, data_dir, fake_cloud_api):
    code, out, _ = _connect(capsys, monkeypatch, data_dir, fake_cloud_api, fake_cloud_api.token)
    assert code == 2 and "no password keychain" in out["error"]
    code, out, _ = _run(capsys, "account", "show", "--json", "--data-dir", str(data_dir.root))
    assert out["phone_number_id"] == "" and out["sandbox"] is True and out["keychain_usable"] is False



def test_codes_import_and_list(capsys, data_dir, tmp_path):
    f = tmp_path / "codes.txt"
    f.write_text("code\nDIWALI-1\nDIWALI-2\nDIWALI-2\n\n", encoding="utf-8")
    code, out, _ = _run(capsys, "codes", "import", str(f), "--pool", "DIWALI", "--json", "--data-dir", str(data_dir.root))
    assert code == 0 and (out["added"], out["duplicates"], out["invalid"]) == (2, 1, 0)
    code, out, _ = _run(capsys, "codes", "list", "--json", "--data-dir", str(data_dir.root))
    assert out["pools"] == [{"pool": "DIWALI", "total": 2, "available": 2, "assigned": 0}]
    code, out, _ = _run(capsys, "codes", "import", str(tmp_path / "missing.txt"), "--pool", "X", "--json",
                        "--data-dir", str(data_dir.root))
    assert code == 2 and "Could not read" in out["error"]
