"""What the detail pane reads and writes, through the CRM core (no Qt here).

`load` turns a core CustomerProfile (plus the first page of the timeline) into texts the pane
shows; the write helpers have the signature `fn(session, customer_id, *args, now=...)` so the pane
can run any of them as a job."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wadesk.core.crm import consent, notes, tags, timeline
from wadesk.core.crm.customers import get_profile
from wadesk.core.db.models import Customer
from wadesk.core.pipeline import set_customer_owner, set_lead_status, staff_names
from wadesk.ui.customers import formatting as fmt
from wadesk.ui.customers.labels import CHANNELS, LANGUAGES, pretty
from wadesk.ui.customers.timeline_view import Entry

PROFILE_FIELDS = [("phone", "WhatsApp"), ("email", "Email"), ("address", "Address"),
                  ("language", "Language"), ("channel", "Came from"), ("created", "Added on")]


@dataclass
class DetailView:
    name: str
    since: str
    orders: int
    total_spent: Decimal
    last_order: datetime | None
    fields: dict[str, str]
    tags: list[str]
    known_tags: list[str]
    consent_state: int
    consent_source: str | None
    consent_at: datetime | None
    notes: list[tuple[str, str | None, datetime | None]]
    timeline: list[Entry]
    timeline_more: bool
    lead_status: str | None = None  # sales pipeline (issue 9)
    owner: str | None = None
    staff: list[str] = field(default_factory=list)


def load(session: Session, customer_id: int, timeline_limit: int) -> DetailView | None:
    p = get_profile(session, customer_id)
    if p is None:
        return None
    address = ", ".join(x for x in (p.city, p.state, p.pincode) if x)
    phone = fmt.phone(p.phone) if p.phone else ("WhatsApp username only" if p.wa_user_id else "")
    since = f"Customer since {fmt.date(p.created_at)}"
    if p.channel:
        since += f" · {pretty(p.channel, CHANNELS)}"
    entries, more = timeline_page(session, customer_id, None, timeline_limit)
    return DetailView(
        name=p.name or p.email or fmt.phone(p.phone) or "(no name)",
        since=since,
        orders=p.order_count,
        total_spent=p.total_spent,
        last_order=p.last_order_at,
        fields={
            "phone": phone,
            "email": p.email or "",
            "address": address,
            "language": pretty(p.language, LANGUAGES),
            "channel": pretty(p.channel, CHANNELS),
            "created": fmt.date(p.created_at),
        },
        tags=list(p.tags),
        known_tags=tags.tag_names(session),
        consent_state=p.consent_state,
        consent_source=p.consent_source,
        consent_at=p.consent_at,
        notes=[(n.body, n.author, n.created_at) for n in p.notes],
        timeline=entries,
        timeline_more=more,
        lead_status=session.scalar(select(Customer.lead_status).where(Customer.id == customer_id)),
        owner=session.scalar(select(Customer.owner).where(Customer.id == customer_id)),
        staff=staff_names(session),
    )


def timeline_page(session: Session, customer_id: int, cursor: Any, limit: int) -> tuple[list[Entry], bool]:
    """`limit` timeline entries older than `cursor` (None: the newest), and whether more exist."""
    entries = timeline.timeline(session, customer_id, limit=limit + 1, cursor=cursor)
    return entries[:limit], len(entries) > limit


# -- writes (run as jobs by the pane) ----------------------------------------------------------
def add_tag(session: Session, customer_id: int, name: str, *, now: datetime) -> list[int]:
    return tags.add_tag(session, [customer_id], name, now=now)


def remove_tag(session: Session, customer_id: int, name: str, *, now: datetime) -> list[int]:
    return tags.remove_tag(session, [customer_id], name, now=now)


def add_note(session: Session, customer_id: int, body: str, *, now: datetime) -> None:
    notes.add_note(session, customer_id, body, now=now)


def opt_in(session: Session, customer_id: int, source: str, note: str | None, *, now: datetime) -> None:
    consent.record_opt_in(session, customer_id, source, note=note, now=now)


def opt_out(session: Session, customer_id: int, *, now: datetime) -> None:
    consent.record_opt_out(session, customer_id, "manual", now=now)


def save_lead_status(session: Session, customer_id: int, status: str | None, *, now: Any = None) -> str | None:
    return set_lead_status(session, customer_id, status or None)


def save_owner(session: Session, customer_id: int, owner: str | None, *, now: Any = None) -> str | None:
    return set_customer_owner(session, customer_id, owner or None)
