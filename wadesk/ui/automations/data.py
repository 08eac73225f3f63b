"""What the Automations page reads and writes, as plain job functions (no Qt; run by the job runner).

Flows, their live enrolment counts and results come from core (`automations.flows`) plus the send
ledger; conversions, revenue and uplift use the reports engine's `Uplift` (messaged vs holdout).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select

from wadesk.core.automations.definition import FlowDefinition
from wadesk.core.automations.flows import FlowView
from wadesk.core.campaigns import ledger as L
from wadesk.core.db.automation_models import FlowEnrolment
from wadesk.core.db.models import Customer, Message, Order

HOLDOUT, ACTIVE = "holdout", "active"


@dataclass(frozen=True)
class FlowResults:
    """One flow's numbers: enrolments, the ledger of its messages, and what customers bought."""

    entered: int = 0  # ever, holdout included
    active: int = 0  # in the flow now
    held_out: int = 0
    completed: int = 0
    exited: int = 0
    sent: int = 0  # Meta took it (accepted, sent, delivered, read)
    delivered: int = 0  # delivered or read (webhooks)
    read: int = 0
    failed: int = 0
    waiting: int = 0  # queued or deferred
    window_days: int = 7
    uplift: Any = None  # reports.uplift.Uplift (messaged vs holdout), None without the reports engine

    @property
    def converted(self) -> int | None:
        return None if self.uplift is None else self.uplift.messaged_converted

    @property
    def revenue(self) -> Decimal | None:
        return None if self.uplift is None else self.uplift.messaged_revenue


@dataclass(frozen=True)
class FlowRow:
    view: FlowView
    results: FlowResults

    @property
    def id(self) -> int:
        return self.view.id


@dataclass(frozen=True)
class PageData:
    sandbox: bool
    flows: list[FlowRow]
    templates: list[Any]  # approved Template rows of the current mode (detached)
    exit_reasons: dict[int, list[tuple[str, int]]] = field(default_factory=dict)  # flow -> (why, n)
    segments: list[tuple[int, str, dict]] = field(default_factory=list)  # saved segments (entry rules to use)


def read_page(session: Any, _ctx: Any = None) -> PageData:
    from wadesk.core.automations.flows import list_flows
    from wadesk.core.messaging.account import resolve_mode
    from wadesk.core.messaging.templates import list_templates

    sandbox = resolve_mode(session).sandbox
    views = list_flows(session, sandbox=sandbox)
    results = flow_results(session, [v.id for v in views])
    templates = list_templates(session, sandbox=sandbox, sendable_only=True)
    for t in templates:
        session.expunge(t)
    reasons: dict[int, list[tuple[str, int]]] = {}
    for fid, why, n in session.execute(
            select(FlowEnrolment.flow_id, FlowEnrolment.exit_reason, func.count())
            .where(FlowEnrolment.state == "exited", FlowEnrolment.flow_id.in_([v.id for v in views]))
            .group_by(FlowEnrolment.flow_id, FlowEnrolment.exit_reason).order_by(func.count().desc())):
        reasons.setdefault(fid, []).append((why or "other", n))
    from wadesk.ui.templates.audience_combo import read_saved_segments

    return PageData(sandbox, [FlowRow(v, results.get(v.id, FlowResults())) for v in views], templates, reasons,
                    read_saved_segments(session, None))


def flow_results(session: Any, flow_ids: list[int]) -> dict[int, FlowResults]:
    """Per flow: enrolment states, ledger statuses of its messages, and conversions within the
    attribution window after entering (messaged vs held out — the same moment for both groups)."""
    if not flow_ids:
        return {}
    states: dict[int, Counter] = {}
    for fid, state, n in session.execute(select(FlowEnrolment.flow_id, FlowEnrolment.state, func.count())
                                         .where(FlowEnrolment.flow_id.in_(flow_ids))
                                         .group_by(FlowEnrolment.flow_id, FlowEnrolment.state)):
        states.setdefault(fid, Counter())[state] = n
    ledger: dict[int, Counter] = {}
    for fid, status, n in session.execute(select(Message.flow_id, Message.status, func.count()).where(
            Message.purpose == "automation", Message.flow_id.in_(flow_ids))
            .group_by(Message.flow_id, Message.status)):
        ledger.setdefault(fid, Counter())[status] = n
    window, conversions = _conversions(session, flow_ids)
    out = {}
    for fid in flow_ids:
        st, by = states.get(fid, Counter()), ledger.get(fid, Counter())
        out[fid] = FlowResults(
            entered=sum(st.values()), active=st[ACTIVE], held_out=st[HOLDOUT], completed=st["completed"],
            exited=st["exited"], sent=sum(by[s] for s in L.TAKEN), delivered=by[L.DELIVERED] + by[L.READ],
            read=by[L.READ], failed=by[L.FAILED], waiting=sum(by[s] for s in L.WAITING), window_days=window,
            uplift=conversions.get(fid) if conversions is not None else None)
    return out


