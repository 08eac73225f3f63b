"""Profile metrics, RFM scores and groups, funnel stages and the one-line "why"."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from tests.unit._shop_builder import Shop
from wadesk.core.db.profile_models import CustomerCategoryStat, CustomerMetrics, ProfileRefresh
from wadesk.core.profile import customer_scores, refresh_profiles, rfm


def _metrics(db) -> dict[int, CustomerMetrics]:
    with db.session() as s:
        return {m.customer_id: m for m in s.scalars(select(CustomerMetrics))}


@pytest.fixture
def shop(db):
    with db.session() as s:
        sh = Shop(s)
        sh.customer(1, channel="website")
        sh.order(1, 100, total=1000, cod=True, items=(("Serum", "SK-1", "skincare"), ("Kurta", "AP-1", "apparel")))
        sh.order(1, 40, total=3000, cod=True, rto=True, items=(("Serum", "SK-1", "skincare"),))
        sh.order(1, 10, total=2000, code="DIWALI20", status="shipped", items=(("Kurta", "AP-1", "apparel"),))
        sh.order(1, 5, total=9999, cancelled=True)
        sh.event(1, "product_viewed", 3, category="home", pdp_seconds=30)
        sh.event(1, "product_viewed", 2, category="home", pdp_seconds=30)
        sh.message(1, 1, direction="in", status="received")
        sh.customer(2, ctwa_clid="ARA1")  # a CTWA lead: no channel column, a click id
        sh.event(2, "lead_created", 2)
        sh.customer(3, channel="website")  # browser with a long product-page read: BOFU
        sh.event(3, "product_viewed", 1, category="skincare", pdp_seconds=200)
        sh.customer(4, channel="website")  # returning visitor: MOFU
        sh.event(4, "session", 50)
        sh.event(4, "session", 20)
        sh.customer(5, channel="shopify")  # one COD order still on its way: BOFU
        sh.order(5, 2, total=500, cod=True, status="shipped")
        sh.customer(6, channel="shopify")  # bought once, long ago: Lost
        sh.order(6, 300, total=700)
        sh.totals()
    return db


def test_order_metrics_follow_the_orders(shop, clock):
    refresh_profiles(shop, clock=clock)
    m = _metrics(shop)[1]
    assert (m.orders, float(m.total_spent), float(m.aov)) == (3, 6000.0, 2000.0)  # cancelled not counted
    assert m.cancelled_orders == 1 and m.cod_orders == 2 and m.rto_count == 1
    assert m.cod_share == pytest.approx(2 / 3, abs=1e-4) and m.rto_rate == pytest.approx(1 / 3, abs=1e-4)
    assert m.discount_orders == 1 and m.discount_share == pytest.approx(1 / 3, abs=1e-4)
    assert m.days_since_last_order == 10 and m.avg_days_between_orders == 45.0
    assert m.first_order_at.date().isoformat() == "2026-08-20" and m.last_order_at.day == 18
    assert m.favourite_category in ("apparel", "skincare")  # 2 orders each; views break ties: neither
    assert m.favourite_category == "apparel"  # ... then by name
    assert m.product_views == 2 and m.channel == "website"
    assert m.last_replied_at is not None and m.last_seen_at >= m.last_replied_at
    with shop.session() as s:
        cats = {(c.category, c.purchases, c.views) for c in s.scalars(
            select(CustomerCategoryStat).where(CustomerCategoryStat.customer_id == 1))}
    assert cats == {("skincare", 2, 0), ("apparel", 2, 0), ("home", 0, 2)}


def test_funnel_stages(shop, clock):
    refresh_profiles(shop, clock=clock)
    stages = {cid: m.funnel_stage for cid, m in _metrics(shop).items()}
    assert stages == {1: "Repeat", 2: "TOFU", 3: "BOFU", 4: "MOFU", 5: "BOFU", 6: "Lost"}
    assert _metrics(shop)[2].channel == "ctwa"


def test_small_shop_uses_fixed_thresholds_and_explains(shop, clock):
    refresh_profiles(shop, clock=clock)
    m = _metrics(shop)
    assert (m[1].r, m[1].f, m[1].m) == (5, 3, 4)  # 10 days; 3 orders; ₹6,000
    assert m[1].rfm_group == "Loyal"  # R=5, (3+4)/2 = 3.5
    assert (m[6].r, m[6].f, m[6].m, m[6].rfm_group) == (1, 1, 1, "Dormant")
    assert m[2].rfm_group == "Prospects" and m[2].r == 0
    with shop.session() as s:
        lines = {ln.key: ln.why for ln in customer_scores(s, 1).lines}
    assert lines["r"].startswith("R=5: last order 10 days ago, newer than 33% of customers")
    assert "fixed thresholds" in lines["r"] and "up to 30 days scores 5" in lines["r"]
    assert lines["m"].startswith("M=4: ₹6,000 spent") and lines["rfm_group"] == "Loyal: R=5 and (F+M)/2=3.5"


def test_quintiles_with_ties_for_a_bigger_shop():
    # 1000 buyers: recency 0..999 days, frequency mostly 1 (ties), money 1..1000.
    days = np.arange(1000, dtype=float)
    orders = np.where(np.arange(1000) < 600, 1, np.where(np.arange(1000) < 850, 2, 5)).astype(float)
    spent = np.arange(1, 1001, dtype=float)
    th = rfm.make_thresholds(days, orders, spent)
    assert th["fixed"] is False and len(th["r"]) == rfm.GRID_POINTS
    exact = (np.sort(days), np.sort(orders), np.sort(spent))
    sc = rfm.score(days, orders, spent, th, exact)
    assert sc["r"][0] == 5 and sc["r"][999] == 1  # the newest beats 99.9%
    assert np.bincount(sc["r"])[1:].tolist() == [200] * 5  # distinct values: exact quintiles
    # Ties share one score: every 1-order buyer scores 1, 2-order buyers beat 60%: 4.
    assert set(sc["f"][:600]) == {1} and set(sc["f"][600:850]) == {4} and set(sc["f"][850:]) == {5}
    assert sc["f_pct"][700] == 60.0
    # The stored grid (incremental refresh) agrees with the exact answer almost everywhere.
    approx = rfm.score(days, orders, spent, th)
    assert (approx["m"] == sc["m"]).mean() > 0.99 and (approx["f"] == sc["f"]).all()


def test_group_grid_covers_every_named_group():
    r, f, m = np.meshgrid(np.arange(1, 6), np.arange(1, 6), np.arange(1, 6))
    names = set(rfm.groups(r.ravel(), f.ravel(), m.ravel()))
    assert names == set(rfm.GROUPS) - {"Prospects"}
    assert rfm.groups(np.array([0]), np.array([0]), np.array([0]))[0] == "Prospects"
    assert rfm.groups(np.array([5]), np.array([5]), np.array([5]))[0] == "Champions"
    assert rfm.groups(np.array([1]), np.array([5]), np.array([5]))[0] == "Previously loyal"


def test_incremental_refresh_uses_stored_thresholds(shop, clock):
    refresh_profiles(shop, clock=clock)
    with shop.session() as s:
        Shop(s).order(6, 1, total=50_000)
        s.flush()
        from wadesk.core.crm.totals import refresh_order_totals
        refresh_order_totals(s, [6])
    result = refresh_profiles(shop, [6], clock=clock)
    assert result.kind == "incremental" and result.customers == 1
    m = _metrics(shop)
    assert (m[6].orders, m[6].r, m[6].m, m[6].funnel_stage) == (2, 5, 5, "Repeat")
    assert m[1].orders == 3 and len(m) == 6  # others untouched
    with shop.session() as s:
        kinds = [r.kind for r in s.scalars(select(ProfileRefresh).order_by(ProfileRefresh.id))]
    assert kinds == ["full", "incremental"]


def test_first_incremental_refresh_is_full_and_deleted_customers_go(shop, clock):
    assert refresh_profiles(shop, [1], clock=clock).kind == "full"
    from wadesk.core.db.models import Customer
    with shop.session() as s:
        s.delete(s.get(Customer, 3))
    refresh_profiles(shop, clock=clock)
    assert 3 not in _metrics(shop) and len(_metrics(shop)) == 5


def test_relative_figures_follow_the_clock(shop, clock):
    clock.advance(days=100)
    refresh_profiles(shop, clock=clock)
    m = _metrics(shop)[1]
    assert m.days_since_last_order == 110 and m.funnel_stage == "At risk" and m.r == 3


def test_bulk_reads_in_chunks_keep_categories(db, monkeypatch):
    from sqlalchemy import select as sel

    from wadesk.core.db.models import Customer
    from wadesk.core.profile import sqlio
    with db.session() as s:
        sh = Shop(s)
        for cid, city in enumerate([None, None, "Pune", "Agra", None, "pune"], 1):
            sh.customer(cid, city=city)
    monkeypatch.setattr(sqlio, "FETCH", 2)  # chunks: [None, None], [Pune, Agra], [None, pune]
    with db.engine.connect() as conn:
        df = sqlio.read_frame(conn, sel(Customer.id, Customer.city).order_by(Customer.id), ["id", "city"], ["city"])
    assert df["id"].tolist() == [1, 2, 3, 4, 5, 6]
    assert [None if pd.isna(x) else x for x in df["city"].tolist()] == [None, None, "Pune", "Agra", None, "pune"]
