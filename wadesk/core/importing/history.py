"""Import history and rollback (remove what an import created, restore what it changed)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from wadesk.core.clock import Clock, SystemClock, utc_naive
from wadesk.core.crm.totals import refresh_order_totals, refresh_tag_lists
from wadesk.core.db.engine import Database
from wadesk.core.db.import_models import ImportChange
from wadesk.core.db.models import ConsentEvent, Customer, CustomerTag, Event, ImportRun, Order, Tag
from wadesk.core.importing.changelog import expand, from_json
from wadesk.core.jobs import CancelledFn, ProgressFn, check_cancelled, never_cancelled, no_progress

_TABLES = {"customer": Customer, "order": Order, "event": Event, "consent_event": ConsentEvent, "tag": Tag}


@dataclass(frozen=True)
class ImportSummary:
    id: int
    file_name: str
    format: str | None
    status: str  # running, done, rolled_back
    started_at: datetime
    finished_at: datetime | None
    rows: int
    counts: dict[str, Any]
    can_roll_back: bool


def import_history(db: Database, limit: int = 100) -> list[ImportSummary]:
    """Newest first."""
    with db.Session() as s:
        runs = s.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)).all()
        latest = _latest_done(s)
        return [ImportSummary(r.id, r.file_name, r.format, r.status, r.started_at, r.finished_at, r.rows_total,
                              dict(r.summary or {}), r.id == latest) for r in runs]


def _latest_done(s: Session) -> int | None:
    return s.scalar(select(ImportRun.id).where(ImportRun.status == "done").order_by(ImportRun.id.desc()).limit(1))


def rollback_import(db: Database, import_id: int, *, progress: ProgressFn = no_progress,
                    cancelled: CancelledFn = never_cancelled, clock: Clock | None = None) -> dict[str, int]:
    """Undo one import in one transaction. Only the most recent import can be undone (undo later
    ones first), so nothing built on top of it is lost. Raises ValueError with a plain reason."""
    now = utc_naive((clock or SystemClock()).now())
    with db.session() as s:
        run = s.get(ImportRun, import_id)
        if run is None:
            raise ValueError(f"There is no import number {import_id}.")
        if run.status != "done":
            raise ValueError(f"Import {import_id} ({run.file_name}) cannot be undone: it is {run.status.replace('_', ' ')}.")
        latest = _latest_done(s)
        if latest != import_id:
            raise ValueError(f"Only the most recent import can be undone; undo import {latest} first.")
        changes = s.scalars(select(ImportChange).where(ImportChange.import_id == import_id)).all()
        counts: dict[str, int] = {}
        affected: set[int] = set()
        progress(0, len(changes), "Restoring changed records")
        for ch in changes:
            if ch.action != "updated":
                continue
            model = _TABLES[ch.entity]
            values = {k: from_json(v) for k, v in ch.data.items()}
            s.execute(update(model).where(model.id == ch.entity_id).values(**values))
            counts[f"{ch.entity}s_restored"] = counts.get(f"{ch.entity}s_restored", 0) + 1
            if ch.entity == "customer":
                affected.add(ch.entity_id)
            elif ch.entity == "order":
                affected.update(x for x in (s.scalar(select(Order.customer_id).where(Order.id == ch.entity_id)),
                                            values.get("customer_id")) if x)
        check_cancelled(cancelled)
        created = {ch.entity: ch.data for ch in changes if ch.action == "created"}
        for c, t in (created.get("customer_tag") or {}).get("pairs", []):
            s.execute(delete(CustomerTag).where(CustomerTag.customer_id == c, CustomerTag.tag_id == t))
            affected.add(c)
        new_customers = set(expand(created.get("customer", {}).get("ranges", [])))
        for entity in ("consent_event", "event", "order", "customer"):
            model = _TABLES[entity]
            rs = created.get(entity, {}).get("ranges", [])
            if entity != "customer":  # their customers need totals and scores recomputed
                for a, b in rs:
                    affected.update(x for x in s.scalars(select(model.customer_id).where(
                        model.id.between(a, b), model.customer_id.is_not(None))))
            for a, b in rs:
                s.execute(delete(model).where(model.id.between(a, b)))
            counts[f"{entity}s_removed"] = sum(b - a + 1 for a, b in rs)
            check_cancelled(cancelled)
        for a, b in created.get("tag", {}).get("ranges", []):  # tags this import made, if now unused
            s.execute(delete(Tag).where(Tag.id.between(a, b), ~exists().where(CustomerTag.tag_id == Tag.id)))
        affected -= new_customers
        refresh_tag_lists(s, sorted(affected))
        refresh_order_totals(s, sorted(affected))
        run.status = "rolled_back"
        run.summary = {**(run.summary or {}), "rolled_back_at": now.isoformat(), "rollback": counts}
    if affected:  # the customers it changed get their scores back (deleted ones take theirs along)
        from wadesk.core.importing.runner import refresh_scores_after_import

        refresh_scores_after_import(db, sorted(affected), clock, progress)
    progress(len(changes), len(changes), "Done")
    return counts


