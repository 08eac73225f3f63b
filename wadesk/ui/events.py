"""The "data changed" broadcast: after an import or an edit, open pages refresh if they care.

    bus.notify(CUSTOMERS, ORDERS)                 # from the code that changed the data
    bus.changed.connect(self._on_data_changed)    # in a page

    def _on_data_changed(self, what: frozenset[str]) -> None:
        if touches(what, CUSTOMERS):
            self.refresh()

`notify` may be called from any thread; `changed` is always delivered on the UI thread.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

CUSTOMERS = "customers"
ORDERS = "orders"
TAGS = "tags"
EVENTS = "events"
SETTINGS = "settings"
SEGMENTS = "segments"
TEMPLATES = "templates"
CAMPAIGNS = "campaigns"
PROFILES = "profiles"  # customer scores recomputed (after an edit, import or refresh)
AUTOMATIONS = "automations"
EVERYTHING = "*"  # the whole database changed (sample shop built or removed, restore)


def touches(what: frozenset[str] | set[str], *topics: str) -> bool:
    """True when a change set concerns any of `topics` (EVERYTHING concerns all)."""
    return EVERYTHING in what or any(t in what for t in topics)


class DataBus(QObject):
    """App-wide events: `changed(frozenset[str])` and `page_requested(str)`."""

    changed = Signal(object)  # frozenset[str]: what changed
    # A page or dialog asks the main window to show another page (by page key, e.g. "import").
    page_requested = Signal(str)
    _posted = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        # Auto connection: direct on the UI thread, queued when posted from a worker thread.
        self._posted.connect(self._deliver)

    def notify(self, *what: str) -> None:
        """Say what changed, e.g. notify("customers", "orders")."""
        if what:
            self._posted.emit(frozenset(what))

    def request_page(self, key: str) -> None:
        self.page_requested.emit(key)

    @Slot(object)
    def _deliver(self, what: frozenset[str]) -> None:
        self.changed.emit(what)
