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
from wadesk.core.db.models import CONSENT_OPTED_OUT
from wadesk.ui.customers import formatting as fmt

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


class _Row:
    """One customer as the table paints it: the id, display texts and what colours it."""

    __slots__ = ("id", "texts", "opted_out")

    def __init__(self, row: cq.CustomerRow):
        self.id = row.id
        self.opted_out = row.consent == CONSENT_OPTED_OUT
        self.texts = (
            row.name or fmt.DASH,
            fmt.phone(row.phone),
            row.email or "",
            row.city or "",
            row.tags or "",
            f"{row.orders:,}" if row.orders else "0",
            fmt.rupees(row.total_spent),
            fmt.date(row.last_order),
            fmt.consent(row.consent),
        )


class CustomerTableModel(QAbstractTableModel):
    """Rows of customers matching `query`, fetched in pages of PAGE_SIZE as they are shown."""

    # Emitted after the row set changes (search, sort, refresh): the new row count.
    count_changed = Signal(int)

    def __init__(self, db, default_region: str = "IN", parent=None):
        super().__init__(parent)
        self._db = db
        self._query = cq.CustomerQuery(default_region=default_region)
        self._count = 0
        self._pages: OrderedDict[int, list[_Row | None]] = OrderedDict()
        self.fetch_seconds: list[float] = []  # recent fetch durations, for the benchmark and logs
        self._recount()

    # -- what is shown ---------------------------------------------------------------------------
    @property
    def query(self) -> cq.CustomerQuery:
        return self._query

    @property
    def search_text(self) -> str:
        return self._query.search

    def set_search(self, text: str) -> None:
        text = text.strip()
        if text != self._query.search:
            self._reset(replace(self._query, search=text))

    def set_default_region(self, region: str) -> None:
        if region != self._query.default_region:
            self._reset(replace(self._query, default_region=region))

    def refresh(self) -> None:
        """Data changed somewhere: drop the cache and count again.

        When the number of rows is unchanged the rows are repainted in place (the view keeps its
        selection and scroll position); otherwise the model resets."""
        old = self._count
        with self._db.Session() as s:
            new = cq.count(s, self._query)
        if new != old:
            self._reset(self._query)
            return
        self._pages.clear()
        if new:
            self.dataChanged.emit(self.index(0, 0), self.index(new - 1, len(KEYS) - 1))
        self.count_changed.emit(new)

    def _reset(self, query: cq.CustomerQuery) -> None:
        self.beginResetModel()
        self._query = query
        self._pages.clear()
        self._recount()
        self.endResetModel()
        self.count_changed.emit(self._count)

    def _recount(self) -> None:
        started = time.perf_counter()
        with self._db.Session() as s:
            self._count = cq.count(s, self._query)
        self._note_time("count", started)

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

    def ensure_loaded(self, row: int) -> None:
        """Load the page holding `row` (the page calls this before `row_of` after a refresh)."""
        self._row(row)

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
        if row is None:
            return None  # deleted since the count; the next refresh removes the row
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
        if (KEYS[column], descending) != (self._query.sort_key, self._query.descending):
            self._reset(replace(self._query, sort_key=KEYS[column], descending=descending))

    # -- paging ----------------------------------------------------------------------------------
    def _row(self, row: int) -> _Row | None:
        if not 0 <= row < self._count:
            return None
        page_no, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(page_no)
        if page is None:
            page = self._load_page(page_no)
        else:
            self._pages.move_to_end(page_no)
        return page[offset] if offset < len(page) else None

    def _load_page(self, page_no: int) -> list[_Row | None]:
        started = time.perf_counter()
        with self._db.Session() as s:
            ids = cq.page_ids(s, self._query, page_no * PAGE_SIZE, PAGE_SIZE)
            found = {r.id: r for r in cq.fetch_rows(s, ids)}
        page = [(_Row(found[i]) if i in found else None) for i in ids]
        self._pages[page_no] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        self._note_time(f"page {page_no}", started)
        return page

    def _note_time(self, what: str, started: float) -> None:
        took = time.perf_counter() - started
        self.fetch_seconds = (self.fetch_seconds + [took])[-50:]
        if took > 0.1:
            log.warning("Customer table %s took %.0f ms", what, took * 1000)


def ids_in_ranges(session, query: cq.CustomerQuery, ranges: list[tuple[int, int]]) -> list[int]:
    """Customer ids of the rows first..last (inclusive) of each range, in table order, no repeats.

    Runs in a job for big selections (select all on 1,000,000 rows is one query per range)."""
    seen: dict[int, None] = {}
    for first, last in ranges:
        for cid in cq.page_ids(session, query, first, last - first + 1):
            seen[cid] = None
    return list(seen)
