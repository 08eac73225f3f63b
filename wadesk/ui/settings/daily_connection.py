"""The WhatsApp connection checked once a day while the app is open (a while after start, then the
hourly timer asks whether it is due), so the Home page's quality, token-expiry and failed-check
warnings stay current. A network-lane job like Test connection, quiet: a failure is stored for the
Home page, not shown in a box."""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from wadesk.ui import events

log = logging.getLogger(__name__)


class DailyConnectionCheck(QObject):
    def __init__(self, services, parent: QObject | None = None, *, first_check_ms: int = 180_000,
                 every_ms: int = 3_600_000):
        super().__init__(parent)
        self.services = services
        self.first_check_ms = first_check_ms
        self.running = False
        self.timer = QTimer(self)
        self.timer.setInterval(every_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> "DailyConnectionCheck":
        QTimer.singleShot(self.first_check_ms, self, self.check)
        self.timer.start()
        return self

    def check(self) -> None:
        if self.running:
            return
        self.running = True
        clock = self.services.clock

        def daily(ctx):
            from wadesk.core.messaging.daily_check import run_daily_check

            return run_daily_check(ctx.db, clock.now())

        job = self.services.jobs.run(daily, title="Checking the WhatsApp connection", lane="net",
                                     progress_dialog=False, show_errors=False, on_result=self._done)
        job.finished.connect(self._finished)

    def _done(self, result) -> None:
        if result is not None:  # checked (good or failed): the Home page's warnings may change
            log.info("Daily WhatsApp connection check: %s", "failed" if result.error else "ok")
            self.services.bus.notify(events.SETTINGS)

    def _finished(self) -> None:
        self.running = False
