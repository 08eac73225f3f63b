"""Tags: put a tag on (or take it off) many customers at once, list tags with their counts.

Bulk changes work in chunks of ids inside the caller's one transaction, so tagging 100,000
selected customers is a handful of statements, and a cancel rolls all of it back. `tag_list` on
customers (what the table shows and sorts by) is rebuilt for exactly the customers that changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.orm import Session

from wadesk.core.clock import Clock
from wadesk.core.crm.bookkeeping import ValidationError, audit, chunks, now_from
from wadesk.core.crm.totals import refresh_tag_lists
from wadesk.core.db.models import Customer, CustomerTag, Tag
from wadesk.core.jobs import CancelledFn, ProgressFn, check_cancelled, never_cancelled, no_progress

MAX_TAG = 64


@dataclass(frozen=True)
class TagCount:
    id: int
    name: str
    customers: int


def clean_tag_name(name: str) -> str:
    """Trimmed tag name, or ValidationError in plain words. Case is kept as typed."""
    text = " ".join((name or "").split())
    if not text:
        raise ValidationError({"tag": "A tag needs a name."})
    if "," in text:  # the table shows tags as "cod, vip"
        raise ValidationError({"tag": "A tag can't contain a comma."})
    if len(text) > MAX_TAG:
        raise ValidationError({"tag": f"A tag can be at most {MAX_TAG} characters."})
    return text


def find_tag(session: Session, name: str) -> Tag | None:
    """The tag with this name, ignoring case ("VIP" and "vip" are one tag)."""
    text = clean_tag_name(name)
    return session.scalars(select(Tag).where(func.lower(Tag.name) == text.lower()).order_by(Tag.id)).first()


def ensure_tag(session: Session, name: str) -> Tag:
    """The tag with this name, created if it doesn't exist yet."""
    tag = find_tag(session, name)
    if tag is None:
        tag = Tag(name=clean_tag_name(name))
        session.add(tag)
        session.flush()
    return tag


def _touch(session: Session, ids: list[int], at: datetime) -> None:
    refresh_tag_lists(session, ids)
    for chunk in chunks(ids):
        session.execute(update(Customer).where(Customer.id.in_(chunk)).values(updated_at=at)
                        .execution_options(synchronize_session=False))


def add_tag(
    session: Session,
    customer_ids: Sequence[int],
    name: str,
    *,
    clock: Clock | None = None,
    now: datetime | None = None,
    actor: str | None = None,
    progress: ProgressFn = no_progress,
    cancelled: CancelledFn = never_cancelled,
) -> list[int]:
    """Put tag `name` on these customers (creating the tag if needed).

    Returns the ids that did not have it before (what an undo has to take off again)."""
    at = now_from(clock, now)
    tag = ensure_tag(session, name)
    todo = list(chunks(customer_ids))
    total, done, changed = sum(map(len, todo)), 0, []
    for chunk in todo:
        check_cancelled(cancelled)
        have = set(session.scalars(select(CustomerTag.customer_id).where(
            and_(CustomerTag.tag_id == tag.id, CustomerTag.customer_id.in_(chunk)))))
        exist = session.scalars(select(Customer.id).where(Customer.id.in_(chunk)))
        new = [cid for cid in exist if cid not in have]
        if new:
            session.execute(insert(CustomerTag), [{"customer_id": cid, "tag_id": tag.id} for cid in new])
            _touch(session, new, at)
            changed += new
        done += len(chunk)
        progress(done, total, f"Adding tag '{tag.name}'")
    if changed:
        audit(session, at, "tag.added", tag.id, {"customers": len(changed)}, actor, entity="tag")
    return changed


def remove_tag(
    session: Session,
    customer_ids: Sequence[int],
    name: str,
    *,
    clock: Clock | None = None,
    now: datetime | None = None,
    actor: str | None = None,
    progress: ProgressFn = no_progress,
    cancelled: CancelledFn = never_cancelled,
) -> list[int]:
    """Take tag `name` off these customers. Returns the ids that had it."""
    at = now_from(clock, now)
    tag = find_tag(session, name)
    if tag is None:
        return []
    todo = list(chunks(customer_ids))
    total, done, changed = sum(map(len, todo)), 0, []
    for chunk in todo:
        check_cancelled(cancelled)
        had = list(session.scalars(select(CustomerTag.customer_id).where(
            and_(CustomerTag.tag_id == tag.id, CustomerTag.customer_id.in_(chunk)))))
        if had:
            session.execute(delete(CustomerTag).where(
                and_(CustomerTag.tag_id == tag.id, CustomerTag.customer_id.in_(had))))
            _touch(session, had, at)
            changed += had
        done += len(chunk)
        progress(done, total, f"Removing tag '{tag.name}'")
    if changed:
        audit(session, at, "tag.removed", tag.id, {"customers": len(changed)}, actor, entity="tag")
    return changed


def set_customer_tags(
    session: Session, customer_id: int, names: Iterable[str], *, clock: Clock | None = None,
    now: datetime | None = None, actor: str | None = None,
) -> list[str]:
    """Make one customer's tags exactly `names` (the detail pane's chips). Returns them sorted."""
    wanted = {clean_tag_name(n).lower(): clean_tag_name(n) for n in names}
    current = {t.name.lower(): t.name for t in session.scalars(
        select(Tag).join(CustomerTag, CustomerTag.tag_id == Tag.id).where(CustomerTag.customer_id == customer_id))}
    for key in current.keys() - wanted.keys():
        remove_tag(session, [customer_id], current[key], clock=clock, now=now, actor=actor)
    for key in wanted.keys() - current.keys():
        add_tag(session, [customer_id], wanted[key], clock=clock, now=now, actor=actor)
    return sorted(session.scalars(
        select(Tag.name).join(CustomerTag, CustomerTag.tag_id == Tag.id).where(CustomerTag.customer_id == customer_id)))


def tag_names(session: Session) -> list[str]:
    """All tag names, A to Z (for pickers)."""
    return sorted(session.scalars(select(Tag.name)), key=str.casefold)


def tag_counts(session: Session) -> list[TagCount]:
    """Every tag with how many customers carry it, most used first (unused tags too)."""
    n = func.count(CustomerTag.customer_id)
    rows = session.execute(
        select(Tag.id, Tag.name, n).outerjoin(CustomerTag, CustomerTag.tag_id == Tag.id)
        .group_by(Tag.id, Tag.name).order_by(n.desc(), Tag.name)
    )
    return [TagCount(tid, tname, cnt) for tid, tname, cnt in rows]


def delete_tag(session: Session, name: str, *, clock: Clock | None = None, now: datetime | None = None,
               actor: str | None = None) -> int:
    """Remove a tag from everyone and forget it. Returns how many customers had it."""
    tag = find_tag(session, name)
    if tag is None:
        return 0
    ids = list(session.scalars(select(CustomerTag.customer_id).where(CustomerTag.tag_id == tag.id)))
    changed = remove_tag(session, ids, tag.name, clock=clock, now=now, actor=actor)
    session.delete(tag)
    session.flush()
    audit(session, now_from(clock, now), "tag.deleted", tag.id, {"customers": len(changed)}, actor, entity="tag")
    return len(changed)
