"""Notes the shop writes about a customer ("prefers evening calls", "returned the kurta")."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from wadesk.core.clock import Clock
from wadesk.core.crm.bookkeeping import ValidationError, audit, now_from
from wadesk.core.db.models import Customer, CustomerNote

MAX_NOTE = 5000


def add_note(
    session: Session,
    customer_id: int,
    body: str,
    *,
    author: str | None = None,
    clock: Clock | None = None,
    now: datetime | None = None,
) -> CustomerNote:
    text = (body or "").strip()
    if not text:
        raise ValidationError({"body": "Write something in the note first."})
    if len(text) > MAX_NOTE:
        raise ValidationError({"body": f"A note can be at most {MAX_NOTE} characters."})
    if session.get(Customer, customer_id) is None:
        raise ValidationError({"": "This customer no longer exists (someone may have deleted them)."})
    at = now_from(clock, now)
    note = CustomerNote(customer_id=customer_id, body=text, author=(author or None), created_at=at)
    session.add(note)
    session.flush()
    # The audit row says a note was written, never what it says.
    audit(session, at, "note.added", customer_id, {"note_id": note.id}, author)
    return note


def delete_note(
    session: Session, note_id: int, *, actor: str | None = None, clock: Clock | None = None,
    now: datetime | None = None,
) -> bool:
    """Delete one note. Returns False if it was already gone."""
    note = session.get(CustomerNote, note_id)
    if note is None:
        return False
    customer_id = note.customer_id
    session.delete(note)
    session.flush()
    audit(session, now_from(clock, now), "note.deleted", customer_id, {"note_id": note_id}, actor)
    return True
