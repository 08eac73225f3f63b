"""Wizard step 2: which sheet, what kind of file, the first rows, and which column goes where."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QRadioButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from wadesk.core.importing import FORMATS, ImportPreview
from wadesk.ui.importing.date_row import DateOrderRow
from wadesk.ui.importing.mapping_table import KEEP, MappingTable
from wadesk.ui.widgets.country_combo import CountryCombo

PREVIEW_ROWS = 20


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 14px; font-weight: bold; color: #15241c; margin-top: 4px;")
    return label


class ReviewStep(QWidget):
    sheet_changed = Signal(str)
    format_changed = Signal(str)
    check_requested = Signal()
    other_file_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.preview: ImportPreview | None = None
        self._loading = False
        top = QHBoxLayout()
        self.file_label = QLabel(objectName="importFileName")
        self.file_label.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.other_file = QPushButton("Choose another file", objectName="importOtherFile")
        self.other_file.clicked.connect(self.other_file_requested)
        top.addWidget(self.file_label, 1)
        top.addWidget(self.other_file)

        kind = QHBoxLayout()
        self.sheet_label = QLabel("Sheet:")
        self.sheet = QComboBox(objectName="importSheet")
        self.sheet.currentIndexChanged.connect(self._sheet_picked)
        self.format = QComboBox(objectName="importFormat")
        self.format.setMinimumWidth(260)
        self.format.currentIndexChanged.connect(self._format_picked)
        self.format_note = QLabel(objectName="importFormatNote")
        self.format_note.setStyleSheet("color: #5b6b63;")
        self.format_note.setWordWrap(True)
        kind.addWidget(self.sheet_label)
        kind.addWidget(self.sheet)
        kind.addSpacing(12)
        kind.addWidget(QLabel("This file is:"))
        kind.addWidget(self.format)
        kind.addWidget(self.format_note, 1)
        self.dates = DateOrderRow()

        self.preview_table = QTableWidget(objectName="importPreview")
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setAlternatingRowColors(True)
        self.preview_table.horizontalHeader().setDefaultSectionSize(130)
        self.preview_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview_table.verticalHeader().setDefaultSectionSize(24)
        self.preview_table.setMinimumHeight(120)

        self.mapping_note = QLabel(objectName="importMappingNote")
        self.mapping_note.setWordWrap(True)
        self.mapping = MappingTable()
        self.mapping.changed.connect(self._update_note)

        options = QHBoxLayout()
        options.addWidget(QLabel("Columns not matched to anything:"))
        self.keep = QRadioButton("keep as extra details on the customer", objectName="importKeepUnmatched")
        self.skip = QRadioButton("skip them", objectName="importSkipUnmatched")
        group = QButtonGroup(self)
        group.addButton(self.keep)
        group.addButton(self.skip)
        self.keep.toggled.connect(lambda on: not self._loading and self.mapping.set_unmatched(on))
        options.addWidget(self.keep)
        options.addWidget(self.skip)
        options.addStretch(1)
        options.addWidget(QLabel("Phone numbers without +code are from:"))
        self.country = CountryCombo(objectName="importCountry")
        options.addWidget(self.country)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.check_button = QPushButton("Check the file", objectName="importCheck")
        self.check_button.setProperty("primary", True)
        self.check_button.setToolTip("See what the import would add or change; nothing is saved yet")
        self.check_button.clicked.connect(self.check_requested)
        buttons.addWidget(self.check_button)

        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(_section("The first rows of your file"))
        upper_layout.addWidget(self.preview_table)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(_section("Match the columns"))
        lower_layout.addWidget(self.mapping_note)
        lower_layout.addWidget(self.mapping, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(kind)
        layout.addWidget(self.dates)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(options)
        layout.addLayout(buttons)

    # -- filling ---------------------------------------------------------------------------------
    def show_preview(self, preview: ImportPreview, file_name: str, country: str) -> None:
        self._loading = True
        self.preview = preview
        self.file_label.setText(file_name)
        sheets = preview.sheets
        self.sheet.clear()
        self.sheet.addItems(sheets)
        if preview.table.sheet in sheets:
            self.sheet.setCurrentIndex(sheets.index(preview.table.sheet))
        self.sheet.setVisible(len(sheets) > 1)
        self.sheet_label.setVisible(len(sheets) > 1)
        detected = preview.guesses[0].name if preview.guesses else "generic"
        self.format.clear()
        for name, fmt in FORMATS.items():
            self.format.addItem(fmt.label + ("  (detected)" if name == detected else ""), name)
        self.format.setCurrentIndex(self.format.findData(preview.format))
        self.format_note.setText(self._format_note(preview, detected))
        self._fill_preview(preview)
        self.dates.show_dates(preview.dates)
        examples = [next((r[i] for r in preview.rows if i < len(r) and r[i]), "")
                    for i in range(len(preview.table.headers))]
        self.mapping.set_columns(preview.table.headers, examples, preview.mapping)
        keep = any(v.startswith(KEEP) for v in preview.mapping.values())
        (self.keep if keep else self.skip).setChecked(True)
        self.country.set_code(country)
        self._loading = False
        self._update_note()

    @staticmethod
    def _format_note(preview: ImportPreview, detected: str) -> str:
        if preview.format != detected:
            return f"You chose this; WaDesk thought it was {FORMATS[detected].label}."
        if detected == "generic":
            return "Not a store export WaDesk knows: check the column matching below."
        return "Recognised from the column names."

    def _fill_preview(self, preview: ImportPreview) -> None:
        headers, rows = preview.table.headers, preview.rows[:PREVIEW_ROWS]
        self.preview_table.clear()
        self.preview_table.setColumnCount(len(headers))
        self.preview_table.setRowCount(len(rows))
        self.preview_table.setHorizontalHeaderLabels(headers)
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells[: len(headers)]):
                item = QTableWidgetItem(" ".join(text.split())[:120])
                item.setToolTip(text[:500])
                self.preview_table.setItem(r, c, item)

    def _update_note(self) -> None:
        if self.preview is None or self._loading:
            return
        matched, total = self.mapping.matched_count(), len(self.mapping.headers)
        if self.preview.mapping_source == "saved":
            text = ("✔ Using the column matching you saved the last time you imported a file with these "
                    f"columns ({matched} of {total} columns matched).")
        else:
            text = (f"WaDesk matched {matched} of {total} columns automatically. Check the ones that matter "
                    "(phone, email, name) and change any that are wrong.")
            if self.preview.format != "generic" and matched < total:
                text += " Columns WaDesk does not need for customers and orders are set to “Skip”."
        fields = set(self.mapping.mapping().values())
        if not fields & {"phone", "email", "customer_id"}:
            text += " ⚠ No column goes into Phone or Email yet: choose the column that holds them."
        self.mapping_note.setText(text)

    # -- user choices ----------------------------------------------------------------------------
    def _sheet_picked(self, _i: int) -> None:
        if not self._loading and self.sheet.currentText():
            self.sheet_changed.emit(self.sheet.currentText())

    def _format_picked(self, _i: int) -> None:
        if not self._loading and self.format.currentData():
            self.format_changed.emit(self.format.currentData())

    def selected_country(self) -> str:
        return self.country.currentData() or "IN"

    def set_busy(self, busy: bool) -> None:
        for w in (self.check_button, self.sheet, self.format, self.other_file, self.mapping, self.dates):
            w.setEnabled(not busy)
