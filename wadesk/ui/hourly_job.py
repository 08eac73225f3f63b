"""A quiet job checked a while after start and then every hour while the app is open (each
subclass's work decides whether anything is due), one run at a time, errors logged, no dialog."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer


class HourlyJob(QObject):
    title = ""  # what the job list shows while it runs
    lane = "db"
    first_check_ms = 120_000  # after start; a subclass or the caller may say otherwise

    def __init__(self, services, parent: QObject | None = None, *, first_check_ms: int | None = None,
                 every_ms: int = 3_600_000):
        super().__init__(parent)
        self.services = services
        if first_check_ms is not None:
            self.first_check_ms = first_check_ms
        self.running = False
        self.timer = QTimer(self)
        self.timer.setInterval(every_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> "HourlyJob":
        QTimer.singleShot(self.first_check_ms, self, self.check)
        self.timer.start()
        return self

    def check(self) -> None:
        if self.running:
            return
        self.running = True
        job = self.services.jobs.run(self.work, title=self.title, lane=self.lane, progress_dialog=False,
                                     show_errors=False, on_result=self.done)
        job.finished.connect(self._finished)

    def work(self, ctx) -> Any:
        """Runs on the lane's thread; None when nothing was due."""
        raise NotImplementedError

    def done(self, result: Any) -> None:
        """Back on the UI thread with work's result."""

    def _finished(self) -> None:
        self.running = False
