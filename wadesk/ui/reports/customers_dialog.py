"""The customers behind a report number, with "Make this a segment" (e.g. "read but didn't buy",
for a reminder campaign)."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QInputDialog, QLabel,
                               QMessageBox, QTableView, QVBoxLayout)

from wadesk.ui import events
from wadesk.ui.errors import show_error
from wadesk.ui.numbers import count_noun, group_indian, rupees
from wadesk.ui.reports.data import CustomerList, save_list_as_segment

HEADERS = ("Id", "Name", "Phone", "City", "Orders", "Total spent")


class _Rows(QAbstractTableModel):
    def __init__(self, rows: list[tuple], parent=None):
        super().__init__(parent)
        self.rows = rows

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 5:
                return rupees(value)
            if index.column() == 4:
                return group_indian(int(value or 0))
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 4, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None


class CustomersDialog(QDialog):
    def __init__(self, services, data: CustomerList, parent=None):
        super().__init__(parent)
        self.services, self.data = services, data
        self.saved = None
        self.setObjectName("reportCustomers")
        self.setWindowTitle(data.title)
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        head = QLabel(f"<b>{data.title}</b> — {count_noun(len(data.ids), 'customer')}")
        head.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(head)
        self.table = QTableView(objectName="customersTable")
        self.table.setModel(_Rows(data.rows, self))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 70), (2, 150), (3, 140), (4, 70), (5, 110)):  # not measured: lists can be long
            self.table.setColumnWidth(col, width)
        layout.addWidget(self.table, 1)
        hint = QLabel("A segment made from this list keeps exactly these customers (they get the tag "
                      "“list: NAME”), so you can send them a follow-up campaign.", objectName="muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.segment_button = buttons.addButton("Make this a segment…", QDialogButtonBox.ButtonRole.ActionRole)
        self.segment_button.setObjectName("makeSegment")
        self.segment_button.setProperty("primary", True)
        self.segment_button.setEnabled(bool(data.ids))
        self.segment_button.clicked.connect(self.make_segment)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.make_segment)

    def make_segment(self, name: str | None = None) -> None:
        if not self.data.ids:
            return
        if not name:
            name, ok = QInputDialog.getText(self, "Make a segment", "Name of the new segment:",
                                            text=self.data.title[:120])
            if not ok or not name.strip():
                return
        self.segment_button.setEnabled(False)
        job = self.services.jobs.run_in_session(
            lambda s, ctx: save_list_as_segment(s, ctx, self.data.ids, name, f"From the report: {self.data.title}"),
            title="Saving the segment", parent=self, on_result=self._saved, on_error=self._failed,
            show_errors=False)
        return job

    def _saved(self, seg) -> None:
        self.saved = seg
        self.services.bus.notify(events.SEGMENTS, events.TAGS, events.CUSTOMERS)
        box = QMessageBox(QMessageBox.Icon.Information, "Segment saved",
                          f"“{seg.name}” is saved with {count_noun(len(self.data.ids), 'customer')}. "
                          "Find it on the Segments page, or pick it for a new campaign.",
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("segmentSaved")
        box.open()

    def _failed(self, message: str) -> None:
        self.segment_button.setEnabled(True)
        show_error(self, "The segment was not saved", message)
