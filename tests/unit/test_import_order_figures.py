"""An import adds up the order figures of the customers it creates (order count, spend, first and
last order, COD / RTO / cancelled / discount / settled counts) instead of asking the database:
they must equal what crm.totals.refresh_order_totals computes, NULLs and courier orders included,
and customers whose existing orders an import changes are left to that query."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.unit.test_import_shopify_columns import HEADER
from wadesk.core.crm import totals
from wadesk.core.crm.totals import FIGURES, refresh_order_totals
from wadesk.core.db.models import Customer
from wadesk.core.importing import run_import, upsert

SHIPROCKET = ["Order ID", "Channel", "Status", "Product Name", "Product Quantity", "Product Price", "Channel Created At",
              "Customer Name", "Customer Mobile", "Address City", "Payment Method", "Order Total", "Courier Company",
              "AWB Code", "Order Delivered Date", "RTO Initiated Date", "Shiprocket Created At"]


def shopify_orders(path: Path, orders: list[dict[str, str]]) -> Path:
    col = {h: i for i, h in enumerate(HEADER)}
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for o in orders:
            r = [""] * len(HEADER)
            for k, v in o.items():
                r[col[k.replace("_", " ")]] = v
            w.writerow(r)
    return path


def varied_orders(path: Path) -> Path:
    """Orders of new customers in every state the figures tell apart."""
    orders, n = [], 0
    kinds = [
        dict(Financial_Status="paid", Payment_Method="Razorpay"),
        dict(Financial_Status="pending", Payment_Method="Cash on Delivery (COD)"),
        dict(Financial_Status="paid", Payment_Method="Cash on Delivery (COD)", Fulfillment_Status="fulfilled"),
        dict(Financial_Status="voided", Cancelled_at="2026-03-02 10:00:00 +0530"),
        dict(Financial_Status="paid", Discount_Code="DIWALI10"),
        dict(Financial_Status="paid", Total="0.00"),
        dict(Financial_Status="paid", Total="1,23,456.75"),
    ]
    for customer in range(12):
        for k in range(customer % 5 + 1):
            n += 1
            kind = kinds[(customer + k) % len(kinds)]
            orders.append(dict(Name=f"#{1000 + n}", Id=str(5000 + n), Email=f"c{customer}@example.com",
                               Billing_Phone=f"98100{customer:05d}", Billing_Country="IN", Currency="INR",
                               Created_at=f"2026-0{1 + k % 9}-{10 + customer:02d} 1{k % 10}:00:00 +0530",
                               Total=f"{100 + 37 * n}.50", Lineitem_name="Kurta", Lineitem_quantity="1",
                               Lineitem_price="100") | kind)
            if n % 3 == 0:  # a continuation line: items only
                orders.append(dict(Name=f"#{1000 + n}", Lineitem_name="Dupatta", Lineitem_price="50"))
    orders.append(dict(orders[0]))  # the same order twice: the first one counts
    return shopify_orders(path, orders)


def courier_report(path: Path) -> Path:
    """Orders only the courier knows (new customers, shipping states), for orders #9001-#9004."""
    rows = [("9001", "CUSTOM", "DELIVERED", "COD", "Order Delivered Date", "2026-04-03 10:00"),
            ("9002", "CUSTOM", "IN TRANSIT", "COD", None, None),
            ("9003", "CUSTOM", "RTO DELIVERED", "cod", "RTO Initiated Date", "2026-04-05 10:00"),
            ("9004", "CUSTOM", "NEW", "Prepaid", None, None)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(SHIPROCKET)
        for i, (ref, channel, status, pay, date_col, date) in enumerate(rows):
            r = dict.fromkeys(SHIPROCKET, "")
            r.update({"Order ID": ref, "Channel": channel, "Status": status, "Product Name": "Saree",
                      "Product Quantity": "1", "Product Price": "999", "Channel Created At": f"2026-04-0{i + 1} 09:00",
                      "Customer Name": f"Courier Person {i}", "Customer Mobile": f"97000000{i:02d}",
                      "Address City": "Pune", "Payment Method": pay, "Order Total": "999", "Courier Company": "Delhivery",
                      "AWB Code": f"AWB{i}", "Shiprocket Created At": f"2026-04-0{i + 1} 09:30"})
            if date_col:
                r[date_col] = date
            w.writerow(list(r.values()))
    return path


def figures(db) -> dict[int, tuple]:
    with db.Session() as s:
        return {row[0]: tuple(row[1:]) for row in s.execute(select(Customer.id, *[getattr(Customer, f) for f in FIGURES]))}


def recomputed(db) -> dict[int, tuple]:
    with db.Session() as s:
        refresh_order_totals(s)
        s.flush()
        out = {row[0]: tuple(row[1:]) for row in s.execute(select(Customer.id, *[getattr(Customer, f) for f in FIGURES]))}
        s.rollback()
    return out


@pytest.fixture
def queried(monkeypatch):
    """The customers whose figures an import asked the database for."""
    asked: list[int] = []
    real = totals.refresh_order_totals

    def spy(session, ids=None):
        asked.extend(ids or [])
        return real(session, ids)
    monkeypatch.setattr(upsert, "refresh_order_totals", spy)
    return asked


def test_new_customers_figures_equal_the_query(fresh_db, tmp_path, monkeypatch, queried):
    monkeypatch.setattr(upsert, "CHUNK", 4)  # orders of one customer over several chunks
    r = run_import(fresh_db, varied_orders(tmp_path / "orders.csv"), rejected_dir=tmp_path)
    assert r.customers_created == 12 and r.orders_created > 30
    got = figures(fresh_db)
    assert got == recomputed(fresh_db)
    assert sum(f[0] for f in got.values()) > 20 and sum(f[6] for f in got.values()) > 0  # counted and cancelled
    assert sum(f[4] for f in got.values()) > 0 and sum(f[7] for f in got.values()) > 0  # COD and discounts
    if fresh_db.engine.dialect.name == "sqlite":  # new customers are written last, with their figures
        assert queried == []


def test_courier_orders_and_orders_that_change_owner(fresh_db, tmp_path, queried):
    first = run_import(fresh_db, courier_report(tmp_path / "courier.csv"), rejected_dir=tmp_path)
    assert first.orders_created == 4
    assert figures(fresh_db) == recomputed(fresh_db)
    assert sum(f[5] for f in figures(fresh_db).values()) == 1  # the RTO
    queried.clear()
    # The shop's export of two of those orders, bought by people new to the shop: the courier
    # orders move to them (changed orders: their figures come from the query), beside an order of
    # a third new customer (added up).
    shop = shopify_orders(tmp_path / "shop.csv", [
        dict(Name=f"#{ref}", Id=str(ref), Created_at="2026-04-01 09:00:00 +0530", Billing_Phone=f"982000000{k}",
             Billing_Country="IN", Currency="INR", Total="999.00", Financial_Status="pending",
             Payment_Method="Cash on Delivery (COD)", Lineitem_name="Saree", Lineitem_price="999")
        for k, ref in enumerate((9001, 9002, 7777))])
    second = run_import(fresh_db, shop, rejected_dir=tmp_path)
    assert second.customers_created == 3 and second.orders_created == 1 and second.orders_updated == 2
    assert figures(fresh_db) == recomputed(fresh_db)
    if fresh_db.engine.dialect.name == "sqlite":
        with fresh_db.Session() as s:
            adopted = set(s.scalars(select(Customer.id).where(Customer.phone.in_(["+919820000000", "+919820000001"]))))
        assert len(adopted) == 2 and adopted <= set(queried)
