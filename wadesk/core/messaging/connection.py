"""The client for the current mode: the shop's real account, or the built-in sandbox.

The app keeps one sandbox server per process (started lazily on a free loopback port), so sandbox
messages sent in one screen produce statuses another screen can drain. Anything obtained in sandbox
mode must be stored with is_sandbox=True and labelled SANDBOX.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from wadesk.core.clock import utc_naive
from wadesk.core.messaging.account import Mode, resolve_mode
from wadesk.core.messaging.cloud_client import CloudClient, PhoneNumberInfo
from wadesk.core.messaging.sandbox import SandboxServer

log = logging.getLogger(__name__)
_lock = threading.Lock()
_shared: SandboxServer | None = None


def sandbox_state_path(data_root: Path) -> Path:
    """Where a shop profile keeps the sandbox's not-yet-drained statuses and replies between runs."""
    return Path(data_root) / "sandbox-events.json"


def shared_sandbox(state_path: Path | None = None) -> SandboxServer:
    """This process's sandbox server, started on first use (with `state_path`, pending events
    survive to the next run)."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = SandboxServer(state_path=state_path).start()
        return _shared


def stop_shared_sandbox() -> None:
    global _shared
    with _lock:
        if _shared is not None:
            _shared.stop()
            _shared = None


def client_for(mode: Mode, *, sandbox: SandboxServer | None = None, **client_kw: Any) -> CloudClient:
    """A CloudClient for `mode`; in sandbox mode it talks to `sandbox` (default: the shared one)."""
    if mode.sandbox:
        server = sandbox or shared_sandbox()
        return CloudClient(access_token=server.token, phone_number_id=server.phone_number_id,
                           waba_id=server.waba_id, base_url=server.url, api_version=mode.config.api_version,
                           **client_kw)
    cfg = mode.config
    return CloudClient(access_token=mode.access_token or "", phone_number_id=cfg.phone_number_id,
                       waba_id=cfg.waba_id, base_url=cfg.base_url, api_version=cfg.api_version, **client_kw)


@contextmanager
def open_client(db: Any, *, sandbox: SandboxServer | None = None, **client_kw: Any) -> Iterator[tuple[CloudClient, Mode]]:
    """`with open_client(db) as (client, mode):` — reads settings and the keychain, closes the pool after."""
    with db.session() as s:
        mode = resolve_mode(s)
    client = client_for(mode, sandbox=sandbox, **client_kw)
    try:
        yield client, mode
    finally:
        client.close()


def media_uploader(db: Any, sandbox: SandboxServer | None = None) -> Callable[[str], dict[str, str]]:
    """An `upload_media` for freezing a campaign: uploads a local header file once (the ledger then
    holds its media id for every recipient)."""
    import mimetypes

    def upload(path: str) -> dict[str, str]:
        data = Path(path).expanduser().read_bytes()
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open_client(db, sandbox=sandbox) as (client, _mode):
            return {"id": client.upload_media(data, mime, Path(path).name)}
    return upload


@dataclass(frozen=True)
class ConnectionReport:
    """What "Test connection" shows."""

    sandbox: bool
    reason: str
    info: PhoneNumberInfo
    token_expires_at: datetime | None = None  # UTC; None = never, or Meta would not say

    def as_json(self) -> dict[str, Any]:
        i = self.info
        return {"sandbox": self.sandbox, "phone": i.display_phone_number, "name": i.verified_name,
                "quality": i.quality_rating, "tier": i.messaging_limit_tier,
                "daily_limit": i.daily_unique_limit, "throughput": i.throughput_level,
                "messages_per_second": i.messages_per_second,
                "token_expires_at": self.token_expires_at.isoformat() + "Z" if self.token_expires_at else None}


def check_connection(db: Any, *, sandbox: SandboxServer | None = None, now: datetime | None = None,
                     **client_kw: Any) -> ConnectionReport:
    """Read the phone number's name, quality, tier and throughput. Raises CloudApiError in plain words.
    A real account's success also notes when (`now`, default this computer's time) and clears the
    daily check's failure."""
    with open_client(db, sandbox=sandbox, **client_kw) as (client, mode):
        info = client.get_phone_number_info()
        expires, known = _token_expiry(client)
        report = ConnectionReport(mode.sandbox, mode.reason, info, expires)
    if not report.sandbox:  # remembered for the Home page's warnings
        from wadesk.core.settings import set_setting

        with db.session() as s:
            set_setting(s, "whatsapp_last_quality", report.info.quality_rating)
            set_setting(s, "whatsapp_last_tier", report.info.messaging_limit_tier)
            if known:
                set_setting(s, "whatsapp_token_expires_at", expires.isoformat() if expires else "")
            set_setting(s, "whatsapp_last_check_at", utc_naive(now or datetime.now(timezone.utc)).isoformat())
            set_setting(s, "whatsapp_last_check_error", "")
    return report


def _token_expiry(client: CloudClient) -> tuple[datetime | None, bool]:
    """(when the token expires, whether Meta said). Tokens from the app dashboard last about a day,
    a System User's forever; some tokens may not debug themselves, which is not an error here."""
    from wadesk.core.messaging.errors import CloudApiError

    try:
        return client.token_expires_at(), True
    except CloudApiError as exc:
        log.info("Token expiry not available: %s", exc)
        return None, False

