"""Marketing consent: what the customer said, when and how, and buttons to record a new answer."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wadesk.core.db.models import CONSENT_OPTED_IN, CONSENT_OPTED_OUT
from wadesk.ui.customers import formatting as fmt
from wadesk.ui.customers.labels import CONSENT_SOURCES, pretty

# How a shop owner heard "yes", and the source code stored for it.
OPT_IN_SOURCES = [
    ("whatsapp", "They said yes on WhatsApp"),
    ("checkout", "They ticked the box at checkout"),
    ("form", "They signed up on a form"),
    ("in_person", "They told us in person or on the phone"),
    ("manual", "Other"),
]


class OptInDialog(QDialog):
    """Asks how the customer agreed; `source` and `note` after exec()."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("optInDialog")
        self.setWindowTitle("Record opt-in")
        intro = QLabel(f"Record that {name or 'this customer'} agreed to get offers and updates on "
                       "WhatsApp. WhatsApp asks shops to keep a record of how each customer agreed.", self)
        intro.setWordWrap(True)
        self.source = QComboBox(self)
        for code, text in OPT_IN_SOURCES:
            self.source.addItem(text, code)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText("Optional, e.g. 'asked at the Diwali stall'")
        form = QFormLayout()
        form.addRow("How they agreed", self.source)
        form.addRow("Note", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record opt-in")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @property
    def source_code(self) -> str:
        return self.source.currentData()

    @property
    def note_text(self) -> str | None:
        return self.note.text().strip() or None


class ConsentBox(QWidget):
    opt_in_requested = Signal()
    opt_out_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel(self)
        self.status.setObjectName("consentStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.opt_in_button = QPushButton("Record opt-in…", self)
        self.opt_out_button = QPushButton("Record opt-out", self)
        self.opt_in_button.clicked.connect(self.opt_in_requested)
        self.opt_out_button.clicked.connect(self.opt_out_requested)
        row.addWidget(self.opt_in_button)
        row.addWidget(self.opt_out_button)
        row.addStretch(1)
        layout.addLayout(row)

    def set_state(self, state: int, source: str | None, at: datetime | None) -> None:
        when = f" on {fmt.date(at)}" if at else ""
        how = f" via {pretty(source, CONSENT_SOURCES)}" if source else ""
        if state == CONSENT_OPTED_IN:
            self.status.setText(f"<b style='color:#1e7d32'>Opted in</b> to marketing messages{when}{how}.")
        elif state == CONSENT_OPTED_OUT:
            self.status.setText(f"<b style='color:#b3261e'>Opted out</b> of marketing messages{when}{how}. "
                                "Campaigns will skip this customer.")
        else:
            self.status.setText("No answer recorded yet. Campaigns send marketing messages only to "
                                "customers who opted in.")
        self.opt_in_button.setEnabled(state != CONSENT_OPTED_IN)
        self.opt_out_button.setEnabled(state != CONSENT_OPTED_OUT)
