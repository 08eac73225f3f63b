"""Saved segments (the `segments` table): list, save, rename, duplicate, delete, find."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wadesk.core.clock import Clock, SystemClock, utc_naive
from wadesk.core.db.models import Segment
from wadesk.core.segments.rules import validate


class SegmentNotFound(LookupError):
    pass


@dataclass(frozen=True)
class SavedSegment:
    id: int
    name: str
    rules: dict[str, Any]
    description: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "rules": self.rules}


def _view(s: Segment) -> SavedSegment:
    return SavedSegment(s.id, s.name, s.rules, s.description)


def _clean_name(session: Session, name: str, exclude_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValueError("A segment needs a name.")
    if len(name) > 120:
        raise ValueError("A segment name can be at most 120 characters.")
    clash = session.scalar(select(Segment.id).where(func.lower(Segment.name) == name.lower()))
    if clash is not None and clash != exclude_id:
        raise ValueError(f"There is already a segment called '{name}'.")
    return name


def list_segments(session: Session) -> list[SavedSegment]:
    return [_view(s) for s in session.scalars(select(Segment).order_by(func.lower(Segment.name)))]


def find_segment(session: Session, name_or_id: str | int) -> SavedSegment:
    """By id (a number) or by name (any case)."""
    seg = None
    if isinstance(name_or_id, int) or str(name_or_id).strip().isdigit():
        seg = session.get(Segment, int(name_or_id))
    if seg is None:
        seg = session.scalar(select(Segment).where(func.lower(Segment.name) == str(name_or_id).strip().lower()))
    if seg is None:
        raise SegmentNotFound(f"There is no saved segment '{name_or_id}'.")
    return _view(seg)


def save_segment(session: Session, name: str, rules: dict[str, Any], description: str | None = None,
                 segment_id: int | None = None, clock: Clock | None = None) -> SavedSegment:
    """Create (segment_id None) or update a segment; the rules must be valid."""
    validate(rules)
    now = utc_naive((clock or SystemClock()).now())
    name = _clean_name(session, name, segment_id)
    if segment_id is None:
        seg = Segment(name=name, rules=rules, description=description, created_at=now, updated_at=now)
        session.add(seg)
    else:
        seg = session.get(Segment, segment_id)
        if seg is None:
            raise SegmentNotFound(f"Segment {segment_id} no longer exists.")
        seg.name, seg.rules, seg.updated_at = name, rules, now
        if description is not None:
            seg.description = description
    session.flush()
    return _view(seg)


def rename_segment(session: Session, segment_id: int, name: str, clock: Clock | None = None) -> SavedSegment:
    seg = find_segment(session, segment_id)
    return save_segment(session, name, seg.rules, segment_id=seg.id, clock=clock)


def duplicate_segment(session: Session, segment_id: int, clock: Clock | None = None) -> SavedSegment:
    seg = find_segment(session, segment_id)
    base, n = f"{seg.name} (copy)", 2
    name = base
    while session.scalar(select(Segment.id).where(func.lower(Segment.name) == name.lower())) is not None:
        name, n = f"{seg.name} (copy {n})", n + 1
    return save_segment(session, name[:120], seg.rules, seg.description, clock=clock)


def delete_segment(session: Session, segment_id: int) -> None:
    seg = session.get(Segment, segment_id)
    if seg is None:
        raise SegmentNotFound(f"Segment {segment_id} no longer exists.")
    session.delete(seg)
    session.flush()
