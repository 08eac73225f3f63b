"""One campaign's report: funnel, failures by reason, revenue, cost, ROI, uplift, daily conversions.

Everything is a handful of set-based queries over the campaign's ledger rows (GROUP BY and joins on
indexes; no ORM object per recipient), so a 100,000-recipient campaign opens in well under a second
(`tests/perf/test_report_perf.py`). The same definitions give the customers behind every number
(`stage_customers`), so a click on a number lists exactly the people it counts.

Funnel (each a number of customers):
  audience   every ledger row (messaged and held out)      holdout   held out on purpose
  sent       requests that went to Meta (taken, failed, unknown)
  accepted   Meta took it (accepted, sent, delivered, read)
  delivered  delivered or read                              read      read
  replied    wrote back within 3 days of the message (the segment engine's "replied")
  clicked    tapped one of its buttons (not "Stop promotions")
  converted  messaged customers with an attributed order (see attribution.py)
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from wadesk.core.campaigns import ledger as L
from wadesk.core.campaigns.policy import SendPolicy
from wadesk.core.campaigns.pricing import CATEGORIES, RateCard
from wadesk.core.crm.bookkeeping import chunks
from wadesk.core.db.models import Campaign, Message
from wadesk.core.messaging.errors import classify
from wadesk.core.messaging.template_spec import STOP_PAYLOAD, is_stop_button
from wadesk.core.reports.attribution import (
    AttributedOrder, attributed_orders, window_days,
)
from wadesk.core.reports.uplift import Uplift
from wadesk.core.settings import SettingError

REPLY_WINDOW = timedelta(days=3)  # as the segment engine's "replied" (segments/windows.py REPLY_WINDOW_S)
SENT_OUT = (*L.TAKEN, L.FAILED, L.UNKNOWN)
DELIVERED = (L.DELIVERED, L.READ)
CENT = Decimal("0.01")


class ReportError(LookupError):
    pass


@dataclass(frozen=True)
class FailureReason:
    code: int | None
    reason: str  # plain words
    customers: int


@dataclass
class CampaignReport:
    campaign_id: int
    name: str
    state: str
    sandbox: bool
    audience_label: str
    start: datetime | None
    window_days: int
    currency: str
    funnel: dict[str, int]
    failures: list[FailureReason]
    revenue: Decimal
    orders: int
    holdout_revenue: Decimal
    holdout_orders: int
    cost: Decimal
    cost_basis: str  # actual | estimated | partly estimated
    estimated_cost: Decimal
    uplift: Uplift
    daily: list[tuple[date, int, int]] = field(default_factory=list)  # day, messaged orders, holdout orders
    by_how: dict[str, int] = field(default_factory=dict)  # orders credited by code / utm / window

    @property
    def roi(self) -> float | None:
        """(revenue − cost) / cost: 3.0 means every ₹1 spent came back as ₹4 of sales."""
        if self.cost <= 0 or not self.funnel["accepted"]:  # nothing spent yet: no return to speak of
            return None
        return float((self.revenue - self.cost) / self.cost)

    @property
    def revenue_per_message(self) -> Decimal | None:
        n = self.funnel["accepted"]
        return (self.revenue / n).quantize(CENT) if n else None

    def as_json(self) -> dict[str, Any]:
        u, f = self.uplift, self.funnel
        ci = u.interval
        inc_rev = u.incremental_revenue
        return {
            "campaign_id": self.campaign_id, "name": self.name, "state": self.state, "sandbox": self.sandbox,
            "audience": f["audience"], "holdout": f["holdout"], "sent": f["sent"], "accepted": f["accepted"],
            "delivered": f["delivered"], "read": f["read"], "replied": f["replied"], "clicked": f["clicked"],
            "failed": f["failed"], "read_not_converted": f["read_not_converted"], "conversions": f["converted"], "holdout_conversions": f["holdout_converted"],
            "orders": self.orders, "holdout_orders": self.holdout_orders,
            "revenue": str(self.revenue), "holdout_revenue": str(self.holdout_revenue),
            "cost": str(self.cost), "cost_basis": self.cost_basis, "estimated_cost": str(self.estimated_cost),
            "currency": self.currency,
            "roi": None if self.roi is None else round(self.roi, 4),
            "revenue_per_message": None if self.revenue_per_message is None else str(self.revenue_per_message),
            "conversion_rate": _r(u.messaged_rate), "holdout_conversion_rate": _r(u.holdout_rate),
            "uplift_abs": _r(u.absolute), "uplift_rel": _r(u.relative),
            "uplift_ci": None if ci is None else [_r(ci[0]), _r(ci[1])],
            "enough_data": u.enough_data, "verdict": u.verdict, "uplift_text": u.sentence(),
            "incremental_orders": None if u.incremental_orders is None else round(u.incremental_orders, 1),
            "incremental_revenue": None if inc_rev is None else str(inc_rev),
            "attribution_window_days": self.window_days, "credited_by": self.by_how,
            "start": self.start.isoformat() if self.start else None,
            "failures": [{"code": x.code, "reason": x.reason, "customers": x.customers} for x in self.failures],
            "daily": [{"day": d.isoformat(), "messaged": m, "holdout": h} for d, m, h in self.daily],
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def _policy(campaign: Campaign) -> SendPolicy:
    try:
        return SendPolicy.from_json((campaign.settings or {}).get("policy") or {})
    except (SettingError, TypeError, ValueError):
        return SendPolicy()  # an unreadable frozen policy: today's defaults rather than no report


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, int(campaign_id))
    if campaign is None:
        raise ReportError(f"There is no campaign {campaign_id}.")
    return campaign


@dataclass(frozen=True)
class _Group:
    """One GROUP BY row of the campaign's ledger: every figure of the funnel and the cost adds these up."""
    status: str
    holdout: bool
    category: str | None
    prefix: str  # the first 4 characters of the number ("+919"): enough for its country
    has_delivered_at: bool
    count: int
    first_sent: datetime | None
    last_sent: datetime | None


