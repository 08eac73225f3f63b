"""Everything that happened with a customer, newest first: orders (with their items), website
events, WhatsApp messages, notes and consent changes, a page at a time with "Load more"."""
from __future__ import annotations

import html
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from wadesk.ui.customers import formatting as fmt

KIND_STYLE = {  # kind -> (label, colour)
    "order": ("Order", "#1a73e8"),
    "event": ("Activity", "#7b5ea7"),
    "message": ("WhatsApp", "#1e7d32"),
    "note": ("Note", "#a07900"),
    "consent": ("Consent", "#b3261e"),
    "stage": ("Pipeline", "#0f7a4a"),
}


def _ticks(entry: Any) -> str:
    """WhatsApp's delivery ticks after an outgoing message: grey ✓ / ✓✓, blue ✓✓ when read."""
    data = getattr(entry, "data", None) or {}
    ticks = data.get("ticks") if entry.kind == "message" else ""
    if not ticks:
        return ""
    colour = "#34b7f1" if data.get("status") == "read" else "#8696a0"
    return f" <span style='color:{colour}; font-weight:bold'>{ticks}</span>"


class Entry(Protocol):
    """One line of the timeline (the core's TimelineEntry): when, what kind, title, details."""

    at: datetime
    kind: str
    title: str
    details: tuple[str, ...]
    cursor: Any


class TimelineView(QWidget):
    load_more_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self._entries = QVBoxLayout()
        self._entries.setSpacing(0)
        layout.addLayout(self._entries)
        self.empty = QLabel("Nothing has happened with this customer yet.", self)
        self.empty.setStyleSheet("color: #6b6b6b;")
        layout.addWidget(self.empty)
        self.more_button = QPushButton("Load more", self)
        self.more_button.setObjectName("timelineMore")
        self.more_button.clicked.connect(self.load_more_requested)
        layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.shown = 0
        self.last_cursor: Any = None  # where "Load more" continues from

    def clear(self) -> None:
        while self._entries.count():
            item = self._entries.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.shown = 0
        self.last_cursor = None
        self.empty.show()
        self.more_button.hide()

    def append(self, entries: list[Entry], has_more: bool) -> None:
        for entry in entries:
            self._entries.addWidget(self._entry_widget(entry))
        self.shown += len(entries)
        if entries:
            self.last_cursor = entries[-1].cursor
        self.empty.setVisible(self.shown == 0)
        self.more_button.setVisible(has_more)

    def _entry_widget(self, entry: Entry) -> QWidget:
        label, colour = KIND_STYLE.get(entry.kind, (entry.kind.capitalize(), "#5f6368"))
        lines = "".join(f"<br><span style='color:#444'>{html.escape(d)}</span>" for d in entry.details)
        text = (f"<span style='color:#6b6b6b; font-size:11px'>{fmt.date_time(entry.at)}</span> "
                f"<span style='color:{colour}; font-size:11px; font-weight:600'>{label.upper()}</span><br>"
                f"{html.escape(entry.title)}{_ticks(entry)}{lines}")
        w = QLabel(text, self)
        w.setObjectName(f"timeline_{entry.kind}")
        w.setWordWrap(True)
        w.setTextFormat(Qt.TextFormat.RichText)
        w.setFrameShape(QFrame.Shape.NoFrame)
        w.setStyleSheet(f"border-left: 3px solid {colour}; padding: 3px 6px; margin: 3px 0;")
        return w
