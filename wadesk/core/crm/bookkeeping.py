"""Small shared pieces of CRM writes: input errors, what time it is, the audit log, id chunks."""
from __future__ import annotations

import os
from datetime import datetime
from typing import Any, Iterable, Sequence

from sqlalchemy.orm import Session

from wadesk.core.clock import Clock, SystemClock, utc_naive
from wadesk.core.db.models import AuditLog

# Ids per statement: well under every database's bound-parameter limit (SQLite's is 32766).
CHUNK = 5000

# Who works at this computer (team mode: several staff on one database). The app sets it from the
# computer's own settings, the command line from WADESK_STAFF_NAME; the audit log names them.
_staff_name: str | None = os.environ.get("WADESK_STAFF_NAME") or None


def set_staff_name(name: str | None) -> None:
    global _staff_name
    _staff_name = " ".join((name or "").split())[:100] or None


def staff_name() -> str | None:
    return _staff_name


class ValidationError(ValueError):
    """Input a shop owner has to fix: {field: plain message} ("" for the form as a whole)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)


def now_from(clock: Clock | None = None, now: datetime | None = None) -> datetime:
    """The time a write is stamped with (naive UTC): `now` if given, else the clock's."""
    return utc_naive(now if now is not None else (clock or SystemClock()).now())


def audit(
    session: Session,
    at: datetime,
    action: str,
    entity_id: int | None,
    details: dict[str, Any] | None = None,
    actor: str | None = None,
    entity: str = "customer",
) -> None:
    """One audit row. Callers put ids, counts and field *names* in details, never personal data.
    Without an actor the row names this computer's staff member, when one is set."""
    session.add(
        AuditLog(occurred_at=at, actor=actor or _staff_name, action=action, entity=entity, entity_id=entity_id,
                 details=details or {})
    )


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), size):
        yield ordered[i : i + size]
