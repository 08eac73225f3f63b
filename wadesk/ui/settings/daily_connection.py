"""The WhatsApp connection checked once a day while the app is open (a while after start, then the
hourly timer asks whether it is due), so the Home page's quality, token-expiry and failed-check
warnings stay current. A network-lane job like Test connection, quiet: a failure is stored for the
Home page, not shown in a box."""
from __future__ import annotations

import logging

from wadesk.ui import events
from wadesk.ui.hourly_job import HourlyJob

log = logging.getLogger(__name__)


class DailyConnectionCheck(HourlyJob):
    title = "Checking the WhatsApp connection"
    lane = "net"
    first_check_ms = 180_000

    def work(self, ctx):
        from wadesk.core.messaging.daily_check import run_daily_check

        return run_daily_check(ctx.db, self.services.clock.now())

    def done(self, result) -> None:
        if result is not None:  # checked (good or failed): the Home page's warnings may change
            log.info("Daily WhatsApp connection check: %s", "failed" if result.error else "ok")
            self.services.bus.notify(events.SETTINGS)
