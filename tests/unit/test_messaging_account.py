"""Account settings and keychain secrets: the token only ever goes to the keychain."""
from __future__ import annotations

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest

from wadesk.core.db.models import Setting
from wadesk.core.logging_setup import scrub
from wadesk.core.messaging.account import (
    AccountConfig, connect, disconnect, load_account, resolve_mode, save_account, secret_store,
)
from wadesk.core.messaging.secrets import (
    SERVICE, KeychainUnavailable, SecretStore, keychain_status, mask,
)
from wadesk.core.settings import SettingError, all_settings


@pytest.fixture
def db(fresh_db):
    return fresh_db  # a copied, already-migrated database: fast

TOKEN = "EAAG" + "m0PX4ZCpsBAfaketoken1234567890abcdefXYZ"  # split: not a real token, just its shape
CFG = AccountConfig(phone_number_id="106540352242922", waba_id="102290129340398")


def test_connect_stores_secrets_in_keychain_only(db, memory_keyring):
    with db.session() as s:
        connect(s, CFG, access_token=TOKEN, app_secret="0123456789abcdef0123456789abcdef")
    with db.session() as s:
        mode = resolve_mode(s)
        stored = [r.value for r in s.query(Setting)]
    assert not mode.sandbox and mode.access_token == TOKEN
    assert TOKEN not in repr(mode)
    assert {k[0] for k in memory_keyring.store} == {SERVICE}
    assert TOKEN in memory_keyring.store.values()
    assert all(TOKEN not in str(v) for v in stored)  # nothing secret in the database
    if db.path is not None:  # the SQLite file (on PostgreSQL the settings check above covers it)
        assert db.path.read_bytes().find(TOKEN.encode()) == -1


@pytest.mark.parametrize("backend", [keyring.backends.null.Keyring, keyring.backends.fail.Keyring])
def test_no_usable_keychain_refuses_and_saves_nothing(db, backend):
    keyring.set_keyring(backend())
    try:
        assert keychain_status()[0] is False
        with pytest.raises(KeychainUnavailable, match="no password keychain"):
            with db.session() as s:
                connect(s, CFG, access_token=TOKEN)
        with db.session() as s:
            assert load_account(s).phone_number_id == ""  # the whole save was rolled back
            assert resolve_mode(s).sandbox
    finally:
        keyring.set_keyring(keyring.backends.null.Keyring())


def test_loaded_secret_is_scrubbed_from_logs(memory_keyring):
    odd = "plain-looking-secret-value-42"
    memory_keyring.set_password(SERVICE, "scope1:access_token", odd)
    assert SecretStore("scope1").access_token() == odd
    assert odd not in scrub(f"token was {odd}")


def test_profiles_keep_separate_secrets(tmp_path, memory_keyring, migrated_db_file):
    import shutil

    from wadesk.core.db import open_database
    from wadesk.core.paths import DataDir

    dirs = [DataDir(tmp_path / n).ensure() for n in ("a", "b")]
    for d in dirs:
        shutil.copy(migrated_db_file, d.db_path)
    dbs = [open_database(d) for d in dirs]
    try:
        for d, tok in zip(dbs, ("token-for-shop-a-1234", "token-for-shop-b-5678")):
            with d.session() as s:
                connect(s, CFG, access_token=tok)
        with dbs[0].session() as s:
            assert resolve_mode(s).access_token == "token-for-shop-a-1234"
    finally:
        for d in dbs:
            d.dispose()


def test_changing_phone_id_keeps_the_token(db, memory_keyring):
    with db.session() as s:
        connect(s, CFG, access_token=TOKEN)
        connect(s, AccountConfig(phone_number_id="999", waba_id=CFG.waba_id))  # token None: keep it
        assert resolve_mode(s).access_token == TOKEN


def test_disconnect_forgets_everything(db, memory_keyring):
    with db.session() as s:
        connect(s, CFG, access_token=TOKEN, app_secret="abcdefabcdefabcdef")
        disconnect(s)
        assert resolve_mode(s).sandbox and memory_keyring.store == {}


def test_sandbox_can_be_chosen_while_connected(db, memory_keyring):
    with db.session() as s:
        connect(s, AccountConfig(**{**CFG.__dict__, "sandbox_chosen": True}), access_token=TOKEN)
        mode = resolve_mode(s)
    assert mode.sandbox and "chose" in mode.reason and mode.access_token is None


def test_validation_in_plain_words(db):
    with db.session() as s:
        with pytest.raises(SettingError, match="digits"):
            save_account(s, AccountConfig(phone_number_id="12ab"))
        with pytest.raises(SettingError, match="https"):
            save_account(s, AccountConfig(base_url="http://graph.example.com"))
        cfg = save_account(s, AccountConfig(api_version="24.0", base_url="http://127.0.0.1:8123/"))
        assert (cfg.api_version, cfg.base_url) == ("v24.0", "http://127.0.0.1:8123")
        assert all_settings(s)["whatsapp_api_version"] == "v24.0"


def test_defaults(db):
    with db.session() as s:
        cfg = load_account(s)
        assert (cfg.api_version, cfg.base_url) == ("v25.0", "https://graph.facebook.com")
        assert resolve_mode(s).reason == "No WhatsApp account is connected yet."
        assert secret_store(s).scope == secret_store(s).scope  # stable once created


def test_mask():
    assert mask(TOKEN).endswith("fXYZ") and TOKEN[:-4] not in mask(TOKEN)
    assert mask("short") == "••••••••" and mask(None) == ""
