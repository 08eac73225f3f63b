"""The full refresh's fast paths (two read lanes, ids joined into texts, numpy matching, bulk-write
settings) give exactly the tables the plain per-id SQL paths give, on a generated shop."""
from __future__ import annotations

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
