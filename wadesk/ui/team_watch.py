"""Team mode: see other computers' changes. On a shared database, every 30 s and whenever WaDesk
comes back to the front, a job reads a cheap fingerprint (`core.db.team.change_stamp`); when it
moved, the data topics are announced on the bus, as after a change made here, and pages reload.
Nothing runs on this computer's own SQLite file: every change there is announced already."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from wadesk.core.db.team import change_stamp
from wadesk.ui import events

POLL_MS = 30_000
TOPICS = (events.CUSTOMERS, events.ORDERS, events.TAGS, events.EVENTS, events.PROFILES, events.CAMPAIGNS,
          events.SEGMENTS, events.AUTOMATIONS)


class TeamWatch(QObject):
    def __init__(self, services, parent: QObject | None = None):
        super().__init__(parent)
        self.services = services
        self.stamp: tuple | None = None
        self.checking = False
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> "TeamWatch":
        if self.services.db.path is None:  # a team database
            self.timer.start()
            app = QApplication.instance()
            if app is not None:
                app.applicationStateChanged.connect(self._state_changed)
            self.check()
        return self

    def _state_changed(self, state) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check()

    def check(self) -> None:
        if self.checking:
            return
        self.checking = True
        db = self.services.db
        job = self.services.jobs.run(lambda ctx: change_stamp(db), title="Checking for other computers' changes",
                                     progress_dialog=False, show_errors=False, cancellable=True,
                                     on_result=self._compare)
        job.finished.connect(self._done)

    def _done(self) -> None:
        self.checking = False

    def _compare(self, stamp: tuple) -> None:
        before, self.stamp = self.stamp, stamp
        if before is not None and stamp != before:
            self.services.bus.notify(*TOPICS)
