"""The Home page's figures: customers, reachable, opt-ins this month, WhatsApp revenue and incremental
revenue in the last 30 days, the next scheduled sends, and warnings WaDesk can see from its own data.

Sandbox campaigns never count as revenue. Warnings come from what is stored: templates Meta paused
or disabled (at the last sync), campaigns stopped in the last week (token, account or quality
problems: their stop reason), quality blocks (131048) in the last week, the daily messaging
limit nearly used (unique customers messaged in 24 h against the limit the last campaign read),
and what the last connection check read or why the daily check failed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wadesk.core.campaigns import ledger as L
from wadesk.core.campaigns.policy import SendPolicy
from wadesk.core.clock import utc_naive
from wadesk.core.settings import get_setting
from wadesk.core.db.models import CONSENT_OPTED_IN, CONSENT_OPTED_OUT, Campaign, ConsentEvent, Customer, Message, Template
from wadesk.core.reports.attribution import MAX_WINDOW_DAYS, attributed_orders, campaign_start, window_days
from wadesk.core.reports.campaign_report import build_report

DAYS = 30
LIMIT_WARN = 0.8  # say so when 80% of the daily messaging limit is used


@dataclass(frozen=True)
class NextSend:
    campaign_id: int
    name: str
    at: datetime


@dataclass
class Dashboard:
    customers: int
    reachable: int
    opt_ins_this_month: int
    whatsapp_revenue: Decimal  # attributed to real campaigns, orders placed in the last 30 days
    incremental_revenue: Decimal  # campaigns of the last 30 days whose uplift has enough data
    uplift_campaigns: int  # how many campaigns the incremental figure adds up
    next_sends: list[NextSend] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _reachable(session: Session, require_opt_in: bool) -> int:
    consent = (Customer.consent_state == CONSENT_OPTED_IN) if require_opt_in else \
        (Customer.consent_state != CONSENT_OPTED_OUT)
    return int(session.scalar(select(func.count()).select_from(Customer)
                              .where(Customer.phone.isnot(None), consent)) or 0)


TOKEN_WARN_DAYS = 7
TOKEN_FIX = ("Make a permanent token (a System User's, in Meta Business Settings) and paste it in "
             "Settings → WhatsApp.")


def token_expiry_words(stored: Any, now: datetime, zone: str = "") -> str | None:
    """The warning for an access token that expires within a week (or has), from the expiry the
    last connection check read (naive UTC); None when it never expires, is far off or is unknown.
    The time is said in the shop's zone (`zone`, "" = this computer's)."""
    from zoneinfo import ZoneInfo

    try:
        at = datetime.fromisoformat(str(stored)) if stored else None
    except ValueError:
        return None
    if at is None or at - now > timedelta(days=TOKEN_WARN_DAYS):
        return None
    local = at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone) if zone else None)
    when = f"{local:%d %b %Y, %H:%M}"
    if at <= now:
        return f"Your WhatsApp access token expired on {when}: nothing can be sent. {TOKEN_FIX}"
    days = (at - now).days
    soon = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
    return (f"Your WhatsApp access token expires {soon} ({when}): campaigns and automations stop then. "
            f"{TOKEN_FIX}")


def failed_check_words(error: Any, checked_at: Any, zone: str = "") -> str | None:
    """The warning while the last daily connection check's failure stands (a good check clears it);
    the day is said in the shop's zone."""
    from zoneinfo import ZoneInfo

    if not error:
        return None
    try:
        at = datetime.fromisoformat(str(checked_at)) if checked_at else None
    except ValueError:
        at = None
    if at is None:
        return f"The last WhatsApp connection check failed: {error}"
    return f"WhatsApp connection check failed on {at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone) if zone else None):%d %b %Y}: {error}"


