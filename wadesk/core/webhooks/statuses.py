"""Delivery statuses onto the send ledger, set-based: one read of the affected rows, one bulk UPDATE.

Rules (the same final state whatever order or how often Meta delivers the events):
- matched by wamid; an event whose wamid no row has is matched by its callback data
  ("wadesk:<messages.id>") to a row without a wamid that is still unsettled (queued, sending,
  deferred, unknown, accepted): that row gets the wamid and the status. Holdout rows never change;
  any other outgoing row Meta reports on takes Meta's word (it did go out).
- status only climbs: (queued/sending/accepted/deferred/unknown) < sent < delivered < read.
- failed is final, whatever its arrival order: a failed event makes the row failed even after
  'read' (otherwise 'read then failed' and 'failed then read' would end differently), and nothing
  turns a failed row back. The error (code, plain words, Meta's details) is written once.
- sent_at / delivered_at / read_at / failed_at are the earliest time Meta reported for each (taken
  from every event, also on failed rows, so the order of arrival does not matter); a read fills a
  missing delivered_at.
- pricing.category (Meta's billing decision, e.g. MARKETING) replaces the template's category: it
  is what the shop pays for and what counts toward the marketing frequency cap.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Sequence

from sqlalchemy.orm import Session

from wadesk.core.crm.bookkeeping import CHUNK
from wadesk.core.messaging.errors import classify
from wadesk.core.webhooks.parse import STATUS_RANK, StatusEvent
from wadesk.core.webhooks.sqlwrite import DriverWrites

RANK_NAME = {v: k for k, v in STATUS_RANK.items()}
# Rows a status can settle through the callback data: no wamid stored yet, outcome not known.
SETTLEABLE = ("queued", "sending", "deferred", "unknown", "accepted")
OPT_OUT_CODE = 131050  # the user stopped marketing messages from this business

# What is read of each affected row: the times are not (SQL keeps the earliest, below).
_COLUMNS = "id, wamid, status, customer_id, category, is_holdout"


@dataclass(slots=True)
class _Merged:
    """Everything the batch says about one wamid."""

    rank: int = 0
    failed: StatusEvent | None = None
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
    read_at: datetime | None = None
    category: str | None = None
    callback_id: int | None = None


@dataclass
class StatusOutcome:
    applied: int = 0  # events that matched a ledger row
    unmatched_keys: set[str] = field(default_factory=set)  # dedupe keys of events for no known row
    opt_outs: list[tuple[int, datetime]] = field(default_factory=list)  # (customer id, when) for 131050
    customer_ids: set[int] = field(default_factory=set)


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    return a if b is None or a <= b else b


def _merge(events: Iterable[StatusEvent], now: datetime) -> dict[str, _Merged]:
    merged: dict[str, _Merged] = {}
    get, ranks = merged.get, STATUS_RANK
    for ev in events:
        m = get(ev.wamid)
        if m is None:
            m = merged[ev.wamid] = _Merged()
        at = ev.at or now
        if ev.status == "failed":
            if m.failed is None or at < (m.failed.at or now):
                m.failed = ev
        else:
            rank = ranks[ev.status]
            if rank > m.rank:
                m.rank = rank
            if rank == 1:
                m.sent_at = _earliest(m.sent_at, at)
            elif rank == 2:
                m.delivered_at = _earliest(m.delivered_at, at)
            else:
                m.read_at = _earliest(m.read_at, at)
        # Smallest value, not first seen: the same answer whatever the order of arrival.
        if ev.category and (m.category is None or ev.category < m.category):
            m.category = ev.category
        if ev.callback_id is not None and (m.callback_id is None or ev.callback_id < m.callback_id):
            m.callback_id = ev.callback_id
    return merged


@dataclass(slots=True)
class _Row:
    id: int
    wamid: str | None
    status: str
    customer_id: int | None
    category: str | None
    is_holdout: Any


def _rows_by(w: DriverWrites, column: str, keys: Sequence[Any], extra: str = "") -> list[_Row]:
    """Outgoing rows whose `column` is one of `keys` (plain driver SQL, in chunks)."""
    rows: list[_Row] = []
    for i in range(0, len(keys), CHUNK):
        chunk = tuple(keys[i:i + CHUNK])
        sql = (f"SELECT {_COLUMNS} FROM messages WHERE {column} IN ({', '.join([w.ph] * len(chunk))}) "
               f"AND direction = 'out'{extra}")
        rows += [_Row(*r) for r in w.conn.exec_driver_sql(sql, chunk)]
    return rows


def apply_statuses(session: Session, events: list[StatusEvent], now: datetime) -> StatusOutcome:
    """Apply de-duplicated status events to the ledger in the session's transaction."""
    out = StatusOutcome()
    if not events:
        return out
    merged = _merge(events, now)
    w = DriverWrites(session)
    rows = {r.wamid: r for r in _rows_by(w, "wamid", list(merged))}
    missing = {m.callback_id: k for k, m in merged.items() if k not in rows and m.callback_id is not None}
    if missing:
        unsettled = ", ".join(f"'{s}'" for s in SETTLEABLE)
        for r in _rows_by(w, "id", sorted(missing), f" AND wamid IS NULL AND status IN ({unsettled})"):
            rows[missing[r.id]] = r
    rows = {k: r for k, r in rows.items() if not (r.is_holdout or r.status == "holdout")}  # never sent
    failing, others = [], []
    for wamid, m in merged.items():
        row = rows.get(wamid)
        if row is not None:
            _new_values(row, wamid, m, now, out, w, failing, others)
    for params, with_error in ((others, False), (failing, True)):  # one executemany each
        if params:
            w.conn.exec_driver_sql(_update_sql(w.ph, with_error=with_error), params)
    for ev in events:
        if ev.wamid in rows:
            out.applied += 1
        else:
            out.unmatched_keys.add(ev.key)
    return out


