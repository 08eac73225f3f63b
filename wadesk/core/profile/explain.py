"""One customer's scores, each with a one-line "why", for the customer page and the builder."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wadesk.core.db.profile_models import CustomerCategoryStat, CustomerMetrics, ProfileRefresh
from wadesk.core.profile import funnel, rfm


@dataclass(frozen=True)
class ScoreLine:
    key: str  # r, f, m, rfm_group, funnel_stage
    label: str
    value: Any
    why: str


@dataclass(frozen=True)
class CustomerScores:
    customer_id: int
    metrics: dict[str, Any]  # every customer_metrics column
    categories: dict[str, dict[str, int]] = field(default_factory=dict)  # {cat: {purchases, views}}
    lines: list[ScoreLine] = field(default_factory=list)


def _days(n: int) -> str:
    return "today" if n == 0 else ("1 day ago" if n == 1 else f"{n} days ago")


def _rupees(x: float) -> str:
    return f"₹{x:,.0f}"


def _beats(pct: float | None, word: str, fixed: bool, rule: str) -> str:
    share = f"{word} {pct:.0f}% of customers" if pct is not None else ""
    if fixed:
        return f"{share}; {rule} (fixed thresholds while the shop has under {rfm.SMALL_SHOP} buyers)".lstrip("; ")
    return share


def _fixed_rule(key: str, score: int) -> str:
    cuts = rfm.FIXED[key]
    if key == "r":
        lo = cuts[score - 2] if score >= 2 else None
        hi = cuts[score - 1] if score <= 4 else None
        span = f"{hi + 1}-{lo} days" if hi and lo else (f"up to {lo} days" if lo else f"over {hi} days")
        return f"{span} scores {score}"
    lo = cuts[score - 2] if score >= 2 else None
    hi = cuts[score - 1] if score <= 4 else None
    unit = "" if key == "f" else "₹"
    if lo is None:
        return f"under {unit}{hi:,} scores 1"
    return f"{unit}{lo:,}" + (f" to under {unit}{hi:,}" if hi else " or more") + f" scores {score}"


def score_lines(m: dict[str, Any], fixed: bool) -> list[ScoreLine]:
    """The one-line explanations, from a metrics row (dict of customer_metrics columns)."""
    r, f, mm = int(m.get("r") or 0), int(m.get("f") or 0), int(m.get("m") or 0)
    group, stage = m.get("rfm_group") or "Prospects", m.get("funnel_stage") or "TOFU"
    if r == 0:
        none = "no purchase yet"
        lines = [ScoreLine(k, k.upper(), 0, f"{k.upper()}=0: {none}") for k in ("r", "f", "m")]
    else:
        days, orders, spent = int(m.get("days_since_last_order") or 0), int(m["orders"]), float(m["total_spent"])
        lines = [
            ScoreLine("r", "Recency", r, f"R={r}: last order {_days(days)}, "
                      + _beats(m.get("r_pct"), "newer than", fixed, _fixed_rule("r", r))),
            ScoreLine("f", "Frequency", f, f"F={f}: {orders} order{'s' if orders != 1 else ''}, "
                      + _beats(m.get("f_pct"), "more than", fixed, _fixed_rule("f", f))),
            ScoreLine("m", "Monetary", mm, f"M={mm}: {_rupees(spent)} spent, "
                      + _beats(m.get("m_pct"), "more than", fixed, _fixed_rule("m", mm))),
        ]
    if r == 0:
        gwhy = "Prospects: has not bought yet"
    else:
        gwhy = f"{group}: R={r} and (F+M)/2={(f + mm) / 2:g}"
    lines.append(ScoreLine("rfm_group", "RFM group", group, gwhy))
    lines.append(ScoreLine("funnel_stage", "Funnel stage", stage, f"{stage}: {funnel.WHY.get(stage, '')}"))
    return lines


def customer_scores(session: Session, customer_id: int) -> CustomerScores | None:
    """The stored metrics of one customer with their explanations (None before a refresh)."""
    row = session.get(CustomerMetrics, customer_id)
    if row is None:
        return None
    metrics = {c.name: getattr(row, c.name) for c in CustomerMetrics.__table__.columns}
    cats = {c.category: {"purchases": c.purchases, "views": c.views} for c in session.scalars(
        select(CustomerCategoryStat).where(CustomerCategoryStat.customer_id == customer_id))}
    th = session.scalar(select(ProfileRefresh.thresholds).where(ProfileRefresh.kind == "full")
                        .order_by(ProfileRefresh.id.desc()).limit(1)) or {}
    return CustomerScores(customer_id, metrics, cats, score_lines(metrics, bool(th.get("fixed", True))))


def last_refreshed(session: Session) -> datetime | None:
    return session.scalar(select(ProfileRefresh.refreshed_at).order_by(ProfileRefresh.id.desc()).limit(1))
