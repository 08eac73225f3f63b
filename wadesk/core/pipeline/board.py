"""What the board and its list view show: every card of one pipeline in one query.

Deals join customers, and each card's last WhatsApp message is found by a correlated subquery that
reads ix_messages_customer_time backwards (one index seek per card), so 10,000 open deals cost one
statement, not 10,000. Won/Lost columns hold deals closed in the last `closed_days` only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Collection

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from wadesk.core.db.models import Customer, CustomerTag, Message, Tag
from wadesk.core.db.pipeline_models import LOST, OPEN, Deal, PipelineStage
from wadesk.core.pipeline.stages import stages_of


@dataclass(frozen=True, slots=True)
class Card:
    deal_id: int
    customer_id: int
    stage_id: int
    name: str
    phone: str | None
    value: Decimal
    owner: str | None
    stage_entered_at: datetime
    days_in_stage: int
    lost_reason: str | None
    last_message_at: datetime | None
    last_message: str | None
    last_direction: str | None
    version: int


@dataclass(frozen=True)
class StageInfo:
    id: int
    name: str
    outcome: str
    position: int


@dataclass
class Board:
    pipeline_id: int
    stages: list[StageInfo]
    cards: dict[int, list[Card]]  # stage id -> cards, longest in stage first

    def count(self, stage_id: int) -> int:
        return len(self.cards.get(stage_id, ()))

    def value(self, stage_id: int) -> Decimal:
        return sum((c.value for c in self.cards.get(stage_id, ())), Decimal("0"))

    def all_cards(self) -> list[Card]:
        return [c for st in self.stages for c in self.cards.get(st.id, ())]


def board(session: Session, pipeline_id: int, now: datetime, *, owner: str | None = None,
          tag: str | None = None, customer_ids: Collection[int] | None = None, closed_days: int = 30) -> Board:
    """Cards per stage. `owner` ("" = nobody), `tag` (name) and `customer_ids` (a segment's members)
    narrow the cards; all filters combine."""
    stages = [StageInfo(s.id, s.name, s.outcome, s.position) for s in stages_of(session, pipeline_id)]
    last_id = (select(Message.id).where(Message.customer_id == Deal.customer_id)
               .order_by(Message.created_at.desc(), Message.id.desc()).limit(1)
               .correlate(Deal).scalar_subquery())
    stmt = (
        select(Deal.id, Deal.customer_id, Deal.stage_id, Customer.name, Customer.phone, Deal.value, Deal.owner,
               Deal.stage_entered_at, Deal.lost_reason, Deal.version, PipelineStage.outcome,
               Message.created_at, Message.body, Message.template_name, Message.direction)
        .join(Customer, Customer.id == Deal.customer_id)
        .join(PipelineStage, PipelineStage.id == Deal.stage_id)
        .outerjoin(Message, Message.id == last_id)
        .where(Deal.pipeline_id == pipeline_id,
               or_(PipelineStage.outcome == OPEN, Deal.closed_at >= now - timedelta(days=closed_days)))
    )
    if owner is not None:
        stmt = stmt.where(Deal.owner.is_(None) if owner == "" else func.lower(Deal.owner) == owner.lower())
    if tag:
        stmt = stmt.where(exists().where(and_(CustomerTag.customer_id == Deal.customer_id,
                                              CustomerTag.tag_id == Tag.id, func.lower(Tag.name) == tag.lower())))
    wanted = set(customer_ids) if customer_ids is not None else None
    cards: dict[int, list[Card]] = {s.id: [] for s in stages}
    for (did, cid, sid, name, phone, value, own, entered, reason, version, outcome,
         msg_at, body, template, direction) in session.execute(stmt.order_by(Deal.stage_entered_at, Deal.id)):
        if wanted is not None and cid not in wanted:
            continue
        text = body or (f"Template: {template}" if template else None)
        days = max(0, (now - entered).days) if entered else 0
        cards.setdefault(sid, []).append(Card(
            did, cid, sid, name or "", phone, Decimal(value or 0), own, entered, days,
            reason if outcome == LOST else None, msg_at, text, direction, version))
    return Board(pipeline_id, stages, cards)
