"""Deals for the sample shop (and benchmarks): deterministic walks through the default stages, so
the board, the report and the segment fields have something true-looking to show."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wadesk.core.db.models import Customer, Message
from wadesk.core.db.pipeline_models import LOST, OPEN, WON
from wadesk.core.pipeline.deals import create_deal, move_deal
from wadesk.core.pipeline.people import set_staff_names, staff_names  # noqa: F401 (demo removal)
from wadesk.core.pipeline.stages import ensure_default_pipeline, stages_of

STAFF = ("Asha", "Ravi", "Meera")
LOST_REASONS = ("Price too high", "Bought elsewhere", "No reply after the quote", "Wanted a different colour")


def add_sample_deals(session: Session, now: datetime, count: int = 60, seed: int = 9) -> int:
    """Deals for `count` customers (those most recently messaged first); returns how many were made."""
    rng = random.Random(seed)
    set_staff_names(session, list(STAFF))
    pipe = ensure_default_pipeline(session, now)
    stages = stages_of(session, pipe.id)
    steps = [s for s in stages if s.outcome == OPEN]
    won = next(s for s in stages if s.outcome == WON)
    lost = next(s for s in stages if s.outcome == LOST)
    # Customers who wrote in first: their cards show a last message, as real leads' would.
    talked = (select(Message.customer_id).where(Message.customer_id.is_not(None)).distinct()
              .order_by(Message.customer_id).limit(count))
    ids = list(session.scalars(talked))
    ids += list(session.scalars(select(Customer.id).where(Customer.id.not_in(ids or [0]))
                                .order_by(Customer.id).limit(count - len(ids))))
    for cid in ids:
        at = now - timedelta(days=rng.uniform(5, 60))
        value = rng.choice((2500, 4800, 7200, 12000, 18500, 26000, 42000))
        deal = create_deal(session, cid, pipe.id, at, value=value, owner=rng.choice((*STAFF, None)),
                           actor=rng.choice(STAFF))
        path = steps[1:rng.randint(1, len(steps))]
        ending = rng.random()
        path = [*path, won] if ending < 0.25 else [*path, lost] if ending < 0.4 else path
        for st in path:
            at = min(now, at + timedelta(days=rng.uniform(0.5, 6)))
            move_deal(session, deal.id, st.id, at, actor=rng.choice(STAFF),
                      lost_reason=rng.choice(LOST_REASONS) if st.outcome == LOST else None)
    return len(ids)
