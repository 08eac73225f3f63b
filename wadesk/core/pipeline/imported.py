"""CRM exports (HubSpot, Zoho CRM contacts and deals) brought in through the import wizard: the
`Lead Status`, `Lifecycle Stage`, `Deal Stage`, `Amount`, `Contact owner` columns become the
customer's lead status and owner and a deal in the first pipeline.

The import adapter keeps these cells on the customer (attributes["pipeline"]); `apply_imported`
runs inside the import's transaction, after customers are written, for the customers it touched,
and adds what it did to the import's change log so an undo can take it back (history.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from wadesk.core.db.import_models import ImportChange
from wadesk.core.db.models import Customer, Setting
from wadesk.core.db.pipeline_models import LOST, OPEN, WON, Deal, DealStageChange, PipelineStage
from wadesk.core.importing.changelog import AFTER, expand, ranges, to_json
from wadesk.core.pipeline.deals import parse_value
from wadesk.core.pipeline.people import STAFF_SETTING, set_staff_names, staff_names
from wadesk.core.pipeline.stages import PipelineError, ensure_default_pipeline, stages_of

# Import fields (see importing.formats.base.FIELDS) -> key under attributes["pipeline"].
IMPORT_FIELDS = {"lead_status": "lead_status", "lifecycle_stage": "lifecycle_stage", "deal_stage": "stage",
                 "deal_value": "value", "owner": "owner", "lost_reason": "lost_reason"}
ACTOR = "import"


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", (text or "").lower())


# HubSpot internal values and labels, Zoho picklists -> WaDesk's lead statuses.
LEAD_STATUS_WORDS = {
    "new": "New", "open": "New", "attemptedtocontact": "New", "notcontacted": "New", "contactinfuture": "New",
    "subscriber": "New", "lead": "New", "other": None,
    "inprogress": "Qualified", "opendeal": "Qualified", "connected": "Qualified", "contacted": "Qualified",
    "prequalified": "Qualified", "qualified": "Qualified", "marketingqualifiedlead": "Qualified",
    "salesqualifiedlead": "Qualified", "opportunity": "Qualified",
    "unqualified": "Unqualified", "notqualified": "Unqualified", "badtiming": "Unqualified",
    "junklead": "Unqualified", "lostlead": "Unqualified",
    "customer": "Customer", "evangelist": "Customer",
}
# HubSpot's default deal stages and Zoho CRM's -> the default Sales stages (exact names win first).
DEAL_STAGE_WORDS = {
    "appointmentscheduled": "Contacted", "qualification": "Contacted",
    "qualifiedtobuy": "Interested", "presentationscheduled": "Interested", "decisionmakerboughtin": "Interested",
    "needsanalysis": "Interested", "valueproposition": "Interested", "iddecisionmakers": "Interested",
    "perceptionanalysis": "Interested",
    "contractsent": "Quote sent", "proposalpricequote": "Quote sent", "negotiationreview": "Quote sent",
    "closedwon": "Won", "closedlost": "Lost", "closedlosttocompetition": "Lost",
}


def lead_status_from(status: str, lifecycle: str) -> str | None:
    """Lead Status wins; Lifecycle Stage fills in (a lifecycle 'customer' is a Customer either way)."""
    life = LEAD_STATUS_WORDS.get(_key(lifecycle)) if lifecycle else None
    if life == "Customer":
        return life
    return (LEAD_STATUS_WORDS.get(_key(status)) if status else None) or life


def apply_imported(session: Session, customer_ids: Iterable[int], now: datetime,
                   import_id: int | None = None) -> dict[str, int]:
    """Lead status, owner and deals for the imported customers that carry CRM columns.

    The same changes `create_deal` / `move_deal` make one by one (a deal, its stage history, the
    customer touched and made a Customer when won), decided in memory and written in bulk: a CRM
    export of 20,000 contacts took 33 s CPU through the one-by-one calls. With `import_id`, what it
    created and the values before of what it changed go to that import's change log."""
    counts = {"lead_statuses": 0, "deals_created": 0, "deals_moved": 0, "stages_unknown": 0}
    ids = sorted(set(customer_ids))
    rows: list[tuple[int, dict[str, Any], str | None, str | None, datetime]] = []
    for i in range(0, len(ids), CHUNK):
        for cid, attrs, status, owner, updated in session.execute(
                select(Customer.id, Customer.attributes, Customer.lead_status, Customer.owner, Customer.updated_at)
                .where(Customer.id.in_(ids[i:i + CHUNK])).order_by(Customer.id)):
            if isinstance(attrs, dict) and isinstance(attrs.get("pipeline"), dict):
                rows.append((cid, attrs["pipeline"], status, owner, updated))
    if not rows:
        return counts
    owners = {" ".join(str(p.get("owner") or "").split()) for _c, p, *_rest in rows} - {""}
    known = staff_names(session)
    new = sorted(o for o in owners if o.lower() not in {k.lower() for k in known})
    log = _Log(session, import_id) if import_id is not None else None
    if new:
        if log is not None:  # an undo drops the names again if nobody owns anything by then
            log.created("staff", {"names": new, "had_row": session.get(Setting, STAFF_SETTING) is not None})
        set_staff_names(session, known + new)
    staff = {k.lower(): k for k in reversed(staff_names(session))}  # the first spelling wins, as check_owner
    pipe = ensure_default_pipeline(session, now)
    stages = stages_of(session, pipe.id)
    by_name = {_key(s.name): s for s in stages}
    deals = _latest_deals(session, [r[0] for r in rows], pipe.id)

    customers, created, moved, changes = [], [], [], []
    for cid, p, old_status, old_owner, updated in rows:
        status = lead_status_from(str(p.get("lead_status") or ""), str(p.get("lifecycle_stage") or ""))
        lead, touched = old_status, False
        if status and old_status != status:
            lead, counts["lead_statuses"] = status, counts["lead_statuses"] + 1
        owner = staff.get(" ".join(str(p.get("owner") or "").split()).lower())
        stage = _stage_named(by_name, str(p.get("stage") or "").strip())
        if stage is None and str(p.get("stage") or "").strip():
            counts["stages_unknown"] += 1
        if stage is not None:
            reason = p.get("lost_reason") or ("Lost (from the imported file)" if stage.outcome == LOST else None)
            reason = " ".join(str(reason or "").split()) or None
            try:
                value = parse_value(p.get("value"))
            except PipelineError:
                value = None
            deal = deals.get(cid)
            closed = now if stage.outcome != OPEN else None
            if deal is None:
                created.append({"customer_id": cid, "pipeline_id": pipe.id, "stage_id": stage.id, "title": None,
                                "value": value if value is not None else Decimal("0"), "owner": owner,
                                "stage_entered_at": now, "closed_at": closed,
                                "lost_reason": reason if stage.outcome == LOST else None, "version": 1,
                                "created_at": now, "updated_at": now})
                changes.append((len(created) - 1, cid, None, stage.id))
                counts["deals_created"] += 1
                touched = True
            else:
                change: dict[str, Any] = {}
                if value is not None and p.get("value") not in (None, "") and value != deal.value:
                    change["value"] = value  # only a real change: the undo log counts it as one
                if deal.stage_id != stage.id:
                    change.update(stage_id=stage.id, stage_entered_at=now, closed_at=closed, version=deal.version + 1,
                                  updated_at=now, **({"lost_reason": reason} if stage.outcome == LOST else {}))
                    changes.append((deal.id, cid, deal.stage_id, stage.id))
                    counts["deals_moved"] += 1
                    touched = True
                if change:
                    moved.append({"id": deal.id, **change})
                    if log is not None:
                        before = {k: getattr(deal, k) for k in (*change, "version", "updated_at")}
                        log.updated("deal", deal.id, before, {"version": change.get("version", deal.version)})
            if touched and stage.outcome == WON:
                lead = "Customer"
        new_owner = owner or old_owner
        if (lead, new_owner) != (old_status, old_owner) or touched:
            customers.append({"id": cid, "lead_status": lead, "owner": new_owner,
                              "updated_at": max(now, updated or now) if touched else updated})
            if log is not None and cid not in log.new_customers:  # the import's own customers just go
                log.updated("customer", cid, {"lead_status": old_status, "owner": old_owner, "updated_at": updated},
                            {"lead_status": lead, "owner": new_owner})
    new_ids, history_ids = _write(session, customers, created, moved, changes, now, log is not None)
    if log is not None:
        log.created("deal", {"ranges": ranges(new_ids)})
        log.created("stage_change", {"ranges": ranges(history_ids)})
        log.write()
    return counts


