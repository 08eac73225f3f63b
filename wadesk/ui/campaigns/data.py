"""What the Campaigns page reads and writes, as plain job functions (run by the job runner; no Qt).

Every function takes a session (db lane) or the Database and a JobContext; the page only shows the
answers. The send itself is in runner.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import func, select

from wadesk.core.campaigns import ledger as L
from wadesk.core.db.models import Campaign, Message


@dataclass(frozen=True)
class CampaignRow:
    """One line of the campaigns list."""

    id: int
    name: str
    state: str
    stop_reason: str | None
    sandbox: bool
    recipients: int  # messages to send (holdout not counted)
    holdout: int
    accepted: int
    failed: int
    unknown: int
    remaining: int
    created_at: datetime
    scheduled_at: datetime | None
    template: str
    audience: str
    estimated_cost: Decimal | None


def read_campaigns(session: Any, _ctx: Any = None) -> list[CampaignRow]:
    """Every campaign, newest first, with its ledger counts from one grouped query."""
    counts: dict[int, dict[str, int]] = {}
    for cid, status, k in session.execute(
            select(Message.campaign_id, Message.status, func.count()).where(
                Message.campaign_id.is_not(None), Message.purpose == "campaign")
            .group_by(Message.campaign_id, Message.status)):
        counts.setdefault(cid, {})[status] = k
    rows = []
    for c in session.scalars(select(Campaign).order_by(Campaign.id.desc())):
        by = counts.get(c.id, {})
        settings = c.settings or {}
        holdout = by.get(L.HOLDOUT, 0)
        rows.append(CampaignRow(
            id=c.id, name=c.name, state=c.status, stop_reason=c.stop_reason, sandbox=bool(c.is_sandbox),
            recipients=sum(by.values()) - holdout, holdout=holdout,
            accepted=sum(by.get(s, 0) for s in L.TAKEN), failed=by.get(L.FAILED, 0), unknown=by.get(L.UNKNOWN, 0),
            remaining=sum(by.get(s, 0) for s in (*L.WAITING, L.SENDING)), created_at=c.created_at,
            scheduled_at=c.scheduled_at, template=(settings.get("template") or {}).get("name", ""),
            audience=settings.get("audience", ""), estimated_cost=c.estimated_cost))
    return rows


@dataclass
class CampaignDetail:
    row: CampaignRow
    counts: dict[str, Any]  # ledger.status_counts
    failures: dict[str, int]  # plain reason -> n
    next_due: datetime | None  # naive UTC
    settings: dict[str, Any] = field(default_factory=dict)


def read_detail(session: Any, campaign_id: int) -> CampaignDetail | None:
    row = next((r for r in read_campaigns(session) if r.id == campaign_id), None)
    if row is None:
        return None
    reasons = session.execute(select(Message.error_title, func.count()).where(
        Message.campaign_id == campaign_id, Message.purpose == "campaign", Message.status == L.FAILED)
        .group_by(Message.error_title)).all()
    c = session.get(Campaign, campaign_id)
    return CampaignDetail(row, L.status_counts(session, campaign_id), {r or "Other": k for r, k in reasons},
                          L.next_due(session, campaign_id), dict(c.settings or {}))


def resolve_unknown(db: Any, campaign_id: int, resend: bool, now: datetime) -> int:
    """The owner's decision on messages whose outcome is unknown (under the campaign's lease, so a
    sender elsewhere can't be holding them)."""
    from wadesk.core.campaigns.lease import CampaignLease

    with CampaignLease(db, campaign_id), db.session() as s:
        return L.resolve_unknown(s, campaign_id, resend=resend, now=now)


def cancel_campaign(db: Any, campaign_id: int) -> int:
    """Cancel a campaign that is not sending right now: rows not yet sent become cancelled."""
    from wadesk.core.campaigns.lease import CampaignLease

    with CampaignLease(db, campaign_id), db.session() as s:
        c = s.get(Campaign, campaign_id)
        if c is None:
            raise ValueError("This campaign no longer exists.")
        n = L.cancel_waiting(s, campaign_id)
        if c.status not in (L.DONE, L.CAMPAIGN_CANCELLED):
            c.status = L.CAMPAIGN_CANCELLED
            c.stop_reason = None
        return n


def start_now(db: Any, campaign_id: int, now: datetime) -> int:
    """A scheduled campaign brought forward to now (under its lease, like every ledger change)."""
    from wadesk.core.campaigns.lease import CampaignLease

    with CampaignLease(db, campaign_id), db.session() as s:
        return L.start_now(s, campaign_id, now)


def mark_resumable(db: Any, campaign_ids: list[int]) -> None:
    """Campaigns paused because WaDesk was closing go back to `ready`: offered again at next start
    (a pause the owner chose stays `paused`)."""
    with db.session() as s:
        for cid in campaign_ids:
            c = s.get(Campaign, cid)
            if c is not None and c.status == L.PAUSED:
                c.status = L.READY


@dataclass(frozen=True)
class Due:
    resumable: list[tuple[int, str, str]]  # (id, name, state) unfinished at start
    due_now: list[int]  # scheduled or waiting campaigns whose time has come


