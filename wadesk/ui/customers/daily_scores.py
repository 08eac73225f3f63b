"""Everyone's scores once a day while the app is open (checked a while after start, then every
hour): days since the last order, R and the funnel stage move with the calendar. A database-lane
job like any other write, quiet unless it fails (logged; the next check tries again)."""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from wadesk.ui import events

log = logging.getLogger(__name__)


class DailyScores(QObject):
    def __init__(self, services, parent: QObject | None = None, *, first_check_ms: int = 120_000,
                 every_ms: int = 3_600_000):
        super().__init__(parent)
        self.services = services
        self.first_check_ms = first_check_ms
        self.running = False
        self.timer = QTimer(self)
        self.timer.setInterval(every_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> "DailyScores":
        QTimer.singleShot(self.first_check_ms, self, self.check)
        self.timer.start()
        return self

    def check(self) -> None:
        if self.running:
            return
        self.running = True
        clock = self.services.clock

        def daily(ctx):
            from wadesk.core.profile import refresh_profiles  # pandas: only when a refresh runs
            from wadesk.core.profile.due import full_refresh_due

            with ctx.db.session() as s:
                if not full_refresh_due(s, clock.now()):
                    return None
            return refresh_profiles(ctx.db, clock=clock, cancelled=ctx.cancelled)

        job = self.services.jobs.run(daily, title="Updating everyone's scores", lane="db", progress_dialog=False,
                                     show_errors=False, on_result=self._done)
        job.finished.connect(self._finished)

    def _done(self, result) -> None:
        if result is not None:
            log.info("Daily scores: %s customers in %s ms", result.customers, result.ms)
            self.services.bus.notify(events.PROFILES)

    def _finished(self) -> None:
        self.running = False
