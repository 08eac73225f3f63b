"""Across campaigns: the side-by-side table, revenue by segment, cost vs revenue by week, and
"make this list a segment"."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Callable, Sequence

from sqlalchemy.orm import Session

from wadesk.core.clock import Clock
from wadesk.core.crm.tags import MAX_TAG, add_tag, clean_tag_name
from wadesk.core.jobs import CancelledFn, check_cancelled, never_cancelled
from wadesk.core.reports.campaign_report import CampaignReport, build_report, report_campaign_ids
from wadesk.core.segments.saved import SavedSegment, save_segment


def all_reports(session: Session, *, now: datetime | None = None, include_sandbox: bool = True,
                cancelled: CancelledFn = never_cancelled,
                progress: Callable[[int, int], None] | None = None) -> list[CampaignReport]:
    ids = report_campaign_ids(session)
    out = []
    for i, cid in enumerate(ids):
        check_cancelled(cancelled)
        r = build_report(session, cid, now=now)
        if include_sandbox or not r.sandbox:
            out.append(r)
        if progress:
            progress(i + 1, len(ids))
    return out


def revenue_by_segment(reports: Sequence[CampaignReport]) -> list[tuple[str, Decimal, Decimal]]:
    """(audience, revenue of messaged customers, incremental revenue of the campaigns whose holdout
    gives enough data) summed over the campaigns, largest first."""
    rev: dict[str, Decimal] = defaultdict(Decimal)
    inc: dict[str, Decimal] = defaultdict(Decimal)
    for r in reports:
        rev[r.audience_label] += r.revenue
        if r.uplift.enough_data:  # a figure the holdout can't support yet is not added up
            inc[r.audience_label] += r.uplift.incremental_revenue or Decimal(0)
    return sorted(((k, rev[k], inc[k]) for k in rev), key=lambda t: (-t[1], t[0]))


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def cost_revenue_by_week(reports: Sequence[CampaignReport]) -> list[tuple[date, Decimal, Decimal]]:
    """(Monday of the week a campaign went out, its cost, its revenue), oldest first."""
    cost: dict[date, Decimal] = defaultdict(Decimal)
    rev: dict[date, Decimal] = defaultdict(Decimal)
    for r in reports:
        if r.start is None:
            continue
        w = week_of(r.start.date())
        cost[w] += r.cost
        rev[w] += r.revenue
    return [(w, cost[w], rev[w]) for w in sorted(cost)]


SEGMENT_TAG_PREFIX = "list: "


def make_segment(session: Session, customer_ids: Sequence[int], name: str, *, description: str | None = None,
                 clock: Clock | None = None) -> SavedSegment:
    """Save these exact customers as a segment. The list is kept as a tag ("list: NAME") on them and
    the segment is "Tags has any of that tag", so it stays these people (a retargeting list is a
    snapshot: "read but didn't buy" as of today) and the tag shows on the Customers page."""
    if not customer_ids:
        raise ValueError("This list is empty: there is nobody to put in a segment.")
    words = " ".join((name or "").replace(",", ";").split())
    tag = clean_tag_name((SEGMENT_TAG_PREFIX + words)[:MAX_TAG])
    seg = save_segment(session, name, {"all": [{"field": "tags", "op": "has_any", "value": [tag]}]},
                       description=description, clock=clock)
    add_tag(session, list(customer_ids), tag, clock=clock)
    return seg
