"""Creating, listing, switching, editing and deleting flows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, delete, func, select, update
from sqlalchemy.orm import Session

from wadesk.core.automations.definition import FlowDefinition, FlowError
from wadesk.core.automations.recipes import find_recipe
from wadesk.core.clock import utc_naive
from wadesk.core.db.automation_models import Flow, FlowEnrolment
from wadesk.core.db.models import Message


@dataclass(frozen=True)
class FlowView:
    id: int
    name: str
    recipe: str | None
    enabled: bool
    definition: FlowDefinition
    active: int  # customers in the flow now
    entered: int  # ever

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "recipe": self.recipe, "enabled": self.enabled,
                "steps": len(self.definition.steps), "active": self.active, "entered": self.entered}


def add_flow(session: Session, *, now: datetime, sandbox: bool, recipe: str | None = None,
             name: str | None = None, definition: FlowDefinition | None = None) -> Flow:
    """A new flow (switched off) from a recipe or a definition."""
    if recipe is not None:
        try:
            r = find_recipe(recipe)
        except KeyError as exc:
            raise FlowError(exc.args[0]) from None
        definition, name, recipe = definition or r.definition, name or r.name, r.key
    if definition is None:
        raise FlowError("Give a recipe or a flow definition.")
    definition.validate()
    stamp = utc_naive(now)
    flow = Flow(name=(name or "Flow").strip(), recipe=recipe, enabled=False, definition=definition.as_json(),
                is_sandbox=sandbox, created_at=stamp, updated_at=stamp)
    session.add(flow)
    session.flush()
    return flow


def find_flow(session: Session, flow_id: int) -> Flow:
    flow = session.get(Flow, flow_id)
    if flow is None:
        raise FlowError(f"There is no flow {flow_id} (see `wadesk automations list`).")
    return flow


def set_enabled(session: Session, flow_id: int, enabled: bool, *, now: datetime) -> Flow:
    """Switching on checks every step has a template. Customers already matching the entry segment
    when a flow is switched on are not messaged: only those who newly match from then on."""
    flow = find_flow(session, flow_id)
    d = FlowDefinition.from_json(flow.definition)
    missing = d.missing_templates()
    if enabled and missing:
        raise FlowError(f"Choose a template for step {missing[0]} before switching '{flow.name}' on.")
    if enabled and not flow.enabled:
        flow.last_members = None  # the next pass takes today's members as the starting point
    flow.enabled, flow.updated_at = enabled, utc_naive(now)
    return flow


def update_definition(session: Session, flow_id: int, definition: FlowDefinition, *, now: datetime,
                      name: str | None = None) -> Flow:
    """Save an edited flow. New entry rules start afresh, as switching on does (else everyone in
    the new segment would count as newly matching); customers waiting for a step that was removed
    have had every step there is."""
    definition.validate()
    flow = find_flow(session, flow_id)
    if FlowDefinition.from_json(flow.definition).entry != definition.entry:
        flow.last_members = None
    flow.definition = definition.as_json()
    if name:
        flow.name = name.strip()
    stamp = utc_naive(now)
    flow.updated_at = stamp
    session.execute(update(FlowEnrolment).where(
        FlowEnrolment.flow_id == flow_id, FlowEnrolment.state == "active",
        FlowEnrolment.step >= len(definition.steps)).values(
        state="completed", active_key=None, next_step_at=None, exited_at=stamp))
    return flow


def delete_flow(db: Any, flow_id: int) -> dict[str, Any]:
    """Delete a flow: its messages not sent yet are cancelled and its customers leave it; messages
    already sent stay in each customer's history and the reports. Taken in turn with automation
    passes (their lease), so a pass can't enrol anyone in it meanwhile."""
    from wadesk.core.automations.runner import PASS_WAIT_S, pass_lease_key
    from wadesk.core.campaigns.lease import CampaignBusy, SendLease

    with db.session() as s:
        sandbox = find_flow(s, flow_id).is_sandbox
    lease = SendLease(db, pass_lease_key(sandbox), wait=PASS_WAIT_S)
    try:
        lease.acquire()
    except CampaignBusy:
        raise FlowError("An automation run is still enrolling customers; delete the flow when it has finished.") from None
    try:
        return _delete(db, flow_id)
    finally:
        lease.release()


def _delete(db: Any, flow_id: int) -> dict[str, Any]:
    from wadesk.core.campaigns import ledger as L

    with db.session() as s:
        flow = find_flow(s, flow_id)
        name = flow.name
        cancelled = L.cancel_waiting(s, [Message.flow_id == flow_id, Message.purpose == "automation"])
        active = s.scalar(select(func.count()).where(FlowEnrolment.flow_id == flow_id,
                                                     FlowEnrolment.state == "active")) or 0
        s.execute(delete(FlowEnrolment).where(FlowEnrolment.flow_id == flow_id))
        s.delete(flow)
    return {"id": flow_id, "name": name, "deleted": True, "active": int(active), "cancelled": cancelled}


def list_flows(session: Session, *, sandbox: bool | None = None) -> list[FlowView]:
    counts = {fid: (active or 0, total) for fid, active, total in session.execute(
        select(FlowEnrolment.flow_id, func.sum((FlowEnrolment.state == "active").cast(Integer)),
               func.count()).group_by(FlowEnrolment.flow_id))}
    q = select(Flow).order_by(Flow.id)
    if sandbox is not None:
        q = q.where(Flow.is_sandbox == sandbox)
    return [FlowView(f.id, f.name, f.recipe, f.enabled, FlowDefinition.from_json(f.definition),
                     int(counts.get(f.id, (0, 0))[0]), int(counts.get(f.id, (0, 0))[1]))
            for f in session.scalars(q)]