class _Log:
    """This step's entries in import_changes (the upsert wrote the import's own before it ran).
    An "updated" entry carries, under AFTER, what the import left: an undo restores the row only
    while those still hold (a deal's version moves with every later edit on the board)."""

    def __init__(self, session: Session, import_id: int):
        self.session, self.import_id, self.rows = session, import_id, []
        made = session.scalar(select(ImportChange.data).where(ImportChange.import_id == import_id,
                                                              ImportChange.entity == "customer",
                                                              ImportChange.action == "created"))
        self.new_customers = set(expand((made or {}).get("ranges", [])))

    def created(self, entity: str, data: dict[str, Any]) -> None:
        if data.get("ranges", True):
            self.rows.append({"import_id": self.import_id, "entity": entity, "action": "created",
                              "entity_id": None, "data": data})

    def updated(self, entity: str, entity_id: int, before: dict[str, Any], after: dict[str, Any]) -> None:
        self.rows.append({"import_id": self.import_id, "entity": entity, "action": "updated", "entity_id": entity_id,
                          "data": {**{k: to_json(v) for k, v in before.items()}, AFTER: after}})

    def write(self) -> None:
        if self.rows:  # ids from the database: SQLite's next after the largest, PostgreSQL's sequence
            self.session.execute(insert(ImportChange.__table__), self.rows)


