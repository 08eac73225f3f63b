"""Marketing consent: opt-ins (with where and when the customer agreed) and opt-outs.

Every decision is kept in ConsentEvent (the history Meta expects a shop to be able to show);
customers.consent_state/source/at hold the latest decision by *when it happened*, so recording
an old opt-in found in a spreadsheet never overrides a newer opt-out.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from wadesk.core.clock import Clock, utc_naive
from wadesk.core.crm.bookkeeping import ValidationError, audit, now_from
from wadesk.core.db.models import CONSENT_OPTED_IN, CONSENT_OPTED_OUT, ConsentEvent, Customer

OPT_IN = "opt_in"
OPT_OUT = "opt_out"
STATE = {OPT_IN: CONSENT_OPTED_IN, OPT_OUT: CONSENT_OPTED_OUT}


def _record(
    session: Session,
    customer_id: int,
    action: str,
    source: str | None,
    at: datetime | None,
    note: str | None,
    clock: Clock | None,
    now: datetime | None,
    actor: str | None,
    purpose: str = "marketing",
) -> ConsentEvent:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise ValidationError({"": "This customer no longer exists (someone may have deleted them)."})
    stamp = now_from(clock, now)
    when = utc_naive(at) if at is not None else stamp
    if when > stamp:
        raise ValidationError({"at": "The date of the consent can't be in the future."})
    event = ConsentEvent(customer_id=customer_id, purpose=purpose, action=action,
                         source=(source or None), occurred_at=when, note=(note or "").strip() or None)
    session.add(event)
    if purpose == "marketing" and (customer.consent_at is None or when >= customer.consent_at):
        customer.consent_state = STATE[action]
        customer.consent_source = source or None
        customer.consent_at = when
        customer.updated_at = stamp
    session.flush()
    audit(session, stamp, f"consent.{action}", customer_id, {"source": source, "event_id": event.id}, actor)
    return event


def record_opt_in(
    session: Session,
    customer_id: int,
    source: str,
    *,
    at: datetime | None = None,
    note: str | None = None,
    clock: Clock | None = None,
    now: datetime | None = None,
    actor: str | None = None,
) -> ConsentEvent:
    """The customer agreed to marketing messages. `source` says how (checkout, whatsapp, form,
    in_person, import ...); `at` when it happened (default: now)."""
    if not (source or "").strip():
        raise ValidationError({"source": "Say how the customer agreed, for example at checkout or on WhatsApp."})
    return _record(session, customer_id, OPT_IN, source.strip(), at, note, clock, now, actor)


def record_opt_out(
    session: Session,
    customer_id: int,
    source: str = "manual",
    *,
    at: datetime | None = None,
    note: str | None = None,
    clock: Clock | None = None,
    now: datetime | None = None,
    actor: str | None = None,
) -> ConsentEvent:
    """The customer does not want marketing messages (a STOP reply, a call, an unsubscribe)."""
    return _record(session, customer_id, OPT_OUT, (source or "manual").strip(), at, note, clock, now, actor)
