"""Who is this row? Phone, then email, then the store's own customer id; and merging what a row
says into what we know without destroying anything.

Merge rules: blanks are filled; tags are a union; a differing value is replaced only when the row
is dated later than what we hold (customer attribute `as_of`, else its `updated_at`); extra
phones, emails and store ids (a duplicate account merged in) are kept in attributes, so each still
finds the customer next time; an opt-out is never turned into an opt-in.
"""
from __future__ import annotations

import json
from dataclasses import fields
from datetime import datetime
from operator import attrgetter
from typing import Any, Iterator

from sqlalchemy import DateTime, select
from sqlalchemy.orm import Session

from wadesk.core.crm.customer_query import name_key
from wadesk.core.crm.phones import PhoneResult
from wadesk.core.importing.formats.base import CustomerData
from wadesk.core.db.models import CONSENT_OPTED_IN, CONSENT_OPTED_OUT, Customer

# Columns an import writes on customers (and snapshots before changing, for rollback).
FIELDS = ("phone", "phone_national", "email", "first_name", "last_name", "name", "name_key", "last_name_key",
          "city", "state", "pincode", "country", "channel", "attributes", "consent_state", "consent_source",
          "consent_at", "updated_at")
# external_ids = {source: the store's id, ALSO: {source: [ids of duplicate accounts merged in]}}
ALSO = "also"
SIMPLE = ("first_name", "last_name", "city", "state", "pincode", "country")
LIMITS = {"first_name": 100, "last_name": 100, "city": 100, "state": 100, "pincode": 12, "country": 2}


class Draft:
    """A customer as this import sees it: the stored values (`before`) and the merged values.

    A plain class with slots: an import of 100,000 rows makes 100,000 of these."""

    __slots__ = ("id", "values", "before", "tags", "new_tags", "consent_events", "merged_rows", "dirty",
                 "_as_of_text", "_as_of", "merged", "merged_newer")

    def __init__(self, id: int | None, values: dict[str, Any], before: dict[str, Any] | None):
        self.id = id  # None until inserted
        self.values = values
        self.before = before  # None for customers this import creates
        self.tags: set[str] = set()
        self.new_tags: set[str] = set()
        self.consent_events: list[tuple[str, datetime]] = []
        self.merged_rows = 0
        self.dirty = False  # a new customer changed again after it was inserted
        self._as_of_text: str | None = None  # attributes["as_of"] as last read, and as a datetime
        self._as_of: datetime | None = None
        self.merged: tuple | None = None  # what the last merge() folded in (_CONTENT), and whether it was newer
        self.merged_newer = False

    @property
    def as_of(self) -> datetime | None:
        a = self.values["attributes"].get("as_of")
        if a:
            if a is not self._as_of_text:  # parsed once per change, not once per row merged
                self._as_of_text, self._as_of = a, datetime.fromisoformat(a)
            return self._as_of
        return self.before["updated_at"] if self.before else None

    def changed(self) -> dict[str, Any]:
        if self.before is None:
            return {}
        return {k: v for k, v in self.values.items() if k in FIELDS and self.before.get(k) != v}


# Attribute sections where the file being imported wins over what is stored: a CRM export's lead status
# and deal stage (issue 9) are the CRM's current word, however old the row is.
LATEST_WINS = frozenset({"pipeline"})


def blank_values(now: datetime) -> dict[str, Any]:
    v: dict[str, Any] = {k: None for k in FIELDS}
    v.update(name="", name_key="", attributes={}, consent_state=0, updated_at=now)
    return v


# What merge() reads of a row's customer besides its date (as_of) and consent (apply_consent's).
_CONTENT = attrgetter(*[f.name for f in fields(CustomerData) if f.name not in ("as_of", "consent", "consent_at")])


