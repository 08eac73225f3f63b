"""The customer table: a lazy Qt model over the whole customer base (1,000,000 rows stay smooth).

Only the row count is known up front. When the view paints a row that is not cached, the model asks
`customer_query` for that page of ids and their fields (one short-lived session per fetch) and keeps
the most recent pages in a small LRU, pre-formatted for painting. Sorting and searching happen in SQL.
"""
from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from wadesk.core.crm import customer_query as cq
from wadesk.ui.customers.formatting import DisplayRow
from wadesk.ui.customers.page_reader import PageReader

log = logging.getLogger(__name__)

PAGE_SIZE = 200
MAX_PAGES = 25  # at most 5,000 formatted rows in memory
KEYS = [key for key, _header in cq.COLUMNS]
HEADERS = [header for _key, header in cq.COLUMNS]
NUMERIC = {"orders", "total_spent", "last_order"}
ID_ROLE = Qt.ItemDataRole.UserRole
_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

Index = QModelIndex | QPersistentModelIndex
_OPTED_OUT_COLOUR = QColor("#b3261e")


class CustomerTableModel(QAbstractTableModel):
    """Rows of customers matching `query`, fetched in pages of PAGE_SIZE as they are shown.

    With `asynchronous=True` (the page) counting and page reads run on a reader thread: a new
    search or sort keeps showing the old rows until the new ones are counted, and a row whose
    page is still being read shows "Loading…" for a moment. Without it (tests, scripts) every
    read happens at once on the calling thread."""

    # Emitted after the row set changes (search, sort, refresh): the new row count.
    count_changed = Signal(int)
    loading_changed = Signal(bool)  # a new search/sort/refresh is being counted
    refreshed = Signal()  # a refresh or reset finished (the page re-selects its customer)
    load_failed = Signal(str)

    def __init__(self, db, default_region: str = "IN", parent=None, asynchronous: bool = False):
        super().__init__(parent)
        self._db = db
        self._query = cq.CustomerQuery(default_region=default_region)
        self._count = 0
        self._pages: OrderedDict[int, list[DisplayRow]] = OrderedDict()
        self.fetch_seconds: list[float] = []  # recent synchronous fetch durations (benchmark, logs)
        self.loading = False
        self._reader: PageReader | None = None
        self._gen = self._shown_gen = 0  # latest count requested / what the rows on show belong to
        self._pending: tuple[cq.CustomerQuery, bool] | None = None  # (query, is a refresh)
        self._inflight: set[int] = set()
        if asynchronous:
            self._reader = PageReader(db, lambda rows: [DisplayRow(r) for r in rows], PAGE_SIZE, self)
            self._reader.loaded.connect(self._loaded)
            self._reader.failed.connect(self._failed)
            self._request(self._query, refresh=False)
        else:
            self._recount()

    # -- what is shown ---------------------------------------------------------------------------
    @property
    def query(self) -> cq.CustomerQuery:
        """The query of the rows being shown."""
        return self._query

    @property
    def wanted_query(self) -> cq.CustomerQuery:
        """The query being counted (or the one shown when nothing is pending)."""
        return self._pending[0] if self._pending else self._query

    @property
    def search_text(self) -> str:
        return self._query.search

    def set_search(self, text: str) -> None:
        text = text.strip()
        if text != self.wanted_query.search:
            self._reset(replace(self.wanted_query, search=text))

    def set_default_region(self, region: str) -> None:
        if region != self.wanted_query.default_region:
            self._reset(replace(self.wanted_query, default_region=region))

    def refresh(self, keep_row: int | None = None) -> None:
        """Data changed somewhere: drop the cache and count again.

        When the number of rows is unchanged the rows are repainted in place (the view keeps its
        selection and scroll position); otherwise the model resets. `keep_row`: a row whose page
        should be read along with the count (the selected one)."""
        if self._reader is not None:
            self._request(self.wanted_query, refresh=True, page_no=(keep_row or 0) // PAGE_SIZE)
            return
        with self._db.Session() as s:
            new = cq.count(s, self._query)
        self._apply(self._query, new, None, refresh=True)

    def _reset(self, query: cq.CustomerQuery) -> None:
        if self._reader is not None:
            self._request(query, refresh=False)
            return
        self.beginResetModel()
        self._query = query
        self._pages.clear()
        self._recount()
        self.endResetModel()
        self.count_changed.emit(self._count)
        self.refreshed.emit()

    def _recount(self) -> None:
        started = time.perf_counter()
        with self._db.Session() as s:
            self._count = cq.count(s, self._query)
        self._note_time("count", started)

    # -- background reads ------------------------------------------------------------------------
    def _request(self, query: cq.CustomerQuery, refresh: bool, page_no: int = 0) -> None:
        assert self._reader is not None
        self._gen += 1
        self._pending = (query, refresh)
        self._reader.request_count(self._gen, query, page_no)
        if not self.loading:
            self.loading = True
            self.loading_changed.emit(True)

    def _loaded(self, gen: int, kind: str, page_no: int, payload: Any) -> None:
        if kind == "page":
            if gen == self._shown_gen:
                self._inflight.discard(page_no)
                self._store(page_no, payload)
                first = page_no * PAGE_SIZE
                last = min(self._count, first + PAGE_SIZE) - 1
                if last >= first:
                    self.dataChanged.emit(self.index(first, 0), self.index(last, len(KEYS) - 1))
            return
        if gen != self._gen or self._pending is None:
            return
        query, refresh = self._pending
        self._pending = None
        count, rows = payload
        self._shown_gen = gen
        self._inflight.clear()
        self.loading = False
        self._apply(query, count, (page_no, rows), refresh)
        self.loading_changed.emit(False)

    def _failed(self, gen: int, message: str) -> None:
        if gen == self._gen and self._pending is not None:
            self._pending = None
            self.loading = False
            self.loading_changed.emit(False)
        self.load_failed.emit(message)

    def _apply(self, query: cq.CustomerQuery, count: int, page: tuple[int, list[DisplayRow]] | None,
               refresh: bool) -> None:
        same = refresh and count == self._count and query == self._query
        if same:
            self._pages.clear()
            if page:
                self._store(*page)
            if count:
                self.dataChanged.emit(self.index(0, 0), self.index(count - 1, len(KEYS) - 1))
        else:
            self.beginResetModel()
            self._query, self._count = query, count
            self._pages.clear()
            if page:
                self._store(*page)
            self.endResetModel()
        self.count_changed.emit(count)
        self.refreshed.emit()

    def _store(self, page_no: int, rows: list[DisplayRow]) -> None:
        self._pages[page_no] = rows
        self._pages.move_to_end(page_no)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)

    def wait_idle(self, msecs: int = 5000) -> bool:
        """Wait for the reader thread (tests; closing)."""
        return self._reader.wait(msecs) if self._reader is not None else True

    # -- lookups for the page --------------------------------------------------------------------
    def customer_id(self, row: int) -> int | None:
        cached = self._row(row)
        return cached.id if cached else None

    def row_of(self, customer_id: int) -> int | None:
        """The row showing this customer, if it is in a page already loaded (no query)."""
        for page, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r is not None and r.id == customer_id:
                    return page * PAGE_SIZE + i
        return None

    # -- Qt model API ----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(KEYS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN_RIGHT if KEYS[col] in NUMERIC else _ALIGN_LEFT
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, ID_ROLE,
                        Qt.ItemDataRole.ForegroundRole):
            return None
        row = self._row(index.row())
        if row is None:  # still being read (or deleted since the count: the next refresh drops it)
            return "Loading…" if role == Qt.ItemDataRole.DisplayRole and col == 0 and self._reader else None
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.opted_out and KEYS[col] == "consent":
                return _OPTED_OUT_COLOUR
            return None
        text = row.texts[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return text if KEYS[col] in ("name", "email", "tags") and len(text) > 18 else None
        return text

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _ALIGN_RIGHT if KEYS[section] in NUMERIC else _ALIGN_LEFT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(KEYS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        wanted = self.wanted_query
        if (KEYS[column], descending) != (wanted.sort_key, wanted.descending):
            self._reset(replace(wanted, sort_key=KEYS[column], descending=descending))

    # -- paging ----------------------------------------------------------------------------------
    def _row(self, row: int) -> DisplayRow | None:
        if not 0 <= row < self._count:
            return None
        page_no, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(page_no)
        if page is not None:
            self._pages.move_to_end(page_no)
        elif self._reader is not None:
            if page_no not in self._inflight:
                self._inflight.add(page_no)
                self._reader.request_page(self._shown_gen, self._query, page_no)
            return None
        else:
            page = self._load_page(page_no)
        return page[offset] if offset < len(page) else None

    def _load_page(self, page_no: int) -> list[DisplayRow]:
        started = time.perf_counter()
        with self._db.Session() as s:
            ids = cq.page_ids(s, self._query, page_no * PAGE_SIZE, PAGE_SIZE)
            found = {r.id: r for r in cq.fetch_rows(s, ids)}
        page = [DisplayRow(found[i]) for i in ids if i in found]
        self._store(page_no, page)
        self._note_time(f"page {page_no}", started)
        return page

    def _note_time(self, what: str, started: float) -> None:
        took = time.perf_counter() - started
        self.fetch_seconds = (self.fetch_seconds + [took])[-50:]
        if took > 0.1:
            log.warning("Customer table %s took %.0f ms", what, took * 1000)