def _warnings(session: Session, now: datetime) -> list[str]:
    out = []
    week = now - timedelta(days=7)
    for name, status in session.execute(select(Template.name, Template.status).where(
            Template.is_sandbox.is_(False), func.upper(Template.status).in_(("PAUSED", "DISABLED")))):
        out.append(f"Meta {status.lower()} the template '{name}': campaigns using it can't send.")
    for name, reason in session.execute(select(Campaign.name, Campaign.stop_reason).where(
            Campaign.status == L.STOPPED, Campaign.is_sandbox.is_(False), Campaign.updated_at >= week)):
        out.append(f"'{name}' stopped: {reason or 'see the Campaigns page'}")
    quality = str(get_setting(session, "whatsapp_last_quality") or "").upper()
    if quality in ("YELLOW", "RED"):
        out.append(f"Your WhatsApp number's quality rating is {quality.lower()} (at the last check): customers "
                   "are blocking or reporting messages. Send fewer, more wanted messages, or Meta may lower "
                   "your messaging limit.")
    zone = SendPolicy.from_settings(session).timezone
    if warning := token_expiry_words(get_setting(session, "whatsapp_token_expires_at"), now, zone):
        out.append(warning)
    if warning := failed_check_words(get_setting(session, "whatsapp_last_check_error"),
                                     get_setting(session, "whatsapp_last_check_at"), zone):
        out.append(warning)
    blocked = session.scalar(select(func.count()).select_from(Message).where(
        Message.error_code == 131048, Message.is_sandbox.is_(False), Message.failed_at >= week))
    if blocked:
        out.append("Quality dropped: WhatsApp limited sending because customers blocked or reported messages. "
                   "Send fewer, more wanted messages for a while.")
    limit = session.scalar(select(Campaign.settings).where(Campaign.is_sandbox.is_(False), Campaign.frozen_at.isnot(None))
                           .order_by(Campaign.frozen_at.desc()).limit(1))
    daily = (limit or {}).get("daily_limit") if isinstance(limit, dict) else None
    if daily:
        used = session.scalar(select(func.count(func.distinct(Message.customer_id))).where(
            Message.direction == "out", Message.is_sandbox.is_(False), Message.sent_at >= now - timedelta(hours=24)))
        if used and used >= LIMIT_WARN * int(daily):
            out.append(f"Messaging limit nearly used: {used:,} of {int(daily):,} customers in the last 24 hours.")
    return out


def read_dashboard(session: Session, now: datetime) -> Dashboard:
    now = utc_naive(now)
    since = now - timedelta(days=DAYS)
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    customers = int(session.scalar(select(func.count()).select_from(Customer)) or 0)
    opt_ins = int(session.scalar(select(func.count(func.distinct(ConsentEvent.customer_id))).where(
        ConsentEvent.purpose == "marketing", ConsentEvent.action == "opt_in", ConsentEvent.occurred_at >= month)) or 0)
    revenue, incremental, counted = Decimal(0), Decimal(0), 0
    window = window_days(session)
    recent = session.scalars(select(Campaign).where(
        Campaign.is_sandbox.is_(False), Campaign.frozen_at >= since - timedelta(days=MAX_WINDOW_DAYS))).all()
    for camp in recent:
        start = campaign_start(session, camp)
        revenue += sum((o.total for o in attributed_orders(session, camp, window, start)
                        if not o.holdout and since <= o.placed_at <= now), Decimal(0))
        if start is not None and start >= since:
            u = build_report(session, camp.id, window=window, now=now).uplift
            if u.enough_data and u.incremental_revenue is not None:
                incremental += u.incremental_revenue
                counted += 1
    nxt = session.execute(select(Campaign.id, Campaign.name, Campaign.scheduled_at).where(
        Campaign.status.in_((L.SCHEDULED, L.WAITING_STATE)), Campaign.scheduled_at.isnot(None))
        .order_by(Campaign.scheduled_at).limit(3)).all()
    return Dashboard(customers=customers, reachable=_reachable(session, SendPolicy.from_settings(session).require_opt_in),
                     opt_ins_this_month=opt_ins, whatsapp_revenue=revenue, incremental_revenue=incremental,
                     uplift_campaigns=counted, next_sends=[NextSend(i, n, at) for i, n, at in nxt],
                     warnings=_warnings(session, now))