def _ledger_groups(session: Session, cid: int) -> list[_Group]:
    """The whole ledger in one scan, grouped by what the report distinguishes."""
    prefix = func.coalesce(func.substr(Message.to_phone, 1, 4), "")
    has_delivered = case((Message.delivered_at.isnot(None), 1), else_=0)
    rows = session.execute(
        select(Message.status, Message.is_holdout, Message.category, prefix, has_delivered, func.count(),
               func.min(Message.sent_at), func.max(Message.sent_at))
        .where(Message.campaign_id == cid, Message.purpose == "campaign")
        .group_by(Message.status, Message.is_holdout, Message.category, prefix, has_delivered)).all()
    return [_Group(st, bool(h), cat, p, bool(d), int(n), lo, hi) for st, h, cat, p, d, n, lo, hi in rows]


def _funnel_counts(groups: list[_Group]) -> dict[str, int]:
    def n(pred) -> int:
        return sum(g.count for g in groups if pred(g))

    return {"audience": n(lambda g: True), "holdout": n(lambda g: g.holdout),
            "sent": n(lambda g: g.status in SENT_OUT), "accepted": n(lambda g: g.status in L.TAKEN),
            "delivered": n(lambda g: g.status in DELIVERED), "read": n(lambda g: g.status == L.READ),
            "failed": n(lambda g: g.status == L.FAILED)}


def _send_span(groups: list[_Group]) -> tuple[datetime | None, datetime | None]:
    """First and last send Meta accepted."""
    taken = [g for g in groups if g.status in L.TAKEN and g.first_sent is not None]
    if not taken:
        return None, None
    return min(g.first_sent for g in taken), max(g.last_sent for g in taken)


def _failures(session: Session, cid: int) -> list[FailureReason]:
    rows = session.execute(select(Message.error_code, func.max(Message.error_title), func.count())
                           .where(Message.campaign_id == cid, Message.purpose == "campaign",
                                  Message.status == L.FAILED)
                           .group_by(Message.error_code).order_by(func.count().desc())).all()
    return [FailureReason(code, title or classify(code).plain, int(count)) for code, title, count in rows]


TAP_TYPES = ("button", "interactive")  # as the segment engine's "clicked" (segments/frames.py)


def _answers(session: Session, cid: int) -> tuple[set[int], set[int]]:
    """(replied, tapped): customers who wrote back within 3 days of the campaign's message, and those
    who tapped one of its quick-reply buttons (an inbound button / interactive message whose
    `context.id` is our wamid; "Stop promotions" is an opt-out, not a tap). One pass over the
    recipients' inbound messages since their send, by the (customer_id, created_at) index."""
    reply = Message.__table__.alias("reply")
    p = reply.c.payload
    rows = session.execute(
        select(Message.customer_id, Message.sent_at, Message.wamid, reply.c.created_at, p["type"].as_string(),
               p[("context", "id")].as_string(), p[("button", "payload")].as_string(),
               p[("button", "text")].as_string(), p[("interactive", "button_reply", "title")].as_string())
        .join(reply, and_(reply.c.customer_id == Message.customer_id, reply.c.direction == "in",
                          reply.c.created_at >= Message.sent_at))
        .where(Message.campaign_id == cid, Message.purpose == "campaign", Message.status.in_(L.TAKEN))).all()
    replied, tapped = set(), set()
    for customer, sent, wamid, at, kind, context, payload, text, title in rows:
        if at - sent <= REPLY_WINDOW:
            replied.add(customer)
        if (kind in TAP_TYPES and wamid and context == wamid and payload != STOP_PAYLOAD
                and not is_stop_button(text) and not is_stop_button(title)):
            tapped.add(customer)
    return replied, tapped


