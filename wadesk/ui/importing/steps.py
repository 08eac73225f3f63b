"""Wizard steps 1 and 3: choose a file, and the check / progress / result panel."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

DROP_STYLE = ("QFrame#importDropZone { background: #ffffff; border: 2px dashed #9fc9b2; border-radius: 10px; }"
              "QFrame#importDropZone[hover=\"true\"] { background: #eef8f2; border-color: #169b62; }")


class ChooseStep(QFrame):
    """A big drop zone with a button: the first thing a staff member sees."""

    choose_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importDropZone")
        self.setStyleSheet(DROP_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.addStretch(1)
        title = QLabel("Drop a file here, or choose one")
        title.setStyleSheet("font-size: 18px; font-weight: bold; color: #15241c;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        layout.addSpacing(6)
        self.button = QPushButton("Choose a file…", objectName="importChooseFile")
        self.button.setProperty("primary", True)
        self.button.clicked.connect(self.choose_requested)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        row.addStretch(1)
        layout.addLayout(row)
        hint = QLabel("Excel (.xlsx, .xls), OpenOffice (.ods) or CSV / text files (.csv, .tsv, .txt).\n"
                      "Shopify, WooCommerce, Razorpay, Shiprocket, Meta lead form and Google Contacts exports "
                      "are recognised automatically; any other customer list works too.\n"
                      "Nothing is saved until you press Import, and you can undo an import afterwards.")
        hint.setObjectName("muted")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        layout.addSpacing(6)
        layout.addWidget(hint)
        layout.addStretch(1)

    def set_hover(self, on: bool) -> None:
        self.setProperty("hover", on)
        self.style().unpolish(self)
        self.style().polish(self)


class OutcomeStep(QWidget):
    """What a check found (then Import), the progress of an import, or what the import did."""

    back_requested = Signal()
    import_requested = Signal()
    cancel_requested = Signal()
    rejected_requested = Signal()
    another_requested = Signal()
    customers_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel(objectName="importOutcomeTitle")
        self.title.setStyleSheet("font-size: 16px; font-weight: bold; color: #15241c;")
        self.summary = QLabel(objectName="importSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setStyleSheet("font-size: 14px;")
        card = QFrame(objectName="card")
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(22, 16, 22, 16)
        card_layout.addWidget(self.title)
        card_layout.addWidget(self.summary)
        self.progress_text = QLabel(objectName="importProgressText")
        self.progress = QProgressBar(objectName="importProgress")
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel", objectName="importCancel")
        self.cancel_button.setToolTip("Stop; nothing from this file is kept")
        self.cancel_button.clicked.connect(self.cancel_requested)
        prow = QHBoxLayout()
        prow.addWidget(self.progress, 1)
        prow.addWidget(self.cancel_button)
        card_layout.addWidget(self.progress_text)
        card_layout.addLayout(prow)

        buttons = QHBoxLayout()
        self.back_button = QPushButton("Back to the columns", objectName="importBack")
        self.back_button.clicked.connect(self.back_requested)
        self.rejected_button = QPushButton("Open the rejected rows (Excel)", objectName="importOpenRejected")
        self.rejected_button.setToolTip("A spreadsheet with each row that was left out and why, "
                                        "to fix and import again")
        self.rejected_button.clicked.connect(self.rejected_requested)
        self.customers_button = QPushButton("See the customers", objectName="importSeeCustomers")
        self.customers_button.clicked.connect(self.customers_requested)
        self.another_button = QPushButton("Import another file", objectName="importAnother")
        self.another_button.clicked.connect(self.another_requested)
        self.import_button = QPushButton("Import", objectName="importRun")
        self.import_button.setProperty("primary", True)
        self.import_button.clicked.connect(self.import_requested)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.rejected_button)
        buttons.addWidget(self.customers_button)
        buttons.addWidget(self.another_button)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(card)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.show_state("checked")

    def show_state(self, state: str) -> None:
        """'working' (progress + Cancel), 'checked' (Back / Import) or 'done' (result)."""
        working = state == "working"
        for w in (self.progress_text, self.progress, self.cancel_button):
            w.setVisible(working)
        self.cancel_button.setEnabled(working)
        self.back_button.setVisible(state == "checked")
        self.import_button.setVisible(state == "checked")
        self.another_button.setVisible(state == "done")
        self.customers_button.setVisible(state == "done")
        self.rejected_button.setVisible(False)

    def set_progress(self, done: int, total: int, text: str) -> None:
        if total <= 0:
            self.progress.setRange(0, 0)
        else:
            scale = max(1, -(-total // 1_000_000_000))
            self.progress.setRange(0, total // scale)
            self.progress.setValue(min(done, total) // scale)
        rows = f" — {done:,} of about {total:,} rows" if total > 0 and text == "Importing rows" else ""
        self.progress_text.setText(f"{text or 'Working'}…{rows}")
