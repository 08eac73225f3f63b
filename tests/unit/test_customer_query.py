"""The customer table queries agree with a plain Python sort/filter, whichever plan they pick."""
import random
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from wadesk.core.crm import customer_query as cq
from wadesk.core.crm.customer_query import COLUMNS, CustomerQuery, count, fetch_rows, page_ids
from wadesk.core.db.models import Customer

T = datetime(2026, 1, 1)
FIRST = ["Rohan", "Priya", "Amit", "Sneha", "राहुल", "Shanti", "", "Zoya"]
LAST = ["Sharma", "Verma", "Shah", "Iyer", None, "Das"]
CITIES = ["Mumbai", "Delhi", None, "Pune", "Bengaluru"]


@pytest.fixture
def shop(db):
    rnd = random.Random(3)
    with db.session() as s:
        for i in range(1, 301):
            first, last = rnd.choice(FIRST), rnd.choice(LAST)
            name = " ".join(p for p in (first, last) if p)
            nat = f"98{rnd.randint(0, 99_999_999):08d}" if rnd.random() > 0.1 else None
            orders = rnd.choice([0, 0, 1, 2, 2, 5])
            s.add(Customer(
                id=i, name=name, name_key=name.lower(), last_name_key=last.lower() if last else None,
                first_name=first, last_name=last,
                phone=f"+91{nat}" if nat else None, phone_national=nat,
                email=f"{(first or 'x').lower()}{i}@mail.in" if rnd.random() > 0.3 else None,
                city=rnd.choice(CITIES), tag_list=rnd.choice(["", "vip", "cod, vip", "cod"]),
                order_count=orders, total_spent=Decimal(rnd.choice([0, 99.5, 1500, 2340.75])),
                last_order_at=T - timedelta(days=rnd.randint(0, 30)) if orders else None,
                consent_state=rnd.choice([-1, 0, 1]), created_at=T, updated_at=T,
            ))
    return db


ATTR = {"name": "name_key", "phone": "phone", "email": "email", "city": "city", "tags": "tag_list",
        "orders": "order_count", "total_spent": "total_spent", "last_order": "last_order_at",
        "consent": "consent_state"}


def _reference(customers, pred, key, desc):
    rows = [c for c in customers if pred(c)]
    # SQLite orders NULLs first ascending; the page must mirror that exactly when reversed.
    rows.sort(key=lambda c: (getattr(c, ATTR[key]) is not None, getattr(c, ATTR[key]) or 0, c.id)
              if key in ("orders", "total_spent", "consent")
              else (getattr(c, ATTR[key]) is not None, getattr(c, ATTR[key]) or "", c.id))
    ids = [c.id for c in rows]
    return ids[::-1] if desc else ids


SEARCHES = {
    "": lambda c: True,
    "sha": lambda c: c.name_key.startswith("sha") or (c.last_name_key or "").startswith("sha")
    or (c.email or "").startswith("sha"),
    "  ROHAN  sharma ": lambda c: c.name_key.startswith("rohan sharma"),
    "राहुल": lambda c: c.name_key.startswith("राहुल"),
    "98": lambda c: c.phone is not None,
    "zoya1": lambda c: (c.email or "").startswith("zoya1"),
}


@pytest.mark.parametrize("strategy", ["sort", "walk", "top"])
@pytest.mark.parametrize("search", list(SEARCHES))
def test_pages_match_python_reference(shop, monkeypatch, strategy, search):
    # Force the deep-offset path and each search plan so all of them are checked.
    if strategy != "top":  # "top": every offset counts as near the top (no count, no reverse)
        monkeypatch.setattr(cq, "REVERSE_FROM", 0)
    monkeypatch.setattr(cq, "WALK_COST", 0.0 if strategy == "walk" else 1e12)
    with shop.Session() as s:
        customers = list(s.query(Customer))
        pred = SEARCHES[search]
        for key, _ in COLUMNS:
            for desc in (False, True):
                q = CustomerQuery(search=search, sort_key=key, descending=desc)
                want = _reference(customers, pred, key, desc)
                assert count(s, q) == len(want)
                got = []
                for off in range(0, len(want) + 50, 71):
                    got += page_ids(s, q, off, 71)
                assert got == want, (search, key, desc)
                assert page_ids(s, q, len(want) - 5, 200) == want[-5:]


def test_phone_search_in_any_format(shop):
    with shop.Session() as s:
        c = s.query(Customer).filter(Customer.phone.is_not(None)).first()
        nat = c.phone_national
        for text in (nat[:5], f"+91 {nat[:5]}", f"0{nat[:5]}", f"91{nat}", f"+91 {nat[:5]} {nat[5:]}",
                     f"{nat[:5]}-{nat[5:]}"):
            ids = page_ids(s, CustomerQuery(search=text), 0, 500)
            assert c.id in ids, text
            assert count(s, CustomerQuery(search=text)) == len(ids)
        assert page_ids(s, CustomerQuery(search=f"91{nat}"), 0, 10) == [c.id]


def test_fetch_rows_keeps_order_and_skips_missing(shop):
    with shop.Session() as s:
        rows = fetch_rows(s, [5, 3, 99999, 4])
        assert [r.id for r in rows] == [5, 3, 4]
        c = s.get(Customer, 5)
        r = rows[0]
        assert (r.name, r.phone, r.email, r.city, r.tags, r.orders, r.consent) == (
            c.name, c.phone, c.email, c.city, c.tag_list, c.order_count, c.consent_state)
        assert isinstance(r.total_spent, Decimal)
        assert fetch_rows(s, []) == []


def test_edges(shop):
    with shop.Session() as s:
        assert page_ids(s, CustomerQuery(), 300, 10) == []
        assert page_ids(s, CustomerQuery(), 0, 0) == []
        assert page_ids(s, CustomerQuery(search="nobody-at-all"), 0, 10) == []
        with pytest.raises(ValueError):
            page_ids(s, CustomerQuery(sort_key="shoe_size"), 0, 10)


def test_every_query_reads_through_an_index(shop):
    """EXPLAIN QUERY PLAN of each statement: customers is never scanned row by row."""
    if shop.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's EXPLAIN QUERY PLAN; PostgreSQL's planner picks by table statistics")
    from sqlalchemy import event

    seen: list[tuple[str, tuple]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(shop.engine, "before_cursor_execute", grab)
    try:
        with shop.Session() as s:
            for search in ["", "sha", "rohan sharma", "98", "+91 98", "zoya1@mail.in"]:
                for key, _ in COLUMNS:
                    q = CustomerQuery(search=search, sort_key=key)
                    count(s, q)
                    for off in (0, 150, 290):
                        page_ids(s, q, off, 10)
            fetch_rows(s, [1, 2, 3])
    finally:
        event.remove(shop.engine, "before_cursor_execute", grab)
    with shop.engine.connect() as conn:
        raw = conn.connection.driver_connection
        for statement, params in seen:
            plan = [r[3] for r in raw.execute("EXPLAIN QUERY PLAN " + statement, params)]
            full_scans = [p for p in plan if p.startswith("SCAN customers") and "INDEX" not in p]
            assert not full_scans, (statement, plan)
