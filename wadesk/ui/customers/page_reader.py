"""Reads pages of the customer table off the UI thread, newest request first.

The table model asks for "count + first page" when the search or sort changes and for single pages
as the user scrolls. One reader thread answers them in its own short-lived sessions (SQLite in WAL
mode lets it read while the job runner writes). Requests from an older search are dropped, and when
the user scrolls fast only the most recent few pages are read. Results come back on the UI thread
through `loaded` / `failed`.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from wadesk.core.crm import customer_query as cq
from wadesk.core.crm.phones import normalise_phone

log = logging.getLogger(__name__)
MAX_QUEUED_PAGES = 6  # older page requests are forgotten when the user scrolls past them


class _Relay(QObject):
    # generation, kind ("count" or "page"), page number, payload
    loaded = Signal(int, str, int, object)
    failed = Signal(int, str)


class _Work(QRunnable):
    def __init__(self, reader: "PageReader"):
        super().__init__()
        self.reader = reader

    def run(self) -> None:
        self.reader._drain()


class PageReader(QObject):
    """`request_count(gen, query)` and `request_page(gen, query, page_no)`; answers arrive as
    `loaded(gen, kind, page_no, payload)` where payload is (count, first rows) or rows."""

    loaded = Signal(int, str, int, object)
    failed = Signal(int, str)

    def __init__(self, db, make_rows: Callable[[list[cq.CustomerRow]], list[Any]], page_size: int,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.db, self.make_rows, self.page_size = db, make_rows, page_size
        self.current = 0  # the generation still wanted; older requests are skipped
        self._queue: deque[tuple[int, str, cq.CustomerQuery, int]] = deque()
        self._lock = threading.Lock()
        self._running = False
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.loaded.connect(self.loaded)  # queued: emitted on the reader thread
        self._relay.failed.connect(self.failed)
        self.timings: deque[tuple[str, float]] = deque(maxlen=50)

    def request_count(self, gen: int, query: cq.CustomerQuery, page_no: int = 0) -> None:
        """The number of rows and the rows of `page_no` (the page the user is looking at)."""
        self._put((gen, "count", query, page_no))

    def request_page(self, gen: int, query: cq.CustomerQuery, page_no: int) -> None:
        self._put((gen, "page", query, page_no))

    def wait(self, msecs: int = 5000) -> bool:
        return self._pool.waitForDone(msecs)

    def _put(self, item: tuple[int, str, cq.CustomerQuery, int]) -> None:
        with self._lock:
            self.current = max(self.current, item[0])
            self._queue.append(item)
            pages = [x for x in self._queue if x[1] == "page"]
            for stale in pages[:-MAX_QUEUED_PAGES]:
                self._queue.remove(stale)
            if self._running:
                return
            self._running = True
        self._pool.start(_Work(self))

    def _next(self) -> tuple[int, str, cq.CustomerQuery, int] | None:
        with self._lock:
            while self._queue:
                counts = [x for x in self._queue if x[1] == "count"]
                item = counts[-1] if counts else self._queue[-1]  # a new search first, then newest page
                self._queue.remove(item)
                if item[0] >= self.current:
                    return item
            self._running = False
            return None

    _warmed = False

    def _warm_up(self) -> None:
        """After the first rows are shown, load the phone metadata (~0.3 s, once per process) so
        the owner's first phone search does not pay for it."""
        if not PageReader._warmed:
            PageReader._warmed = True
            normalise_phone("+919876543210")

    def _drain(self) -> None:
        while (item := self._next()) is not None:
            gen, kind, query, page_no = item
            started = time.perf_counter()
            try:
                with self.db.Session() as s:
                    n = cq.count(s, query) if kind == "count" else None
                    ids = cq.page_ids(s, query, page_no * self.page_size, self.page_size)
                    found = {r.id: r for r in cq.fetch_rows(s, ids)}
                rows = self.make_rows([found[i] for i in ids if i in found])
                self.timings.append((f"{kind} {page_no}", time.perf_counter() - started))
                self._relay.loaded.emit(gen, kind, page_no, (n, rows) if kind == "count" else rows)
                self._warm_up()
            except Exception as exc:  # noqa: BLE001 - reported on the UI thread in plain words
                log.warning("Reading customers failed: %s", exc)
                try:
                    self._relay.failed.emit(gen, str(exc))
                except RuntimeError:  # the page closed meanwhile
                    return
