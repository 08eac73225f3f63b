"""Import history and rollback (remove what an import created, restore what it changed)."""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, exists, insert, select, update
from sqlalchemy.orm import Session

from wadesk.core.clock import Clock, SystemClock, utc_naive
from wadesk.core.crm.totals import refresh_order_totals, refresh_tag_lists
from wadesk.core.db.engine import Database
from wadesk.core.db.import_models import ImportChange
from wadesk.core.db.models import ConsentEvent, Customer, CustomerTag, Event, ImportRun, Order, OrderItem, Setting, Tag
from wadesk.core.db.pipeline_models import Deal, DealStageChange
from wadesk.core.importing.changelog import AFTER, expand, from_json, ranges
from wadesk.core.importing.order_writer import LINE_ITEMS
from wadesk.core.jobs import CancelledFn, ProgressFn, check_cancelled, never_cancelled, no_progress

_TABLES = {"customer": Customer, "order": Order, "event": Event, "consent_event": ConsentEvent, "tag": Tag,
           "deal": Deal}


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
    why_not: str = ""  # when it cannot be undone: the reason in plain words


def import_history(db: Database, limit: int = 100) -> list[ImportSummary]:
    """Newest first. Any import can be undone unless a later one built on what it added or changed."""
    with db.Session() as s:
        runs = s.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)).all()
        done = [r for r in runs if r.status == "done"]
        prints = _footprints(s, min((r.id for r in done), default=0))
        out = []
        for r in runs:
            why = _why_not(r, _blockers(s, r, prints)) if r.status == "done" else STATUS_WHY.get(r.status, "")
            out.append(ImportSummary(r.id, r.file_name, r.format, r.status, r.started_at, r.finished_at,
                                     r.rows_total, dict(r.summary or {}), not why, why))
        return out


STATUS_WHY = {"rolled_back": "This import was already undone.",
              "running": "This import did not finish, so it left nothing to undo."}


@dataclass
class Footprint:
    """What one import did, as id ranges: enough to tell whether a later import built on it."""

    run: ImportRun
    created: dict[str, list[list[int]]] = field(default_factory=dict)  # entity -> ranges
    updated: dict[str, set[int]] = field(default_factory=dict)  # entity -> ids
    touched: list[list[int]] | None = None  # customer ranges (None: an import from before this was kept)

    _ranges: dict[tuple[str, str], list[list[int]]] = field(default_factory=dict, repr=False)

    def changed(self, entity: str) -> list[list[int]]:
        """Rows of `entity` (customer, order, deal) it changed, as sorted ranges (kept: every later
        import is compared with it)."""
        if ("changed", entity) not in self._ranges:
            self._ranges["changed", entity] = ranges(sorted(self.updated.get(entity, ())))
        return self._ranges["changed", entity]

    def own(self, entity: str) -> list[list[int]]:
        """Rows of `entity` it created or changed, as sorted disjoint ranges."""
        if ("own", entity) not in self._ranges:
            self._ranges["own", entity] = _merged(self.created.get(entity, []) + self.changed(entity))
        return self._ranges["own", entity]


def _merged(rs: list[list[int]]) -> list[list[int]]:
    out: list[list[int]] = []
    for lo, hi in sorted(rs):
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return out


def _footprints(s: Session, first_id: int) -> dict[int, Footprint]:
    """Footprints of every finished import from first_id on (the values-before are not loaded)."""
    runs = s.scalars(select(ImportRun).where(ImportRun.id >= first_id, ImportRun.status == "done")).all()
    prints = {r.id: Footprint(r) for r in runs}
    if not prints:
        return prints
    q = select(ImportChange.import_id, ImportChange.entity, ImportChange.action, ImportChange.entity_id).where(
        ImportChange.import_id >= first_id, ImportChange.action == "updated")
    for iid, entity, _a, eid in s.execute(q):
        if iid in prints:
            prints[iid].updated.setdefault(entity, set()).add(eid)
    q = select(ImportChange.import_id, ImportChange.entity, ImportChange.action, ImportChange.data).where(
        ImportChange.import_id >= first_id, ImportChange.action != "updated")
    for iid, entity, action, data in s.execute(q):
        fp = prints.get(iid)
        if fp is None:
            continue
        if action == "touched":
            fp.touched = data["ranges"]
        elif entity == "customer_tag":
            fp.created.setdefault("customer_tag", []).extend([c, c] for c, _t in data.get("pairs", []))
        else:
            fp.created[entity] = data.get("ranges", [])
    return prints


def _touched(s: Session, fp: Footprint) -> list[list[int]]:
    """Customers an import touched. Imports made before this was recorded: worked out from its rows."""
    if fp.touched is not None:
        return fp.touched
    ids = set(fp.updated.get("customer", ())) | set(expand(fp.created.get("customer_tag", [])))
    ids |= set(expand(fp.created.get("customer", [])))
    for entity in ("order", "event", "consent_event"):
        model = _TABLES[entity]
        for a, b in fp.created.get(entity, []):
            ids.update(s.scalars(select(model.customer_id).where(model.id.between(a, b), model.customer_id.is_not(None))))
    for oid in fp.updated.get("order", ()):
        ids.update(x for x in [s.scalar(select(Order.customer_id).where(Order.id == oid))] if x)
    fp.touched = ranges(sorted(ids))
    return fp.touched


