"""Lead status per customer and the staff names deals and customers can be owned by (kept locally
as a setting; there are no user accounts)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from wadesk.core.db.models import Customer
from wadesk.core.pipeline.stages import PipelineError
from wadesk.core.settings import SettingDef, SettingError, get_setting, register_settings, set_setting

LEAD_STATUSES = ("New", "Qualified", "Unqualified", "Customer")
STAFF_SETTING = "pipeline_staff"


def _staff(value: Any) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else str(value or "").split(",")
    out: list[str] = []
    for item in items:
        name = " ".join(str(item).split())
        if len(name) > 100:
            raise SettingError("A staff name can be at most 100 characters.")
        if name and name.lower() not in {n.lower() for n in out}:
            out.append(name)
    return out


register_settings([SettingDef(STAFF_SETTING, [], "Staff who own leads and deals (names, comma-separated)", _staff)])


def staff_names(session: Session) -> list[str]:
    return list(get_setting(session, STAFF_SETTING) or [])


def set_staff_names(session: Session, names: list[str] | str) -> list[str]:
    return set_setting(session, STAFF_SETTING, names)


def check_owner(session: Session, owner: str | None) -> str | None:
    """The owner as typed in the staff list, or None for "nobody"; unknown names are refused."""
    name = " ".join(str(owner or "").split())
    if not name:
        return None
    for known in staff_names(session):
        if known.lower() == name.lower():
            return known
    raise PipelineError(f"'{name}' is not in the staff list; add the name in Settings first.")


def check_lead_status(status: str | None) -> str | None:
    text = str(status or "").strip()
    if not text:
        return None
    for known in LEAD_STATUSES:
        if known.lower() == text.lower():
            return known
    raise PipelineError(f"'{text}' is not a lead status (use {', '.join(LEAD_STATUSES)}).")


def set_lead_status(session: Session, customer_id: int, status: str | None) -> str | None:
    c = session.get(Customer, customer_id)
    if c is None:
        raise PipelineError("That customer no longer exists.")
    c.lead_status = check_lead_status(status)
    return c.lead_status


def set_customer_owner(session: Session, customer_id: int, owner: str | None) -> str | None:
    c = session.get(Customer, customer_id)
    if c is None:
        raise PipelineError("That customer no longer exists.")
    c.owner = check_owner(session, owner)
    return c.owner
