"""Did the campaign cause the sales? Messaged vs holdout conversion, with an honest interval.

The 95% interval of the difference of two proportions is Newcombe's hybrid score interval (method 10
in Newcombe 1998, "Interval estimation for the difference between independent proportions"): it
combines the Wilson score intervals of the two rates. Unlike the Wald interval it stays inside
[-1, 1], behaves with zero conversions and with the small holdouts a shop has (10% of a few
hundred). Checked against Newcombe's own worked example (56/70 vs 48/80 → 0.0524 to 0.3339).

"Not enough data yet" (`enough_data` False) when either group has fewer than MIN_GROUP people, or
the interval contains zero and is wider than NARROW (2 percentage points): then nothing can be said.
An interval containing zero that is narrower than that is a real answer: "no clear effect".
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

Z95 = 1.959963984540054
MIN_GROUP = 30
NARROW = 0.02

UPLIFT, NEGATIVE, NO_EFFECT, NOT_ENOUGH = "uplift", "negative", "no_clear_effect", "not_enough_data"


def wilson(x: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of x successes out of n (n > 0)."""
    p = x / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denom = 1 + z * z / n
    return (centre - half) / denom, (centre + half) / denom


def newcombe_interval(x1: int, n1: int, x2: int, n2: int, z: float = Z95) -> tuple[float, float]:
    """95% interval of p1 - p2 (Newcombe's method 10). Both groups must be non-empty."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, z)
    l2, u2 = wilson(x2, n2, z)
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return max(-1.0, lo), min(1.0, hi)


@dataclass(frozen=True)
class Uplift:
    messaged: int
    messaged_converted: int
    holdout: int
    holdout_converted: int
    messaged_revenue: Decimal
    holdout_revenue: Decimal

    @property
    def messaged_rate(self) -> float | None:
        return self.messaged_converted / self.messaged if self.messaged else None

    @property
    def holdout_rate(self) -> float | None:
        return self.holdout_converted / self.holdout if self.holdout else None

    @property
    def absolute(self) -> float | None:
        """Conversion-rate difference, messaged minus holdout (0.012 = 1.2 points)."""
        if self.messaged_rate is None or self.holdout_rate is None:
            return None
        return self.messaged_rate - self.holdout_rate

    @property
    def relative(self) -> float | None:
        """Uplift as a share of the holdout's rate (0.5 = messaged converted 50% more); None at 0."""
        if self.absolute is None or not self.holdout_rate:
            return None
        return self.absolute / self.holdout_rate

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.messaged or not self.holdout:
            return None
        return newcombe_interval(self.messaged_converted, self.messaged, self.holdout_converted, self.holdout)

    @property
    def verdict(self) -> str:
        ci = self.interval
        if ci is None or self.messaged < MIN_GROUP or self.holdout < MIN_GROUP:
            return NOT_ENOUGH
        lo, hi = ci
        if lo > 0:
            return UPLIFT
        if hi < 0:
            return NEGATIVE
        return NO_EFFECT if hi - lo <= NARROW else NOT_ENOUGH

    @property
    def enough_data(self) -> bool:
        return self.verdict != NOT_ENOUGH

    @property
    def incremental_orders(self) -> float | None:
        """Converted customers the campaign added: the rate difference applied to those messaged."""
        return None if self.absolute is None else self.absolute * self.messaged

    @property
    def incremental_revenue(self) -> Decimal | None:
        """Revenue per messaged customer minus revenue per held-out customer, times those messaged."""
        if not self.messaged or not self.holdout:
            return None
        per_m = self.messaged_revenue / self.messaged
        per_h = self.holdout_revenue / self.holdout
        return ((per_m - per_h) * self.messaged).quantize(Decimal("0.01"))

    def sentence(self) -> str:
        """The uplift in plain words for the report's header."""
        if self.holdout == 0:
            return "No holdout group: WaDesk can't tell which sales the campaign caused."
        v = self.verdict
        if v == NOT_ENOUGH:
            return (f"Not enough data yet: {self.holdout:,} held out and {self.messaged:,} messaged"
                    " — the difference could still be chance.")
        lo, hi = self.interval  # type: ignore[misc]
        points = f"{self.absolute * 100:+.1f} points (95% range {lo * 100:+.1f} to {hi * 100:+.1f})"
        if v == UPLIFT:
            return f"The campaign raised conversion by {points}."
        if v == NEGATIVE:
            return f"Messaged customers converted less than the holdout: {points}."
        return f"No clear effect: {points}."
