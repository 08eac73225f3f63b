"""Create, update and delete customers with validation a shop owner can read, and read a profile.

Every write takes the caller's Session (the caller owns the transaction, e.g. `db.session()`),
keeps the derived columns (name, name_key, last_name_key, phone_national) in step, bumps
`version`/`updated_at` and writes an audit row that names fields, never their values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Mapping, Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from wadesk.core.clock import Clock
from wadesk.core.crm.bookkeeping import ValidationError, audit, chunks, now_from
from wadesk.core.crm.customer_query import name_key
from wadesk.core.crm.phones import DEFAULT_REGION, normalise_phone
from wadesk.core.db.models import Base, Customer
from wadesk.core.jobs import CancelledFn, ProgressFn, check_cancelled, never_cancelled, no_progress

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
MAX_LEN = {"first_name": 100, "last_name": 100, "email": 254, "city": 100, "state": 100, "language": 16}


class CustomerNotFound(LookupError):
    def __init__(self, customer_id: int):
        super().__init__("This customer no longer exists (someone may have deleted them).")
        self.customer_id = customer_id


class EditConflict(ValidationError):
    """Someone else saved this customer after it was opened (team mode). `current`: the stored
    editable fields now, so the screen can show what they changed."""

    def __init__(self, current: dict[str, Any]):
        super().__init__({"": "Someone else changed this customer meanwhile; your changes were not saved."})
        self.current = current


@dataclass
class CustomerInput:
    """The editable profile fields. None means empty; `attributes` None means "leave as is"."""

    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None
    city: str | None = None
    state: str | None = None
    pincode: str | None = None
    country: str | None = None
    language: str | None = None
    channel: str | None = None
    attributes: dict[str, Any] | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "CustomerInput":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def display_name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p)


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _validate(session: Session, data: CustomerInput, region: str, customer_id: int | None) -> dict[str, Any]:
    """Checked, normalised column values; raises ValidationError with every problem at once."""
    errors: dict[str, str] = {}
    v: dict[str, Any] = {k: _clean(getattr(data, k)) for k in
                         ("first_name", "last_name", "city", "state", "pincode", "language", "channel")}
    for name, limit in MAX_LEN.items():
        if v.get(name) and len(v[name]) > limit:
            errors[name] = f"This is too long (at most {limit} characters)."
    phone_text = _clean(data.phone)
    v["phone"] = v["phone_national"] = None
    phone_region = None
    if phone_text:
        result = normalise_phone(phone_text, region)
        if not result.ok:
            errors["phone"] = result.error or "This doesn't look like a phone number."
        else:
            v["phone"], v["phone_national"], phone_region = result.e164, result.national, result.region
            owner = session.execute(
                select(Customer.id, Customer.name).where(Customer.phone == result.e164)
            ).first()
            if owner is not None and owner.id != customer_id:
                errors["phone"] = f"This phone number already belongs to {owner.name or 'another customer'}."
    email = _clean(data.email)
    v["email"] = email.lower() if email else None
    if v["email"] and not EMAIL.match(v["email"]):
        errors["email"] = "This email address doesn't look right; it should look like name@example.com."
    country = (_clean(data.country) or "").upper() or None
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        errors["country"] = "Use the two-letter country code, for example IN."
    v["country"] = country or phone_region or (region if v["pincode"] or v["city"] else None)
    if v["pincode"]:
        v["pincode"] = v["pincode"].replace(" ", "")
        if (v["country"] or region) == "IN" and not re.fullmatch(r"[1-9]\d{5}", v["pincode"]):
            errors["pincode"] = "An Indian pincode has 6 digits, like 411001."
    if not (v["first_name"] or v["last_name"] or v["phone"] or v["email"]) and "phone" not in errors:
        errors["first_name"] = "Give at least a name, a phone number or an email."
    if errors:
        raise ValidationError(errors)
    name = display_name(v["first_name"], v["last_name"])
    v.update(name=name[:200], name_key=name_key(name)[:200],
             last_name_key=name_key(v["last_name"])[:100] if v["last_name"] else None)
    if data.attributes is not None:
        v["attributes"] = dict(data.attributes)
    if v["channel"] is None:  # like attributes: not on the edit form, so None keeps what is stored
        del v["channel"]
    return v


def _input(data: CustomerInput | Mapping[str, Any]) -> CustomerInput:
    return data if isinstance(data, CustomerInput) else CustomerInput.from_mapping(data)


def create_customer(
    session: Session,
    data: CustomerInput | Mapping[str, Any],
    *,
    default_region: str = DEFAULT_REGION,
    clock: Clock | None = None,
    now: datetime | None = None,
    source: str = "manual",
    actor: str | None = None,
) -> Customer:
    """Add a customer. `source` becomes the acquisition channel unless one is given."""
    at = now_from(clock, now)
    v = _validate(session, _input(data), default_region.upper(), None)
    v.setdefault("channel", source)
    v.setdefault("attributes", {})
    customer = Customer(**v, version=1, created_at=at, updated_at=at)
    session.add(customer)
    session.flush()
    audit(session, at, "customer.created", customer.id, {"source": source}, actor)
    return customer


def update_customer(
    session: Session,
    customer_id: int,
    data: CustomerInput | Mapping[str, Any],
    *,
    default_region: str = DEFAULT_REGION,
    clock: Clock | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
    actor: str | None = None,
) -> Customer:
    """Replace the profile fields. From a mapping, only the keys it holds change.

    `expected_version` guards against overwriting someone else's newer edit (team mode)."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise CustomerNotFound(customer_id)
    if expected_version is not None and customer.version != expected_version:
        raise EditConflict(_editable(customer))
    if isinstance(data, Mapping):  # partial update: start from what is stored
        merged = {f.name: getattr(customer, f.name) for f in fields(CustomerInput) if f.name != "attributes"}
        merged.update(data)
        data = CustomerInput.from_mapping(merged)
    v = _validate(session, data, default_region.upper(), customer_id)
    changed = sorted(k for k, val in v.items() if getattr(customer, k) != val)
    if changed:
        if expected_version is not None:
            # UPDATE … WHERE version = seen: of two saves of the same version (two computers), the
            # second finds no row (on PostgreSQL it waits for the first to commit, then re-checks).
            claimed = session.execute(update(Customer).where(Customer.id == customer_id,
                                                             Customer.version == expected_version)
                                      .values(version=expected_version + 1)
                                      .execution_options(synchronize_session=False)).rowcount
            if claimed != 1:
                session.refresh(customer)
                raise EditConflict(_editable(customer))
        for k in changed:
            setattr(customer, k, v[k])
        customer.version = (customer.version or 0) + 1
        customer.updated_at = now_from(clock, now)
        session.flush()
        audit(session, customer.updated_at, "customer.updated", customer.id,
              {"fields": [k for k in changed if k not in ("name_key", "last_name_key", "phone_national")]}, actor)
    return customer


