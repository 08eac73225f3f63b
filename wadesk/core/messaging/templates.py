"""Templates synced from the WhatsApp Business Account into the `templates` table.

A sync fetches every page first (network, no transaction open), then writes in ONE transaction:
new templates added, statuses and components updated, templates gone from Meta removed — or, when a
campaign references one, kept with status DELETED so the campaign still shows what it sent.
Sandbox and real templates are kept apart by `Template.is_sandbox`; the two modes never count
each other's templates.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from wadesk.core.clock import Clock, SystemClock, utc_naive
from wadesk.core.db.models import Campaign, Template
from wadesk.core.messaging.cloud_client import CloudClient
from wadesk.core.messaging.template_spec import TemplateSpec

DELETED = "DELETED"  # our own status: gone from Meta, kept because a campaign points at it


@dataclass(frozen=True)
class SyncResult:
    templates: int  # templates now on the account (this mode)
    approved: int
    added: int
    updated: int
    removed: int
    kept_deleted: int
    sandbox: bool

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def spec_of(row: Template) -> TemplateSpec:
    """The structured view of a stored template."""
    stored = row.components or {}
    raw = {"id": row.meta_id, "name": row.name, "language": row.language, "category": row.category,
           "status": row.status, **{k: stored.get(k) for k in
                                     ("components", "parameter_format", "quality_score")}}
    return TemplateSpec.from_meta(raw)


def _stored(t: dict[str, Any]) -> dict[str, Any]:
    # What the components column keeps: everything the spec and the Templates page need.
    return {k: t.get(k) for k in ("components", "parameter_format", "quality_score", "sub_category",
                                  "rejected_reason")}


def _referenced_ids(session: Session) -> set[int]:
    return set(session.scalars(select(Campaign.template_id).where(Campaign.template_id.is_not(None))))


def store_templates(session: Session, fetched: Iterable[dict[str, Any]], *, sandbox: bool,
                    now: datetime) -> SyncResult:
    """Write a complete fetch into the table (inside the caller's transaction)."""
    now = utc_naive(now)
    incoming: dict[tuple[str, str], dict[str, Any]] = {}
    for t in fetched:
        if t.get("name") and t.get("language"):
            incoming[(str(t["name"]), str(t["language"]))] = t
    referenced = _referenced_ids(session)
    rows = {(r.name, r.language): r for r in session.scalars(select(Template))}
    added = updated = removed = kept = 0

    for key, row in list(rows.items()):
        if row.is_sandbox == sandbox and key in incoming:
            continue
        if row.is_sandbox == sandbox or key in incoming:
            # Gone from this account, or the other mode's row in the way of an incoming template.
            if row.id in referenced:
                if row.is_sandbox != sandbox:  # free the (name, language) slot, keep the row
                    row.name = f"{row.name} [{'sandbox' if row.is_sandbox else 'account'} {row.id}]"
                if row.status != DELETED:
                    row.status, kept = DELETED, kept + 1
            else:
                session.delete(row)
                removed += 1
            del rows[key]
    session.flush()  # renames and deletes before inserts, for the unique (name, language)

    for key, t in incoming.items():
        row = rows.get(key)
        fields = dict(meta_id=str(t.get("id") or "") or None, category=str(t.get("category", "")).upper(),
                      status=str(t.get("status", "")).upper(), components=_stored(t))
        if row is None:
            session.add(Template(name=key[0], language=key[1], is_sandbox=sandbox, synced_at=now, **fields))
            added += 1
        else:
            if any(getattr(row, k) != v for k, v in fields.items()):
                updated += 1
            for k, v in fields.items():
                setattr(row, k, v)
            row.synced_at = now
    approved = sum(1 for t in incoming.values() if str(t.get("status", "")).upper() == "APPROVED")
    return SyncResult(len(incoming), approved, added, updated, removed, kept, sandbox)


def sync_templates(db: Any, client: CloudClient, *, sandbox: bool, clock: Clock | None = None) -> SyncResult:
    """Fetch all pages from Meta (or the sandbox), then store them in one transaction."""
    fetched = client.list_templates()
    with db.session() as s:
        return store_templates(s, fetched, sandbox=sandbox, now=(clock or SystemClock()).now())


def list_templates(session: Session, *, sandbox: bool, sendable_only: bool = False,
                   include_deleted: bool = False) -> list[Template]:
    """Rows for the Templates page (name, language order)."""
    q = select(Template).where(Template.is_sandbox == sandbox).order_by(Template.name, Template.language)
    if sendable_only:
        q = q.where(Template.status == "APPROVED")
    elif not include_deleted:
        q = q.where(Template.status != DELETED)
    return list(session.scalars(q))


def find_template(session: Session, name: str, language: str | None = None, *,
                  sandbox: bool) -> Template | None:
    """A template by name (and language; without one, English first, then any)."""
    q = select(Template).where(Template.name == name, Template.is_sandbox == sandbox)
    rows = list(session.scalars(q))
    if language:
        rows = [r for r in rows if r.language == language]
    rows.sort(key=lambda r: (r.status != "APPROVED", not r.language.startswith("en"), r.language))
    return rows[0] if rows else None


def template_variables(row_or_spec: Template | TemplateSpec) -> list[str]:
    """Variable keys of a template ("header.1", "body.first_name", "button.0")."""
    spec = row_or_spec if isinstance(row_or_spec, TemplateSpec) else spec_of(row_or_spec)
    return spec.variable_keys()


def describe(row: Template) -> dict[str, Any]:
    """One row of the Templates page (and `wadesk templates list`)."""
    spec = spec_of(row)
    return {"id": row.id, "name": row.name, "language": row.language, "category": row.category,
            "status": row.status, "quality": spec.quality, "sendable": spec.sendable, "sandbox": row.is_sandbox,
            "header": spec.header.format if spec.header else None, "buttons": [b.type for b in spec.buttons],
            "variables": spec.variable_keys(), "synced_at": row.synced_at}
