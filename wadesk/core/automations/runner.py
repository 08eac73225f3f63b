"""One automation pass: enrol who newly matches, exit who should, queue the steps that are due,
send them through the same send engine as campaigns.

Safe to run twice at once or after a crash (the app's timer and a scheduled `wadesk automations
run` may overlap): an enrolment is unique while active (`active_key`), a step's ledger row is unique
per (flow, enrolment, step) (`idempotency_key`), a step only advances if nobody advanced it first,
and only one process sends the automation rows at a time (the send lease).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from wadesk.core.automations.definition import FlowDefinition, FlowError
from wadesk.core.campaigns import ledger as L
from wadesk.core.campaigns.holdout import in_holdout
from wadesk.core.campaigns.lease import CampaignBusy, SendLease
from wadesk.core.campaigns.policy import SendPolicy
from wadesk.core.campaigns.sender import LedgerSender, RunOutcome, SendControl
from wadesk.core.clock import Clock, SystemClock, utc_naive
from wadesk.core.db.automation_models import Flow, FlowEnrolment
from wadesk.core.db.models import Customer, Message, Order
from wadesk.core.messaging.mapping import TemplateMapping, ValueResolver
from wadesk.core.messaging.render import Renderer
from wadesk.core.messaging.templates import find_template, spec_of
from wadesk.core.segments.changes import decode_members, encode_members
from wadesk.core.segments.engine import SegmentEngine

log = logging.getLogger(__name__)
CAP_RETRY = timedelta(days=1)  # a step held back by the frequency cap is tried again a day later
NOT_COUNTED = ("failed", "cancelled", "skipped", "holdout")
PASS_WAIT_S = 120.0  # how long a pass waits for another one to finish its flows


@dataclass
class PassResult:
    flows: int = 0
    enrolled: int = 0
    held_out: int = 0
    queued: int = 0
    sent: int = 0
    exited: int = 0
    deferred: int = 0
    completed: int = 0
    send_state: str | None = None
    notes: list[str] = field(default_factory=list)

    def add(self, other: "PassResult") -> None:
        for name in ("enrolled", "held_out", "queued", "exited", "deferred", "completed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_json(self) -> dict[str, Any]:
        return {"flows": self.flows, "enrolled": self.enrolled, "sent": self.sent, "exited": self.exited,
                "deferred": self.deferred, "held_out": self.held_out, "queued": self.queued,
                "completed": self.completed, "send_state": self.send_state, "notes": self.notes}


def automation_scope(sandbox: bool) -> list[Any]:
    """The ledger rows the automation sender owns."""
    return [Message.purpose == "automation", Message.campaign_id.is_(None), Message.is_sandbox == sandbox]


def pass_lease_key(sandbox: bool) -> str:
    """The lease a pass holds while it enrols: whoever changes flows' enrolments takes turns on it."""
    return "automations-pass-sandbox" if sandbox else "automations-pass"


def step_key(flow_id: int, enrolment_id: int, step: int) -> str:
    return f"flow:{flow_id}:{enrolment_id}:{step}"