def _read_among(session: Session, cid: int, customers: set[int]) -> int:
    """How many of these customers read the campaign's message (the retargeting list's complement)."""
    return sum(session.scalar(select(func.count()).where(
        Message.campaign_id == cid, Message.purpose == "campaign", Message.status == L.READ,
        Message.customer_id.in_(part))) or 0 for part in chunks(customers))


def _country_of_prefix(prefix: str, cache: dict[str, str]) -> str:
    from wadesk.core.campaigns.freeze import _country  # the freeze's own phone → country rule

    return _country(prefix, cache) if prefix.startswith("+") else "*"


def _cost(groups: list[_Group], campaign: Campaign, policy: SendPolicy) -> tuple[Decimal, str]:
    """Delivered messages priced by their billed category (Meta's pricing.category from the webhook,
    else the template's) and the recipient's country; messages Meta took but has not reported
    delivered yet are priced as if they will be (the estimate). Undelivered failures are free."""
    card: RateCard = policy.rate_card
    factor = 1 + card.gst_pct / 100 if policy.include_gst else Decimal(1)
    default_cat = str((campaign.settings or {}).get("category") or "MARKETING").upper()
    cache: dict[str, str] = {}
    actual = estimated = Decimal(0)
    for g in groups:
        delivered = g.status in DELIVERED or (g.status == L.FAILED and g.has_delivered_at)
        if not delivered and g.status not in (L.ACCEPTED, L.SENT):
            continue
        cat = str(g.category or default_cat).upper()
        cat = cat if cat in CATEGORIES else default_cat
        price = card.rate(_country_of_prefix(g.prefix, cache), cat) * g.count
        if delivered:
            actual += price
        else:
            estimated += price
    total = ((actual + estimated) * factor).quantize(CENT, rounding=ROUND_HALF_UP)
    basis = "actual" if not estimated else "estimated" if not actual else "partly estimated"
    return total, basis


def _zone(policy: SendPolicy):
    return ZoneInfo(policy.timezone) if policy.timezone else None  # None: this computer's zone


def _local_day(at: datetime, zone) -> date:
    return at.replace(tzinfo=timezone.utc).astimezone(zone).date()


def _daily(orders: Iterable[AttributedOrder], start: datetime | None, days: int, zone,
           now: datetime | None) -> list[tuple[date, int, int]]:
    if start is None:
        return []
    first = _local_day(start, zone)
    last = first + timedelta(days=days)
    if now is not None:
        last = max(first, min(last, _local_day(now, zone)))
    counts: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for o in orders:
        counts[_local_day(o.placed_at, zone)][1 if o.holdout else 0] += 1
    last = max([last, *counts])
    out = []
    d = first
    while d <= last:
        m, h = counts.get(d, (0, 0))
        out.append((d, m, h))
        d += timedelta(days=1)
    return out


