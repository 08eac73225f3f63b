"""Scores (metrics, RFM, funnel stage) follow the data: the sample shop and every import refresh
them, so segments and the customer page never show a customer without scores."""
from pathlib import Path

from sqlalchemy import func, select

from wadesk.core.db.models import Customer
from wadesk.core.db.profile_models import CustomerMetrics
from wadesk.core.demo import build_sample_shop
from wadesk.core.importing import ImportOptions, run_import
from wadesk.core.segments import SegmentEngine, find_preset

DATA = Path(__file__).parent.parent / "data" / "imports"


def _counts(db) -> tuple[int, int]:
    with db.Session() as s:
        return (s.scalar(select(func.count()).select_from(Customer)),
                s.scalar(select(func.count()).select_from(CustomerMetrics)))


def test_sample_shop_has_scores_for_everyone(db, clock):
    build_sample_shop(db, customers=150, seed=3, clock=clock)
    customers, scored = _counts(db)
    assert customers == scored == 150
    engine = SegmentEngine(db, clock=clock)
    assert engine.count(find_preset("High-value repeat buyers").rules).matched > 0


def test_import_scores_the_customers_it_touched(db, clock, tmp_path):
    build_sample_shop(db, customers=60, seed=4, clock=clock)
    result = run_import(db, DATA / "shopify_orders_india_gokwik_cod_razorpay_75col.csv",
                        ImportOptions(), clock=clock, rejected_dir=tmp_path)
    assert result.orders_created > 0
    customers, scored = _counts(db)
    assert customers == scored > 60
    with db.Session() as s:
        bought = s.scalars(select(CustomerMetrics.orders).join(Customer, Customer.id == CustomerMetrics.customer_id)
                           .where(Customer.id > 60)).all()
    assert bought and max(bought) >= 1


def test_dry_run_scores_nothing(db, clock, tmp_path):
    run_import(db, DATA / "shopify_customers_2022_v2.csv", ImportOptions(), dry_run=True, clock=clock,
               rejected_dir=tmp_path)
    assert _counts(db) == (0, 0)


def test_undoing_an_import_restores_the_scores(db, clock, tmp_path):
    from wadesk.core.importing import rollback_import

    build_sample_shop(db, customers=40, seed=5, clock=clock)
    with db.Session() as s:
        cid, phone = s.execute(select(Customer.id, Customer.phone).where(Customer.phone.is_not(None))
                               .order_by(Customer.id)).first()
        before = s.get(CustomerMetrics, cid).product_views
    f = tmp_path / "views.csv"
    rows = "".join(f"{phone},Product Viewed,2026-11-2{d} 10:00,Kurta,apparel,999\n" for d in range(5))
    f.write_text("Mobile,Event,Timestamp,Product,Category,Value\n" + rows, encoding="utf-8")
    result = run_import(db, f, ImportOptions(), clock=clock, rejected_dir=tmp_path)
    assert result.events_created == 5
    with db.Session() as s:
        assert s.get(CustomerMetrics, cid).product_views == before + 5
    rollback_import(db, result.import_id, clock=clock)
    with db.Session() as s:
        assert s.get(CustomerMetrics, cid).product_views == before
