"""Deals: create, move between stages (every move is a DealStageChange row), undo the last move,
and turn a won deal into an order.

Moves check `version` when the caller passes the one it showed, so two people dragging the same
card (team mode) cannot silently overwrite each other.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wadesk.core.crm.phones import normalise_phone
from wadesk.core.crm.totals import refresh_order_totals
from wadesk.core.db.models import Customer, Order, OrderItem
from wadesk.core.db.pipeline_models import LOST, OPEN, WON, Deal, DealStageChange, PipelineStage
from wadesk.core.pipeline.people import check_owner
from wadesk.core.pipeline.stages import PipelineError, stages_of
from wadesk.core.settings import get_setting

ORDER_SOURCE = "pipeline"


@dataclass(frozen=True)
class Move:
    """What a move did: enough for the board to show it and for undo."""

    deal_id: int
    customer_id: int
    from_stage_id: int | None
    to_stage_id: int
    change_id: int
    order_kept: str | None = None  # undoing Won: the order made from the deal, still there


def parse_value(value: Any) -> Decimal:
    if value is None or str(value).strip() == "":
        return Decimal("0")
    text = str(value).strip().replace(",", "").replace("₹", "").replace("Rs.", "").replace("Rs", "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise PipelineError(f"'{value}' is not an amount (write it like 12500 or 12500.50).") from None
    if amount < 0 or not amount.is_finite():
        raise PipelineError("A deal value cannot be negative.")
    return amount.quantize(Decimal("0.01"))


def find_customer(session: Session, text: str | int) -> Customer:
    """A customer by id or phone number (any way of writing it)."""
    raw = str(text).strip()
    c = None
    if raw.isdigit() and len(raw) <= 9:
        c = session.get(Customer, int(raw))
    if c is None:
        phone = normalise_phone(raw, get_setting(session, "default_region"))
        if phone.e164:
            c = session.scalar(select(Customer).where(Customer.phone == phone.e164))
    if c is None:
        raise PipelineError(f"No customer has the id or phone number '{raw}'.")
    return c


def _stage(session: Session, stage_id: int) -> PipelineStage:
    st = session.get(PipelineStage, stage_id)
    if st is None:
        raise PipelineError("That stage no longer exists.")
    return st


def _record(session: Session, deal: Deal, from_id: int | None, to_id: int, actor: str | None,
            now: datetime) -> DealStageChange:
    ch = DealStageChange(deal_id=deal.id, customer_id=deal.customer_id, from_stage_id=from_id,
                         to_stage_id=to_id, actor=actor, changed_at=now)
    session.add(ch)
    session.flush()
    return ch


def _touch(session: Session, customer_id: int, now: datetime, lead_status: str | None = None) -> None:
    """The customer row changes with their deal: the segment copy re-reads customers by updated_at."""
    c = session.get(Customer, customer_id)
    if c is not None:
        c.updated_at = max(now, c.updated_at or now)
        if lead_status:
            c.lead_status = lead_status


def open_deal_of(session: Session, customer_id: int, pipeline_id: int) -> Deal | None:
    """The customer's open deal in this pipeline, else their latest one."""
    rows = session.execute(
        select(Deal, PipelineStage.outcome).join(PipelineStage, PipelineStage.id == Deal.stage_id)
        .where(Deal.customer_id == customer_id, Deal.pipeline_id == pipeline_id)
        .order_by(Deal.updated_at.desc(), Deal.id.desc())).all()
    for deal, outcome in rows:
        if outcome == OPEN:
            return deal
    return rows[0][0] if rows else None


def create_deal(session: Session, customer_id: int, pipeline_id: int, now: datetime, *,
                stage_id: int | None = None, value: Any = None, owner: str | None = None,
                title: str | None = None, actor: str | None = None, lost_reason: str | None = None) -> Deal:
    """A new deal (first stage unless given); its creation is the first row of its stage history."""
    if session.get(Customer, customer_id) is None:
        raise PipelineError("That customer no longer exists.")
    stages = stages_of(session, pipeline_id)
    if not stages:
        raise PipelineError("This pipeline has no stages yet.")
    stage = stages[0] if stage_id is None else _stage(session, stage_id)
    if stage.pipeline_id != pipeline_id:
        raise PipelineError("That stage belongs to another pipeline.")
    existing = open_deal_of(session, customer_id, pipeline_id)
    if existing is not None and _stage(session, existing.stage_id).outcome == OPEN:
        raise PipelineError("This customer already has an open deal in this pipeline.")
    reason = " ".join(str(lost_reason or "").split()) or None
    if stage.outcome == LOST and not reason:
        raise PipelineError("Say why the deal was lost (a lost reason is required).")
    deal = Deal(customer_id=customer_id, pipeline_id=pipeline_id, stage_id=stage.id, title=title,
                value=parse_value(value), owner=check_owner(session, owner), stage_entered_at=now,
                closed_at=now if stage.outcome != OPEN else None,
                lost_reason=reason if stage.outcome == LOST else None,
                version=1, created_at=now, updated_at=now)
    session.add(deal)
    session.flush()
    _record(session, deal, None, stage.id, actor, now)
    _touch(session, customer_id, now, "Customer" if stage.outcome == WON else None)
    return deal


