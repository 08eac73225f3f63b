"""The Customers page: instant search, a lazy table over every customer, and a detail pane."""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QTableView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wadesk.ui import events
from wadesk.ui.customers import formatting as fmt
from wadesk.ui.customers.actions import CustomerActions
from wadesk.ui.customers.detail_pane import DetailPane
from wadesk.ui.customers.empty_state import EmptyState
from wadesk.ui.customers.column_fit import ColumnFitter
from wadesk.ui.customers.fast_header import FastHeader
from wadesk.ui.customers.table_model import KEYS, CustomerTableModel
from wadesk.ui.customers.tag_undo import undo_button

SEARCH_DEBOUNCE_MS = 150
# Starting widths in pixels; the email column takes what is left.
TABLE_STYLE = ("QTableView { background: #ffffff; alternate-background-color: #f7faf8; border: 1px solid #dfe6e2;"
               " selection-background-color: #cdebd9; selection-color: #15241c; }"
               "QHeaderView::section { background: #f0f4f2; border: none; border-bottom: 1px solid #dfe6e2;"
               " padding: 4px 6px; font-weight: 600; color: #2c3a33; }")


class CustomersPage(QWidget):
    """Built by the main window as `CustomersPage(services)`; a test can build it alone."""

    current_customer_changed = Signal(object)  # customer id or None

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("customersPage")
        self.services = services
        self.model = CustomerTableModel(services.db, services.settings.get("default_region"), self,
                                        asynchronous=True)
        self._current_id: int | None = None
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self._build()
        self.actions_ = CustomerActions(self)
        self._build_toolbar()
        self._connect()
        self._update_state()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit(self)
        self.search.setObjectName("customerSearch")
        self.search.setPlaceholderText("Search name, phone or email")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("customerCount")
        self.count_label.setStyleSheet("color: #444;")

        self.table = QTableView(self)
        self.table.setObjectName("customerTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setShowGrid(False)
        self.table.setHorizontalHeader(FastHeader(Qt.Orientation.Horizontal, self.table))
        vertical = FastHeader(Qt.Orientation.Vertical, self.table)
        self.table.setVerticalHeader(vertical)
        vh = self.table.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: no per-row sizing
        vh.setDefaultSectionSize(max(24, self.fontMetrics().height() + 10))
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setHighlightSections(False)
        hh.setSortIndicator(KEYS.index("name"), Qt.SortOrder.AscendingOrder)
        hh.setMinimumSectionSize(50)
        self.column_fitter = ColumnFitter(self.table, KEYS)
        self.table.setStyleSheet(TABLE_STYLE)
        self.table.setSortingEnabled(True)

        self.empty = EmptyState(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        self.detail = DetailPane(self.services, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("customersSplitter")
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([860, 350])

        self.toolbar = QHBoxLayout()
        self.toolbar.setSpacing(6)
        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addWidget(self.count_label, 1)
        top.addLayout(self.toolbar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(10)
        title = QLabel("Customers", self)
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

    def _action(self, text: str, slot, shortcut=None, tip: str = "", button: bool = True,
                primary: bool = False) -> QAction:
        act = QAction(text, self)
        act.setIconText(text)  # keep the "…" that says a question follows
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if tip:
            act.setToolTip(tip)
        act.triggered.connect(slot)
        self.addAction(act)
        if button:
            b = QPushButton(text, self)
            b.setObjectName(f"button_{text.strip('…').replace(' ', '_').lower()}")
            b.setToolTip(act.toolTip())
            b.setProperty("primary", primary)
            b.clicked.connect(act.trigger)
            act.enabledChanged.connect(b.setEnabled)
            self.toolbar.addWidget(b)
            self.buttons[text] = b
        return act

    def _build_toolbar(self) -> None:
        a = self.actions_
        self.buttons: dict[str, QPushButton] = {}
        self.add_action = self._action("Add", a.add_customer, QKeySequence.StandardKey.New,
                                       "Add a customer by hand (Ctrl+N)", primary=True)
        self.edit_action = self._action("Edit", self.edit_current, None, "Change this customer's details")
        self.delete_action = self._action("Delete", a.delete_selected, QKeySequence.StandardKey.Delete,
                                          "Delete the selected customers (Del)")
        self.add_tag_action = self._action("Add tag…", a.add_tag_to_selected, None,
                                           "Put a tag on every selected customer")
        self.remove_tag_action = self._action("Remove tag…", a.remove_tag_from_selected, None,
                                              "Take a tag off every selected customer")
        self.erase_action = self._action("Erase customer…", a.erase_current, None,
                                         "Privacy request: delete this person's data everywhere")
        self.undo_action = a.undo_stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.undo_action)
        self.undo_button = undo_button(self, a.undo_stack, self.undo_action)
        self.toolbar.insertWidget(0, self.undo_button)
        self.find_action = self._action("Find", self.focus_search, QKeySequence.StandardKey.Find, button=False)

    def _connect(self) -> None:
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._apply_search)
        self.model.count_changed.connect(lambda _n: self._update_state())
        self.model.loading_changed.connect(lambda _b: self._update_state())
        self.model.refreshed.connect(self._after_refresh)
        self.model.load_failed.connect(self._load_failed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        self.empty.add_clicked.connect(self.actions_.add_customer)
        self.empty.import_clicked.connect(lambda: self.services.bus.request_page("import"))
        self.empty.clear_search_clicked.connect(self.search.clear)
        self.services.bus.changed.connect(self._on_data_changed)
        self.services.settings.updated.connect(
            lambda: self.model.set_default_region(self.services.settings.get("default_region")))

    # -- behaviour -------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search.text())

    def _after_refresh(self) -> None:
        # New rows (search, sort, data changed): select the shown customer again if they are
        # on the page just read; the detail pane keeps showing them either way.
        self._restore_current()
        self._update_state()

    def _load_failed(self, message: str) -> None:
        self.count_label.setText("Could not read the customer list. Try again in a moment.")
        self.count_label.setToolTip(message)

    def _restore_current(self) -> None:
        if self._current_id is None or self.model.rowCount() == 0 or self.selected_count() > 1:
            return  # nothing to follow, or a multi-selection the owner is working on
        current = self.current_row()
        if current is not None and self.model.customer_id(current) == self._current_id:
            return
        row = self.model.row_of(self._current_id)
        if row is None:
            return
        sel = self.table.selectionModel()
        sel.setCurrentIndex(self.model.index(row, 0),
                            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def current_row(self) -> int | None:
        """The row the detail pane follows: the current row if selected, else a lone selected row."""
        idx: QModelIndex = self.table.selectionModel().currentIndex()
        if idx.isValid() and self.table.selectionModel().isRowSelected(idx.row(), QModelIndex()):
            return idx.row()
        ranges = self.selected_ranges()
        return ranges[0][0] if len(ranges) == 1 and ranges[0][0] == ranges[0][1] else None

    def selected_ranges(self) -> list[tuple[int, int]]:
        """The selected rows as (first, last) ranges, merged (cheap even when all rows are selected)."""
        spans = sorted((r.top(), r.bottom()) for r in self.table.selectionModel().selection())
        merged: list[tuple[int, int]] = []
        for top, bottom in spans:
            if merged and top <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], bottom))
            else:
                merged.append((top, bottom))
        return merged

    def selected_count(self) -> int:
        return sum(b - t + 1 for t, b in self.selected_ranges())

    def select_customer(self, customer_id: int) -> None:
        """Show a customer in the detail pane (and select their row if it is loaded)."""
        self._current_id = customer_id
        self.detail.show_customer(customer_id)
        self._restore_current()

    def clear_current(self) -> None:
        """The shown customer is gone (deleted or erased)."""
        self._current_id = None
        self.table.clearSelection()
        self.detail.clear()
        self._update_state()

    def edit_current(self) -> None:
        if self._current_id is not None:
            self.actions_.edit_customer(self._current_id)

    def _selection_changed(self) -> None:
        row = self.current_row()
        cid = self.model.customer_id(row) if row is not None else None
        if cid is not None and cid != self._current_id:
            self._current_id = cid
            self.detail.show_customer(cid)
            self.current_customer_changed.emit(cid)
        self._update_state()

    def _update_state(self) -> None:
        n, search = self.model.rowCount(), self.model.search_text
        wanted = self.model.wanted_query.search
        if self.model.loading and (wanted != search or n == 0):
            self.count_label.setText(f"Searching for '{wanted}'…" if wanted else "Loading customers…")
            self.stack.setCurrentWidget(self.table)
            return
        if search:
            self.count_label.setText(f"No customers match '{search}'" if n == 0 else
                                     f"{fmt.group_indian(n)} match{'es' if n == 1 else ''} '{search}'")
        else:
            self.count_label.setText(fmt.count_noun(n, "customer"))
        selected = self.selected_count()
        if selected > 1:
            self.count_label.setText(self.count_label.text() + f" · {fmt.group_indian(selected)} selected")
        if n == 0:
            self.empty.show_no_match(search) if search else self.empty.show_no_customers()
        self.stack.setCurrentWidget(self.empty if n == 0 else self.table)
        one = self._current_id is not None
        self.edit_action.setEnabled(one)
        self.erase_action.setEnabled(one)
        self.delete_action.setEnabled(selected > 0)
        self.add_tag_action.setEnabled(selected > 0)
        self.remove_tag_action.setEnabled(selected > 0)

    def _on_data_changed(self, what: frozenset[str]) -> None:
        if not events.touches(what, events.CUSTOMERS, events.ORDERS, events.TAGS):
            if events.touches(what, events.PROFILES) and self._current_id is not None:
                self.detail.show_customer(self._current_id)  # its scores were recomputed
            return
        self.model.refresh(keep_row=self.current_row())
        if self._current_id is not None:
            self.detail.show_customer(self._current_id)
