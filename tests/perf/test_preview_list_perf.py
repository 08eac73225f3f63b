""""Next with a problem" over 100,000 customers where nobody has one (the worst case: every chunk
is checked), against one whole-list pre-flight of the same ids in the same process.

    python -m pytest tests/perf/test_preview_list_perf.py -s
    WADESK_PERF_RECIPIENTS=20000   fewer customers
"""
from __future__ import annotations

import os
import statistics
import time
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert

from wadesk.core.db.models import Customer
from wadesk.core.messaging.mapping import TemplateMapping, VariableMapping
from wadesk.core.messaging.preflight import preflight_customers
from wadesk.core.messaging.preview_list import PreviewList, next_with_problem
from wadesk.core.messaging.sandbox.catalog import sandbox_templates
from wadesk.core.messaging.template_spec import TemplateSpec

N = int(os.environ.get("WADESK_PERF_RECIPIENTS", "100000"))
NOW = datetime(2026, 11, 28, 10, 0)
SPEC = TemplateSpec.from_meta(next(t for t in sandbox_templates() if t["name"] == "order_shipped"))
MAPPING = TemplateMapping("order_shipped", "en", {
    "body.1": VariableMapping("field", "first_name", fallback="there"),
    "body.2": VariableMapping("metric", "last_order_number", fallback="your order"),
    "body.3": VariableMapping("fixed", "Delhivery"),
    "button.0": VariableMapping("fixed", "track/123"),
}, utm_campaign="Shipping")


def test_next_problem_scan_of_a_whole_list(fresh_db):
    with fresh_db.session() as s:
        s.execute(insert(Customer), [
            {"phone": f"+9197{i:08d}", "first_name": "Aditi" if i % 3 else None, "name": "x", "name_key": "x",
             "order_count": i % 5, "total_spent": Decimal(i % 5 * 999),
             "last_order_at": NOW - timedelta(days=i % 300) if i % 5 else None, "attributes": {},
             "created_at": NOW, "updated_at": NOW} for i in range(N)])
    people = PreviewList(ids=tuple(range(1, N + 1)))
    scans, whole = [], []
    for _ in range(3):
        with fresh_db.session() as s:
            started = time.perf_counter()
            assert next_with_problem(s, SPEC, MAPPING, people, 0, NOW) is None
            scans.append(time.perf_counter() - started)
            started = time.perf_counter()
            assert preflight_customers(s, SPEC, MAPPING, people.ids, now=NOW).ok == N
            whole.append(time.perf_counter() - started)
    scan, base = statistics.median(scans), statistics.median(whole)
    print(f"\nnext-with-a-problem over {N:,} customers, none failing: {scan:.2f} s median "
          f"(one whole pre-flight: {base:.2f} s; ratio {scan / base:.2f})")
    assert scan <= 5.0 * N / 100_000 * 2  # the pre-flight budget, with room for a busy machine