def _last(r: list[int]) -> int:
    return r[1]


def _overlap(a: list[list[int]], b: list[list[int]]) -> int:
    """How many ids two lists of sorted, disjoint [first, last] ranges share. Walks the shorter list
    and binary-searches the longer (an import of 50,000 scattered customers has 50,000 ranges)."""
    if len(a) > len(b):
        a, b = b, a
    n = 0
    for lo, hi in a:
        j = bisect_left(b, lo, key=_last)
        while j < len(b) and b[j][0] <= hi:
            n += min(hi, b[j][1]) - max(lo, b[j][0]) + 1
            j += 1
    return n


def _blockers(s: Session, run: ImportRun, prints: dict[int, Footprint]) -> list[tuple[ImportRun, dict[str, int]]]:
    """Later finished imports that built on this one, with how many of its records each used:
    customers it created that a later import matched, merged, tagged or gave orders and activities;
    customers, orders or deals it changed or created that a later import changed again."""
    mine = prints.get(run.id)
    if mine is None:
        return []
    out = []
    for later in sorted((p for i, p in prints.items() if i > run.id), key=lambda p: p.run.id):
        hits: dict[str, int] = {}
        created_customers = mine.created.get("customer", [])
        if created_customers and (n := _overlap(created_customers, _touched(s, later))):
            hits["used"] = n
        if n := _overlap(mine.changed("customer"), later.changed("customer")):
            hits["changed"] = n
        if (own := mine.own("order")) and (n := _overlap(own, later.changed("order"))):
            hits["orders"] = n
        if (own := mine.own("deal")) and (n := _overlap(own, later.changed("deal"))):
            hits["deals"] = n
        if hits:
            out.append((later.run, hits))
    return out


_HITS = (("used", "customer", "{n} that import {a} added got orders, tags or details from import {b} ({file})"),
         ("changed", "customer", "{n} that import {a} changed were changed again by import {b} ({file})"),
         ("orders", "order", "{n} that import {a} added or changed were updated again by import {b} ({file})"),
         ("deals", "deal", "{n} that import {a} added or moved were moved or changed again by import {b} ({file})"))


def _why_not(run: ImportRun, blockers: list[tuple[ImportRun, dict[str, int]]]) -> str:
    """'Import 3 (list.xlsx) cannot be undone on its own: 12 customers that import 3 added got orders,
    tags or details from import 5 (orders.csv, 28 Nov 2026). Undo import 5 first, then import 3.'"""
    if not blockers:
        return ""
    parts = []
    for later, hits in blockers[:3]:
        when = f"{later.file_name}, {later.started_at:%d %b %Y}"
        for key, noun, text in _HITS:
            if key in hits:
                n = f"{hits[key]:,} {noun}{'' if hits[key] == 1 else 's'}"
                parts.append(text.format(n=n, a=run.id, b=later.id, file=when))
    if len(blockers) > 3:
        parts.append(f"{len(blockers) - 3} more later imports built on it too")
    first = ", ".join(str(later.id) for later, _h in reversed(blockers))
    return (f"Import {run.id} ({run.file_name}) cannot be undone on its own: {'; '.join(parts)}. "
            f"Undo import{'s' if len(blockers) > 1 else ''} {first} first, then import {run.id}.")


def _restore_items(s: Session, order_id: int, items: list[list[Any]]) -> None:
    """An order's line items as order_writer._take_items saved them, under their old ids."""
    s.execute(delete(OrderItem).where(OrderItem.order_id == order_id))
    if items:
        s.execute(insert(OrderItem), [
            {"id": i, "order_id": order_id, "product": p, "sku": sku, "category": cat, "quantity": q,
             "price": None if price is None else Decimal(price)} for i, p, sku, cat, q, price in items])


def _as_left(s: Session, model: Any, entity_id: int, after: dict[str, Any]) -> bool | None:
    """Whether the row still holds what the import left in its guard columns (None: it is gone)."""
    cols = sorted(after)
    row = s.execute(select(*(getattr(model, c) for c in cols)).where(model.id == entity_id)).first()
    if row is None:
        return None
    return all(v == from_json(after[c]) for c, v in zip(cols, row))


