"""`wadesk settings get|set` over every registered setting, and `wadesk account set|show|test|sandbox`
against the fake Cloud API server, with the keychain or the WADESK_* environment variables."""
from __future__ import annotations

import io
import json
import shutil
import sys

from pathlib import Path

import keyring
import pytest

import wadesk.core as core_package
from wadesk.cli import run
from wadesk.core.settings import SETTINGS, SettingDef, register_settings


@pytest.fixture(autouse=True)
def _migrated(data_dir, migrated_db_file):
    shutil.copy(migrated_db_file, data_dir.db_path)


def wadesk(capsys, data_dir, *argv):
    code = run([*argv, "--json", "--data-dir", str(data_dir.root)])
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_get_lists_every_registered_setting(capsys, data_dir):
    code, out, _ = wadesk(capsys, data_dir, "settings", "get")
    assert code == 0 and set(out) == set(SETTINGS)  # every area's settings were loaded first
    root = Path(core_package.__file__).parent.parent
    sources = [p for p in (root / "core").rglob("*.py") if "register_settings(" in p.read_text(encoding="utf-8")]
    assert len(sources) >= 4
    assert all(".".join(("wadesk", *p.relative_to(root).with_suffix("").parts)) in sys.modules for p in sources)
    assert out["default_region"] == "IN" and out["backup_keep_daily"] == 7
    code, out, _ = wadesk(capsys, data_dir, "settings", "get", "whatsapp_api_version")
    assert out == {"key": "whatsapp_api_version", "value": "v25.0", "default": "v25.0", "label": "Cloud API version"}


@pytest.mark.parametrize("key, value, stored", [
    ("default_region", "lk", "LK"),
    ("whatsapp_api_version", "24.0", "v24.0"),
    ("backup_keep_monthly", "24", 24),
    ("whatsapp_sandbox", "on", True),
    ("sample_shop", "no", False),
])
def test_set_parses_like_the_app(capsys, data_dir, key, value, stored):
    code, out, _ = wadesk(capsys, data_dir, "settings", "set", key, value)
    assert code == 0 and out["value"] == stored
    assert wadesk(capsys, data_dir, "settings", "get", key)[1]["value"] == stored


@pytest.mark.parametrize("argv, words", [
    (["set", "default_region", "Narnia"], "Default country for phone numbers (default_region): 'Narnia' is not a country"),
    (["set", "default_regoin", "IN"], "Did you mean 'default_region'"),
    (["set", "backup_keep_daily", "seven"], "'seven' is not a whole number"),
    (["set", "backup_keep_weekly", "9999"], "from 0 to 520"),
    (["set", "backup_folder", "relative/folder"], "not a full folder path"),
    (["set", "whatsapp_base_url", "http://graph.example.com"], "https"),
    (["set", "whatsapp_sandbox", "perhaps"], "not on or off"),
    (["set", "shop_name"], "Give the new value"),
    (["get", "nothing_like_it"], "There is no setting called 'nothing_like_it'"),
])
def test_bad_values_are_one_plain_line_and_change_nothing(capsys, data_dir, argv, words):
    before = wadesk(capsys, data_dir, "settings", "get")[1]
    code, out, err = wadesk(capsys, data_dir, "settings", *argv)
    assert code == 2 and words in out["error"] and err.count("\n") == 1
    assert wadesk(capsys, data_dir, "settings", "get")[1] == before


def test_settings_registered_later_work_too(capsys, data_dir, tmp_path):
    def rate_card(value):  # another area's setting: a table, written as JSON on the command line
        if not isinstance(value, dict) or not all(isinstance(v, (int, float)) for v in value.values()):
            raise ValueError("not a rate card")
        return value

    register_settings([SettingDef("test_rate_card", {}, "Rate card (test)", rate_card)])
    try:
        code, out, _ = wadesk(capsys, data_dir, "settings", "set", "test_rate_card", '{"IN": 0.86}')
        assert code == 0 and out["value"] == {"IN": 0.86}
        code, out, _ = wadesk(capsys, data_dir, "settings", "set", "test_rate_card", "cheap")
        assert code == 2 and out["error"] == "'cheap' is not a valid value for Rate card (test) (test_rate_card)."
        folder = tmp_path / "usb"
        folder.mkdir()
        assert wadesk(capsys, data_dir, "settings", "set", "backup_folder", str(folder))[1]["value"] == str(folder)
    finally:
        SETTINGS.pop("test_rate_card")


# -- account ------------------------------------------------------------------------------------
def account_set(capsys, monkeypatch, data_dir, server, stdin="", *extra):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return wadesk(capsys, data_dir, "account", "set", "--phone-number-id", server.phone_number_id,
                  "--waba-id", server.waba_id, "--base-url", server.url, *extra)


