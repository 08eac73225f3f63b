"""One timeline per customer: orders (with line items), website events, WhatsApp messages in and
out, notes and consent changes, merged newest first, a page at a time.

Each source is read newest first through its (customer_id, time) index and only as many rows as
the page needs, so a customer with 10,000 events costs a few small queries, not 10,000 objects.
Paging: `offset`, or better the `cursor` of the last entry shown (stable while new rows arrive).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from wadesk.core.db.models import ConsentEvent, CustomerNote, Event, Message, Order, OrderItem
from wadesk.core.db.pipeline_models import DealStageChange, Pipeline, PipelineStage

# Within the same second: orders before messages before events ... (just a stable tie-break).
KIND_RANK = {"order": 5, "message": 4, "event": 3, "consent": 2, "note": 1, "stage": 0}
Cursor = tuple[datetime, int, int]  # (time, kind rank, row id)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # order | event | message | note | consent | stage
    title: str
    details: tuple[str, ...] = ()
    ref_id: int = 0  # id of the row in its own table
    data: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def cursor(self) -> Cursor:
        return (self.at, KIND_RANK[self.kind], self.ref_id)


def money(amount: Decimal | float | int | None, currency: str = "INR") -> str:
    """₹2,340 / ₹1,23,456.50 (Indian grouping); other currencies as "USD 1,234.00"."""
    value = Decimal(amount or 0).quantize(Decimal("0.01"))
    whole, paise = divmod(abs(value), 1)
    digits = str(int(whole))
    if currency == "INR" and len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        groups = [head[max(0, i - 2):i] for i in range(len(head), 0, -2)][::-1]
        digits = ",".join(groups + [tail])
    elif len(digits) > 3:
        digits = f"{int(whole):,}"
    cents = f".{int(paise * 100):02d}" if paise else ""
    sign = "-" if value < 0 else ""
    return f"{sign}₹{digits}{cents}" if currency == "INR" else f"{sign}{currency} {digits}{cents}"


EVENT_TITLES: dict[str, Callable[[Event], str]] = {
    "product_viewed": lambda e: f"Viewed {e.product or 'a product'}",
    "added_to_cart": lambda e: f"Added {e.product or 'a product'} to cart",
    "checkout_started": lambda e: "Started checkout" + (f" ({money(e.value)})" if e.value else ""),
    "session": lambda e: "Visited the website",
    "offer_clicked": lambda e: "Clicked an offer" + (f": {e.product}" if e.product else ""),
    "wishlisted": lambda e: f"Wishlisted {e.product or 'a product'}",
    "size_guide_viewed": lambda e: "Looked at the size guide" + (f" for {e.product}" if e.product else ""),
    "pdp_time": lambda e: f"Spent {int(e.value or 0)} s on {e.product or 'a product page'}",
    "lead_created": lambda e: "Became a lead",
}


def _order_entry(o: Order, items: list[OrderItem]) -> TimelineEntry:
    flags = ["COD" if o.is_cod else "Prepaid"]
    status = (o.shipping_status or "").lower()
    if o.is_rto or status == "rto":
        flags.append("RTO")
    elif o.cancelled_at or status == "cancelled":
        flags.append("cancelled")
    elif status:
        flags.append(status)
    title = f"Order #{o.number or o.external_id} — {money(o.total, o.currency)}, {', '.join(flags)}"
    details = [f"{i.quantity} × {i.product}" + (f" ({i.category})" if i.category else "")
               + f" — {money(i.price * i.quantity, o.currency)}" for i in items]
    if o.discount_code:
        details.append(f"Discount code {o.discount_code}")
    if o.payment_method:
        details.append(f"Paid by {o.payment_method}")
    if o.utm_campaign or o.utm_source:
        details.append("From " + " / ".join(p for p in (o.utm_source, o.utm_medium, o.utm_campaign) if p))
    return TimelineEntry(o.placed_at, "order", title, tuple(details), o.id, {"source": o.source})


def _event_entry(e: Event) -> TimelineEntry:
    title = EVENT_TITLES.get(e.type, lambda ev: ev.type.replace("_", " ").capitalize())(e)
    details = [d for d in (f"Category: {e.category}" if e.category else "",
                           f"Via {e.source}" if e.source else "") if d]
    return TimelineEntry(e.occurred_at, "event", title, tuple(details), e.id, {"type": e.type})


# WhatsApp's ticks for an outgoing message: one grey (sent), two grey (delivered), two blue (read).
TICKS = {"accepted": "✓", "sent": "✓", "delivered": "✓✓", "read": "✓✓"}


def _message_entry(m: Message) -> TimelineEntry:
    if m.direction == "in":
        title = "WhatsApp message received"
    else:
        title = f"WhatsApp sent: {m.template_name}" if m.template_name else "WhatsApp message sent"
        title += f" — {m.status}" if m.status else ""
    details = []
    if m.body:
        details.append(m.body if len(m.body) <= 300 else m.body[:299] + "…")
    if m.error_title:
        details.append(f"Not delivered: {m.error_title}")
    data = {"campaign_id": m.campaign_id, "direction": m.direction, "status": m.status,
            "ticks": TICKS.get(m.status or "", "") if m.direction == "out" else ""}
    return TimelineEntry(m.created_at, "message", title, tuple(details), m.id, data)


def _note_entry(n: CustomerNote) -> TimelineEntry:
    first, _, rest = n.body.partition("\n")
    title = first if len(first) <= 80 else first[:79] + "…"
    details = [d for d in ((first[79:] + "\n" + rest).strip() if len(first) > 80 else rest.strip(),
                           f"By {n.author}" if n.author else "") if d]
    return TimelineEntry(n.created_at, "note", title, tuple(details), n.id)


def _consent_entry(c: ConsentEvent) -> TimelineEntry:
    verb = "Opted in to" if c.action == "opt_in" else "Opted out of"
    title = f"{verb} {c.purpose or 'marketing'} messages" + (f" ({c.source})" if c.source else "")
    return TimelineEntry(c.occurred_at, "consent", title, (c.note,) if c.note else (), c.id)


def _stage_entries(session: Session, rows: list[DealStageChange]) -> list[TimelineEntry]:
    """Pipeline moves (issue 9): "Moved to Quote sent (from Contacted) in Sales", by whom."""
    ids = {i for r in rows for i in (r.from_stage_id, r.to_stage_id) if i}
    names = {sid: (name, pipe) for sid, name, pipe in session.execute(
        select(PipelineStage.id, PipelineStage.name, Pipeline.name).join(Pipeline)
        .where(PipelineStage.id.in_(ids)))} if ids else {}
    out = []
    for r in rows:
        to, pipe = names.get(r.to_stage_id, ("a removed stage", ""))
        title = (f"Moved to {to} (from {names[r.from_stage_id][0]})" if r.from_stage_id in names
                 else f"Added to the pipeline at {to}") + (f" in {pipe}" if pipe else "")
        out.append(TimelineEntry(r.changed_at, "stage", title, (f"By {r.actor}",) if r.actor else (), r.id,
                                 {"deal_id": r.deal_id}))
    return out


def timeline(
    session: Session,
    customer_id: int,
    *,
    limit: int = 50,
    offset: int = 0,
    cursor: Cursor | None = None,
    kinds: set[str] | None = None,
) -> list[TimelineEntry]:
    """Entries newest first: `limit` of them after skipping `offset`, or strictly older than
    `cursor` (an entry's `.cursor`). `kinds` narrows to some of order/event/message/note/consent/stage."""
    need = offset + limit
    sources = [
        ("order", Order, Order.placed_at),
        ("event", Event, Event.occurred_at),
        ("message", Message, Message.created_at),
        ("note", CustomerNote, CustomerNote.created_at),
        ("consent", ConsentEvent, ConsentEvent.occurred_at),
        ("stage", DealStageChange, DealStageChange.changed_at),  # ix_deal_stage_changes_customer_time
    ]
    entries: list[TimelineEntry] = []
    for kind, model, when in sources:
        if kinds is not None and kind not in kinds:
            continue
        stmt = select(model).where(model.customer_id == customer_id, when.is_not(None))
        if cursor is not None:  # strictly after the cursor in (time, kind rank, id) order
            at, rank, ref = cursor
            if KIND_RANK[kind] < rank:
                stmt = stmt.where(when <= at)
            elif KIND_RANK[kind] > rank:
                stmt = stmt.where(when < at)
            else:
                stmt = stmt.where(or_(when < at, and_(when == at, model.id < ref)))
        rows = list(session.scalars(stmt.order_by(when.desc(), model.id.desc()).limit(need)))
        if kind == "order":
            items: dict[int, list[OrderItem]] = {r.id: [] for r in rows}
            if rows:
                for it in session.scalars(select(OrderItem).where(OrderItem.order_id.in_(list(items)))
                                          .order_by(OrderItem.id)):
                    items[it.order_id].append(it)
            entries += [_order_entry(r, items[r.id]) for r in rows]
        elif kind == "stage":
            entries += _stage_entries(session, rows)
        else:
            make = {"event": _event_entry, "message": _message_entry, "note": _note_entry,
                    "consent": _consent_entry}[kind]
            entries += [make(r) for r in rows]
    entries.sort(key=lambda e: e.cursor, reverse=True)
    return entries[offset:need]
