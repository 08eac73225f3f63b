"""`wadesk backup create|list|restore` in-process through `cli.run`, and the proof that no secret
reaches the database, the backups, the logs or the command output."""
from __future__ import annotations

import io
import json
import shutil
import sys

import pytest

from tests.conftest import FAKE_TOKEN
from wadesk.cli import run

APP_SECRET = "wadesk-fake-app-secret-5e1a9b77"


@pytest.fixture(autouse=True)
def _migrated(data_dir, migrated_db_file):
    shutil.copy(migrated_db_file, data_dir.db_path)


def wadesk(capsys, data_dir, *argv, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = run([*argv, "--json", "--data-dir", str(data_dir.root)])
    out = capsys.readouterr()
    wadesk.seen += out.out + out.err
    return code, json.loads(out.out)


wadesk.seen = ""


def test_create_list_restore(capsys, data_dir, tmp_path, monkeypatch):
    code, made = wadesk(capsys, data_dir, "backup", "create")
    assert code == 0 and made["kind"] == "manual" and made["verified"] and made["customers"] == 0
    code, usb = wadesk(capsys, data_dir, "backup", "create", "--to", str(tmp_path / "usb"))
    assert code == 0 and usb["path"].startswith(str(tmp_path / "usb"))
    code, listed = wadesk(capsys, data_dir, "backup", "list")
    assert listed["count"] == 1 and listed["backups"][0]["path"] == made["path"]
    code, listed = wadesk(capsys, data_dir, "backup", "list", "--folder", str(tmp_path / "usb"))
    assert listed["count"] == 1
    code, out = wadesk(capsys, data_dir, "settings", "set", "shop_name", "Asha Sarees")
    assert code == 0
    name = made["path"].rsplit("/", 1)[-1]
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: no question asked
    code, out = wadesk(capsys, data_dir, "backup", "restore", name)
    assert code == 2 and "--yes" in out["error"]
    code, out = wadesk(capsys, data_dir, "backup", "restore", name, "--yes")  # a name from `list` works
    assert code == 0 and out["restored_from"] == made["path"] and "before-restore" in out["safety_backup"]
    code, out = wadesk(capsys, data_dir, "settings", "get", "shop_name")
    assert out["value"] == ""  # the name set after the backup is gone again


def test_refused_restore_is_one_line(capsys, data_dir, tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
    code = run(["backup", "restore", str(bad), "--yes", "--data-dir", str(data_dir.root)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Nothing was changed" in err


def test_no_secret_in_database_backups_logs_or_output(capsys, data_dir, memory_keyring, fake_cloud_api,
                                                      monkeypatch, tmp_path):
    wadesk.seen = ""
    code, out = wadesk(capsys, data_dir, "account", "set", "--phone-number-id", fake_cloud_api.phone_number_id,
                       "--waba-id", fake_cloud_api.waba_id, "--base-url", fake_cloud_api.url, "--token-stdin",
                       "--app-secret-stdin", stdin=f"{FAKE_TOKEN}\n{APP_SECRET}\n", monkeypatch=monkeypatch)
    assert code == 0 and out["connected"]
    assert wadesk(capsys, data_dir, "account", "test")[1]["name"] == "Sandbox Shop"
    shown = wadesk(capsys, data_dir, "account", "show")[1]
    assert shown["token_source"] == "keychain" and shown["access_token"].endswith(FAKE_TOKEN[-4:])
    made = wadesk(capsys, data_dir, "backup", "create", "--to", str(tmp_path / "usb"))[1]
    wadesk(capsys, data_dir, "backup", "create")
    wadesk(capsys, data_dir, "backup", "list")
    wadesk(capsys, data_dir, "backup", "restore", made["path"], "--yes")
    wadesk(capsys, data_dir, "settings", "get")
    assert FAKE_TOKEN in memory_keyring.store.values()  # the secrets are where they belong ...
    files = [p for root in (data_dir.root, tmp_path / "usb") for p in root.rglob("*") if p.is_file()]
    assert any(p.suffix == ".sqlite3" and "backups" in str(p) for p in files)
    assert any(p.name.startswith("wadesk.log") for p in files)
    for secret in (FAKE_TOKEN, APP_SECRET):  # ... and nowhere else
        assert all(secret.encode() not in p.read_bytes() for p in files), secret
        assert secret not in wadesk.seen


def test_a_damaged_database_is_rescued_from_the_command_line(capsys, data_dir):
    wadesk(capsys, data_dir, "settings", "set", "shop_name", "Asha Sarees")
    code, made = wadesk(capsys, data_dir, "backup", "create")
    raw = bytearray(data_dir.db_path.read_bytes())
    raw[:100] = b"\x00" * 100  # SQLite no longer sees a database here
    data_dir.db_path.write_bytes(bytes(raw))
    for suffix in ("-wal", "-shm"):
        data_dir.db_path.with_name(data_dir.db_path.name + suffix).unlink(missing_ok=True)

    code, out = wadesk(capsys, data_dir, "settings", "get", "shop_name")
    assert code == 2 and "cannot be opened" in out["error"] and "wadesk backup restore FILE --yes" in out["error"]
    code, listed = wadesk(capsys, data_dir, "backup", "list")
    assert code == 0 and listed["count"] == 1 and listed["database_problem"]
    name = listed["backups"][0]["path"].rsplit("/", 1)[-1]
    code, out = wadesk(capsys, data_dir, "backup", "restore", name, "--yes")
    assert code == 0 and out["restored_from"] == made["path"] and "wadesk-damaged-" in out["damaged_kept"]
    code, out = wadesk(capsys, data_dir, "settings", "get", "shop_name")
    assert code == 0 and out["value"] == "Asha Sarees"
