"""What the customer detail pane shows: profile fields, tags, notes, consent (state and history)
and the order figures. One read by primary key plus three small indexed queries."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wadesk.core.db.models import ConsentEvent, Customer, CustomerNote, CustomerTag, Tag


@dataclass(frozen=True)
class NoteView:
    id: int
    body: str
    author: str | None
    created_at: datetime


@dataclass(frozen=True)
class ConsentChange:
    action: str  # opt_in | opt_out
    source: str | None
    occurred_at: datetime
    note: str | None
    purpose: str = "marketing"


@dataclass(frozen=True)
class CustomerProfile:
    id: int
    name: str
    first_name: str | None
    last_name: str | None
    phone: str | None  # E.164
    email: str | None
    city: str | None
    state: str | None
    pincode: str | None
    country: str | None
    language: str | None
    channel: str | None
    wa_user_id: str | None
    attributes: dict[str, Any]
    consent_state: int
    consent_source: str | None
    consent_at: datetime | None
    order_count: int
    total_spent: Decimal
    last_order_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    tags: list[str] = field(default_factory=list)
    notes: list[NoteView] = field(default_factory=list)  # newest first
    consent_history: list[ConsentChange] = field(default_factory=list)  # newest first


def get_profile(session: Session, customer_id: int) -> CustomerProfile | None:
    """Everything the detail pane shows about one customer (None if they no longer exist)."""
    c = session.get(Customer, customer_id)
    if c is None:
        return None
    tags = list(session.scalars(
        select(Tag.name).join(CustomerTag, CustomerTag.tag_id == Tag.id)
        .where(CustomerTag.customer_id == customer_id).order_by(Tag.name)
    ))
    notes = [NoteView(n.id, n.body, n.author, n.created_at) for n in session.scalars(
        select(CustomerNote).where(CustomerNote.customer_id == customer_id)
        .order_by(CustomerNote.created_at.desc(), CustomerNote.id.desc())
    )]
    history = [ConsentChange(e.action, e.source, e.occurred_at, e.note, e.purpose) for e in session.scalars(
        select(ConsentEvent).where(ConsentEvent.customer_id == customer_id)
        .order_by(ConsentEvent.occurred_at.desc(), ConsentEvent.id.desc())
    )]
    return CustomerProfile(
        id=c.id, name=c.name or "", first_name=c.first_name, last_name=c.last_name, phone=c.phone,
        email=c.email, city=c.city, state=c.state, pincode=c.pincode, country=c.country,
        language=c.language, channel=c.channel, wa_user_id=c.wa_user_id, attributes=dict(c.attributes or {}),
        consent_state=c.consent_state or 0, consent_source=c.consent_source, consent_at=c.consent_at,
        order_count=c.order_count or 0, total_spent=Decimal(c.total_spent or 0), last_order_at=c.last_order_at,
        created_at=c.created_at, updated_at=c.updated_at, version=c.version or 1,
        tags=tags, notes=notes, consent_history=history,
    )