_TIMES = ("sent_at", "delivered_at", "read_at", "failed_at")


def _update_sql(ph: str, *, with_error: bool) -> str:
    """UPDATE by id; each time column keeps the earliest of what it holds and the batch's value
    (a NULL value changes nothing), so no time has to be read first."""
    sets = [f"wamid = {ph}", f"status = {ph}", f"category = {ph}"]
    sets += [f"{c} = CASE WHEN {c} IS NULL THEN {ph} WHEN {ph} < {c} THEN {ph} ELSE {c} END" for c in _TIMES]
    if with_error:
        sets += [f"error_code = {ph}", f"error_title = {ph}", f"error_detail = {ph}"]
    return f"UPDATE messages SET {', '.join(sets)} WHERE id = {ph}"


def _new_values(row: _Row, wamid: str, m: _Merged, now: datetime, out: StatusOutcome, w: DriverWrites,
                failing: list[tuple[Any, ...]], others: list[tuple[Any, ...]]) -> None:
    """Parameters for _update_sql: into `failing` for a row that fails now (its error is written),
    else into `others`."""
    failed_at = (m.failed.at or now) if m.failed else None
    if row.customer_id is not None:
        out.customer_ids.add(row.customer_id)
    fails_now = row.status != "failed" and m.failed is not None
    if row.status == "failed" or fails_now:
        status = "failed"
    else:
        status = row.status if STATUS_RANK.get(row.status, 0) >= m.rank else RANK_NAME[m.rank]
    params: list[Any] = [wamid, status, m.category or row.category]
    for t in (m.sent_at, _earliest(m.delivered_at, m.read_at), m.read_at, failed_at):
        v = w.time(t)
        params += (v, v, v)
    if fails_now:
        f = m.failed
        params += (f.error_code, classify(f.error_code).plain[:255], f.error_detail)
        if f.error_code == OPT_OUT_CODE and row.customer_id is not None:
            out.opt_outs.append((row.customer_id, failed_at))
    params.append(row.id)
    (failing if fails_now else others).append(tuple(params))
