"""Pre-flight of 100,000 recipients (issue 5 budget: ≤ 5 s).

    python -m pytest tests/perf/test_preflight_perf.py -s
    WADESK_PERF_RECIPIENTS=20000   fewer recipients
    WADESK_PERF_STRICT=1           also fail when wall time (not only CPU time) is over budget

Two figures: the check itself over prepared contexts (resolve + render + phone), and the whole
path from customer ids in the database (bulk_contexts + check). Not part of the normal run.
"""
from __future__ import annotations

import os
import random
import time
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert

from wadesk.core.db.models import Customer, Event
from wadesk.core.messaging.context import bulk_contexts, context_keys
from wadesk.core.messaging.mapping import TemplateMapping, VariableMapping
from wadesk.core.messaging.preflight import run_preflight
from wadesk.core.messaging.sandbox.catalog import sandbox_templates
from wadesk.core.messaging.template_spec import TemplateSpec

N = int(os.environ.get("WADESK_PERF_RECIPIENTS", "100000"))
BUDGET = 5.0 * N / 100_000
STRICT = os.environ.get("WADESK_PERF_STRICT") == "1"


def _timed(fn):
    """(wall seconds, CPU seconds, result): CPU time is what a busy shared machine can't inflate."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out
NOW = datetime(2026, 11, 28, 10, 0)
SPEC = TemplateSpec.from_meta(next(t for t in sandbox_templates() if t["name"] == "winback_offer"))
MAPPING = TemplateMapping("winback_offer", "en", {
    "header.first_name": VariableMapping("field", "first_name", fallback="there"),
    "body.discount": VariableMapping("fixed", "15%"),
    "body.code": VariableMapping("discount_code", "WINBACK"),
    "body.expiry": VariableMapping("metric", "last_order_at", format="date"),
    "button.0": VariableMapping("discount_code", "WINBACK"),
    "button.1": VariableMapping("product", "last_viewed", fallback="collections/new"),
}, utm_campaign="Win-back")


def test_preflight_of_prepared_contexts():
    rnd = random.Random(5)
    recipients = [(i, f"+9198{rnd.randrange(10**8):08d}" if i % 50 else None,
                   {"field.first_name": rnd.choice(["Aditi", "Rahul", "", None]),
                    "metric.last_order_at": NOW - timedelta(days=i % 400) if i % 7 else None,
                    "product.last_viewed": f"p/sku-{i}"}) for i in range(N)]
    took, cpu, result = _timed(lambda: run_preflight(SPEC, MAPPING, recipients,
                                                     codes_available={"WINBACK": N - 1000}, total=N))
    print(f"\npre-flight of {N:,} prepared recipients: {took:.2f} s wall, {cpu:.2f} s CPU "
          f"({cpu / N * 1e6:.1f} µs each); {result.as_json()}")
    assert result.recipients == N and result.problems["no_discount_code"] == 1000
    assert cpu <= BUDGET and (took <= BUDGET or not STRICT)


def test_preflight_from_the_database(fresh_db):
    rnd = random.Random(7)
    with fresh_db.session() as s:
        s.execute(insert(Customer), [
            {"phone": f"+9197{i:08d}", "first_name": rnd.choice(["Aditi", "Rahul", None]), "name": "x",
             "name_key": "x", "order_count": i % 5, "total_spent": Decimal(i % 5 * 999),
             "last_order_at": NOW - timedelta(days=i % 300) if i % 5 else None, "attributes": {},
             "created_at": NOW, "updated_at": NOW} for i in range(N)])
        s.execute(insert(Event), [{"customer_id": 1 + (i * 7919) % N, "type": "product_viewed",
                                   "occurred_at": NOW - timedelta(minutes=i), "product": f"p/sku-{i % 500}",
                                   "properties": {}} for i in range(N // 2)])
    def check():
        with fresh_db.session() as s:
            return run_preflight(SPEC, MAPPING, bulk_contexts(s, range(1, N + 1), NOW, keys=context_keys(MAPPING)),
                                 codes_available={"WINBACK": N}, total=N)

    took, cpu, result = _timed(check)
    print(f"\npre-flight of {N:,} customers from the database (contexts + check): {took:.2f} s wall, "
          f"{cpu:.2f} s CPU; {result.as_json()}")
    assert result.recipients == N
    assert cpu <= BUDGET and (took <= BUDGET or not STRICT)
