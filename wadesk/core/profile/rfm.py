"""RFM scores (recency, frequency, monetary; 1..5) and the 11 named groups.

A score of k means the customer beats at least 20*(k-1)% of the shop's buyers on that measure
("R=5: last order 6 days ago, newer than 80% of customers"). Customers with the same value share
the score of the lowest rank in their tie block, so "1 order" is never split between two scores.
Shops with fewer than SMALL_SHOP buyers get fixed thresholds instead: quintiles of a handful of
buyers would jump around with every new order. Customers without a purchase score 0 and are
"Prospects".

The share beaten is exact in a full refresh (searchsorted on all buyers' values); incremental
refreshes use the 1001-point quantile grid stored by the last full refresh (within 0.1%).
"""
from __future__ import annotations

from typing import Any

import numpy as np

SMALL_SHOP = 200
GRID_POINTS = 1001
# Fixed fallback thresholds: a value at or past the k-th threshold scores k+2.
FIXED = {
    "r": (240, 120, 60, 30),  # days since the last order (fewer is better)
    "f": (2, 3, 4, 6),  # orders
    "m": (1000, 2500, 5000, 10000),  # rupees spent
}

GROUPS = ("Champions", "Loyal", "Active", "Needs attention", "Promising", "New", "At risk",
          "Previously loyal", "Almost lost", "Dormant", "Prospects")
# Rows: R = 1..5; columns: (F+M)/2 in [1,2), [2,3), [3,4), [4,5].
_GRID = (
    ("Dormant", "Dormant", "At risk", "Previously loyal"),
    ("Almost lost", "Almost lost", "At risk", "Previously loyal"),
    ("Needs attention", "Needs attention", "Loyal", "Loyal"),
    ("Promising", "Active", "Loyal", "Champions"),
    ("New", "Active", "Loyal", "Champions"),
)
GROUP_RULES = {  # (R range, FM range) per group, for presets and the "why" text
    name: sorted({(r + 1, c + 1) for r in range(5) for c in range(4) if _GRID[r][c] == name})
    for name in GROUPS[:-1]
}


def _pct_beaten(values: np.ndarray, population: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """Share (0..100) of `population` (sorted) strictly worse than each value."""
    n = len(population)
    if n == 0:
        return np.zeros(len(values))
    if higher_is_better:
        below = np.searchsorted(population, values, side="left")
    else:
        below = n - np.searchsorted(population, values, side="right")
    return below * 100.0 / n


def make_thresholds(recency_days: np.ndarray, orders: np.ndarray, spent: np.ndarray) -> dict[str, Any]:
    """What a full refresh stores: the buyers' count and a quantile grid of each measure."""
    n = len(orders)
    out: dict[str, Any] = {"buyers": int(n), "fixed": n < SMALL_SHOP}
    if n:
        q = np.linspace(0, 1, GRID_POINTS)
        for key, vals in (("r", recency_days), ("f", orders), ("m", spent)):
            out[key] = np.quantile(vals, q, method="inverted_cdf").round(2).tolist()
    return out


def _fixed_score(key: str, vals: np.ndarray) -> np.ndarray:
    cuts = FIXED[key]
    if key == "r":  # fewer days is better
        return 1 + np.searchsorted(-np.array(cuts), -vals, side="right")
    return 1 + np.searchsorted(np.array(cuts), vals, side="right")


def score(recency_days: np.ndarray, orders: np.ndarray, spent: np.ndarray,
          thresholds: dict[str, Any], exact: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
          ) -> dict[str, np.ndarray]:
    """R, F, M (int8, 1..5) and the share beaten (float) for buyers. `exact` gives the sorted
    buyer populations (full refresh); otherwise the stored grid is the population."""
    out: dict[str, np.ndarray] = {}
    measures = (("r", recency_days, False), ("f", orders, True), ("m", spent, True))
    for i, (key, vals, higher) in enumerate(measures):
        vals = np.asarray(vals, dtype=float)
        pop = exact[i] if exact is not None else np.asarray(thresholds.get(key, []), dtype=float)
        pct = _pct_beaten(vals, pop, higher)
        if thresholds.get("fixed", True):
            s = _fixed_score(key, vals)
        else:
            s = 1 + np.floor(pct / 20.0)
        out[key] = np.clip(s, 1, 5).astype(np.int8)
        out[key + "_pct"] = pct.round(1)
    return out


def groups(r: np.ndarray, f: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Group names (object array); R = 0 means no purchase: Prospects."""
    grid = np.array(_GRID, dtype=object)
    fm = np.clip((np.asarray(f) + np.asarray(m)) // 2, 1, 4) - 1  # (F+M)/2 rounded down, 1..4
    rr = np.clip(np.asarray(r), 1, 5) - 1
    out = grid[rr, fm]
    return np.where(np.asarray(r) == 0, "Prospects", out).astype(object)


def fm_band(f: int, m: int) -> int:
    return min(max((f + m) // 2, 1), 4)
