"""'What changed since last time': entered / left counts and the compact member store (0006)."""
from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy import inspect

from wadesk.core.segments import entered_left, remember_members, save_segment
from wadesk.core.segments.changes import decode_members, encode_members


def test_entered_left_counts():
    assert entered_left([1, 2, 3], [2, 3, 4, 5]) == (2, 1)
    assert entered_left([], [7, 7, 8]) == (2, 0)  # repeats count once
    assert entered_left(np.array([5, 9]), np.array([], dtype=np.int64)) == (0, 2)
    assert entered_left([1, 2], [2, 1]) == (0, 0)


def test_members_round_trip_compactly():
    ids = np.arange(1, 200_001, 3, dtype=np.int64)
    blob = encode_members(ids[::-1])  # order does not matter
    assert np.array_equal(decode_members(blob), ids)
    assert len(blob) < 2_000  # regular gaps compress to almost nothing
    assert decode_members(None).size == 0 and decode_members(encode_members([])).size == 0
    assert np.array_equal(decode_members(encode_members([2**40, 3])), [3, 2**40])


def test_remember_members_tells_the_change_since_last_time(db, clock):
    assert {"last_members", "last_members_at"} <= {c["name"] for c in inspect(db.engine).get_columns("segments")}
    with db.session() as s:
        sid = save_segment(s, "Buyers", {"all": []}, clock=clock).id
        assert remember_members(s, sid, [1, 2, 3], clock.now()) is None  # first time: nothing to compare
    later = clock.now() + timedelta(days=3)
    with db.session() as s:
        change = remember_members(s, sid, [2, 3, 4, 5], later)
    assert (change.entered, change.left) == (2, 1)
    assert change.since == clock.now().replace(tzinfo=None)
    assert change.words().startswith("2 entered, 1 left since ")
    with db.session() as s:
        change = remember_members(s, sid, [2, 3, 4, 5], later)
        assert (change.entered, change.left, change.since) == (0, 0, later.replace(tzinfo=None))
        assert remember_members(s, 999, [1], later) is None
