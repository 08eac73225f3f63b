"""When everyone's scores are due again. Relative figures age with the clock even when no data
changes — days since the last order, R (recency) and the funnel's At risk / Lost — so a full
refresh runs once a day (the app checks while it is open; `wadesk profile` does it from a schedule)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wadesk.core.clock import utc_naive
from wadesk.core.db.models import Customer
from wadesk.core.db.profile_models import ProfileRefresh

DAILY = timedelta(hours=20)  # a little under a day, so an app opened each morning refreshes each morning


def full_refresh_due(session: Session, now: datetime, every: timedelta = DAILY) -> bool:
    last = session.scalar(select(func.max(ProfileRefresh.refreshed_at)).where(ProfileRefresh.kind == "full"))
    if last is None:
        return session.scalar(select(Customer.id).limit(1)) is not None
    return utc_naive(now) - last >= every
