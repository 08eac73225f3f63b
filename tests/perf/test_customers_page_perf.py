"""The Customers page at 1,000,000 customers, as the owner feels it.

For each interaction: how long the UI thread was busy (the app cannot react meanwhile; target
<= 100 ms) and how long until the rows are on screen (the reader thread did the SQL meanwhile).

    python -m pytest tests/perf/test_customers_page_perf.py -s
    WADESK_PERF_CUSTOMERS=200000     smaller database (built once, cached; see big_customers.py)
    WADESK_PERF_DATA_DIR=/path       use an existing shop folder instead (e.g. `wadesk demo`)
    WADESK_PERF_STRICT=1             fail when the UI thread was busy over 100 ms

Not part of the normal run (pyproject ignores tests/perf).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

sys.path.insert(0, str(Path(__file__).parent))
from big_customers import big_database  # noqa: E402

from wadesk.core.db import open_database  # noqa: E402
from wadesk.core.paths import DataDir  # noqa: E402
from wadesk.ui.services import build_services  # noqa: E402

N = int(os.environ.get("WADESK_PERF_CUSTOMERS", "1000000"))
TARGET_MS = 100.0


@pytest.fixture(scope="module")
def shop():
    root = Path(os.environ["WADESK_PERF_DATA_DIR"]) if os.environ.get("WADESK_PERF_DATA_DIR") else big_database(N)
    db = open_database(DataDir(root))
    yield db
    db.dispose()


def test_customers_page_figures(qapp, qtbot, shop, data_dir):
    from wadesk.ui.customers.page import CustomersPage

    services = build_services(shop, data_dir)
    results: list[tuple[str, float, float]] = []

    def on_screen() -> bool:
        m, v = page.model, page.table
        top, bottom = v.rowAt(0), v.rowAt(v.viewport().height() - 1)
        if m.loading:
            return False
        if top < 0:
            return True
        bottom = bottom if bottom >= 0 else m.rowCount() - 1
        return all(m.data(m.index(r, 0)) != "Loading…" for r in range(top, bottom + 1))

    def measure(label: str, action) -> None:
        t0 = time.perf_counter()
        action()
        busy = time.perf_counter() - t0
        qtbot.waitUntil(on_screen, timeout=30_000)
        page.grab()
        results.append((label, busy * 1000, (time.perf_counter() - t0) * 1000))

    t0 = time.perf_counter()
    page = CustomersPage(services)
    qtbot.addWidget(page)
    page.resize(1220, 820)
    page.show()
    results.append(("open the page (widgets)", (time.perf_counter() - t0) * 1000, 0.0))
    measure("first rows on screen", lambda: None)
    sb = page.table.verticalScrollBar()
    measure("jump to the last row", page.table.scrollToBottom)
    measure("jump to the middle", lambda: sb.setValue(sb.maximum() // 2))
    measure("page down", lambda: sb.setValue(sb.value() + 30))
    measure("back to the top", page.table.scrollToTop)
    measure("select a customer (detail pane)", lambda: page.table.selectionModel().setCurrentIndex(
        page.model.index(3, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows))
    measure("sort by total spent", lambda: page.table.sortByColumn(6, Qt.SortOrder.DescendingOrder))
    measure("  then jump to the last row", page.table.scrollToBottom)
    measure("sort by name again", lambda: page.table.sortByColumn(0, Qt.SortOrder.AscendingOrder))
    page.table.scrollToTop()
    for text in ("98765 43210", "98765", "+91 987", "priya", "sha", "a"):
        page.search.setText(text)
        measure(f"search {text!r}", page._apply_search)
        results[-1] = (f"search {text!r} ({page.model.rowCount():,} match)", *results[-1][1:])
        measure("  then jump to the last row", page.table.scrollToBottom)
    page.search.setText("")
    measure("clear the search", page._apply_search)
    t0 = time.perf_counter()
    page.table.selectAll()
    qapp.processEvents()
    page.grab()
    results.append((f"select all ({page.selected_count():,} rows) + repaint", (time.perf_counter() - t0) * 1000, 0.0))
    try:
        import psutil

        rss = psutil.Process().memory_info().rss / 2**20
    except ImportError:  # pragma: no cover
        rss = float("nan")
    print(f"\nCustomers page, {page.model.rowCount():,} customers")
    print(f"{'interaction':48s} {'UI busy ms':>10s} {'on screen ms':>12s}")
    for label, busy, total in results:
        print(f"{label:48s} {busy:10.1f} {total:12.1f}")
    print(f"resident memory: {rss:.0f} MB")
    page.model.wait_idle()
    services.jobs.shutdown()
    if os.environ.get("WADESK_PERF_STRICT"):
        slow = [(label, busy) for label, busy, _ in results if busy > TARGET_MS and "open the page" not in label]
        assert not slow, slow