def build_report(session: Session, campaign_id: int, *, window: int | None = None,
                 now: datetime | None = None) -> CampaignReport:
    campaign = _campaign(session, campaign_id)
    cid = campaign.id
    policy = _policy(campaign)
    window = window_days(session) if window is None else int(window)
    groups = _ledger_groups(session, cid)
    first_sent, last_sent = _send_span(groups)
    start = first_sent or campaign.frozen_at  # as attribution.campaign_start, without a second scan
    funnel = _funnel_counts(groups)
    orders = attributed_orders(session, campaign, window, start, last_sent)
    messaged_orders = [o for o in orders if not o.holdout]
    held_orders = [o for o in orders if o.holdout]
    converted = {o.customer_id for o in messaged_orders}
    held_converted = {o.customer_id for o in held_orders}
    replied, tapped = _answers(session, cid)
    funnel.update(replied=len(replied), clicked=len(tapped),
                  converted=len(converted), holdout_converted=len(held_converted),
                  read_not_converted=funnel["read"] - _read_among(session, cid, converted))
    revenue = sum((o.total for o in messaged_orders), Decimal(0))
    held_revenue = sum((o.total for o in held_orders), Decimal(0))
    cost, basis = _cost(groups, campaign, policy)
    if not funnel["accepted"]:
        basis = "estimated"
        cost = Decimal(campaign.estimated_cost or 0)
    by_how: dict[str, int] = defaultdict(int)
    for o in messaged_orders:
        by_how[o.how] += 1
    uplift = Uplift(funnel["accepted"], len(converted), funnel["holdout"], len(held_converted), revenue, held_revenue)
    return CampaignReport(
        campaign_id=cid, name=campaign.name, state=campaign.status, sandbox=bool(campaign.is_sandbox),
        audience_label=str((campaign.settings or {}).get("audience") or "Customers"), start=start,
        window_days=window, currency=policy.rate_card.currency, funnel=funnel, failures=_failures(session, cid),
        revenue=revenue, orders=len(messaged_orders), holdout_revenue=held_revenue, holdout_orders=len(held_orders),
        cost=cost, cost_basis=basis, estimated_cost=Decimal(campaign.estimated_cost or 0), uplift=uplift,
        daily=_daily(orders, start, window, _zone(policy), now), by_how=dict(by_how))


# -- the customers behind a number ---------------------------------------------------------------
STAGES = {
    "audience": "Everyone in the campaign", "holdout": "Held out (not messaged)", "sent": "Sent",
    "accepted": "Accepted by WhatsApp", "delivered": "Delivered", "read": "Read", "replied": "Replied",
    "clicked": "Tapped a button", "failed": "Failed", "converted": "Bought (messaged)",
    "holdout_converted": "Bought (held out)", "read_not_converted": "Read but didn't buy",
    "delivered_not_read": "Delivered but not read", "not_converted": "Messaged but didn't buy",
}


def stage_label(stage: str) -> str:
    if stage.startswith("failed:"):
        return f"Failed ({stage[7:]})"
    return STAGES[stage]


def stage_customers(session: Session, campaign_id: int, stage: str, *, window: int | None = None) -> list[int]:
    """The customer ids a report number counts (`failed:131026` = the failures with that code)."""
    campaign = _campaign(session, campaign_id)
    cid = campaign.id
    base = [Message.campaign_id == cid, Message.purpose == "campaign"]

    def ids(*where: Any) -> set[int]:
        return set(session.scalars(select(Message.customer_id).where(*base, *where, Message.customer_id.isnot(None))))

    if stage.startswith("failed:"):
        code = stage[7:]
        if code not in ("", "None") and not code.isdigit():
            raise ReportError(f"'{stage}' is not a number of the report (failed:CODE takes Meta's error code).")
        return sorted(ids(Message.status == L.FAILED,
                          Message.error_code.is_(None) if code in ("", "None") else Message.error_code == int(code)))
    simple = {"audience": (), "holdout": (Message.is_holdout.is_(True),), "sent": (Message.status.in_(SENT_OUT),),
              "accepted": (Message.status.in_(L.TAKEN),), "delivered": (Message.status.in_(DELIVERED),),
              "read": (Message.status == L.READ,), "failed": (Message.status == L.FAILED,)}
    if stage in simple:
        return sorted(ids(*simple[stage]))
    if stage in ("replied", "clicked"):
        return sorted(_answers(session, cid)[0 if stage == "replied" else 1])
    if stage == "delivered_not_read":
        return sorted(ids(Message.status == L.DELIVERED))
    if stage not in STAGES:
        raise ReportError(f"'{stage}' is not a number of the report.")
    window = window_days(session) if window is None else int(window)
    orders = attributed_orders(session, campaign, window)
    bought = {o.customer_id for o in orders if not o.holdout}
    if stage == "converted":
        return sorted(bought)
    if stage == "holdout_converted":
        return sorted({o.customer_id for o in orders if o.holdout})
    if stage == "read_not_converted":
        return sorted(ids(Message.status == L.READ) - bought)
    return sorted(ids(Message.status.in_(L.TAKEN)) - bought)  # not_converted


def report_campaign_ids(session: Session) -> list[int]:
    """Campaigns that have a ledger (frozen), newest first."""
    return list(session.scalars(select(Campaign.id).where(Campaign.frozen_at.isnot(None))
                                .order_by(Campaign.frozen_at.desc(), Campaign.id.desc())))