CHUNK = 5000


@dataclass(frozen=True)
class _Deal:
    id: int
    stage_id: int
    version: int
    value: Decimal
    lost_reason: str | None
    stage_entered_at: datetime
    closed_at: datetime | None
    updated_at: datetime


def _latest_deals(session: Session, customer_ids: list[int], pipeline_id: int) -> dict[int, _Deal]:
    """Per customer: the open deal in this pipeline, else the latest one (as `open_deal_of`)."""
    out: dict[int, _Deal] = {}
    is_open: dict[int, bool] = {}
    for i in range(0, len(customer_ids), CHUNK):
        for cid, outcome, *deal in session.execute(
                select(Deal.customer_id, PipelineStage.outcome, Deal.id, Deal.stage_id, Deal.version, Deal.value,
                       Deal.lost_reason, Deal.stage_entered_at, Deal.closed_at, Deal.updated_at)
                .join(PipelineStage, PipelineStage.id == Deal.stage_id)
                .where(Deal.pipeline_id == pipeline_id, Deal.customer_id.in_(customer_ids[i:i + CHUNK]))
                .order_by(Deal.customer_id, Deal.updated_at.desc(), Deal.id.desc())):
            if cid not in out or (outcome == OPEN and not is_open[cid]):
                out[cid], is_open[cid] = _Deal(*deal), outcome == OPEN
    return out


def _stage_named(by_name: dict[str, Any], text: str) -> Any:
    if not text:
        return None
    return by_name.get(_key(text)) or by_name.get(_key(DEAL_STAGE_WORDS.get(_key(text), "")))


def _write(session: Session, customers: list[dict], created: list[dict], moved: list[dict],
           changes: list[tuple[int, int, int | None, int]], now: datetime,
           history_ids: bool = False) -> tuple[list[int], list[int]]:
    """Bulk writes: new deals (their ids back in order), moved deals and customers by primary key,
    then the stage history in the order the rows came (as the one-by-one calls wrote it).
    Returns the new deals' ids and, when asked, the new stage history rows' ids."""
    new_ids: list[int] = []
    if created:
        # Plain executemany, then each customer's newest deal in this pipeline is the one just made
        # (one per customer: ids are unique here). RETURNING through SQLAlchemy's batch splicing
        # took 60 s for 20,000 rows.
        session.execute(insert(Deal.__table__), created)
        pipeline_id = created[0]["pipeline_id"]
        cids = [row["customer_id"] for row in created]
        newest: dict[int, int] = {}
        for i in range(0, len(cids), CHUNK):
            newest.update(session.execute(select(Deal.customer_id, func.max(Deal.id)).where(
                Deal.pipeline_id == pipeline_id, Deal.customer_id.in_(cids[i:i + CHUNK])).group_by(Deal.customer_id)).all())
        new_ids = [newest[c] for c in cids]
    if moved:
        session.execute(update(Deal), moved)
    # a created deal's change names its position in `created` (its id is known only now)
    history = [{"deal_id": new_ids[deal] if from_id is None else deal, "customer_id": cid, "from_stage_id": from_id,
                "to_stage_id": to_id, "actor": ACTOR, "changed_at": now} for deal, cid, from_id, to_id in changes]
    written: list[int] = []
    if history:
        last = session.scalar(select(func.max(DealStageChange.id))) or 0
        session.execute(insert(DealStageChange.__table__), history)
        if history_ids:  # each deal got one row here: this import's, after `last`, at `now`
            deal_ids = sorted({row["deal_id"] for row in history})
            for i in range(0, len(deal_ids), CHUNK):
                written += session.scalars(select(DealStageChange.id).where(
                    DealStageChange.id > last, DealStageChange.actor == ACTOR, DealStageChange.changed_at == now,
                    DealStageChange.deal_id.in_(deal_ids[i:i + CHUNK])))
    if customers:
        session.execute(update(Customer), customers)
    return new_ids, sorted(written)
