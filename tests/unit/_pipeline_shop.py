"""A tiny shop with deals for pipeline tests: customers from the shop builder, deals moved at
chosen times so the report's figures can be worked out by hand."""
from __future__ import annotations

from datetime import timedelta

from tests.unit._shop_builder import NOW, Shop
from wadesk.core import pipeline as P


def stage_ids(session, pipeline_id) -> dict[str, int]:
    return {s.name: s.id for s in P.stages_of(session, pipeline_id)}


def walk(session, pipeline_id, customer_id, path, *, value=1000, start_days_ago=30, step_days=2,
         reason="Too expensive", owner=None):
    """A deal created in path[0] start_days_ago, then moved along path every step_days."""
    ids = stage_ids(session, pipeline_id)
    at = NOW - timedelta(days=start_days_ago)
    deal = P.create_deal(session, customer_id, pipeline_id, at, stage_id=ids[path[0]], value=value, owner=owner)
    for name in path[1:]:
        at += timedelta(days=step_days)
        P.move_deal(session, deal.id, ids[name], at, actor="Asha", lost_reason=reason)
    return deal


__all__ = ["NOW", "Shop", "stage_ids", "walk"]