def merge(d: Draft, c, phone: PhoneResult | None, others: list[PhoneResult], email: str | None,
          source: str, now: datetime) -> None:
    """Fold one row's customer data into a draft (see the module docstring for the rules).

    A row saying exactly what the draft's last merge said (a customer's every order in a shop's
    export repeats their details; phone and email come from the same texts) changes nothing but the
    date, unless this row is newer and that one was not: then its values win where they differ."""
    v = d.values
    attrs = v["attributes"]  # the draft's own dict (load_drafts); nested values are replaced, never changed
    newer = c.as_of is not None and (d.as_of is None or c.as_of > d.as_of)
    # Kept for dated rows only (a store's export): a plain list rarely repeats anyone, and the
    # kept details of 100,000 customers would cost ~70 MB for nothing.
    content = _CONTENT(c) if c.as_of is not None else None
    if content is not None and content == d.merged and (d.merged_newer or not newer):
        if newer:
            attrs["as_of"] = d._as_of_text = c.as_of.isoformat()
            d._as_of = c.as_of
        return
    d.merged, d.merged_newer = content, newer
    for f in SIMPLE:
        new = getattr(c, f)
        if not new:  # a blank never changes anything
            continue
        new = field_text(f, new)
        if new and (not v[f] or (newer and v[f] != new)):
            v[f] = new
    if v["first_name"] or v["last_name"]:
        full = full_name(v["first_name"] or "", v["last_name"] or "")
        if full != v["name"] and (not v["name"] or newer or d.before is None):
            v["name"], v["name_key"], v["last_name_key"] = name_keys(full, v["last_name"])
    for p in ([phone] if phone else []) + others:
        if not v["phone"] and p is phone:
            v["phone"], v["phone_national"] = p.e164, p.national
        elif p.e164 != v["phone"]:
            _add(attrs, "other_phones", p.e164)
    if email:
        if not v["email"]:
            v["email"] = email
        elif email != v["email"]:
            _add(attrs, "other_emails", email)
    if c.channel and not v["channel"]:
        v["channel"] = c.channel
    if c.external_id:
        ext = dict(attrs.get("external_ids") or {})
        first = ext.setdefault(source, c.external_id)
        if first != c.external_id:  # a duplicate account merged in: its id still finds this customer
            also = {k: list(v) for k, v in (ext.get(ALSO) or {}).items()}
            if c.external_id not in also.setdefault(source, []):
                also[source].append(c.external_id)
            ext[ALSO] = also
        attrs["external_ids"] = ext
    for k, val in c.attributes.items():
        if isinstance(val, dict):
            later = newer or k in LATEST_WINS
            attrs[k] = {**val, **(attrs.get(k) or {})} if not later else {**(attrs.get(k) or {}), **val}
        elif isinstance(val, list):
            for item in val:
                _add(attrs, k, item)
        elif newer or k not in attrs:
            attrs[k] = val
    if newer:
        attrs["as_of"] = d._as_of_text = c.as_of.isoformat()
        d._as_of = c.as_of
    if c.tags:
        d.new_tags.update(t for t in c.tags if t not in d.tags)
        d.tags.update(c.tags)


def tag_list(tags: set[str]) -> str:
    """customers.tag_list for these tag names, as crm.totals.refresh_tag_lists builds it on SQLite
    (ORDER BY name compares UTF-8 bytes, which is Python's code point order)."""
    return ", ".join(sorted(tags))[:500]


def field_text(f: str, text: str) -> str:
    """What merge keeps of a row's non-blank text for one of SIMPLE ('' = nothing usable)."""
    if f == "country":
        text = text.upper() if len(text) == 2 and text.isalpha() else ""
    return text[: LIMITS[f]]


def full_name(first: str, last: str) -> str:
    # Shopify forms often put the whole name in First Name: "Person9 Singh Yadav" + "Yadav".
    if last and first.lower().endswith(" " + last.lower()):
        return first
    return f"{first} {last}" if first and last else first or last


def name_keys(full: str, last: str | None) -> tuple[str, str, str | None]:
    """-> (name, name_key, last_name_key) as stored for this full name and last name."""
    return full[:200], name_key(full)[:200], name_key(last or "")[:100] or None


