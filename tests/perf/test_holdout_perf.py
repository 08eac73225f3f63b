"""Holdout split of 1,000,000 customer ids: the vectorised mask against the one-at-a-time rule.

    python -m pytest tests/perf/test_holdout_perf.py -s
"""
from __future__ import annotations

import statistics
import time

import numpy as np

from wadesk.core.campaigns.holdout import holdout_mask, in_holdout

N = 1_000_000


def _medians(fn, runs: int) -> tuple[float, float]:
    """(wall, CPU) medians in seconds: CPU time is what a busy shared machine inflates least."""
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def test_holdout_mask_of_a_million_ids():
    ids = np.arange(1, N + 1, dtype=np.int64)
    mask = holdout_mask("perf-campaign", ids, 10)
    assert abs(mask.mean() - 0.10) < 0.005
    vector = _medians(lambda: holdout_mask("perf-campaign", ids, 10), 5)
    scalar = _medians(lambda: [in_holdout("perf-campaign", i, 10) for i in ids.tolist()], 3)
    print(f"\nholdout of {N:,} ids: mask {vector[0]:.2f} s wall / {vector[1]:.2f} s CPU (median of 5); "
          f"one at a time {scalar[0]:.2f} s wall / {scalar[1]:.2f} s CPU (median of 3); "
          f"CPU ratio x{scalar[1] / vector[1]:.1f}")
    assert vector[1] < scalar[1]
