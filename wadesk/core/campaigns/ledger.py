"""The send ledger: one `messages` row per intended send, for campaigns, test sends and automations.

A row's life (direction "out"):

    holdout                                   kept out on purpose, never sent (uplift baseline)
    queued ──claim──▶ sending ──200──▶ accepted ──webhooks──▶ sent ▶ delivered ▶ read
      ▲  │              │  └──error──▶ failed (final) | deferred (≥ 24 h) | queued again (backoff)
      │  └─cancel──▶ cancelled        └──crash / no answer──▶ unknown (never resent automatically)
      └──────── owner decides "send again" ◀── unknown

`sending` is committed before the HTTP call, so after a crash a row found in `sending` may or may
not have reached Meta: it becomes `unknown` and only the owner (or a later webhook status carrying
its id in biz_opaque_callback_data) settles it. The idempotency key (one per campaign + customer)
makes a second row for the same recipient impossible.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from wadesk.core.clock import utc_naive
from wadesk.core.db.models import Campaign, Message

HOLDOUT, QUEUED, SENDING, ACCEPTED = "holdout", "queued", "sending", "accepted"
SENT, DELIVERED, READ = "sent", "delivered", "read"
FAILED, DEFERRED, UNKNOWN, CANCELLED, SKIPPED = "failed", "deferred", "unknown", "cancelled", "skipped"

WAITING = (QUEUED, DEFERRED)  # may still be sent
# Meta took the message: accepted and every later webhook state.
TAKEN = (ACCEPTED, SENT, DELIVERED, READ)

# Campaign states.
READY, SCHEDULED, RUNNING, PAUSED, STOPPED = "ready", "scheduled", "sending", "paused", "stopped"
WAITING_STATE, DONE, CAMPAIGN_CANCELLED = "waiting", "done", "cancelled"
ACTIVE_STATES = (READY, SCHEDULED, RUNNING, WAITING_STATE)  # resumed at start / by `campaign send`

STATUS_KEYS = ("queued", "sending", "accepted", "failed", "deferred", "unknown", "cancelled", "holdout", "skipped")


Scope = Any  # a campaign id, or a list of SQL filters selecting a sender's rows (e.g. a flow's)


def scope_filters(scope: Scope) -> list[Any]:
    """The rows one sender owns: a campaign's recipients, or whatever filters a caller gives."""
    if isinstance(scope, int):
        return [Message.campaign_id == scope, Message.purpose == "campaign"]
    return list(scope)


def idempotency_key(campaign_id: int, customer_id: int) -> str:
    return f"campaign:{campaign_id}:{customer_id}"


def callback_data(message_id: int) -> str:
    """What `biz_opaque_callback_data` carries, so a status webhook finds its ledger row."""
    return f"wadesk:{message_id}"


def message_id_from_callback(data: str | None) -> int | None:
    if data and data.startswith("wadesk:") and data[7:].isdigit():
        return int(data[7:])
    return None


def status_counts(session: Session, scope: Scope) -> dict[str, Any]:
    """`wadesk campaign status` numbers: every ledger state (accepted includes what was delivered
    or read since) and failures by Meta error code."""
    where = scope_filters(scope)
    rows = session.execute(select(Message.status, func.count()).where(*where).group_by(Message.status)).all()
    by = Counter({status: n for status, n in rows})
    out = {k: by.get(k, 0) for k in STATUS_KEYS}
    out["accepted"] = sum(by.get(s, 0) for s in TAKEN)
    out["delivered"] = by.get(DELIVERED, 0) + by.get(READ, 0)
    out["read"] = by.get(READ, 0)
    failures = session.execute(
        select(Message.error_code, func.count()).where(*where, Message.status == FAILED)
        .group_by(Message.error_code)).all()
    out["failures"] = {str(code if code is not None else "other"): n for code, n in failures}
    return out


def next_due(session: Session, scope: Scope) -> datetime | None:
    """When the earliest waiting row may go (None: nothing waiting; naive UTC)."""
    return session.scalar(select(func.min(func.coalesce(Message.next_attempt_at, Message.created_at))).where(
        *scope_filters(scope), Message.status.in_(WAITING)))


def recover_in_flight(session: Session, scope: Scope) -> int:
    """Rows left in `sending` by a crash become `unknown` (their outcome can't be known here).

    Call only while holding the scope's send lease (lease.py): another live sender's in-flight
    rows must not be touched."""
    q = update(Message).where(*scope_filters(scope), Message.status == SENDING, Message.direction == "out")
    res = session.execute(q.values(
        status=UNKNOWN, error_title="WaDesk stopped while this message was being sent; it may or may not "
                                    "have gone out. A delivery status from WhatsApp will settle it."))
    return res.rowcount or 0


def cancel_waiting(session: Session, scope: Scope) -> int:
    """Cancel never leaves half-sent rows: only rows not yet claimed are cancelled."""
    res = session.execute(update(Message).where(*scope_filters(scope), Message.status.in_(WAITING))
                          .values(status=CANCELLED, next_attempt_at=None))
    return res.rowcount or 0


def resolve_unknown(session: Session, campaign_id: int, *, resend: bool, now: datetime) -> int:
    """The owner's decision on `unknown` rows: send them again (accepting a possible duplicate,
    which the owner was warned about) or give them up as failed."""
    where = and_(Message.campaign_id == campaign_id, Message.status == UNKNOWN)
    if resend:
        values: dict[str, Any] = {"status": QUEUED, "next_attempt_at": utc_naive(now), "error_title": None}
    else:
        values = {"status": FAILED, "failed_at": utc_naive(now),
                  "error_title": "Given up by the owner: it is not known whether this message went out."}
    n = session.execute(update(Message).where(where).values(**values)).rowcount or 0
    if resend and n:
        session.execute(update(Campaign).where(Campaign.id == campaign_id, Campaign.status == DONE)
                        .values(status=READY, finished_at=None))
    return n


def start_now(session: Session, campaign_id: int, now: datetime) -> int:
    """Bring a scheduled campaign forward to now: every waiting row moves by the same amount, so a
    plan spread over days keeps its spacing. Returns the rows moved."""
    c = session.get(Campaign, campaign_id)
    stamp = utc_naive(now)
    if c is None or c.status != SCHEDULED or c.scheduled_at is None or c.scheduled_at <= stamp:
        return 0
    shift = c.scheduled_at - stamp
    rows = session.execute(select(Message.id, Message.next_attempt_at).where(
        *scope_filters(campaign_id), Message.status.in_(WAITING))).all()
    for mid, at in rows:
        session.execute(update(Message).where(Message.id == mid).values(
            next_attempt_at=max(stamp, (at or stamp) - shift)))
    c.scheduled_at, c.status, c.updated_at = stamp, READY, stamp
    return len(rows)


def active_campaigns(session: Session) -> list[Campaign]:
    """Campaigns that still have work: resumed at start-up or by `wadesk campaign send`."""
    return list(session.scalars(select(Campaign).where(Campaign.status.in_(ACTIVE_STATES)).order_by(Campaign.id)))