def apply_consent(d: Draft, choice: str | None, at: datetime, source: str) -> bool:
    """Record an opt-in/opt-out from the file. Returns False when an opt-in was refused because the
    customer opted out before (imports never undo an opt-out)."""
    v = d.values
    if choice == "out" and v["consent_state"] != CONSENT_OPTED_OUT:
        v.update(consent_state=CONSENT_OPTED_OUT, consent_source=source, consent_at=at)
        d.consent_events.append(("opt_out", at))
    elif choice == "in":
        if v["consent_state"] == CONSENT_OPTED_OUT:
            return False
        if v["consent_state"] != CONSENT_OPTED_IN:
            v.update(consent_state=CONSENT_OPTED_IN, consent_source=source, consent_at=at)
            d.consent_events.append(("opt_in", at))
    return True


def _add(attrs: dict, key: str, value) -> None:
    lst = list(attrs.get(key) or [])
    if value not in lst:
        lst.append(value)
        attrs[key] = lst


class CustomerIndex:
    """Phone -> id, email -> id, (source, store id) -> id, for the whole database, loaded once."""

    def __init__(self, session: Session, sources: list[str] | None = None):
        """sources: the stores whose ids are looked up (None: every store's)."""
        self.phone: dict[str, int] = {}
        self.email: dict[str, int] = {}
        self.ext: dict[tuple[str, str], int] = {}
        ids = Customer.attributes["external_ids"]
        # One pass over the table; the store ids come as one JSON text per customer that has any.
        q = select(Customer.id, Customer.phone, Customer.email, ids.as_string())
        self.stored = 0  # customers in the database: none, and no row of a file can match a stored one
        for cid, phone, email, ext in _rows(session, q):
            self.stored += 1
            if phone:
                self.phone[phone] = cid
            if email:
                self.email.setdefault(email.lower(), cid)
            if ext:
                self._add_ids(cid, ext, sources)

    def _add_ids(self, cid: int, text: str, sources: list[str]) -> None:
        try:
            ext = json.loads(text)
        except ValueError:
            return
        if not isinstance(ext, dict):
            return
        for src in (sources if sources is not None else [k for k in ext if k != ALSO]):
            if isinstance(ext.get(src), str):
                self.ext[(src, ext[src])] = cid
        for src, more in (ext.get(ALSO) or {}).items():
            if sources is None or src in sources:
                for i in more or ():
                    self.ext.setdefault((src, i), cid)

    def find(self, phone: str | None, email: str | None, source: str, ext: str | None) -> int | None:
        return ((phone and self.phone.get(phone)) or (email and self.email.get(email))
                or (ext and self.ext.get((source, ext))) or None)


def _rows(session: Session, query):
    """Rows of a plain column query; on SQLite straight from the driver, values as stored (no
    per-row result processing: these queries read every customer, or every one a file matches)."""
    if session.get_bind().dialect.name != "sqlite":
        return session.execute(query)
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    cur = session.connection().connection.driver_connection.cursor()
    return cur.execute(str(compiled))


def load_drafts(session: Session, ids: list[int]) -> dict[int, Draft]:
    """The stored customers with these ids as drafts."""
    out: dict[int, Draft] = {}
    for i in range(0, len(ids), 5000):
        for cid, vals in _stored_values(session, ids[i:i + 5000]):
            out[cid] = Draft(cid, {**vals, "attributes": dict(vals["attributes"])}, before=vals)
    return out


_TIMES = [f for f in FIELDS if isinstance(getattr(Customer, f).type, DateTime)]


def _stored_values(session: Session, ids: list[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(id, FIELDS as stored, attributes a dict of their own). SQLite's rows come from the driver
    (`_rows`) and are converted here as SQLAlchemy would (datetime.fromisoformat, JSON): a weekly
    re-import of a 100,000-row list loads every customer, and SQLAlchemy's row processing was a
    third of that."""
    raw = session.get_bind().dialect.name == "sqlite"
    query = select(Customer.id, *[getattr(Customer, f) for f in FIELDS]).where(Customer.id.in_(ids))
    for row in _rows(session, query):
        vals = dict(zip(FIELDS, row[1:]))
        if raw:
            for f in _TIMES:
                if vals[f] is not None:
                    vals[f] = datetime.fromisoformat(vals[f])
            a = vals["attributes"]
            vals["attributes"] = None if a is None or a == "{}" else json.loads(a)
        vals["attributes"] = dict(vals["attributes"] or {})
        yield row[0], vals
