"""The shop's WhatsApp account: non-secret settings in the database, secrets in the keychain.

`AccountConfig` is what the Settings → WhatsApp page edits. `connect()` stores the token first and
the settings second, so a machine without a keychain refuses cleanly and leaves nothing half-saved.
`resolve_mode()` answers the one question everything else asks: real account or sandbox?
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from wadesk.core.messaging.secrets import ACCESS_TOKEN, APP_SECRET, ENV_VARS, ENVIRONMENT, SecretStore
from wadesk.core.settings import SettingDef, SettingError, get_setting, register_settings, set_setting

DEFAULT_API_VERSION = "v25.0"
DEFAULT_BASE_URL = "https://graph.facebook.com"


def _digits_id(value: Any) -> str:
    v = str(value or "").strip()
    if v and not v.isdigit():
        raise SettingError(f"'{value}' is not a Meta ID: it should be digits only (copy it from WhatsApp Manager).")
    return v


def _api_version(value: Any) -> str:
    v = str(value or "").strip() or DEFAULT_API_VERSION
    v = v if v.startswith("v") else "v" + v
    if not re.fullmatch(r"v\d{1,3}\.\d", v):
        raise SettingError(f"'{value}' is not an API version like {DEFAULT_API_VERSION}.")
    return v


def _base_url(value: Any) -> str:
    v = str(value or "").strip().rstrip("/") or DEFAULT_BASE_URL
    parts = urlsplit(v)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    # The token travels in a header: only HTTPS, except to this computer (tests, sandbox).
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise SettingError(f"'{value}' must be an https:// address (http only to this computer).")
    if not parts.hostname or parts.path not in ("", "/"):
        raise SettingError(f"'{value}' should be just a server address like {DEFAULT_BASE_URL}.")
    return v


def _bool(value: Any) -> bool:
    v = str(value).strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off", ""):
        return False
    raise SettingError(f"'{value}' is not on or off.")


def _text(value: Any) -> str:
    return str(value or "").strip()


MESSAGING_SETTINGS = [
    SettingDef("whatsapp_phone_number_id", "", "WhatsApp phone number ID", _digits_id),
    SettingDef("whatsapp_waba_id", "", "WhatsApp Business Account ID", _digits_id),
    SettingDef("whatsapp_api_version", DEFAULT_API_VERSION, "Cloud API version", _api_version),
    SettingDef("whatsapp_base_url", DEFAULT_BASE_URL, "Cloud API address (advanced)", _base_url),
    # The owner may choose the sandbox even with an account connected.
    SettingDef("whatsapp_sandbox", False, "Use the WhatsApp sandbox", _bool),
    # Meta is moving marketing templates to POST /marketing_messages; switchable until it settles.
    SettingDef("whatsapp_marketing_endpoint", False, "Send marketing templates via /marketing_messages", _bool),
    # Random id naming this profile's keychain entries (not a secret).
    SettingDef("keychain_scope", "", "Keychain entry id for this shop profile", _text),
    # What the last successful connection check read (the Home page warns when quality drops).
    SettingDef("whatsapp_last_quality", "", "Quality rating at the last connection check", _text),
    SettingDef("whatsapp_token_expires_at", "", "When the access token expires (UTC, ISO; empty = never or unknown)",
               _text),
    SettingDef("whatsapp_last_tier", "", "Messaging limit tier at the last connection check", _text),
    # The daily check while the app is open (and Test connection) keep these current; see daily_check.py.
    SettingDef("whatsapp_last_check_at", "", "When the real account's connection was last checked (UTC, ISO)", _text),
    SettingDef("whatsapp_last_check_error", "", "Why the last daily connection check failed (empty = it worked)",
               _text),
]
register_settings(MESSAGING_SETTINGS)


@dataclass(frozen=True)
class AccountConfig:
    phone_number_id: str = ""
    waba_id: str = ""
    api_version: str = DEFAULT_API_VERSION
    base_url: str = DEFAULT_BASE_URL
    sandbox_chosen: bool = False
    marketing_endpoint: bool = False

    @property
    def has_ids(self) -> bool:
        return bool(self.phone_number_id and self.waba_id)

    def validated(self) -> "AccountConfig":
        """The same config with every field parsed; raises SettingError in plain words."""
        return replace(
            self,
            phone_number_id=_digits_id(self.phone_number_id),
            waba_id=_digits_id(self.waba_id),
            api_version=_api_version(self.api_version),
            base_url=_base_url(self.base_url),
            sandbox_chosen=bool(self.sandbox_chosen),
            marketing_endpoint=bool(self.marketing_endpoint),
        )


def load_account(session: Session) -> AccountConfig:
    return AccountConfig(
        phone_number_id=get_setting(session, "whatsapp_phone_number_id"),
        waba_id=get_setting(session, "whatsapp_waba_id"),
        api_version=get_setting(session, "whatsapp_api_version"),
        base_url=get_setting(session, "whatsapp_base_url"),
        sandbox_chosen=bool(get_setting(session, "whatsapp_sandbox")),
        marketing_endpoint=bool(get_setting(session, "whatsapp_marketing_endpoint")),
    )


def save_account(session: Session, config: AccountConfig) -> AccountConfig:
    cfg = config.validated()
    set_setting(session, "whatsapp_phone_number_id", cfg.phone_number_id)
    set_setting(session, "whatsapp_waba_id", cfg.waba_id)
    set_setting(session, "whatsapp_api_version", cfg.api_version)
    set_setting(session, "whatsapp_base_url", cfg.base_url)
    set_setting(session, "whatsapp_sandbox", cfg.sandbox_chosen)
    set_setting(session, "whatsapp_marketing_endpoint", cfg.marketing_endpoint)
    return cfg


def secret_store(session: Session) -> SecretStore:
    """This profile's keychain entries (creates the profile's scope id on first use)."""
    scope = get_setting(session, "keychain_scope")
    if not scope:
        scope = uuid.uuid4().hex
        set_setting(session, "keychain_scope", scope)
        session.flush()
    return SecretStore(scope)


def connect(
    session: Session, config: AccountConfig, access_token: str | None = None, app_secret: str | None = None
) -> AccountConfig:
    """Save the account. Secrets go to the keychain first: with no keychain this raises
    KeychainUnavailable and nothing is saved. A None secret keeps the one already stored."""
    cfg = config.validated()
    store = secret_store(session)
    if access_token is not None:
        store.set(ACCESS_TOKEN, access_token)
        set_setting(session, "whatsapp_token_expires_at", "")  # a new token: unknown until checked
    if app_secret is not None:
        store.set(APP_SECRET, app_secret)
    return save_account(session, cfg)


def disconnect(session: Session) -> None:
    """Forget the secrets and the IDs; the app falls back to the sandbox."""
    store = secret_store(session)
    store.delete(ACCESS_TOKEN)
    store.delete(APP_SECRET)
    set_setting(session, "whatsapp_token_expires_at", "")
    save_account(session, replace(load_account(session), phone_number_id="", waba_id=""))


@dataclass(frozen=True)
class Mode:
    """Where messages go. `sandbox` is True whenever no real account is usable or it was chosen."""

    sandbox: bool
    config: AccountConfig
    reason: str  # plain words for the SANDBOX badge's tooltip
    access_token: str | None = None

    def __repr__(self) -> str:  # never show the token, even in a debugger or traceback
        return f"Mode(sandbox={self.sandbox}, reason={self.reason!r})"


def resolve_mode(session: Session) -> Mode:
    cfg = load_account(session)
    if cfg.sandbox_chosen:
        return Mode(True, cfg, "You chose the sandbox in Settings → WhatsApp.")
    if not cfg.has_ids:
        return Mode(True, cfg, "No WhatsApp account is connected yet.")
    token, source = secret_store(session).lookup(ACCESS_TOKEN)
    if not token:
        return Mode(True, cfg, "The WhatsApp access token is missing from this computer's keychain "
                               f"(and {ENV_VARS[ACCESS_TOKEN]} is not set).")
    if source == ENVIRONMENT:
        return Mode(False, cfg, f"Connected to your WhatsApp Business account (token from {ENV_VARS[ACCESS_TOKEN]}).",
                    token)
    return Mode(False, cfg, "Connected to your WhatsApp Business account.", token)
