"""Which imported orders a campaign earned: the attribution rules, set-based.

An order (not cancelled) of a campaign's customer counts for the campaign when it was placed

* within `attribution_window_days` (a setting, default 7) after the customer's message was sent —
  for a held-out customer, after the campaign's send start (when they would have got it: the first
  message Meta accepted, or the freeze time before any went out); or
* at any time after that moment with the campaign's own discount code for that customer
  (`discount_codes.campaign_id/customer_id/code` = `orders.discount_code`, any case), or with the
  campaign's UTM campaign (`orders.utm_campaign` = the slug its links carried).

Only the campaign's customers count (a forwarded code or link is not attributed). One SQL join from
the orders placed since the start (before the last send + window, or with a code or UTM) to the
campaign's ledger row of their customer; the exact per-customer window is checked in Python on the
rows that come back (portable SQL: no date arithmetic in the database).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from wadesk.core.campaigns.ledger import TAKEN
from wadesk.core.db.messaging_models import DiscountCode
from wadesk.core.db.models import Campaign, Message, Order
from wadesk.core.messaging.formatting import slugify
from wadesk.core.settings import SettingDef, SettingError, get_setting, register_settings

WINDOW_KEY = "attribution_window_days"
DEFAULT_WINDOW_DAYS = 7
MAX_WINDOW_DAYS = 90


def _window_days(value: Any) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= MAX_WINDOW_DAYS:
        raise SettingError(f"The attribution window must be a whole number of days from 1 to {MAX_WINDOW_DAYS} "
                           f"(not '{value}').")
    return int(text)


register_settings([SettingDef(WINDOW_KEY, DEFAULT_WINDOW_DAYS,
                              "Days after a message in which an order counts for the campaign", _window_days)])


def window_days(session: Session) -> int:
    return int(get_setting(session, WINDOW_KEY))


# How an order was credited, strongest evidence first.
BY_CODE, BY_UTM, BY_WINDOW = "code", "utm", "window"


@dataclass(frozen=True)
class AttributedOrder:
    order_id: int
    customer_id: int
    placed_at: datetime
    total: Decimal
    holdout: bool
    how: str  # BY_CODE | BY_UTM | BY_WINDOW


def campaign_start(session: Session, campaign: Campaign) -> datetime | None:
    """When the campaign went out: its first message Meta accepted, else the freeze time."""
    first = session.scalar(select(func.min(Message.sent_at)).where(
        Message.campaign_id == campaign.id, Message.purpose == "campaign", Message.status.in_(TAKEN)))
    return first or campaign.frozen_at


def utm_slug(campaign: Campaign) -> str:
    """The utm_campaign value the campaign's links carried (mapping.utm_campaign, else its name)."""
    return slugify((campaign.mapping or {}).get("utm_campaign") or campaign.name or "")


def counted_rows(campaign_id: int, indexed: bool = True) -> list[Any]:
    """The ledger rows the report compares: messages Meta took, and the held-out customers.
    `indexed=False` when the rows are reached through another index (the customer's)."""
    campaign = Message.campaign_id if indexed else Message.campaign_id + 0
    return [campaign == campaign_id, Message.purpose == "campaign",
            or_(Message.is_holdout.is_(True), Message.status.in_(TAKEN))]


def attributed_orders(session: Session, campaign: Campaign, window: int, start: datetime | None = None,
                      last_send: datetime | None = None) -> list[AttributedOrder]:
    """The campaign's orders, oldest first. `start` / `last_send` (its first and last send) may be
    passed by a caller that already has them."""
    start = start if start is not None else campaign_start(session, campaign)
    if start is None:
        return []
    span = timedelta(days=window)
    if last_send is None:
        last_send = session.scalar(select(func.max(Message.sent_at)).where(*counted_rows(campaign.id)))
    bound = max(last_send or start, start) + span
    slug = utm_slug(campaign)
    utm_hit = func.lower(Order.utm_campaign) == slug
    code_hit = DiscountCode.id.isnot(None)
    # Driven from the orders placed since the start (the placed_at index): in the window, or carrying a
    # code or a UTM campaign; `customer_id + 0` keeps SQLite from starting at the whole ledger instead.
    rows = session.execute(
        select(Order.id, Order.customer_id, Order.placed_at, Order.total, Message.is_holdout, Message.sent_at,
               code_hit, utm_hit)
        .select_from(Order)
        .join(Message, and_(Message.customer_id == Order.customer_id + 0, *counted_rows(campaign.id, indexed=False)))
        .outerjoin(DiscountCode, and_(DiscountCode.campaign_id == campaign.id,
                                      DiscountCode.customer_id == Message.customer_id,
                                      func.upper(DiscountCode.code) == func.upper(Order.discount_code)))
        .where(Order.placed_at >= start, Order.cancelled_at.is_(None),
               or_(Order.placed_at < bound, Order.discount_code.isnot(None), utm_hit))
        .order_by(Order.placed_at, Order.id)).all()
    out: dict[int, AttributedOrder] = {}
    for oid, cid, placed, total, holdout, sent_at, by_code, by_utm in rows:
        opened = start if holdout else (sent_at or start)  # the holdout's window opens at the campaign start
        if placed < opened:
            continue
        how = BY_CODE if by_code else BY_UTM if by_utm else BY_WINDOW
        if how == BY_WINDOW and placed >= opened + span:
            continue
        if oid not in out:  # a code may appear in two pools: one order counts once
            out[oid] = AttributedOrder(oid, cid, placed, Decimal(str(total or 0)), bool(holdout), how)
    return list(out.values())
