"""Past imports: when, which file, what kind, what it did; undo any one a later import did not build on."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from wadesk.core.importing import ImportSummary, import_history, rollback_import
from wadesk.ui import dialogs, events
from wadesk.ui.customers.formatting import date_time
from wadesk.ui.importing.wording import STATUS, format_label, history_counts
from wadesk.ui.numbers import count_noun, group_indian

COLUMNS = ("No.", "When", "File", "Kind of file", "Rows", "What it did", "Status")


class HistoryView(QWidget):
    rolled_back = Signal(object)  # the counts rollback_import returned

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.items: list[ImportSummary] = []
        self.loading = False
        self.table = QTableWidget(0, len(COLUMNS), objectName="importHistory")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.empty = QLabel("No imports yet. Files you import appear here, and each can be undone.",
                            objectName="muted")
        self.status = QLabel(objectName="importHistoryStatus")
        self.status.setWordWrap(True)
        self.undo_button = QPushButton("Undo this import", objectName="importUndo")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_selected)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(row)

    def refresh(self) -> None:
        db = self.services.db
        self.loading = True
        self.services.jobs.run(lambda _ctx: import_history(db), title="Reading the import history", parent=self,
                               progress_dialog=False, on_result=self._show, on_error=self._error,
                               show_errors=False).finished.connect(lambda: setattr(self, "loading", False))

    def _show(self, items: list[ImportSummary]) -> None:
        self.items = items
        self.table.setRowCount(len(items))
        for r, it in enumerate(items):
            cells = (str(it.id), date_time(it.started_at), it.file_name, format_label(it.format), group_indian(it.rows),
                     history_counts(it.counts), STATUS.get(it.status, it.status))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c == 6 and it.status == "rolled_back":
                    item.setForeground(Qt.GlobalColor.darkGray)
                self.table.setItem(r, c, item)
        self.empty.setVisible(not items)
        self.table.setVisible(bool(items))
        self._selection_changed()

    def _error(self, message: str) -> None:
        self.status.setText(f"The import history could not be read. {message}")

    def selected(self) -> ImportSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows and rows[0].row() < len(self.items) else None

    def select_import(self, import_id: int) -> bool:
        for r, it in enumerate(self.items):
            if it.id == import_id:
                self.table.selectRow(r)
                return True
        return False

    def _selection_changed(self) -> None:
        it = self.selected()
        self.undo_button.setEnabled(bool(it and it.can_roll_back))
        if it is None:
            self.undo_button.setToolTip("Select an import to undo it")
        elif not it.can_roll_back:
            self.undo_button.setToolTip(it.why_not)
        else:
            self.undo_button.setToolTip("Remove what this import added and put back what it changed")
        blocked = bool(it and it.status == "done" and not it.can_roll_back)
        if blocked:  # which later import stands in the way, where staff can read it
            self.status.setText(it.why_not)
        elif self.status.text() in {i.why_not for i in self.items}:
            self.status.setText("")

    def undo_selected(self) -> None:
        it = self.selected()
        if it is None or not it.can_roll_back:
            return
        new = int(it.counts.get("customers_created", 0) or 0)
        text = (f"Undo the import of {it.file_name} ({date_time(it.started_at)})?\n\n"
                f"The {count_noun(new, 'customer')} and the orders, activities and deals it added will be removed, "
                "and the customers and deals it changed will be put back as they were "
                "(deals staff moved or edited since stay as they are).")
        if not dialogs.confirm(self, "Undo this import?", text, "Undo the import"):
            return
        db, clock, import_id = self.services.db, self.services.clock, it.id
        self.undo_button.setEnabled(False)
        self.status.setText(f"Undoing the import of {it.file_name}…")
        self.services.jobs.run(
            lambda ctx: rollback_import(db, import_id, progress=ctx.progress, cancelled=ctx.cancelled, clock=clock),
            title="Undoing the import", parent=self, on_result=lambda counts: self._undone(it, counts),
            on_error=self._undo_failed, on_cancelled=lambda: self._undo_failed("Stopped; nothing was changed."),
            show_errors=False)

    def _undone(self, it: ImportSummary, counts: dict[str, int]) -> None:
        removed = counts.get("customers_removed", 0)
        restored = counts.get("customers_restored", 0)
        deals = counts.get("deals_removed", 0) + counts.get("deals_restored", 0)
        self.status.setText(f"Undone: {it.file_name} — {count_noun(removed, 'customer')} removed, "
                            f"{count_noun(restored, 'customer')} put back as they were"
                            + (f", {count_noun(deals, 'deal')} removed or put back." if deals else "."))
        self.services.bus.notify(events.CUSTOMERS, events.ORDERS, events.EVENTS, events.TAGS)
        self.rolled_back.emit(counts)
        self.refresh()

    def _undo_failed(self, message: str) -> None:
        self.status.setText(f"The import was not undone. {message}")
        self._selection_changed()
