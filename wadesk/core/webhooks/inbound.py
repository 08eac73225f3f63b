"""Inbound WhatsApp messages and marketing preferences: the customer's side of the conversation.

- Each message becomes a `messages` row (direction "in", purpose "reply", status "received") on
  the customer's timeline. The customer is found by phone (E.164 from the `from` digits) or by the
  business-scoped user id; an unknown sender becomes a new customer (channel "whatsapp", or "ctwa"
  when the first message came from a click-to-WhatsApp ad).
- "Stop promotions" taps (payload STOP_PROMOTIONS or a stop button's text) and a whole message
  saying STOP / UNSUBSCRIBE / "band karo" are an immediate marketing opt-out; so is a
  `user_preferences` stop event, and its resume event restores the opt-in.
- A first-contact ad referral (with ctwa_clid: the customer is new, or WhatsApp brought them and
  this is their earliest message) stores the click id on the customer and the ad as a
  `lead_created` event from source "ctwa" (what the "New WhatsApp leads from CTWA ads" preset and
  the sample shop use: properties ad = headline, ad_id = source_id, plus body and source_url).
These are few compared with statuses, so they go through the CRM's own functions one at a time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wadesk.core.crm.bookkeeping import ValidationError
from wadesk.core.crm.consent import record_opt_in, record_opt_out
from wadesk.core.crm.customers import create_customer
from wadesk.core.crm.phones import normalise_phone
from wadesk.core.db.models import Customer, Event, Message
from wadesk.core.messaging.template_spec import STOP_PAYLOAD, is_stop_button
from wadesk.core.webhooks.parse import InboundMessage, Preference

OPT_OUT_REPLY = "whatsapp_stop"  # the customer tapped "Stop promotions" or wrote STOP
OPT_OUT_SETTINGS = "whatsapp_settings"  # stopped marketing in WhatsApp's own settings
OPT_IN_RESUME = "whatsapp_resume"
_MEDIA_WORDS = {"image": "photo", "video": "video", "document": "document", "audio": "voice message",
                "sticker": "sticker"}


@dataclass
class InboundOutcome:
    messages: int = 0
    opt_outs: int = 0
    opt_ins: int = 0
    rejected: int = 0
    rejected_keys: set[str] = field(default_factory=set)
    customer_ids: set[int] = field(default_factory=set)
    new_customers: int = 0


def message_text(msg: dict[str, Any]) -> str:
    """What the customer sent, in words for the timeline."""
    kind = msg.get("type")
    part = msg.get(kind) if isinstance(msg.get(kind), dict) else {}
    if kind == "text":
        return str(part.get("body") or "")
    if kind == "button":
        return str(part.get("text") or part.get("payload") or "")
    if kind == "interactive":
        reply = part.get("button_reply") or part.get("list_reply") or {}
        return str(reply.get("title") or reply.get("id") or "")
    if kind in _MEDIA_WORDS:
        caption = part.get("caption") or part.get("filename") or ""
        return f"[{_MEDIA_WORDS[kind]}] {caption}".strip()
    if kind == "location":
        return "[location] " + ", ".join(str(part[k]) for k in ("name", "address") if part.get(k))
    if kind == "reaction":
        return f"[reacted {part.get('emoji') or ''}]".replace(" ]", "]")
    return f"[{kind or 'message'}]"


def is_stop(msg: dict[str, Any]) -> bool:
    """A "Stop promotions" tap, or the whole message is a stop word (case and trailing . ! ignored)."""
    kind = msg.get("type")
    part = msg.get(kind) if isinstance(msg.get(kind), dict) else {}
    if kind == "button":
        return part.get("payload") == STOP_PAYLOAD or is_stop_button(part.get("text"))
    if kind == "interactive":
        reply = part.get("button_reply") or {}
        return reply.get("id") == STOP_PAYLOAD or is_stop_button(reply.get("title"))
    if kind == "text":
        return is_stop_button(str(part.get("body") or "").strip().rstrip(".!").strip())
    return False


def _find(session: Session, phone: str | None, user_id: str | None) -> Customer | None:
    if phone:
        found = session.scalar(select(Customer).where(Customer.phone == phone))
        if found is not None:
            return found
    if user_id:
        return session.scalar(select(Customer).where(Customer.wa_user_id == user_id))
    return None


def customer_for(session: Session, *, wa_id: str | None, user_id: str | None, name: str | None, channel: str,
                 now: datetime) -> tuple[Customer, bool]:
    """(customer, created): the customer this WhatsApp user is, added if WaDesk has never seen them."""
    phone = None
    if wa_id and wa_id.isdigit():
        result = normalise_phone("+" + wa_id)
        phone = result.e164 if result.ok else None
    if not phone and not user_id:
        raise ValueError("a WhatsApp user with neither a valid number nor a user id cannot be told apart")
    customer = _find(session, phone, user_id)
    created = customer is None
    if customer is None:
        data = {"first_name": name or ("WhatsApp user" if not phone else None), "phone": phone, "channel": channel}
        customer = create_customer(session, data, source=channel, now=now, actor="whatsapp")
    if user_id and not customer.wa_user_id and not session.scalar(
            select(Customer.id).where(Customer.wa_user_id == user_id)):
        customer.wa_user_id = user_id
    return customer, created


def _referral(msg: dict[str, Any]) -> dict[str, Any] | None:
    ref = msg.get("referral")
    return ref if isinstance(ref, dict) and ref.get("ctwa_clid") else None


def store_message(session: Session, m: InboundMessage, *, now: datetime, sandbox: bool,
                  out: InboundOutcome) -> None:
    """Store one inbound message; `out` is counted only once everything for it was written."""
    at = min(m.at or now, now)
    ref = _referral(m.raw)
    customer, created = customer_for(session, wa_id=m.sender, user_id=m.user_id, name=m.name,
                                     channel="ctwa" if ref else "whatsapp", now=at)
    if ref and (created or not customer.ctwa_clid):
        _mark_ctwa_lead(session, customer, ref, at, first_contact=created or _first_contact(session, customer, at))
    text = message_text(m.raw)
    session.add(Message(direction="in", purpose="reply", customer_id=customer.id, body=text[:4096] or None,
                        payload=m.raw, status="received", is_sandbox=sandbox, wamid=m.wamid, created_at=at))
    stop = is_stop(m.raw)
    if stop:
        record_opt_out(session, customer.id, OPT_OUT_REPLY, at=at, now=now, actor="whatsapp",
                       note=f"Replied “{text[:60]}” on WhatsApp")
    session.flush()
    out.messages += 1
    out.opt_outs += stop
    out.new_customers += created
    out.customer_ids.add(customer.id)


def _first_contact(session: Session, customer: Customer, at: datetime) -> bool:
    """A customer WhatsApp itself brought in whose earliest message this is (it may arrive after a
    later one: webhooks come in any order)."""
    if customer.channel not in (None, "whatsapp"):
        return False
    earlier = select(Message.id).where(Message.customer_id == customer.id, Message.direction == "in",
                                       Message.created_at < at).limit(1)
    return session.scalar(earlier) is None


def _mark_ctwa_lead(session: Session, customer: Customer, ref: dict[str, Any], at: datetime,
                    first_contact: bool) -> None:
    customer.ctwa_clid = str(ref["ctwa_clid"])[:128]
    if not first_contact:
        return  # a known customer clicking an ad is not a new lead: keep their channel
    customer.channel = "ctwa"
    props = {"ad": ref.get("headline"), "ad_id": ref.get("source_id"), "body": ref.get("body"),
             "source_url": ref.get("source_url"), "source_type": ref.get("source_type"),
             "ctwa_clid": ref.get("ctwa_clid")}
    session.add(Event(customer_id=customer.id, type="lead_created", occurred_at=at, source="ctwa",
                      properties={k: v for k, v in props.items() if v is not None}))


def apply_preference(session: Session, p: Preference, *, now: datetime, out: InboundOutcome) -> None:
    at = min(p.at or now, now)
    customer, created = customer_for(session, wa_id=p.wa_id, user_id=p.user_id, name=p.name,
                                     channel="whatsapp", now=at)
    if p.value == "stop":
        record_opt_out(session, customer.id, OPT_OUT_SETTINGS, at=at, now=now, actor="whatsapp",
                       note="Stopped marketing messages in WhatsApp")
    else:
        record_opt_in(session, customer.id, OPT_IN_RESUME, at=at, now=now, actor="whatsapp",
                      note="Allowed marketing messages again in WhatsApp")
    session.flush()
    out.opt_outs += p.value == "stop"
    out.opt_ins += p.value == "resume"
    out.new_customers += created
    out.customer_ids.add(customer.id)


def apply_inbound(session: Session, messages: list[InboundMessage], preferences: list[Preference], *,
                  now: datetime, sandbox: bool) -> InboundOutcome:
    """Each piece in its own savepoint: one that cannot be stored is counted, the rest go in."""
    out = InboundOutcome()
    work = [(m.at or now, 0, m) for m in messages] + [(p.at or now, 1, p) for p in preferences]
    # Oldest first: a new sender's first message is the one that creates them (and carries the ad).
    for _at, kind, piece in sorted(work, key=lambda w: (w[0], w[1], w[2].key)):
        try:
            with session.begin_nested():
                if kind == 0:
                    store_message(session, piece, now=now, sandbox=sandbox, out=out)
                else:
                    apply_preference(session, piece, now=now, out=out)
        except (ValidationError, ValueError, TypeError, IntegrityError):
            # e.g. a sender whose number is not a phone number and who has no user id; not recorded
            # as seen, so the same piece may be tried again later
            out.rejected += 1
            out.rejected_keys.add(piece.key)
    return out
