"""The full refresh's fast paths (two read lanes, ids joined into texts, numpy matching, bulk-write
settings) give exactly the tables the plain per-id SQL paths give, on a generated shop."""
from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select, text

from wadesk.core.db.models import Customer
from wadesk.core.demo import build_sample_shop
from wadesk.core.jobs import Cancelled
from wadesk.core.profile import refresh as profile_refresh
from wadesk.core.profile import refresh_profiles


def _tables(db) -> tuple[list, list]:
    with db.engine.connect() as conn:
        metrics = conn.execute(text("SELECT * FROM customer_metrics ORDER BY customer_id")).all()
        cats = conn.execute(text("SELECT customer_id, category, purchases, views FROM customer_category_stats "
                                 "ORDER BY customer_id, category")).all()
    return metrics, cats


@pytest.fixture
def shop(db, clock):
    build_sample_shop(db, customers=600, seed=5, clock=clock)  # ends with a full refresh
    return db


def test_full_refresh_equals_the_per_id_sql_paths(shop, clock):
    refresh_profiles(shop, clock=clock)
    fast = _tables(shop)
    now = clock.now().replace(tzinfo=None)
    with shop.engine.begin() as conn:
        ids = list(conn.execute(select(Customer.id).order_by(Customer.id)).scalars())
        # thresholds=None: this population's exact quintiles, as a full refresh scores
        metrics, cats, _ = profile_refresh.compute(conn, now, ids, None)
        profile_refresh._write(conn, metrics, cats, ids)
    slow = _tables(shop)
    assert len(fast[0]) == 600 and len(fast[1]) > 600
    assert any(row.purchases for row in fast[1]) and any(row.views for row in fast[1])
    assert fast == slow


def test_cancel_keeps_the_old_tables_and_connection_settings(shop, clock):
    before = _tables(shop)
    clock.advance(days=30)
    with pytest.raises(Cancelled):
        refresh_profiles(shop, clock=clock, cancelled=lambda: True)
    assert _tables(shop) == before
    refresh_profiles(shop, clock=clock)
    assert _tables(shop) != before


@pytest.mark.sqlite_only("foreign_keys and secure_delete are SQLite connection settings")
def test_full_refresh_gives_connections_back_with_their_settings(shop, clock):
    refresh_profiles(shop, clock=clock)
    with shop.engine.connect() as a, shop.engine.connect() as b:  # both pooled connections
        for conn in (a, b):
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


@pytest.mark.sqlite_only("joined texts are SQLite's fast path; other databases read rows")
def test_joined_read_gives_the_rows_values_or_steps_aside(db):
    from sqlalchemy import literal, union_all

    from wadesk.core.profile.sqlio import read_frame, read_joined

    def one(i, num, txt):
        return select(literal(i).label("i"), literal(num).label("n"), literal(txt).label("t"))
    rows = union_all(one(1, 0.1 + 0.2, "2026-01-02 03:04:05.000000"), one(2, None, ""), one(3, 7, None),
                     one(4, 1e300, "a,b"))
    stmt = select(rows.subquery())
    cols, kinds = ["i", "n", "t"], ["int", "num", "text"]
    with db.engine.connect() as conn:
        joined = read_joined(conn, stmt, cols, kinds)
        plain = read_frame(conn, stmt, cols)
        assert joined["i"].tolist() == plain["i"].tolist() == [1, 2, 3, 4]
        assert joined["n"].tolist()[0] == 0.1 + 0.2 and joined["n"].tolist()[2:] == [7.0, 1e300]  # exact
        assert pd.isna(joined["n"].tolist()[1])
        assert [None if pd.isna(t) else t for t in joined["t"]] == ["2026-01-02 03:04:05.000000", "", None, "a,b"]
        with_sep = select(union_all(one(1, 1, "x\x1fy"), one(2, 2, "z")).subquery())
        assert read_joined(conn, with_sep, cols, kinds) is None  # a text held the separator: rows instead
