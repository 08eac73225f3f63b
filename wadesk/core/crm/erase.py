"""Privacy erase: forget a person everywhere in the shop database, in one transaction.

Deleted: the customer, their tags, notes, consent history and events, and the import change-log
entries that remember their old values. Kept but stripped of the person: their orders (so revenue
figures stay right; detached, no shipping address, no extra attributes) and their WhatsApp
messages (campaign statistics; no phone, text or payload). Webhook payloads and audit rows that
mention their phone or email are blanked. The audit log then says "customer erased" with the id.

On SQLite, deleted content can linger in free pages and the WAL file: the erase turns on
`secure_delete` for its connection, and `compact_after_erase` folds the WAL back into the file.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, String, cast, delete, or_, select, text, update
from sqlalchemy.orm import Session

from wadesk.core.clock import Clock
from wadesk.core.crm.bookkeeping import audit, chunks, now_from
from wadesk.core.crm.customers import remove_customer_rows
from wadesk.core.db.engine import checkpoint_fully
from wadesk.core.db.import_models import ImportChange
from wadesk.core.db.models import AuditLog, Customer, Message, Order, WebhookEvent

log = logging.getLogger(__name__)

EXPLANATION = (
    "Their profile, tags, notes, consent history and activity are deleted. Their orders stay in "
    "your sales figures without their name, address or phone, and messages sent to them stay in "
    "campaign results without the number or text. This cannot be undone."
)


@dataclass(frozen=True)
class EraseResult:
    erased: bool  # False when the customer was already gone
    orders_detached: int = 0
    messages_scrubbed: int = 0
    webhook_payloads_blanked: int = 0


def _needles(c: Customer) -> list[str]:
    """Strings that identify the person inside JSON blobs (webhooks carry the number without +)."""
    found = []
    if c.phone:
        found.append(c.phone.lstrip("+"))
    if c.email:
        found.append(c.email)
    if c.wa_user_id:
        found.append(c.wa_user_id)
    return [n for n in found if len(n) >= 6]  # never blank rows on a short, ambiguous string


def _mentions(col, needles: list[str]):
    as_text = cast(col, String)
    return or_(*[as_text.contains(n, autoescape=True) for n in needles])


def erase_customer(
    session: Session,
    customer_id: int,
    *,
    clock: Clock | None = None,
    now: datetime | None = None,
    actor: str | None = None,
) -> EraseResult:
    """Erase one customer (after the user confirmed). The caller's transaction covers all of it."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        return EraseResult(erased=False)
    at = now_from(clock, now)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))  # zero freed pages, not just unlink them
    needles = _needles(customer)
    order_ids = list(session.scalars(select(Order.id).where(Order.customer_id == customer_id)))
    for chunk in chunks(order_ids):
        session.execute(
            update(Order).where(Order.id.in_(chunk))
            .values(customer_id=None, ship_city=None, ship_state=None, ship_pincode=None, attributes={})
            .execution_options(synchronize_session=False)
        )
        # An import's "before" values of these orders hold the old address.
        session.execute(delete(ImportChange).where(
            ImportChange.entity == "order", ImportChange.action == "updated", ImportChange.entity_id.in_(chunk)))
    messages = session.execute(
        update(Message).where(Message.customer_id == customer_id)
        .values(customer_id=None, to_phone=None, body=None, payload=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if customer.phone:  # rows a sender wrote before linking them to the customer
        messages += session.execute(
            update(Message).where(Message.to_phone == customer.phone)
            .values(customer_id=None, to_phone=None, body=None, payload=None)
            .execution_options(synchronize_session=False)
        ).rowcount
    session.execute(delete(ImportChange).where(
        ImportChange.entity == "customer", ImportChange.action == "updated", ImportChange.entity_id == customer_id))
    blanked = 0
    if needles:
        blanked = session.execute(
            update(WebhookEvent).where(_mentions(WebhookEvent.payload, needles))
            .values(payload={"erased": True}).execution_options(synchronize_session=False)
        ).rowcount
        session.execute(
            update(AuditLog).where(_mentions(AuditLog.details, needles))
            .values(details={"redacted": "customer erased"}).execution_options(synchronize_session=False)
        )
    session.expunge(customer)
    remove_customer_rows(session, [customer_id])
    audit(session, at, "customer.erased", customer_id, {}, actor)
    session.flush()
    return EraseResult(True, len(order_ids), messages, blanked)


def compact_after_erase(engine: Engine, vacuum: bool = False) -> None:
    """After the erase committed: on SQLite fold the WAL into the database file (so old page
    images leave the -wal file) and optionally rebuild the file. A no-op elsewhere."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        if vacuum:  # rebuilds the file; in WAL mode the new pages land in the WAL first
            conn.exec_driver_sql("VACUUM")
        if not checkpoint_fully(conn):
            log.warning("The erased customer's old pages are still in the write-ahead log; the next checkpoint removes them")
