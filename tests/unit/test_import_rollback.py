"""Undo any import that later imports did not build on; otherwise say which later import blocks it."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from wadesk.core.db.import_models import ImportChange
from wadesk.core.db.models import Customer, Order
from wadesk.core.importing import import_history, rollback_import, run_import

from _import_db import _migrated_template, idb  # noqa: F401
from test_import_engine import snapshot

DATA = Path(__file__).parent.parent / "data" / "imports"
ORDERS = DATA / "shopify_orders_india_payu_shiprocket_fastrr_79col.csv"


@pytest.fixture
def db(idb):
    return idb


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def n(db, model) -> int:
    with db.Session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_an_older_import_is_undone_when_later_ones_did_not_build_on_it(db, tmp_path):
    a = run_import(db, write(tmp_path / "a.csv", "Name,Mobile\nAsha,9876543210\nRavi,9876543211\n"))
    before_b = snapshot(db)
    b = run_import(db, write(tmp_path / "b.csv", "Name,Mobile,Amount,Date\nSita,9123456789,500,2026-05-01\n"))
    after_b = snapshot(db)
    assert [h.can_roll_back for h in import_history(db)] == [True, True]
    counts = rollback_import(db, a.import_id)
    assert counts["customers_removed"] == 2
    with db.Session() as s:  # import b is untouched: its customer and order are still there
        assert s.scalars(select(Customer.name)).all() == ["Sita"] and n(db, Order) == 1
    hist = {h.id: h for h in import_history(db)}
    assert (hist[a.import_id].status, hist[b.import_id].can_roll_back) == ("rolled_back", True)
    rollback_import(db, b.import_id)
    assert all(rows == [] for t, rows in snapshot(db).items() if t != "tags")
    assert before_b != after_b


def test_a_later_import_that_used_its_customers_blocks_it_and_says_which(db, tmp_path):
    a = run_import(db, write(tmp_path / "list.csv", "Name,Mobile\nAsha,9876543210\n"))
    b = run_import(db, write(tmp_path / "sales.csv", "Mobile,Amount,Date\n9876543210,500,2026-05-01\n"))
    assert b.customers_created == 0 and b.orders_created == 1
    hist = {h.id: h for h in import_history(db)}
    why = hist[a.import_id].why_not
    assert not hist[a.import_id].can_roll_back and hist[b.import_id].can_roll_back
    assert why == (f"Import {a.import_id} (list.csv) cannot be undone on its own: 1 customer that import "
                   f"{a.import_id} added got orders, tags or details from import {b.import_id} (sales.csv, "
                   f"{hist[b.import_id].started_at:%d %b %Y}). Undo import {b.import_id} first, then import {a.import_id}.")
    before = snapshot(db)
    with pytest.raises(ValueError) as exc:
        rollback_import(db, a.import_id)
    assert str(exc.value) == why and snapshot(db) == before
    rollback_import(db, b.import_id)
    rollback_import(db, a.import_id)
    assert n(db, Customer) == 0


def test_orders_updated_by_a_courier_file_block_the_orders_import(db, tmp_path):
    a = run_import(db, ORDERS)
    header = (DATA / "shiprocket_orders_report_header_SECONDHAND.csv").read_text().strip().split(",")
    row = {"Order ID": "1741", "Status": "DELIVERED", "Order Delivered Date": "24-06-2026 10:00"}
    b = run_import(db, write(tmp_path / "sr.csv", ",".join(header) + "\n" + ",".join(row.get(h, "") for h in header) + "\n"))
    assert b.orders_updated == 1
    why = {h.id: h for h in import_history(db)}[a.import_id].why_not
    assert f"1 order that import {a.import_id} added or changed were updated again by import {b.import_id} (sr.csv" in why


def test_changing_the_same_customer_again_blocks_but_only_ordering_does_not(db, tmp_path):
    run_import(db, write(tmp_path / "base.csv", "Name,Mobile\nAsha,9876543210\n"))
    a = run_import(db, write(tmp_path / "city.csv", "Name,Mobile,City\nAsha,9876543210,Pune\n"))
    assert a.customers_updated == 1
    b = run_import(db, write(tmp_path / "sales.csv", "Mobile,Amount,Date\n9876543210,500,2026-05-01\n"))
    assert b.customers_updated == 0 and b.orders_created == 1
    assert {h.id: h for h in import_history(db)}[a.import_id].can_roll_back  # b only added an order
    c = run_import(db, write(tmp_path / "state.csv", "Name,Mobile,Email\nAsha,9876543210,asha@x.in\n"))
    assert c.customers_updated == 1
    why = {h.id: h for h in import_history(db)}[a.import_id].why_not
    assert f"1 customer that import {a.import_id} changed were changed again by import {c.import_id}" in why
    rollback_import(db, c.import_id)
    rollback_import(db, a.import_id)
    with db.Session() as s:
        asha = s.scalars(select(Customer)).one()
        assert (asha.city, asha.email, asha.order_count) == (None, None, 1)


def test_imports_recorded_before_touched_customers_were_kept_are_still_checked(db, tmp_path):
    a = run_import(db, write(tmp_path / "list.csv", "Name,Mobile\nAsha,9876543210\n"))
    b = run_import(db, write(tmp_path / "sales.csv", "Mobile,Amount,Date\n9876543210,500,2026-05-01\n"))
    with db.session() as s:  # what an older WaDesk wrote: no "touched" entry
        s.execute(delete(ImportChange).where(ImportChange.action == "touched"))
    assert not {h.id: h for h in import_history(db)}[a.import_id].can_roll_back
    rollback_import(db, b.import_id)
    assert {h.id: h for h in import_history(db)}[a.import_id].can_roll_back


def test_range_overlap_counts_shared_ids():
    import random

    from wadesk.core.importing.changelog import ranges
    from wadesk.core.importing.history import _overlap

    rnd = random.Random(7)
    for _ in range(300):
        a, b = (set(rnd.sample(range(200), rnd.randint(0, 60))) for _ in "ab")
        assert _overlap(ranges(sorted(a)), ranges(sorted(b))) == len(a & b) == _overlap(ranges(sorted(b)), ranges(sorted(a)))
