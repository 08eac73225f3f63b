"""Uplift math against hand-computed and published cases."""
from __future__ import annotations

import math
from decimal import Decimal

import pytest

from wadesk.core.reports.uplift import (
    NEGATIVE, NO_EFFECT, NOT_ENOUGH, UPLIFT, Uplift, newcombe_interval, wilson,
)


def test_wilson_by_hand():
    # 10 of 100, z = 1.96: centre (0.1 + 1.96²/200) / (1 + 1.96²/100), half-width as in Wilson 1927.
    z = 1.959963984540054
    p, n = 0.1, 100
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    lo, hi = wilson(10, 100)
    assert lo == pytest.approx(centre - half) and hi == pytest.approx(centre + half)
    assert (round(lo, 4), round(hi, 4)) == (0.0552, 0.1744)


def test_newcombe_matches_the_published_example():
    # Newcombe (1998) Table II, example (a): 56/70 − 48/80 = 0.2000, method 10: 0.0524 to 0.3339.
    lo, hi = newcombe_interval(56, 70, 48, 80)
    assert (round(lo, 4), round(hi, 4)) == (0.0524, 0.3339)
    # Example (d): 0/10 − 0/20 → −0.1611 to 0.2775 (zero conversions are fine).
    lo, hi = newcombe_interval(0, 10, 0, 20)
    assert (round(lo, 4), round(hi, 4)) == (-0.1611, 0.2775)


def test_uplift_figures_by_hand():
    # 60 of 1,000 messaged bought (₹60,000), 30 of 1,000 held out (₹24,000).
    u = Uplift(1000, 60, 1000, 30, Decimal(60000), Decimal(24000))
    assert u.absolute == pytest.approx(0.03) and u.relative == pytest.approx(1.0)
    assert u.incremental_orders == pytest.approx(30)
    assert u.incremental_revenue == Decimal("36000.00")  # (60 − 24) per customer × 1,000
    lo, hi = u.interval
    assert 0 < lo < 0.03 < hi  # a clear uplift: the interval is above zero
    assert u.verdict == UPLIFT and u.enough_data
    assert "raised conversion by +3.0 points" in u.sentence()


def test_not_enough_data_small_or_wide():
    assert Uplift(500, 30, 20, 1, Decimal(0), Decimal(0)).verdict == NOT_ENOUGH  # holdout < 30
    wide = Uplift(100, 6, 100, 5, Decimal(0), Decimal(0))  # 6% vs 5%: interval about ±6 points
    assert wide.verdict == NOT_ENOUGH and not wide.enough_data
    assert wide.sentence().startswith("Not enough data yet")
    narrow = Uplift(200_000, 10_000, 200_000, 10_010, Decimal(0), Decimal(0))  # ±0.14 points around 0
    assert narrow.verdict == NO_EFFECT
    assert Uplift(1000, 10, 1000, 40, Decimal(0), Decimal(0)).verdict == NEGATIVE
    none = Uplift(100, 5, 0, 0, Decimal(0), Decimal(0))
    assert none.interval is None and none.relative is None and none.verdict == NOT_ENOUGH
    assert none.sentence().startswith("No holdout group")
