"""Everyone's scores once a day while the app is open (checked a while after start, then every
hour): days since the last order, R and the funnel stage move with the calendar. A database-lane
job like any other write, quiet unless it fails (logged; the next check tries again)."""
from __future__ import annotations

import logging

from wadesk.ui import events
from wadesk.ui.hourly_job import HourlyJob

log = logging.getLogger(__name__)


class DailyScores(HourlyJob):
    title = "Updating everyone's scores"
    lane = "db"
    first_check_ms = 120_000

    def work(self, ctx):
        from wadesk.core.profile import refresh_profiles  # pandas: only when a refresh runs
        from wadesk.core.profile.due import full_refresh_due

        clock = self.services.clock
        with ctx.db.session() as s:
            if not full_refresh_due(s, clock.now()):
                return None
        return refresh_profiles(ctx.db, clock=clock, cancelled=ctx.cancelled)

    def done(self, result) -> None:
        if result is not None:
            log.info("Daily scores: %s customers in %s ms", result.customers, result.ms)
            self.services.bus.notify(events.PROFILES)
