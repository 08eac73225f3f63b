"""Settings of the local webhook receiver: the port and the verify token Meta must present.

The verify token is not a secret that protects data (Meta only echoes it once, when the callback
URL is saved in the App Dashboard), so it is a shop setting the owner can see and regenerate. The
app secret that signs every POST lives in the keychain (Settings → WhatsApp).
"""
from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session

from wadesk.core.settings import SettingDef, SettingError, get_setting, register_settings, set_setting

DEFAULT_PORT = 8787


def _port(value: Any) -> int:
    try:
        port = int(str(value).strip())
    except ValueError:
        raise SettingError(f"'{value}' is not a port number (use 1024 to 65535).") from None
    if not (port == 0 or 1024 <= port <= 65535):
        raise SettingError(f"{port} is not a port WaDesk can listen on (use 1024 to 65535).")
    return port


def _token(value: Any) -> str:
    v = str(value or "").strip()
    if v and (len(v) < 8 or len(v) > 128 or not v.isprintable() or " " in v):
        raise SettingError("A verify token needs 8 to 128 characters without spaces.")
    return v


register_settings([
    SettingDef("webhook_port", DEFAULT_PORT, "Port for receiving WhatsApp statuses", _port),
    SettingDef("webhook_verify_token", "", "Webhook verify token (typed into Meta's App Dashboard)", _token),
])


class ReceiverNotReady(ValueError):
    """Something the owner must set up before statuses can be received; plain words."""


def verify_token(session: Session, *, regenerate: bool = False) -> str:
    """The verify token, made up the first time (or anew with `regenerate`)."""
    token = get_setting(session, "webhook_verify_token")
    if regenerate or not token:
        token = secrets.token_urlsafe(24)
        set_setting(session, "webhook_verify_token", token)
        session.flush()
    return token


def receiver_port(session: Session) -> int:
    return int(get_setting(session, "webhook_port"))


def app_secret(session: Session) -> str:
    """The app secret from the keychain; ReceiverNotReady (plain words) when it is not there."""
    from wadesk.core.messaging.account import secret_store

    secret = secret_store(session).app_secret()
    if not secret:
        raise ReceiverNotReady("WaDesk needs your Meta app secret to check that statuses really come from "
                               "WhatsApp: save it in Settings → WhatsApp (App secret) first.")
    return secret


def inbox_path(data_root: Any) -> Any:
    """Where the receiver keeps accepted webhook bodies until they are ingested."""
    from pathlib import Path

    return Path(data_root) / "webhook-inbox"