def _remove_deals(s: Session, created: dict[str, Any], kept: dict[str, set[int]],
                  new_customers: set[int]) -> dict[str, int]:
    """A CRM export's deals go unless staff changed them since (a created deal's version is 1 until
    its first move or edit), and so do the stage history rows it wrote, but those of kept deals.
    Deals of customers the import created go with them either way."""
    gone: list[int] = []
    for a, b in created.get("deal", {}).get("ranges", []):
        for did, version, cid in s.execute(select(Deal.id, Deal.version, Deal.customer_id)
                                           .where(Deal.id.between(a, b))):
            if version == 1 or cid in new_customers:
                gone.append(did)
            else:
                kept.setdefault("deal", set()).add(did)
    stay = kept.get("deal", set())
    history: list[int] = []
    for a, b in created.get("stage_change", {}).get("ranges", []):
        history += [i for i, d in s.execute(select(DealStageChange.id, DealStageChange.deal_id)
                                            .where(DealStageChange.id.between(a, b))) if d not in stay]
    for a, b in ranges(history):
        s.execute(delete(DealStageChange).where(DealStageChange.id.between(a, b)))
    for a, b in ranges(gone):
        s.execute(delete(DealStageChange).where(DealStageChange.deal_id.between(a, b)))
        s.execute(delete(Deal).where(Deal.id.between(a, b)))
    if not (created.get("deal") or history):
        return {}
    return {"deals_removed": len(gone), "stage_changes_removed": len(history)}


def _drop_staff(s: Session, logged: dict[str, Any]) -> None:
    """Staff names a CRM export added leave the list again unless someone is owned by them now."""
    from wadesk.core.pipeline.people import STAFF_SETTING

    row = s.get(Setting, STAFF_SETTING)
    names = set(logged.get("names", []))
    if row is None or not names:
        return
    owners = set(s.scalars(select(Customer.owner).where(Customer.owner.in_(names)).distinct()))
    owners |= set(s.scalars(select(Deal.owner).where(Deal.owner.in_(names)).distinct()))
    current = list(row.value or [])
    keep = [n for n in current if n not in names or n in owners]
    if keep == current:
        return
    if keep or logged.get("had_row", True):
        row.value = keep
    else:  # the list was never set before the import
        s.delete(row)


def rollback_import(db: Database, import_id: int, *, progress: ProgressFn = no_progress,
                    cancelled: CancelledFn = never_cancelled, clock: Clock | None = None) -> dict[str, int]:
    """Undo one import in one transaction. Refused (ValueError naming the later imports) when a
    later import built on what this one added or changed, so nothing built on top of it is lost.
    A CRM export's deals and lead statuses that staff changed after the import keep those changes:
    such a deal stays (with its history), such a customer keeps its lead status and owner."""
    now = utc_naive((clock or SystemClock()).now())
    with db.session() as s:
        run = s.get(ImportRun, import_id)
        if run is None:
            raise ValueError(f"There is no import number {import_id}.")
        if run.status != "done":
            raise ValueError(f"Import {import_id} ({run.file_name}) cannot be undone: it is {run.status.replace('_', ' ')}.")
        why = _why_not(run, _blockers(s, run, _footprints(s, import_id)))
        if why:
            raise ValueError(why)
        changes = s.scalars(select(ImportChange).where(ImportChange.import_id == import_id)
                            .order_by(ImportChange.id)).all()
        counts: dict[str, int] = {}
        affected: set[int] = set()
        restored: dict[str, set[int]] = {}
        kept: dict[str, set[int]] = {}
        progress(0, len(changes), "Restoring changed records")
        # Newest entry first: a customer logged twice (its fields, then its CRM lead status) ends
        # with the values it had before the import.
        for ch in reversed(changes):
            if ch.action != "updated":
                continue
            model = _TABLES[ch.entity]
            data = dict(ch.data)
            after = data.pop(AFTER, None)
            if after is not None and (left := _as_left(s, model, ch.entity_id, after)) is not True:
                if left is False:  # changed by staff since: their change stays
                    kept.setdefault(ch.entity, set()).add(ch.entity_id)
                continue
            values = {k: from_json(v) for k, v in data.items()}
            items = values.pop(LINE_ITEMS, None) if ch.entity == "order" else None
            s.execute(update(model).where(model.id == ch.entity_id).values(**values))
            if items is not None:  # a courier's line items the shop's replaced: the shop's go, they come back
                _restore_items(s, ch.entity_id, items)
            restored.setdefault(ch.entity, set()).add(ch.entity_id)
            if ch.entity == "customer":
                affected.add(ch.entity_id)
            elif ch.entity == "order":
                affected.update(x for x in (s.scalar(select(Order.customer_id).where(Order.id == ch.entity_id)),
                                            values.get("customer_id")) if x)
        counts.update({f"{entity}s_restored": len(ids) for entity, ids in restored.items()})
        check_cancelled(cancelled)
        created = {ch.entity: ch.data for ch in changes if ch.action == "created"}
        new_customers = set(expand(created.get("customer", {}).get("ranges", [])))
        counts.update(_remove_deals(s, created, kept, new_customers))
        counts.update({f"{entity}s_kept": len(ids) for entity, ids in kept.items()})
        for c, t in (created.get("customer_tag") or {}).get("pairs", []):
            s.execute(delete(CustomerTag).where(CustomerTag.customer_id == c, CustomerTag.tag_id == t))
            affected.add(c)
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
        if "staff" in created:
            _drop_staff(s, created["staff"])
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