def read_due(session: Any, now: datetime) -> Due:
    """Unfinished campaigns and which of them may send now (schedule reached, out of quiet hours)."""
    from wadesk.core.campaigns.policy import SendPolicy
    from wadesk.core.campaigns.schedule import next_send_time
    from wadesk.core.clock import utc_naive

    stamp = utc_naive(now)
    resumable, due = [], []
    for c in L.active_campaigns(session):
        resumable.append((c.id, c.name, c.status))
        if c.status not in (L.SCHEDULED, L.WAITING_STATE, L.READY):
            continue
        try:
            policy = SendPolicy.from_json((c.settings or {}).get("policy") or {})
        except ValueError:
            continue
        if next_send_time(now, policy) > now:
            continue  # quiet hours: the sender would only wait
        nxt = L.next_due(session, c.id)
        if nxt is not None and nxt <= stamp:
            due.append(c.id)
    return Due(resumable, due)


# -- the wizard ------------------------------------------------------------------------------------
@dataclass
class WizardSetup:
    sandbox: bool
    mode_reason: str
    templates: list[Any]  # approved Template rows of the current mode (detached)
    saved: list[tuple[int, str, dict]]  # saved segments
    policy: Any  # SendPolicy from the settings
    marketing_endpoint: bool
    region: str


def read_setup(session: Any, _ctx: Any = None) -> WizardSetup:
    from wadesk.core.campaigns.policy import SendPolicy
    from wadesk.core.messaging.account import resolve_mode
    from wadesk.core.messaging.templates import list_templates
    from wadesk.core.segments import list_segments
    from wadesk.core.settings import get_setting

    mode = resolve_mode(session)
    templates = list_templates(session, sandbox=mode.sandbox, sendable_only=True)
    for t in templates:
        session.expunge(t)
    return WizardSetup(mode.sandbox, mode.reason, templates,
                       [(s.id, s.name, s.rules) for s in list_segments(session)], SendPolicy.from_settings(session),
                       bool(get_setting(session, "whatsapp_marketing_endpoint")),
                       str(get_setting(session, "default_region") or "IN"))


def read_daily_limit(db: Any, sandbox: Callable[[], Any], is_sandbox: bool) -> int | None:
    """The account's unique-customer limit per 24 h from WhatsApp (network)."""
    from wadesk.core.messaging.connection import check_connection

    return check_connection(db, sandbox=sandbox() if is_sandbox else None, max_retries=0).info.daily_unique_limit


def reach_counts(engine: Any, rules: dict, policy: Any) -> dict[str, int]:
    """The live count on the Customers step: the first five funnel stages under the shop's policy."""
    engine.ensure_fresh()
    masks = engine.stage_masks(rules, policy.reach_policy())
    return {k: int(masks[k].sum()) for k in ("matched", "reachable", "opted_in", "not_suppressed", "eligible")}


@dataclass
class Review:
    plan: Any  # CampaignPlan
    countries: dict[str, int]  # recipients to send by country, for the GST toggle
    sample_id: int | None  # a recipient to personalise test messages with


def plan_review(db: Any, engine: Any, req: Any, sandbox: bool, clock: Any, ctx: Any) -> Review:
    from wadesk.core.campaigns.freeze import plan_campaign

    plan = plan_campaign(db, engine, req, sandbox=sandbox, clock=clock, progress=ctx.progress,
                         cancelled=ctx.cancelled)
    return Review(plan, plan.countries, plan.send_ids[0] if plan.send_ids else None)


def uploader(db: Any, server: Any) -> Callable[[str], dict[str, str]]:
    """Uploads a local header file once, at freeze (like `wadesk campaign create`)."""
    from wadesk.core.messaging.connection import media_uploader

    return media_uploader(db, server)


def send_tests(db: Any, sandbox: Callable[[], Any], template: Any, mapping: Any, phones: list[str], *,
               is_sandbox: bool, sample_id: int | None, region: str, campaign_id: int | None,
               marketing_endpoint: bool, clock: Any) -> list[Any]:
    from wadesk.core.campaigns.owner_test import send_test
    from wadesk.core.messaging.connection import open_client

    with open_client(db, sandbox=sandbox() if is_sandbox else None, max_retries=0) as (client, mode):
        if mode.sandbox != is_sandbox:
            raise ValueError("The WhatsApp connection changed (sandbox / real account); open the campaign again.")
        return send_test(db, client, template, mapping, phones, sandbox=is_sandbox, sample_customer_id=sample_id,
                         default_region=region, campaign_id=campaign_id, marketing_endpoint=marketing_endpoint,
                         clock=clock)


def test_inputs(session: Any, campaign_id: int) -> tuple[Any, Any, int | None, bool, bool]:
    """A frozen campaign's template, mapping, sample recipient, sandbox flag and endpoint for a test."""
    from wadesk.core.db.models import Template
    from wadesk.core.messaging.mapping import TemplateMapping

    c = session.get(Campaign, campaign_id)
    template = session.get(Template, c.template_id) if c and c.template_id else None
    if template is None:
        raise ValueError("This campaign's template is gone; sync templates and create the campaign again.")
    session.expunge(template)
    sample = session.scalar(select(Message.customer_id).where(
        Message.campaign_id == campaign_id, Message.status != L.HOLDOUT).order_by(Message.id).limit(1))
    endpoint = (c.settings or {}).get("endpoint") == "marketing_messages"
    return template, TemplateMapping.from_json(c.mapping), sample, bool(c.is_sandbox), endpoint
