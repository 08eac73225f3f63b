"""CRM exports (HubSpot, Zoho CRM contacts and deals) brought in through the import wizard: the
`Lead Status`, `Lifecycle Stage`, `Deal Stage`, `Amount`, `Contact owner` columns become the
customer's lead status and owner and a deal in the first pipeline.

The import adapter keeps these cells on the customer (attributes["pipeline"]); `apply_imported`
runs inside the import's transaction, after customers are written, for the customers it touched.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from wadesk.core.db.models import Customer
from wadesk.core.db.pipeline_models import LOST
from wadesk.core.pipeline.deals import create_deal, move_deal, open_deal_of, parse_value
from wadesk.core.pipeline.people import set_staff_names, staff_names
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


def apply_imported(session: Session, customer_ids: Iterable[int], now: datetime) -> dict[str, int]:
    """Lead status, owner and deals for the imported customers that carry CRM columns."""
    counts = {"lead_statuses": 0, "deals_created": 0, "deals_moved": 0, "stages_unknown": 0}
    ids = sorted(set(customer_ids))
    rows: list[tuple[int, dict[str, Any]]] = []
    for i in range(0, len(ids), 5000):
        for cid, attrs in session.execute(select(Customer.id, Customer.attributes)
                                          .where(Customer.id.in_(ids[i:i + 5000]))):
            if isinstance(attrs, dict) and isinstance(attrs.get("pipeline"), dict):
                rows.append((cid, attrs["pipeline"]))
    if not rows:
        return counts
    owners = {" ".join(str(p.get("owner") or "").split()) for _c, p in rows} - {""}
    known = staff_names(session)
    new = sorted(o for o in owners if o.lower() not in {k.lower() for k in known})
    if new:
        set_staff_names(session, known + new)
    pipe = ensure_default_pipeline(session, now)
    stages = stages_of(session, pipe.id)
    by_name = {_key(s.name): s for s in stages}
    for cid, p in rows:
        c = session.get(Customer, cid)
        status = lead_status_from(str(p.get("lead_status") or ""), str(p.get("lifecycle_stage") or ""))
        if status and c.lead_status != status:
            c.lead_status, counts["lead_statuses"] = status, counts["lead_statuses"] + 1
        owner = " ".join(str(p.get("owner") or "").split()) or None
        if owner:
            c.owner = next(k for k in staff_names(session) if k.lower() == owner.lower())
        stage_text = str(p.get("stage") or "").strip()
        if not stage_text:
            continue
        stage = by_name.get(_key(stage_text)) or by_name.get(_key(DEAL_STAGE_WORDS.get(_key(stage_text), "")))
        if stage is None:
            counts["stages_unknown"] += 1
            continue
        reason = p.get("lost_reason") or ("Lost (from the imported file)" if stage.outcome == LOST else None)
        try:
            value = parse_value(p.get("value"))
        except PipelineError:
            value = None
        deal = open_deal_of(session, cid, pipe.id)
        if deal is None:
            create_deal(session, cid, pipe.id, now, stage_id=stage.id, value=value, owner=owner, actor=ACTOR,
                        lost_reason=reason)
            counts["deals_created"] += 1
            continue
        if value is not None and p.get("value") not in (None, ""):
            deal.value = value
        if deal.stage_id != stage.id:
            move_deal(session, deal.id, stage.id, now, actor=ACTOR, lost_reason=reason)
            counts["deals_moved"] += 1
    return counts
