""""What changed since last time" for saved segments: the members are remembered when a segment is
saved or its count viewed (segments.last_members / last_members_at, migration 0006), and the next
time the difference is told as "N entered, M left since <date>".

    entered_left(previous_ids, current_ids) -> (entered, left)
    remember_members(session, segment_id, ids, now) -> MemberChange | None   # None: first time
    encode_members(ids) / decode_members(blob)      # sorted ids, delta-encoded, zlib: compact
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

import numpy as np
from sqlalchemy.orm import Session

from wadesk.core.clock import utc_naive
from wadesk.core.db.models import Segment


@dataclass(frozen=True)
class MemberChange:
    entered: int
    left: int
    since: datetime  # when the previous members were remembered

    def words(self) -> str:
        return f"{self.entered:,} entered, {self.left:,} left since {self.since:%d %b %Y}"


def _ids(ids: Iterable[int] | np.ndarray) -> np.ndarray:
    return np.unique(np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, dtype=np.int64))


def encode_members(ids: Iterable[int] | np.ndarray) -> bytes:
    a = _ids(ids)
    return zlib.compress(np.diff(a, prepend=0).astype("<i8").tobytes(), 6)


def decode_members(blob: bytes | None) -> np.ndarray:
    if not blob:
        return np.zeros(0, dtype=np.int64)
    return np.cumsum(np.frombuffer(zlib.decompress(blob), dtype="<i8")).astype(np.int64)


def entered_left(previous: Iterable[int] | np.ndarray, current: Iterable[int] | np.ndarray) -> tuple[int, int]:
    """(customers in `current` but not `previous`, customers in `previous` but not `current`)."""
    before, now = _ids(previous), _ids(current)
    return (int(np.setdiff1d(now, before, assume_unique=True).size),
            int(np.setdiff1d(before, now, assume_unique=True).size))


def remember_members(session: Session, segment_id: int, ids: Iterable[int] | np.ndarray,
                     now: datetime) -> MemberChange | None:
    """Store these as the segment's members; return the change since the ones stored before
    (None if none were, or the segment is gone)."""
    seg = session.get(Segment, segment_id)
    if seg is None:
        return None
    current = _ids(ids)
    change = None
    if seg.last_members is not None and seg.last_members_at is not None:
        entered, left = entered_left(decode_members(seg.last_members), current)
        change = MemberChange(entered, left, seg.last_members_at)
    seg.last_members, seg.last_members_at = encode_members(current), utc_naive(now)
    session.flush()
    return change
