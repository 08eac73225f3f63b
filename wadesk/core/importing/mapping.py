"""Column mapping for free-form lists: fuzzy header matching and mappings saved by header signature.

Shop lists say 'Mobile No.', 'Contact No.', 'WhatsApp Number', 'Cust Name', 'Pin', 'Amt'... We
normalise the header (lower case, no punctuation), look it up among synonyms, then accept a close
spelling (difflib) or a synonym contained as whole words ('Customer Mobile No.' contains 'mobile').
"""
from __future__ import annotations

import difflib
import functools
import hashlib
import re
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the database parts are imported where used: the parse worker needs only the headers'
    from sqlalchemy.orm import Session

    from wadesk.core.db.import_models import ImportMapping

SYNONYMS: dict[str, list[str]] = {
    # WhatsApp numbers first: in a WhatsApp CRM they are the primary phone.
    "phone": ["whatsapp", "whatsapp no", "whatsapp number", "wa number", "wa no", "mobile", "mobile no",
              "mobile number", "mob", "mob no", "cell", "cell no", "contact", "contact no", "contact number",
              "phone", "phone no", "phone number", "ph no", "telephone", "tel", "number", "customer mobile",
              "alternate number", "alt mobile", "alternate phone", "landline"],
    "email": ["email", "e mail", "email id", "email address", "mail", "mail id", "gmail"],
    "name": ["name", "customer name", "cust name", "full name", "client name", "party name", "buyer name",
             "customer", "contact name", "naam"],
    "first_name": ["first name", "firstname", "given name", "fname"],
    "last_name": ["last name", "lastname", "surname", "family name", "lname"],
    "city": ["city", "town", "district", "city name", "location", "area"],
    "state": ["state", "province", "region", "state name"],
    "pincode": ["pincode", "pin code", "pin", "zip", "zip code", "postal code", "postcode"],
    "country": ["country", "country code"],
    "tags": ["tags", "tag", "labels", "label", "group", "groups", "segment", "category of customer"],
    "whatsapp_consent": ["whatsapp opt in", "whatsapp optin", "opt in", "optin", "consent", "whatsapp consent",
                         "marketing consent", "accepts whatsapp marketing", "subscribed"],
    "note": ["note", "notes", "remarks", "remark", "comment", "comments"],
    "channel": ["source", "lead source", "channel"],
    "order_id": ["order id", "order no", "order number", "invoice no", "invoice number", "bill no", "bill number"],
    "order_date": ["date", "order date", "purchase date", "bill date", "invoice date"],
    "order_total": ["amount", "amt", "total", "order total", "order value", "bill amount", "invoice amount",
                    "total amount", "value", "price paid"],
    "payment_method": ["payment method", "payment mode", "mode of payment", "payment", "payment type"],
    "item_name": ["product", "product name", "item", "item name"],
    "item_category": ["product category", "item category", "category"],
    "item_qty": ["qty", "quantity"],
    "event_type": ["event", "event type", "event name", "action", "activity"],
    "event_time": ["event time", "timestamp", "time", "occurred at", "datetime"],
    "value": ["event value", "cart value"],
    # CRM exports (HubSpot, Zoho CRM): see formats/crm.py, where "Amount" is the deal's value.
    "lead_status": ["lead status"],
    "lifecycle_stage": ["lifecycle stage"],
    "deal_stage": ["deal stage", "pipeline stage"],
    "deal_value": ["deal amount", "deal value", "expected revenue"],
    "owner": ["contact owner", "deal owner", "lead owner", "hubspot owner", "owner", "sales person", "salesperson"],
    "lost_reason": ["closed lost reason", "reason for loss", "lost reason"],
}
_INDEX = {syn: f for f, syns in SYNONYMS.items() for syn in syns}


def norm_header(h: str) -> str:
    h = re.sub(r"[^\w\s]+", " ", h.lower().replace("e-mail", "email").replace("_", " "))
    h = re.sub(r"\b(no|num|nbr)\b\.?", "no", h)
    return " ".join(h.split())


@functools.lru_cache(maxsize=8192)
def match_header(header: str) -> tuple[str | None, float]:
    """Best field for one header and a confidence 0..1 (exact synonym 1.0)."""
    n = norm_header(header)
    if not n:
        return None, 0.0
    if n in _INDEX:
        return _INDEX[n], 1.0
    best, score = None, 0.0
    close = difflib.get_close_matches(n, list(_INDEX), n=1, cutoff=0.82)
    if close:
        best, score = _INDEX[close[0]], difflib.SequenceMatcher(None, n, close[0]).ratio()
    words = f" {n} "
    for syn, f in sorted(_INDEX.items(), key=lambda kv: -len(kv[0])):  # longest synonym wins
        if len(syn) > 3 and f" {syn} " in words and 0.75 > score:
            best, score = f, 0.75
            break
    return best, score


def suggest_generic(headers: list[str]) -> dict[str, str]:
    """{header: field} for a free-form list. A field taken once is not given to a weaker column,
    except phone (several phone columns: the first is primary, the rest alternates)."""
    scored = [(h, *match_header(h)) for h in headers]
    out: dict[str, str] = {}
    taken: set[str] = set()
    for h, f, s in sorted(scored, key=lambda x: -x[2]):
        if f and s >= 0.75 and (f not in taken or f == "phone"):
            out[h] = f
            taken.add(f)
    return {h: out[h] for h in headers if h in out}


def header_signature(headers: list[str]) -> str:
    return hashlib.sha256("\n".join(norm_header(h) for h in headers).encode()).hexdigest()


def find_saved_mapping(session: Session, headers: list[str]) -> ImportMapping | None:
    from sqlalchemy import select

    from wadesk.core.db.import_models import ImportMapping

    return session.scalar(select(ImportMapping).where(ImportMapping.signature == header_signature(headers)))


def save_mapping(session: Session, headers: list[str], fmt: str, mapping: dict[str, str], now: datetime) -> None:
    """Remember the mapping used for this header set (the wizard offers it next time)."""
    from wadesk.core.db.import_models import ImportMapping

    row = find_saved_mapping(session, headers)
    if row is None:
        session.add(ImportMapping(signature=header_signature(headers), format=fmt, headers=list(headers),
                                  mapping=dict(mapping), use_count=1, created_at=now, updated_at=now))
    else:
        row.format, row.mapping, row.updated_at = fmt, dict(mapping), now
        row.use_count += 1
