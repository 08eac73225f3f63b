"""Holdout split of 1,000,000 customer ids: the vectorised mask against the one-at-a-time rule.

    python -m pytest tests/perf/test_holdout_perf.py -s
"""
from __future__ import annotations

import statistics
import time

import numpy as np

from wadesk.core.campaigns.holdout import holdout_mask, in_holdout

N = 1_000_000


def _median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def test_holdout_mask_of_a_million_ids():
    ids = np.arange(1, N + 1, dtype=np.int64)
    mask = holdout_mask("perf-campaign", ids, 10)
    assert abs(mask.mean() - 0.10) < 0.005
    vector = _median_seconds(lambda: holdout_mask("perf-campaign", ids, 10), 5)
    scalar = _median_seconds(lambda: [in_holdout("perf-campaign", i, 10) for i in ids.tolist()], 3)
    print(f"\nholdout of {N:,} ids: mask {vector:.2f} s median of 5, scalar loop {scalar:.2f} s median of 3 "
          f"(x{scalar / vector:.1f})")
    assert vector < scalar
