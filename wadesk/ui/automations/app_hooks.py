"""Automations while the app is open, whichever page is shown: a pass shortly after start (what
fell due while WaDesk was closed), every 5 minutes, and a few seconds after an import (or any
change to customers, orders or events — several changes in a row make one pass).

`install_automation_hooks(window, services)` is called once by app.py after the window is shown.
Passes never run on the UI thread and never two at once (AutomationRunner).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from wadesk.ui import events
from wadesk.ui.automations.runner import AutomationRunner, automation_runner

EVERY_MS = 5 * 60_000
AFTER_CHANGE_MS = 3_000
START_DELAY_MS = 20_000  # after the window, start-up checks and the campaign resume offer
TRIGGERS = (events.CUSTOMERS, events.ORDERS, events.EVENTS, events.PROFILES)


class AutomationHooks(QObject):
    def __init__(self, window: QObject, services: Any, runner: AutomationRunner | None = None,
                 every_ms: int = EVERY_MS, after_change_ms: int = AFTER_CHANGE_MS):
        super().__init__(window)
        self.services = services
        self.runner = runner or automation_runner(services)
        self.timer = QTimer(self, interval=every_ms)
        self.timer.timeout.connect(lambda: self.runner.run("timer"))
        self.after_change = QTimer(self, interval=after_change_ms, singleShot=True)
        self.after_change.timeout.connect(lambda: self.runner.run("import"))
        services.bus.changed.connect(self._on_data_changed)

    def start(self, delay_ms: int = START_DELAY_MS) -> None:
        QTimer.singleShot(delay_ms, self, lambda: self.runner.run("timer"))
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.after_change.stop()

    def _on_data_changed(self, what: frozenset[str]) -> None:
        # Not EVERYTHING (a sample shop built, a restore): those are not new customer activity.
        if events.EVERYTHING not in what and any(t in what for t in TRIGGERS):
            self.after_change.start()  # restarts the countdown: a burst of changes is one pass


def install_automation_hooks(window: QObject, services: Any) -> AutomationHooks:
    hooks = AutomationHooks(window, services)
    hooks.start()
    return hooks
