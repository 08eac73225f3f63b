"""Webhook payloads (the JSON Meta POSTs) flattened into the three kinds of pieces WaDesk acts on.

    {"object": "whatsapp_business_account", "entry": [{"id": WABA, "changes": [{"field": "messages",
      "value": {"statuses": [...], "messages": [...], "contacts": [...], "user_preferences": [...]}}]}]}

A malformed piece is counted as rejected and skipped; it never stops the rest of the batch.
Shapes: ../shared/reference/whatsapp-cloud-api.md ("Webhooks").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Iterable

# Monotone order of delivery statuses; failed is final and handled apart.
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3}
KNOWN_STATUSES = {"sent", "delivered", "read", "failed"}
CALLBACK_PREFIX = "wadesk:"


@lru_cache(maxsize=1 << 16)  # a batch has few distinct seconds: 1,000,000 statuses parse 6x faster
def when(value: Any) -> datetime | None:
    """Meta's timestamp (epoch seconds, usually a string) as naive UTC; None when absent.
    Raises ValueError for something that is not a time (TypeError for a list or an object)."""
    if value is None or value == "":
        return None
    seconds = int(str(value).strip())
    return datetime.fromtimestamp(seconds, tz=timezone.utc).replace(tzinfo=None)


def callback_id(data: Any) -> int | None:
    """The ledger row id WaDesk put in biz_opaque_callback_data ("wadesk:1337")."""
    if data.__class__ is str and data[:7] == CALLBACK_PREFIX:
        rest = data[7:]
        if rest.isdigit():
            return int(rest)
    return None


@dataclass(slots=True)
class StatusEvent:
    wamid: str
    status: str  # sent | delivered | read | failed
    at: datetime | None
    callback_id: int | None
    category: str | None  # upper case, e.g. MARKETING
    key: str  # status:<wamid>:<status>, the dedupe key
    raw: dict[str, Any]
    error_code: int | None = None
    error_title: str | None = None  # Meta's own title (the row gets plain words instead)
    error_detail: str | None = None


@dataclass(slots=True)
class InboundMessage:
    wamid: str
    sender: str | None  # digits, as Meta sends `from`
    user_id: str | None  # business-scoped user id (customers who hide their number)
    name: str | None  # WhatsApp profile name
    at: datetime | None
    kind: str  # text | button | interactive | image ...
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"message:{self.wamid}"


@dataclass(slots=True)
class Preference:
    wa_id: str
    user_id: str | None
    category: str
    value: str  # stop | resume
    at: datetime | None
    name: str | None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        stamp = int(self.at.replace(tzinfo=timezone.utc).timestamp()) if self.at else ""
        return f"preference:{self.wa_id or self.user_id}:{self.category}:{self.value}:{stamp}"


@dataclass
class Pieces:
    statuses: list[StatusEvent] = field(default_factory=list)
    messages: list[InboundMessage] = field(default_factory=list)
    preferences: list[Preference] = field(default_factory=list)
    events: int = 0  # every piece seen, good or bad
    rejected: int = 0
    ignored: int = 0  # well-formed but not for WaDesk (template updates, account alerts ...)


# Meta's pricing categories -> what the ledger and the marketing cap use.
_CATEGORY = {"MARKETING_LITE": "MARKETING", "AUTHENTICATION_INTERNATIONAL": "AUTHENTICATION"}


def _category(pricing: Any) -> str | None:
    if not isinstance(pricing, dict) or not pricing.get("category"):
        return None
    return _category_name(pricing["category"])


@lru_cache(maxsize=256)
def _category_name(value: Any) -> str:
    cat = str(value).strip().upper()
    return _CATEGORY.get(cat, cat)[:16]


def _text(value: Any, limit: int | None = None) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return (text[:limit] if limit else text) or None


def _status(st: Any) -> StatusEvent | None:
    """One status piece; None when it is not a status WaDesk tracks. Raises on malformed input."""
    if not isinstance(st, dict):
        raise ValueError("status is not an object")
    wamid, status = st.get("id"), st.get("status")
    if not isinstance(wamid, str) or not wamid or not isinstance(status, str):
        raise ValueError("status without id or status")
    status = status.lower()
    if status not in KNOWN_STATUSES:
        return None  # e.g. "deleted", "played", "warning": not part of the send ledger
    wamid = wamid[:128]
    ev = StatusEvent(wamid, status, when(st.get("timestamp")), callback_id(st.get("biz_opaque_callback_data")),
                     _category(st.get("pricing")), f"status:{wamid}:{status}", st)
    if status == "failed":
        errors = st.get("errors") or []
        first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
        code = first.get("code")
        ev.error_code = int(code) if code is not None and str(code).lstrip("-").isdigit() else None
        ev.error_title = _text(first.get("title") or first.get("message"), 255)
        data = first.get("error_data") if isinstance(first.get("error_data"), dict) else {}
        ev.error_detail = _text(data.get("details") or first.get("message") or first.get("title"))
    return ev


def _contacts(value: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for c in value.get("contacts") or []:
        if isinstance(c, dict):
            for k in (c.get("wa_id"), c.get("user_id")):
                if k:
                    out[str(k)] = c
    return out


def _contact_name(contact: dict[str, Any] | None) -> str | None:
    profile = (contact or {}).get("profile")
    return _text(profile.get("name"), 100) if isinstance(profile, dict) else None


def _message(msg: Any, contacts: dict[str, dict[str, Any]]) -> InboundMessage:
    if not isinstance(msg, dict):
        raise ValueError("message is not an object")
    wamid, sender = msg.get("id"), _text(msg.get("from"), 32)
    user_id = _text(msg.get("from_user_id"), 128)
    if not isinstance(wamid, str) or not wamid or not (sender or user_id):
        raise ValueError("message without id or sender")
    contact = contacts.get(sender or "") or contacts.get(user_id or "")
    if contact and not user_id:
        user_id = _text(contact.get("user_id"), 128)
    return InboundMessage(wamid=wamid[:128], sender=sender, user_id=user_id, name=_contact_name(contact),
                          at=when(msg.get("timestamp")), kind=str(msg.get("type") or "unknown"), raw=msg)


def _preference(p: Any, contacts: dict[str, dict[str, Any]]) -> Preference | None:
    if not isinstance(p, dict):
        raise ValueError("user preference is not an object")
    wa_id, user_id = _text(p.get("wa_id"), 32), _text(p.get("user_id"), 128)
    value = str(p.get("value") or "").strip().lower()
    if not (wa_id or user_id) or value not in ("stop", "resume"):
        raise ValueError("user preference without a customer or a stop/resume value")
    category = str(p.get("category") or "marketing_messages")
    if category != "marketing_messages":
        return None
    contact = contacts.get(wa_id or "") or contacts.get(user_id or "")
    return Preference(wa_id=wa_id or "", user_id=user_id or _text((contact or {}).get("user_id"), 128),
                      category=category, value=value, at=when(p.get("timestamp")), name=_contact_name(contact),
                      raw=p)


def _each(items: Any) -> list[Any]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise ValueError("expected a list")
    return items


def split(payloads: Iterable[Any]) -> Pieces:
    """Flatten webhook payloads into statuses, inbound messages and marketing preferences."""
    out = Pieces()
    for payload in payloads:
        try:
            entries = _each(payload.get("entry")) if isinstance(payload, dict) else None
            if entries is None or not entries:
                raise ValueError("not a WhatsApp webhook payload")
        except ValueError:
            out.events += 1
            out.rejected += 1
            continue
        for entry in entries:
            try:
                changes = _each(entry.get("changes"))
            except (AttributeError, ValueError):
                out.events += 1
                out.rejected += 1
                continue
            for change in changes:
                _split_change(change, out)
    return out


_BAD_PIECE = (AttributeError, TypeError, ValueError, OverflowError, OSError)


def _split_change(change: Any, out: Pieces) -> None:
    value = change.get("value") if isinstance(change, dict) else None
    if not isinstance(value, dict):
        out.events += 1
        out.rejected += 1
        return
    statuses = _lenient(value.get("statuses"), out)
    messages = _lenient(value.get("messages"), out)
    prefs = _lenient(value.get("user_preferences"), out)
    if not (statuses or messages or prefs) and change.get("field") not in (None, "messages", "user_preferences"):
        out.events += 1
        out.ignored += 1  # template status updates, quality changes ...: not the send ledger
        return
    out.events += len(statuses) + len(messages) + len(prefs)
    append = out.statuses.append  # the hot loop: up to 1,000 statuses per change
    for item in statuses:
        try:
            ev = _status(item)
        except _BAD_PIECE:
            out.rejected += 1
            continue
        if ev is None:
            out.ignored += 1
        else:
            append(ev)
    contacts = _contacts(value) if value.get("contacts") else {}
    for item in messages:
        try:
            out.messages.append(_message(item, contacts))
        except _BAD_PIECE:
            out.rejected += 1
    for item in prefs:
        try:
            pref = _preference(item, contacts)
        except _BAD_PIECE:
            out.rejected += 1
            continue
        if pref is None:
            out.ignored += 1
        else:
            out.preferences.append(pref)


def _lenient(items: Any, out: Pieces) -> list[Any]:
    if items is None:
        return []
    if isinstance(items, list):
        return items
    out.events += 1
    out.rejected += 1
    return []
