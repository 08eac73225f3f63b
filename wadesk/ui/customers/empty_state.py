"""What the table area shows when there is nothing to list: no customers yet, or no match."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    import_clicked = Signal()
    add_clicked = Signal()
    clear_search_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.addStretch(1)
        self.title = QLabel(self)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.hint = QLabel(self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #5f6368;")
        box.addWidget(self.title)
        box.addWidget(self.hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QPushButton("Import a list…", self)
        self.add_button = QPushButton("Add a customer", self)
        self.clear_button = QPushButton("Clear the search", self)
        for b in (self.import_button, self.add_button, self.clear_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        box.addLayout(buttons)
        box.addStretch(2)
        self.import_button.clicked.connect(self.import_clicked)
        self.add_button.clicked.connect(self.add_clicked)
        self.clear_button.clicked.connect(self.clear_search_clicked)

    def show_no_customers(self) -> None:
        self.title.setText("No customers yet")
        self.hint.setText("Import a list from Excel, CSV or your store, or add a customer by hand.")
        self.import_button.show()
        self.add_button.show()
        self.clear_button.hide()

    def show_no_match(self, search: str) -> None:
        self.title.setText(f"No customers match '{search}'")
        self.hint.setText("Try part of a name, a phone number (any format) or an email address.")
        self.import_button.hide()
        self.add_button.hide()
        self.clear_button.show()
