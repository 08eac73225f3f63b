"""A quiet connection check once a day while the app is open, so the Home page's quality and token
warnings stay current for a shop that only runs automations or never opens Settings.

Only a real account is checked (the sandbox has nothing to warn about). A failure is remembered as
one plain sentence in `whatsapp_last_check_error` (the Home page says so) until a check succeeds.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from wadesk.core.clock import utc_naive
from wadesk.core.logging_setup import scrub
from wadesk.core.messaging.account import resolve_mode
from wadesk.core.messaging.connection import ConnectionReport, check_connection
from wadesk.core.messaging.errors import CloudApiError
from wadesk.core.messaging.secrets import KeychainError, KeychainUnavailable
from wadesk.core.settings import get_setting, set_setting

log = logging.getLogger(__name__)
CHECK_EVERY = timedelta(hours=20)  # "once a day" with an hourly timer: a little slack for when it fires


def last_check_at(session: Session) -> datetime | None:
    """When the real account was last checked (naive UTC), or None if never (or unreadable)."""
    stored = get_setting(session, "whatsapp_last_check_at")
    try:
        return datetime.fromisoformat(str(stored)) if stored else None
    except ValueError:
        return None


def connection_check_due(session: Session, now: datetime) -> bool:
    """True when a real account is configured and its last check (good or failed) is 20 hours old
    or more, or never happened."""
    try:
        if resolve_mode(session).sandbox:
            return False
    except (KeychainError, KeychainUnavailable) as exc:  # a locked keychain: try again next hour
        log.info("Daily connection check skipped: %s", exc)
        return False
    last = last_check_at(session)
    return last is None or utc_naive(now) - last >= CHECK_EVERY


@dataclass(frozen=True)
class DailyCheck:
    report: ConnectionReport | None  # None when it failed
    error: str = ""  # the failure in plain words (never the token)


def run_daily_check(db: Any, now: datetime, **client_kw: Any) -> DailyCheck | None:
    """Check the connection if due; None when it was not. A Meta or network failure is stored
    (with the time) rather than raised: nobody is watching, the Home page tells the owner."""
    with db.session() as s:
        if not connection_check_due(s, now):
            return None
    try:
        return DailyCheck(check_connection(db, now=now, **client_kw))
    except CloudApiError as exc:
        # The plain words only: Meta's details may quote the request; scrub() masks any known secret.
        sentence = scrub(exc.plain)
        with db.session() as s:
            set_setting(s, "whatsapp_last_check_at", utc_naive(now).isoformat())
            set_setting(s, "whatsapp_last_check_error", sentence)
        log.warning("Daily WhatsApp connection check failed: %s", scrub(str(exc)))
        return DailyCheck(None, sentence)
