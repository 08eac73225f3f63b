"""The WhatsApp access token and app secret live only in the OS keychain (`keyring`).

Never in the database, a settings file or a log. Where the machine has no usable keychain (keyring's
"fail" or "null" backend, or a plain-text file backend) we refuse to store rather than fall back to
writing the secret to disk in clear. Every secret read or written is registered with the log
scrubber, so even an accidental log line shows "***".

Unattended machines without a usable keychain (a small always-on box running `wadesk automations
run`) may give the secrets as the environment variables WADESK_ACCESS_TOKEN / WADESK_APP_SECRET.
They are only read, never written anywhere. The keychain wins when it holds a value: it is what the
owner saved on purpose; the environment is the fallback when the keychain is missing, unusable,
locked, or has no entry.
"""
from __future__ import annotations

import logging
import os

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from wadesk.core.logging_setup import register_secret

SERVICE = "WaDesk"
ACCESS_TOKEN = "access_token"
APP_SECRET = "app_secret"
ENV_VARS = {ACCESS_TOKEN: "WADESK_ACCESS_TOKEN", APP_SECRET: "WADESK_APP_SECRET"}
KEYCHAIN, ENVIRONMENT = "keychain", "environment"
log = logging.getLogger(__name__)

# Backends that would lose the secret or keep it in clear on disk.
_UNUSABLE = {
    "keyring.backends.fail.Keyring",
    "keyring.backends.null.Keyring",
    "keyrings.alt.file.PlaintextKeyring",
}


class KeychainUnavailable(RuntimeError):
    """No safe place for secrets on this computer; said in plain words."""


class KeychainError(RuntimeError):
    """The keychain exists but refused (locked, access denied)."""


def _backend_name(backend: KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _usable(backend: KeyringBackend) -> bool:
    # The chainer wraps real backends; it is usable when it has at least one.
    inner = getattr(backend, "backends", None)
    if inner is not None:
        return any(_usable(b) for b in inner)
    return _backend_name(backend) not in _UNUSABLE and backend.priority > 0


def keychain_status() -> tuple[bool, str]:
    """(usable, plain-words description) for the Settings page."""
    backend = keyring.get_keyring()
    if _usable(backend):
        return True, f"Secrets are kept in this computer's keychain ({type(backend).__name__})."
    return False, ("This computer has no password keychain WaDesk can use, so a WhatsApp token cannot be "
                   "saved here. " + _HOW_TO_GET_ONE)


_HOW_TO_GET_ONE = ("On Windows and macOS the keychain is built in; on Linux install and unlock a Secret "
                   "Service keyring such as GNOME Keyring or KWallet, then try again.")
_NO_KEYCHAIN = ("This computer has no password keychain WaDesk can use, so the WhatsApp token was not saved "
                "(WaDesk never writes it to disk in clear). " + _HOW_TO_GET_ONE + " On a computer that runs "
                "WaDesk unattended, the WADESK_ACCESS_TOKEN environment variable can give the token instead "
                "(see the README).")


def from_environment(name: str) -> str | None:
    """The secret from its WADESK_* environment variable (registered with the log scrubber)."""
    var = ENV_VARS.get(name)
    value = (os.environ.get(var) or "").strip() if var else ""
    if value:
        register_secret(value)
    return value or None


class SecretStore:
    """Secrets of one shop profile: keychain entries "<scope>:<name>" under the service "WaDesk".

    The scope is a random id kept in the profile's settings, so two shop profiles on one computer
    keep separate tokens, and changing the phone number ID does not lose the token."""

    def __init__(self, scope: str, service: str = SERVICE):
        if not scope:
            raise ValueError("SecretStore needs a scope")
        self.scope = scope
        self.service = service

    def _user(self, name: str) -> str:
        return f"{self.scope}:{name}"

    def get(self, name: str) -> str | None:
        return self.lookup(name)[0]

    def lookup(self, name: str) -> tuple[str | None, str | None]:
        """(value, where it came from: "keychain", "environment" or None)."""
        if _usable(keyring.get_keyring()):
            try:
                value = keyring.get_password(self.service, self._user(name))
            except keyring.errors.KeyringError as exc:
                env = from_environment(name)
                if env:
                    log.info("The keychain did not answer (%s); using %s", type(exc).__name__, ENV_VARS[name])
                    return env, ENVIRONMENT
                raise KeychainError(f"The keychain did not answer ({type(exc).__name__}); is it locked?") from None
            if value:
                register_secret(value)
                return value, KEYCHAIN
        env = from_environment(name)
        return (env, ENVIRONMENT) if env else (None, None)

    def set(self, name: str, value: str) -> None:
        value = (value or "").strip()
        if not value:
            raise ValueError("An empty secret cannot be saved; use delete() to forget it.")
        register_secret(value)  # before anything can log it
        if not _usable(keyring.get_keyring()):
            raise KeychainUnavailable(_NO_KEYCHAIN)
        try:
            keyring.set_password(self.service, self._user(name), value)
        except keyring.errors.KeyringError as exc:
            raise KeychainError(
                f"The keychain refused to save the secret ({type(exc).__name__}). Unlock it and try again."
            ) from None

    def delete(self, name: str) -> None:
        if not _usable(keyring.get_keyring()):
            return
        try:
            keyring.delete_password(self.service, self._user(name))
        except keyring.errors.PasswordDeleteError:
            pass  # already gone

    # Conveniences for the two secrets WaDesk has.
    def access_token(self) -> str | None:
        return self.get(ACCESS_TOKEN)

    def app_secret(self) -> str | None:
        return self.get(APP_SECRET)


def mask(secret: str | None) -> str:
    """What the UI shows instead of a secret: enough to recognise it, never enough to use it."""
    if not secret:
        return ""
    return "•" * 8 + (secret[-4:] if len(secret) >= 20 else "")