def _insert_ignore(session: Session, table: Any, rows: list[dict[str, Any]]) -> int:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL; returns rows inserted."""
    if not rows:
        return 0
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    n = 0
    for row in rows:  # RETURNING tells what was inserted on both (rowcount is -1 with RETURNING on psycopg)
        n += len(session.execute(dialect_insert(table).values(**row).on_conflict_do_nothing()
                                 .returning(table.c.id)).all())
    return n


def run_pass(db: Any, client: Any | None, *, sandbox: bool, engine: SegmentEngine | None = None,
             clock: Clock | None = None, send: bool = True, control: SendControl | None = None,
             progress: Callable[[Any], None] | None = None, sender_kw: dict[str, Any] | None = None) -> PassResult:
    clock = clock or SystemClock()
    now = clock.now()
    engine = engine or SegmentEngine(db, clock)
    result = PassResult()
    with db.session() as s:
        policy = SendPolicy.from_settings(s)
        flow_ids = list(s.scalars(select(Flow.id).where(Flow.enabled.is_(True), Flow.is_sandbox == sandbox)
                                  .order_by(Flow.id)))
    result.flows = len(flow_ids)
    if flow_ids:
        engine.ensure_fresh()
        # Passes take turns over the flows: each reads who is new and writes enrolments as one step
        # (SQLite reads outside a write transaction, so reading first and writing later could race).
        try:
            with SendLease(db, pass_lease_key(sandbox), wait=PASS_WAIT_S):
                for fid in flow_ids:
                    part = PassResult()
                    try:
                        with db.session() as s:  # one transaction per flow: all of it or none
                            _flow_pass(s, engine, fid, now, policy, sandbox, part)
                        result.add(part)
                    except FlowError as exc:
                        result.notes.append(str(exc))
                        log.warning("Flow %s skipped: %s", fid, exc)
        except CampaignBusy:
            result.notes.append("Another automation pass is still running; this one only sent what was due.")
    if send and client is not None:
        _send(db, client, sandbox, policy, clock, control, progress, result, sender_kw or {})
    return result


def _send(db: Any, client: Any, sandbox: bool, policy: SendPolicy, clock: Clock, control: SendControl | None,
          progress: Callable[[Any], None] | None, result: PassResult, kw: dict[str, Any]) -> RunOutcome | None:
    scope = automation_scope(sandbox)
    with db.session() as s:
        before = L.status_counts(s, scope)["accepted"]
    sender = LedgerSender(db, client, scope=scope, lease_key="automations-sandbox" if sandbox else "automations",
                          policy=policy, sandbox=sandbox, clock=clock, control=control, progress=progress,
                          **{"max_idle_s": 0, **kw})
    try:
        outcome = sender.run()
    except CampaignBusy:
        result.notes.append("Another WaDesk window or command is sending automation messages; they go from there.")
        return None
    with db.session() as s:
        result.sent = L.status_counts(s, scope)["accepted"] - before
    result.send_state = outcome.state
    if outcome.stop_reason:
        result.notes.append(outcome.stop_reason)
    return outcome


def _flow_pass(s: Session, engine: SegmentEngine, fid: int, now: datetime, policy: SendPolicy, sandbox: bool,
               result: PassResult) -> None:
    flow = s.get(Flow, fid)
    if flow is None or not flow.enabled:
        return
    d = FlowDefinition.from_json(flow.definition)
    stamp = utc_naive(now)
    members = np.asarray(engine.ids(d.entry, "matched"), dtype=np.int64)
    if flow.last_members is None:  # just switched on: today's members are the starting point
        flow.last_members, flow.last_run_at = encode_members(members), stamp
        return
    entered = np.setdiff1d(members, decode_members(flow.last_members), assume_unique=True)
    _enrol(s, flow, d, entered.tolist(), now, policy.timezone, result)
    _exit(s, flow, d, members, stamp, result)
    _due_steps(s, flow, d, now, policy, sandbox, result)
    flow.last_members, flow.last_run_at = encode_members(members), stamp


def _enrol(s: Session, flow: Flow, d: FlowDefinition, entered: list[int], now: datetime, zone: str,
           result: PassResult) -> None:
    if not entered:
        return
    stamp = utc_naive(now)
    last_entry = dict(s.execute(select(FlowEnrolment.customer_id, func.max(FlowEnrolment.entered_at)).where(
        FlowEnrolment.flow_id == flow.id, FlowEnrolment.customer_id.in_(entered))
        .group_by(FlowEnrolment.customer_id)).all())
    first_due = utc_naive(d.steps[0].wait.after(now, zone))
    active, held = [], []
    for cid in entered:
        before = last_entry.get(cid)
        if before is not None and (d.reentry_days is None or stamp - before < timedelta(days=d.reentry_days)):
            continue
        # Held-out customers are recorded (the uplift baseline) but never messaged by this flow.
        if in_holdout(f"flow-{flow.id}", cid, d.holdout_pct):
            held.append({"flow_id": flow.id, "customer_id": cid, "state": "holdout", "active_key": None, "step": 0,
                         "next_step_at": None, "entered_at": stamp})
        else:
            active.append({"flow_id": flow.id, "customer_id": cid, "state": "active",
                           "active_key": f"{flow.id}:{cid}", "step": 0, "next_step_at": first_due,
                           "entered_at": stamp})
    result.enrolled += _insert_ignore(s, FlowEnrolment.__table__, active)
    result.held_out += _insert_ignore(s, FlowEnrolment.__table__, held)


def _exit(s: Session, flow: Flow, d: FlowDefinition, members: np.ndarray, stamp: datetime,
          result: PassResult) -> None:
    active = s.execute(select(FlowEnrolment.id, FlowEnrolment.customer_id, FlowEnrolment.entered_at).where(
        FlowEnrolment.flow_id == flow.id, FlowEnrolment.state == "active")).all()
    if not active:
        return
    ids = [r.customer_id for r in active]
    reasons: dict[int, str] = {}
    if "opted_out" in d.exits:
        for cid in s.scalars(select(Customer.id).where(Customer.id.in_(ids), Customer.consent_state == -1)):
            reasons.setdefault(cid, "opted out of marketing")
    entered_at = {r.customer_id: r.entered_at for r in active}
    if "purchased" in d.exits:
        for cid, last in s.execute(select(Order.customer_id, func.max(Order.placed_at)).where(
                Order.customer_id.in_(ids), Order.cancelled_at.is_(None)).group_by(Order.customer_id)):
            if last is not None and last >= entered_at[cid]:
                reasons.setdefault(cid, "bought something")
    if "replied" in d.exits:
        for cid, last in s.execute(select(Message.customer_id, func.max(Message.created_at)).where(
                Message.customer_id.in_(ids), Message.direction == "in").group_by(Message.customer_id)):
            if last is not None and last >= entered_at[cid]:
                reasons.setdefault(cid, "replied")
    if "left_segment" in d.exits:
        gone = set(ids) - set(members.tolist())
        for cid in gone:
            reasons.setdefault(cid, "no longer matches the entry segment")
    for r in active:
        why = reasons.get(r.customer_id)
        if why:
            done = s.execute(update(FlowEnrolment).where(FlowEnrolment.id == r.id, FlowEnrolment.state == "active")
                             .values(state="exited", active_key=None, exited_at=stamp, exit_reason=why,
                                     next_step_at=None)).rowcount
            result.exited += done or 0


def _due_steps(s: Session, flow: Flow, d: FlowDefinition, now: datetime, policy: SendPolicy, sandbox: bool,
               result: PassResult) -> None:
    from wadesk.core.messaging.context import bulk_contexts, context_keys

    stamp = utc_naive(now)
    due = s.execute(select(FlowEnrolment.id, FlowEnrolment.customer_id, FlowEnrolment.step).where(
        FlowEnrolment.flow_id == flow.id, FlowEnrolment.state == "active",
        FlowEnrolment.next_step_at <= stamp)).all()
    by_step: dict[int, list[Any]] = {}
    for r in due:
        by_step.setdefault(r.step, []).append(r)
    for step_no, rows in sorted(by_step.items()):
        if step_no >= len(d.steps):  # the step was removed: they have had every step there is
            s.execute(update(FlowEnrolment).where(FlowEnrolment.id.in_([r.id for r in rows])).values(
                state="completed", active_key=None, next_step_at=None, exited_at=stamp))
            result.completed += len(rows)
            continue
        step = d.steps[step_no]
        template = find_template(s, step.template or "", step.language, sandbox=sandbox)
        if template is None or not spec_of(template).sendable:
            raise FlowError(f"'{flow.name}' step {step_no + 1}: the template '{step.template}' is not approved "
                            "or not synced. Choose another template or re-sync templates.")
        spec = spec_of(template)
        mapping = TemplateMapping.from_json(step.mapping or {"template": spec.name, "language": spec.language})
        marketing = spec.category == "MARKETING"
        cids = [r.customer_id for r in rows]
        capped = _capped(s, cids, policy, stamp, sandbox) if marketing else set()
        consent = dict(s.execute(select(Customer.id, Customer.consent_state).where(Customer.id.in_(cids))).all())
        contexts = {cid: (phone, ctx) for cid, phone, ctx in
                    bulk_contexts(s, cids, now, keys=context_keys(mapping))}
        resolver, renderer = ValueResolver(spec, mapping), Renderer(spec)
        media = mapping.header_media if isinstance(mapping.header_media, dict) else (
            {"link": mapping.header_media} if isinstance(mapping.header_media, str) else None)
        for r in rows:
            cid = r.customer_id
            if cid in capped:
                n = s.execute(update(FlowEnrolment).where(FlowEnrolment.id == r.id, FlowEnrolment.step == step_no)
                              .values(next_step_at=stamp + CAP_RETRY)).rowcount
                result.deferred += n or 0
                continue
            phone, ctx = contexts.get(cid, (None, {}))
            problem = None
            if not phone:
                problem = "has no WhatsApp number"
            elif marketing and (consent.get(cid) == -1 or (policy.require_opt_in and consent.get(cid) != 1)):
                problem = "has not opted in to marketing"
            rendered = None
            if problem is None:
                values, problems = resolver.resolve(ctx)
                rendered = renderer.render(values, to=phone, header_media=media)
                if problems or rendered.problems:
                    problem = "message could not be prepared: " + "; ".join(
                        p.message for p in (problems + rendered.problems))
            if problem is not None:
                n = s.execute(update(FlowEnrolment).where(FlowEnrolment.id == r.id, FlowEnrolment.step == step_no)
                              .values(state="exited", active_key=None, exited_at=stamp, next_step_at=None,
                                      exit_reason=f"Step {step_no + 1} skipped: the customer {problem}.")).rowcount
                result.exited += n or 0
                continue
            last = step_no + 1 >= len(d.steps)
            moved = s.execute(update(FlowEnrolment).where(FlowEnrolment.id == r.id, FlowEnrolment.step == step_no,
                                                          FlowEnrolment.state == "active").values(
                step=step_no + 1, state="completed" if last else "active", active_key=None if last else
                f"{flow.id}:{cid}", exited_at=stamp if last else None,
                next_step_at=None if last else utc_naive(d.steps[step_no + 1].wait.after(now, policy.timezone)))).rowcount
            if not moved:
                continue  # another pass took this step
            result.completed += int(last)
            result.queued += _insert_ignore(s, Message.__table__, [{
                "direction": "out", "customer_id": cid, "campaign_id": None, "flow_id": flow.id,
                "purpose": "automation", "idempotency_key": step_key(flow.id, r.id, step_no), "to_phone": phone,
                "template_name": spec.name, "category": spec.category, "body": rendered.body,
                "payload": rendered.payload, "status": L.QUEUED, "is_holdout": False, "is_sandbox": sandbox,
                "attempts": 0, "created_at": stamp, "next_attempt_at": stamp}])


def _capped(s: Session, cids: list[int], policy: SendPolicy, stamp: datetime, sandbox: bool) -> set[int]:
    """Customers at the shared marketing frequency cap (campaigns and automations together)."""
    since = stamp - timedelta(days=policy.cap_days)
    counts = s.execute(select(Message.customer_id, func.count()).where(
        Message.customer_id.in_(cids), Message.direction == "out", Message.is_sandbox == sandbox,
        func.upper(Message.category) == "MARKETING", Message.status.not_in(NOT_COUNTED),
        Message.created_at >= since).group_by(Message.customer_id)).all()
    return {cid for cid, n in counts if n >= policy.cap_messages}


def dry_run(db: Any, *, sandbox: bool, hours: float = 24, engine: SegmentEngine | None = None,
            clock: Clock | None = None) -> list[dict[str, Any]]:
    """Who would get what in the next `hours`: due steps of active enrolments, and customers who
    newly match an entry segment now (their first step). Writes nothing."""
    clock = clock or SystemClock()
    now = clock.now()
    until = utc_naive(now + timedelta(hours=hours))
    engine = engine or SegmentEngine(db, clock)
    out: list[dict[str, Any]] = []
    with db.session() as s:
        zone = SendPolicy.from_settings(s).timezone
        flows = list(s.scalars(select(Flow).where(Flow.enabled.is_(True), Flow.is_sandbox == sandbox)))
        if flows:
            engine.ensure_fresh()
        for flow in flows:
            d = FlowDefinition.from_json(flow.definition)
            for eid, cid, step, at in s.execute(select(
                    FlowEnrolment.id, FlowEnrolment.customer_id, FlowEnrolment.step, FlowEnrolment.next_step_at)
                    .where(FlowEnrolment.flow_id == flow.id, FlowEnrolment.state == "active",
                           FlowEnrolment.next_step_at <= until)):
                if step < len(d.steps):
                    out.append({"flow": flow.name, "customer_id": cid, "step": step + 1,
                                "template": d.steps[step].template,
                                "at": at.replace(tzinfo=timezone.utc).isoformat()})
            if flow.last_members is not None:
                members = np.asarray(engine.ids(d.entry, "matched"), dtype=np.int64)
                new = np.setdiff1d(members, decode_members(flow.last_members), assume_unique=True)
                at = d.steps[0].wait.after(now, zone)
                if at <= now + timedelta(hours=hours):
                    out += [{"flow": flow.name, "customer_id": int(c), "step": 1, "template": d.steps[0].template,
                             "at": at.isoformat(), "new": True} for c in new.tolist()
                            if not in_holdout(f"flow-{flow.id}", int(c), d.holdout_pct)]
        names = dict(s.execute(select(Customer.id, Customer.name).where(
            Customer.id.in_([o["customer_id"] for o in out]))).all()) if out else {}
    for o in out:
        o["name"] = names.get(o["customer_id"], "")
    return sorted(out, key=lambda o: o["at"])