def test_account_set_show_test_sandbox(capsys, monkeypatch, data_dir, memory_keyring, fake_cloud_api):
    token = fake_cloud_api.token
    code, out, _ = account_set(capsys, monkeypatch, data_dir, fake_cloud_api, f"{token}\nsecret-abc-123456\n",
                               "--token-stdin", "--app-secret-stdin", "--api-version", "24.0")
    assert code == 0 and out["connected"] and out["api_version"] == "v24.0"
    code, shown, _ = wadesk(capsys, data_dir, "account", "show")
    assert shown["phone_number_id"] == fake_cloud_api.phone_number_id and not shown["sandbox"]
    assert shown["access_token"] == "••••••••" + token[-4:] and shown["token_source"] == "keychain"
    assert shown["app_secret_saved"] and shown["app_secret"] == "••••••••"  # short secrets show no tail
    code, tested, _ = wadesk(capsys, data_dir, "account", "test")
    assert tested["sandbox"] is False and tested["name"] == "Sandbox Shop"
    assert fake_cloud_api.requests_to(f"/{fake_cloud_api.phone_number_id}")
    code, out, _ = wadesk(capsys, data_dir, "account", "sandbox", "on")
    assert out["sandbox"] is True and "chose" in out["reason"]
    code, out, _ = wadesk(capsys, data_dir, "account", "sandbox", "off")
    assert out["sandbox"] is False
    code, out, _ = wadesk(capsys, data_dir, "account", "sandbox")
    assert code == 2 and "on or off" in out["error"]
    # `connect` still works (older scripts), and a changed ID keeps the token
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, _ = wadesk(capsys, data_dir, "account", "connect", "--phone-number-id", "123")
    assert code == 0 and out["phone_number_id"] == "123"
    assert wadesk(capsys, data_dir, "account", "show")[1]["token_saved"]


def test_account_set_checks_before_saving(capsys, monkeypatch, data_dir, memory_keyring, fake_cloud_api):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, _ = wadesk(capsys, data_dir, "account", "set", "--phone-number-id", "12ab", "--waba-id", "9")
    assert code == 2 and "digits only" in out["error"]
    code, out, _ = wadesk(capsys, data_dir, "account", "set", "--phone-number-id", "12")
    assert code == 2 and "--waba-id" in out["error"]
    code, out, _ = account_set(capsys, monkeypatch, data_dir, fake_cloud_api, "\n", "--token-stdin")
    assert code == 2 and "No access token arrived" in out["error"]
    assert wadesk(capsys, data_dir, "account", "show")[1]["phone_number_id"] == ""


def test_environment_token_without_a_keychain(capsys, monkeypatch, data_dir, fake_cloud_api):
    """An unattended box: keyring's null backend, the token in WADESK_ACCESS_TOKEN."""
    assert "null" in type(keyring.get_keyring()).__module__
    code, out, _ = account_set(capsys, monkeypatch, data_dir, fake_cloud_api, "x\n", "--token-stdin")
    assert code == 2 and "WADESK_ACCESS_TOKEN" in out["error"]  # cannot store: says what to do instead
    code, out, _ = account_set(capsys, monkeypatch, data_dir, fake_cloud_api)  # the IDs alone are fine
    assert code == 0 and out["sandbox"] and "WADESK_ACCESS_TOKEN is not set" in out["reason"]
    monkeypatch.setenv("WADESK_ACCESS_TOKEN", fake_cloud_api.token)
    monkeypatch.setenv("WADESK_APP_SECRET", "env-app-secret-778899")
    code, shown, _ = wadesk(capsys, data_dir, "account", "show")
    assert not shown["sandbox"] and "from WADESK_ACCESS_TOKEN" in shown["reason"]
    assert (shown["token_source"], shown["app_secret_source"]) == ("environment", "environment")
    code, tested, err = wadesk(capsys, data_dir, "account", "test")
    assert code == 0 and tested["sandbox"] is False
    assert fake_cloud_api.token not in json.dumps(shown) + json.dumps(tested) + err
    logs = "".join(p.read_text(encoding="utf-8") for p in data_dir.logs_dir.glob("*.log*"))
    assert fake_cloud_api.token not in logs and fake_cloud_api.token.encode() not in data_dir.db_path.read_bytes()


def test_keychain_wins_over_the_environment(capsys, monkeypatch, data_dir, memory_keyring, fake_cloud_api):
    account_set(capsys, monkeypatch, data_dir, fake_cloud_api, fake_cloud_api.token + "\n", "--token-stdin")
    monkeypatch.setenv("WADESK_ACCESS_TOKEN", "some-other-token-from-the-environment")
    code, shown, _ = wadesk(capsys, data_dir, "account", "show")
    assert shown["token_source"] == "keychain" and shown["access_token"].endswith(fake_cloud_api.token[-4:])
    assert wadesk(capsys, data_dir, "account", "test")[0] == 0  # the keychain's (right) token was used


def test_a_locked_keychain_falls_back_to_the_environment(monkeypatch):
    from tests.conftest import MemoryKeyring
    from wadesk.core.messaging.secrets import KeychainError, SecretStore

    class Locked(MemoryKeyring):
        def get_password(self, service, username):
            raise keyring.errors.KeyringLocked("locked")

    previous = keyring.get_keyring()
    keyring.set_keyring(Locked())
    try:
        with pytest.raises(KeychainError, match="locked"):
            SecretStore("scope").access_token()
        monkeypatch.setenv("WADESK_ACCESS_TOKEN", "  token-from-cron-env-1234  ")
        assert SecretStore("scope").lookup("access_token") == ("token-from-cron-env-1234", "environment")
        with pytest.raises(KeychainError):  # no WADESK_APP_SECRET: the locked keychain is reported
            SecretStore("scope").app_secret()
    finally:
        keyring.set_keyring(previous)
