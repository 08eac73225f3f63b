"""Everyone's scores once a day while the app is open: recency moves with the calendar."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from wadesk.core.crm.totals import refresh_order_totals
from wadesk.core.db.models import Customer, Order
from wadesk.core.db.profile_models import CustomerMetrics, ProfileRefresh
from wadesk.ui.customers.daily_scores import DailyScores


def _fulls(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(ProfileRefresh).where(ProfileRefresh.kind == "full"))


def _days_since(db, cid) -> int:
    with db.session() as s:
        return s.get(CustomerMetrics, cid).days_since_last_order


def test_a_full_refresh_once_a_day(qtbot, services, db, clock):
    now = clock.now().replace(tzinfo=None)
    daily = DailyScores(services, first_check_ms=0)

    def check_and_wait():
        daily.check()
        qtbot.waitUntil(lambda: not daily.running, timeout=10_000)

    check_and_wait()
    assert _fulls(db) == 0  # an empty shop has nothing to score
    with db.session() as s:
        s.add(Customer(id=1, name="Asha", name_key="asha", created_at=now, updated_at=now, attributes={}))
        s.add(Order(customer_id=1, source="test", external_id="o1", placed_at=now - timedelta(days=3),
                    total=Decimal("500"), created_at=now, updated_at=now))
        s.flush()
        refresh_order_totals(s, [1])  # as every writer of orders does
    with qtbot.waitSignal(services.bus.changed, timeout=10_000):
        check_and_wait()  # never refreshed: due at once
    assert _fulls(db) == 1 and _days_since(db, 1) == 3
    check_and_wait()
    assert _fulls(db) == 1  # refreshed today: not again
    clock.advance(days=1)
    check_and_wait()
    assert _fulls(db) == 2 and _days_since(db, 1) == 4  # a day later the recency moved