def _editable(customer: Customer) -> dict[str, Any]:
    out = {f.name: getattr(customer, f.name) for f in fields(CustomerInput) if f.name != "attributes"}
    out["version"] = customer.version
    return out


# Tables that point at customers with ON DELETE CASCADE but must survive a customer leaving:
# orders carry the shop's revenue figures, so they are detached instead.
KEEP_DETACHED = {"orders"}


def _customer_links() -> list[tuple[Any, Any, bool]]:
    """(table, customer id column, delete rows?) for every table that points at customers,
    read from the models so tables added later (metrics, discount codes ...) are covered too."""
    links = []
    for table in reversed(Base.metadata.sorted_tables):
        for fk in table.foreign_keys:
            if fk.column.table.name == "customers" and table.name != "customers":
                detach = table.name in KEEP_DETACHED or (fk.ondelete or "").upper() == "SET NULL"
                links.append((table, fk.parent, not (detach and fk.parent.nullable)))
    return links


def remove_customer_rows(session: Session, ids: Sequence[int]) -> None:
    """Delete customers and what is only about them (tags, notes, consent history, events ...).

    Orders stay, detached, so revenue figures do not change; messages stay for campaign
    statistics, detached. Explicit statements rather than ON DELETE, which SQLite only honours
    when foreign keys are switched on."""
    links = _customer_links()
    for chunk in chunks(ids):
        for table, col, remove in links:
            stmt = delete(table) if remove else update(table).values({col.name: None})
            session.execute(stmt.where(col.in_(chunk)).execution_options(synchronize_session=False))
        session.execute(delete(Customer).where(Customer.id.in_(chunk)).execution_options(synchronize_session=False))


def delete_customers(
    session: Session,
    ids: Sequence[int],
    *,
    clock: Clock | None = None,
    now: datetime | None = None,
    actor: str | None = None,
    progress: ProgressFn = no_progress,
    cancelled: CancelledFn = never_cancelled,
) -> int:
    """Delete many customers in the caller's transaction; returns how many existed."""
    at = now_from(clock, now)
    todo = list(chunks(ids))
    total = sum(len(c) for c in todo)
    removed, done = 0, 0
    for chunk in todo:
        check_cancelled(cancelled)
        present = list(session.scalars(select(Customer.id).where(Customer.id.in_(chunk))))
        remove_customer_rows(session, present)
        removed += len(present)
        done += len(chunk)
        progress(done, total, "Deleting customers")
    session.expunge_all()  # rows deleted in bulk must not linger in the identity map
    audit(session, at, "customers.deleted", None, {"count": removed, "ids": sorted(set(ids))[:1000]}, actor)
    return removed


def delete_customer(session: Session, customer_id: int, **kw: Any) -> bool:
    return delete_customers(session, [customer_id], **kw) == 1


# The detail pane's read lives next door; re-exported so callers need one import.
from wadesk.core.crm.customer_profile import CustomerProfile, get_profile  # noqa: E402,F401