def _conversions(session: Any, flow_ids: list[int]) -> tuple[int, dict[int, Any] | None]:
    try:
        from wadesk.core.reports.attribution import window_days
        from wadesk.core.reports.uplift import Uplift
    except ImportError:  # the reports engine is not there: the page says reports come later
        return 7, None
    window = window_days(session)
    groups: dict[int, dict[bool, list]] = {fid: {True: [0, 0, Decimal(0)], False: [0, 0, Decimal(0)]}
                                           for fid in flow_ids}
    for fid, state, n in session.execute(select(FlowEnrolment.flow_id, FlowEnrolment.state, func.count())
                                         .where(FlowEnrolment.flow_id.in_(flow_ids))
                                         .group_by(FlowEnrolment.flow_id, FlowEnrolment.state)):
        groups[fid][state == HOLDOUT][0] += n
    # Orders placed after entering (any order but a cancelled one), first as coarse SQL, then the
    # exact per-enrolment window here (portable SQL: no date arithmetic in the database).
    rows = session.execute(
        select(FlowEnrolment.id, FlowEnrolment.flow_id, FlowEnrolment.state, FlowEnrolment.entered_at,
               Order.placed_at, Order.total)
        .join(Order, and_(Order.customer_id == FlowEnrolment.customer_id,
                          Order.placed_at >= FlowEnrolment.entered_at))
        .where(FlowEnrolment.flow_id.in_(flow_ids), Order.cancelled_at.is_(None))).all()
    converted: set[int] = set()
    span = timedelta(days=window)
    for eid, fid, state, entered, placed, total in rows:
        if placed >= entered + span:
            continue
        g = groups[fid][state == HOLDOUT]
        if eid not in converted:
            converted.add(eid)
            g[1] += 1
        g[2] += Decimal(str(total or 0))
    return window, {fid: Uplift(g[False][0], g[False][1], g[True][0], g[True][1], g[False][2], g[True][2])
                    for fid, g in groups.items()}


# -- writes (db lane) ------------------------------------------------------------------------------
def add_recipe(session: Any, key: str, now: datetime) -> int:
    from wadesk.core.automations.flows import add_flow
    from wadesk.core.messaging.account import resolve_mode

    return add_flow(session, now=now, sandbox=resolve_mode(session).sandbox, recipe=key).id


def switch(session: Any, flow_id: int, on: bool, now: datetime) -> None:
    from wadesk.core.automations.flows import set_enabled

    set_enabled(session, flow_id, on, now=now)


def save(session: Any, flow_id: int, definition: FlowDefinition, name: str, now: datetime) -> None:
    """Save an edited flow (core restarts the entry point and finishes removed steps' waiters)."""
    from wadesk.core.automations.flows import update_definition

    update_definition(session, flow_id, definition, now=now, name=name)


def delete(db: Any, flow_id: int) -> dict[str, Any]:
    from wadesk.core.automations.flows import delete_flow

    return delete_flow(db, flow_id)


# -- previews and the dry run ------------------------------------------------------------------------
@dataclass(frozen=True)
class StepPreview:
    preview: Any  # core Preview, or None when the step has no usable template
    media_kind: str | None
    who: str  # whose message it is ("Aditi Sharma, who matches now" / "example values")
    problem: str = ""


def step_previews(db: Any, engine: Any, definition: FlowDefinition, sandbox: bool, now: datetime) -> list[StepPreview]:
    """Each step's message for one customer of the entry segment (else any customer, else the
    template's example values), rendered exactly as a send would."""
    from wadesk.core.messaging.mapping import TemplateMapping
    from wadesk.core.messaging.preview import preview_for_customer, preview_values
    from wadesk.core.messaging.templates import find_template, spec_of

    who_id, who_words = None, "example values"
    try:
        engine.ensure_fresh()
        ids = engine.ids(definition.entry, "reachable")
        if len(ids):
            who_id, who_words = int(ids[0]), "who matches the entry segment now"
    except Exception:  # noqa: BLE001 - a preview never fails the page; example values instead
        ids = []
    out = []
    with db.session() as s:
        if who_id is None:
            who_id = s.scalar(select(Customer.id).where(Customer.phone.is_not(None)).order_by(Customer.id).limit(1))
            who_words = "an example customer (nobody matches the entry segment now)" if who_id else who_words
        customer = s.get(Customer, who_id) if who_id else None
        for step in definition.steps:
            template = find_template(s, step.template or "", step.language, sandbox=sandbox) if step.template else None
            if template is None:
                out.append(StepPreview(None, None, "", "Choose a template for this step." if not step.template else
                                       f"The template '{step.template}' is not synced or not approved."))
                continue
            spec = spec_of(template)
            mapping = TemplateMapping.from_json(step.mapping or {"template": spec.name, "language": spec.language})
            if customer is not None:
                preview = preview_for_customer(s, spec, mapping, customer, now=now)
                who = f"{customer.name or 'A customer'}, {who_words}"
            else:
                preview, who = preview_values(spec), who_words
            problem = "; ".join(p.message for p in preview.problems)
            out.append(StepPreview(preview, spec.media_header, who, problem))
    return out
