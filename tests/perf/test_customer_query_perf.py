"""Customer table queries at 1,000,000 customers: medians per call, with naive baselines.

    python -m pytest tests/perf/test_customer_query_perf.py -s
    WADESK_PERF_CUSTOMERS=200000   smaller database (built once, cached; see big_customers.py)
    WADESK_PERF_STRICT=1           fail when a main path is over the 100 ms target

Not part of the normal run (pyproject ignores tests/perf).
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import or_, select

sys.path.insert(0, str(Path(__file__).parent))
from big_customers import big_database  # noqa: E402

from wadesk.core.crm import customer_query as cq  # noqa: E402
from wadesk.core.crm.customer_query import COLUMNS, CustomerQuery, count, fetch_rows, page_ids  # noqa: E402
from wadesk.core.db import open_database  # noqa: E402
from wadesk.core.db.models import Customer  # noqa: E402
from wadesk.core.paths import DataDir  # noqa: E402

N = int(os.environ.get("WADESK_PERF_CUSTOMERS", "1000000"))
REPS = 7
TARGET_MS = 100.0
PAGE = 200


def median_ms(fn, reps: int = REPS) -> float:
    fn()  # warm: the first call pays for opening pages the OS has cached anyway
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


@pytest.fixture(scope="module")
def db():
    t0 = time.perf_counter()
    root = big_database(N)
    print(f"\n{N:,} customers at {root} (ready in {time.perf_counter() - t0:.1f} s)")
    database = open_database(DataDir(root))
    yield database
    database.dispose()


def _page(s, q, offset):
    return fetch_rows(s, page_ids(s, q, offset, PAGE))


def test_customer_query_figures(db):
    results: list[tuple[str, float]] = []
    baselines: list[tuple[str, float, float]] = []
    with db.Session() as s:
        def rec(label, fn):
            ms = median_ms(fn)
            results.append((label, ms))
            print(f"{ms:9.1f} ms  {label}")
            return ms

        q = CustomerQuery()
        total = count(s, q)
        rec("count (all)", lambda: count(s, q))
        rec("first page (ids + rows)", lambda: _page(s, q, 0))
        rec("middle page", lambda: _page(s, q, total // 2))
        last = rec("last page", lambda: _page(s, q, total - PAGE))
        for key, _ in COLUMNS:
            for desc in (False, True):
                qq = CustomerQuery(sort_key=key, descending=desc)
                arrow = "desc" if desc else "asc"
                rec(f"sort {key} {arrow}: first page", lambda: _page(s, qq, 0))
                rec(f"sort {key} {arrow}: page at 3/4", lambda: _page(s, qq, total * 3 // 4))
                rec(f"sort {key} {arrow}: last page", lambda: _page(s, qq, total - PAGE))

        # Naive: the same last page with a plain OFFSET from the start (no reverse trick).
        naive = select(Customer.id).order_by(Customer.id).offset(total - PAGE).limit(PAGE)
        naive_ms = median_ms(lambda: fetch_rows(s, list(s.scalars(naive))))
        byid = CustomerQuery(sort_key="name")
        baselines.append(("last page, plain OFFSET over the table (by id)", naive_ms, last))
        naive_name = select(Customer.id).order_by(Customer.name_key, Customer.id).offset(total - PAGE).limit(PAGE)
        naive_name_ms = median_ms(lambda: list(s.scalars(naive_name)))
        baselines.append(("last page by name, plain OFFSET (covering index, no reverse)", naive_name_ms,
                          median_ms(lambda: page_ids(s, byid, total - PAGE, PAGE))))

        some = s.execute(select(Customer.phone_national, Customer.email)
                         .where(Customer.phone.is_not(None), Customer.email.is_not(None))
                         .order_by(Customer.id).offset(total // 3).limit(1)).one()
        nat, email = some
        searches = {
            "phone, full +91 number": f"+91 {nat[:5]} {nat[5:]}",
            "phone, 10 digits": nat,
            "phone, first 5 digits": nat[:5],
            "phone, '+91 ' and 5 digits": f"+91 {nat[:5]}",
            "email prefix": email[:8],
            "name 'rohan sharma'": "rohan sharma",
            "name 'rohan' (first name, ~3%)": "rohan",
            "name 'sharma' (last name, ~3%)": "sharma",
            "name 'sha' (~7%)": "sha",
            "one letter 'a' (~20%)": "a",
        }
        for label, text in searches.items():
            sq = CustomerQuery(search=text)
            n = count(s, sq)
            rec(f"search {label} [{n:,} matches]: count", lambda: count(s, sq))
            rec(f"search {label}: first page", lambda: _page(s, sq, 0))
            if n > 2 * PAGE:
                rec(f"search {label}: last page", lambda: _page(s, sq, n - PAGE))
                rec(f"search {label}: middle page", lambda: _page(s, sq, n // 2))
            cq_city = CustomerQuery(search=text, sort_key="city", descending=True)
            rec(f"search {label}: first page by city desc", lambda: _page(s, cq_city, 0))

        # Naive search: LIKE '%text%' over name, email and phone (no index can help).
        for label, text, ours in [("phone digits", nat[:5], CustomerQuery(search=nat[:5])),
                                  ("name", "sharma", CustomerQuery(search="sharma"))]:
            like = f"%{text}%"
            stmt = (select(Customer.id).where(or_(Customer.name.ilike(like), Customer.email.ilike(like),
                                                   Customer.phone.like(like)))
                    .order_by(Customer.name_key, Customer.id).limit(PAGE))
            baselines.append((f"search {label}: LIKE '%x%' first page", median_ms(lambda: list(s.scalars(stmt)), 3),
                              median_ms(lambda: page_ids(s, ours, 0, PAGE))))

    print("\nbaseline vs ours (median ms, ratio):")
    for label, base, ours in baselines:
        print(f"  {label}: {base:.1f} vs {ours:.1f} -> {base / max(ours, 0.01):.0f}x")
    # Known and accepted: the middle of a very broad search, and one-letter searches.
    slow = [(label, ms) for label, ms in results if ms > TARGET_MS]
    print(f"\nover {TARGET_MS:.0f} ms: {slow or 'none'}")
    if os.environ.get("WADESK_PERF_STRICT") == "1":
        assert not slow
    assert cq.REVERSE_FROM > 0