def move_deal(session: Session, deal_id: int, to_stage_id: int, now: datetime, *, actor: str | None = None,
              lost_reason: str | None = None, expected_version: int | None = None) -> Move:
    """Move a deal to another stage of its pipeline. Lost needs a reason; Won/Lost set closed_at."""
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise PipelineError("That deal no longer exists.")
    if expected_version is not None and deal.version != expected_version:
        raise PipelineError("Someone else changed this deal a moment ago; the board has been refreshed.")
    to = _stage(session, to_stage_id)
    if to.pipeline_id != deal.pipeline_id:
        raise PipelineError("A deal can only move between stages of its own pipeline.")
    if to.id == deal.stage_id:
        raise PipelineError(f"The deal is already in '{to.name}'.")
    reason = " ".join(str(lost_reason or "").split()) or None
    if to.outcome == LOST and not reason:
        raise PipelineError("Say why the deal was lost (a lost reason is required).")
    from_id = deal.stage_id
    deal.stage_id = to.id
    deal.stage_entered_at = now
    deal.closed_at = now if to.outcome != OPEN else None
    if to.outcome == LOST:
        deal.lost_reason = reason
    # Leaving Lost keeps the old reason on the row (undo puts it back); readers show it only while
    # the deal is lost.
    deal.version += 1
    deal.updated_at = now
    ch = _record(session, deal, from_id, to.id, actor, now)
    _touch(session, deal.customer_id, now, "Customer" if to.outcome == WON else None)
    return Move(deal.id, deal.customer_id, from_id, to.id, ch.id)


def undo_last_move(session: Session, deal_id: int, now: datetime, *, actor: str | None = None) -> Move:
    """Move the deal back to where its last move came from (recorded as a move too). Undoing into
    Lost restores the reason it had. An order already made from a won deal stays (it may be real:
    shipped, paid); the Move names it so the owner can remove it (`remove_order_from_deal`)."""
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise PipelineError("That deal no longer exists.")
    last = session.scalar(select(DealStageChange).where(DealStageChange.deal_id == deal_id)
                          .order_by(DealStageChange.changed_at.desc(), DealStageChange.id.desc()).limit(1))
    if last is None or last.from_stage_id is None or last.to_stage_id != deal.stage_id:
        raise PipelineError("There is no move to undo for this deal.")
    was_won = _stage(session, deal.stage_id).outcome == WON
    move = move_deal(session, deal_id, last.from_stage_id, now, actor=actor,
                     lost_reason=deal.lost_reason or "(reason not recorded)")
    order = _deal_order(session, deal) if was_won else None
    return replace(move, order_kept=order.number) if order is not None else move


def _deal_order(session: Session, deal: Deal) -> Order | None:
    """The order made from this deal (never an imported one that happens to be linked)."""
    order = session.get(Order, deal.order_id) if deal.order_id is not None else None
    if order is None or order.source != ORDER_SOURCE or order.external_id != f"deal-{deal.id}":
        return None
    return order


def remove_order_from_deal(session: Session, deal_id: int, now: datetime) -> str:
    """Delete the order made from a deal that is no longer won (after an undo); the customer's
    totals follow. Returns the order's number."""
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise PipelineError("That deal no longer exists.")
    if _stage(session, deal.stage_id).outcome == WON:
        raise PipelineError("The deal is still won; move it out of Won before removing its order.")
    order = _deal_order(session, deal)
    if order is None:
        raise PipelineError("No order made from this deal is left to remove.")
    number = order.number or f"D{deal.id}"
    session.execute(delete(OrderItem).where(OrderItem.order_id == order.id))
    session.delete(order)
    deal.order_id = None
    deal.version += 1
    deal.updated_at = now
    session.flush()
    refresh_order_totals(session, [deal.customer_id])
    return number


def create_order_from_deal(session: Session, deal_id: int, now: datetime) -> Order:
    """A won deal becomes an order of its value (source "pipeline"); customer totals follow."""
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise PipelineError("That deal no longer exists.")
    if _stage(session, deal.stage_id).outcome != WON:
        raise PipelineError("Only a won deal can become an order.")
    if deal.order_id is not None and session.get(Order, deal.order_id) is not None:
        raise PipelineError("An order was already made from this deal.")
    order = Order(customer_id=deal.customer_id, source=ORDER_SOURCE, external_id=f"deal-{deal.id}",
                  number=f"D{deal.id}", placed_at=now, total=deal.value, subtotal=deal.value,
                  currency=str(get_setting(session, "currency") or "INR")[:3], financial_status="pending",
                  attributes={"deal_id": deal.id}, created_at=now, updated_at=now)
    session.add(order)
    session.flush()
    deal.order_id = order.id
    deal.version += 1
    deal.updated_at = now
    refresh_order_totals(session, [deal.customer_id])
    return order


def set_deal_fields(session: Session, deal_id: int, now: datetime, *, value: Any = None,
                    owner: str | None = None, title: str | None = None) -> Deal:
    """Change a deal's value, owner or title (None leaves a field as it is; "" clears owner)."""
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise PipelineError("That deal no longer exists.")
    if value is not None:
        deal.value = parse_value(value)
    if owner is not None:
        deal.owner = check_owner(session, owner)
    if title is not None:
        deal.title = " ".join(title.split())[:200] or None
    deal.version += 1
    deal.updated_at = now
    _touch(session, deal.customer_id, now)
    return deal
