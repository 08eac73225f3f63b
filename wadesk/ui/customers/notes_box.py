"""A customer's notes: newest first, and a box to add one."""
from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from wadesk.ui.customers import formatting as fmt


class NotesBox(QWidget):
    add_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._list = QVBoxLayout()
        self._list.setSpacing(6)
        layout.addLayout(self._list)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("noteEditor")
        self.editor.setPlaceholderText("Write a note about this customer…")
        self.editor.setFixedHeight(56)
        layout.addWidget(self.editor)
        row = QHBoxLayout()
        row.addStretch(1)
        self.add_button = QPushButton("Add note", self)
        self.add_button.setObjectName("addNoteButton")
        self.add_button.clicked.connect(self._add)
        row.addWidget(self.add_button)
        layout.addLayout(row)

    def set_notes(self, notes: list[tuple[str, str | None, datetime | None]]) -> None:
        """notes: (body, author, written at), newest first."""
        while self._list.count():
            item = self._list.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if not notes:
            empty = QLabel("No notes yet.", self)
            empty.setStyleSheet("color: #6b6b6b;")
            self._list.addWidget(empty)
        for body, author, at in notes:
            who = f" · {html.escape(author)}" if author else ""
            label = QLabel(f"{html.escape(body).replace(chr(10), '<br>')}"
                           f"<br><span style='color:#6b6b6b; font-size:11px'>{fmt.date_time(at)}{who}</span>", self)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setStyleSheet("background: #fbf8e9; border: 1px solid #ece4bd; border-radius: 4px; padding: 4px;")
            self._list.addWidget(label)

    def _add(self) -> None:
        text = self.editor.toPlainText().strip()
        if text:
            self.editor.clear()
            self.add_requested.emit(text)
