"""Shiprocket: rows of shop orders update them; rows of orders only the courier knows become orders
with their customer, and the shop's export of the same order later takes that order over."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from wadesk.core.db.models import Customer, Order
from wadesk.core.importing import import_history, rollback_import, run_import

from _import_db import _migrated_template, idb  # noqa: F401
from test_import_engine import snapshot

DATA = Path(__file__).parent.parent / "data" / "imports"
HEADER = (DATA / "shiprocket_orders_report_header_SECONDHAND.csv").read_text().strip().split(",")
SHOP_ORDERS = DATA / "shopify_orders_india_payu_shiprocket_fastrr_79col.csv"


@pytest.fixture
def db(idb):
    return idb


def report(path: Path, *rows: dict[str, str]) -> Path:
    def line(kv):
        return ",".join(f'"{kv.get(h, "")}"' for h in HEADER)
    path.write_text(",".join(HEADER) + "\n" + "\n".join(line(r) for r in rows) + "\n", encoding="utf-8")
    return path


CUSTOM = {"Order ID": "WA-1001", "Channel": "CUSTOM", "Status": "RTO DELIVERED", "Channel Created At": "02-06-2026 11:15",
          "Customer Name": "Meena Iyer", "Customer Mobile": "9840012345", "Customer Email": "meena@example.com",
          "Address City": "Chennai", "Address State": "Tamil Nadu", "Address Pincode": "600001",
          "Payment Method": "COD", "Product Name": "Silk saree", "Product Quantity": "1", "Product Price": "2499",
          "Order Total": "2499.00", "AWB Code": "AWB77", "Courier Company": "Delhivery",
          "RTO Initiated Date": "06-06-2026 09:00", "RTO Reason": "Customer refused"}


def test_an_order_only_the_courier_knows_is_kept_with_its_customer(db, tmp_path):
    second_item = {**CUSTOM, "Product Name": "Blouse piece", "Product Price": "399"}
    r = run_import(db, report(tmp_path / "sr.csv", CUSTOM, second_item), rejected_dir=tmp_path)
    assert (r.format, r.rejected, r.orders_created, r.customers_created) == ("shiprocket", 0, 1, 1)
    with db.Session() as s:
        o = s.scalars(select(Order)).one()
        assert (o.source, o.external_id, o.total, o.is_cod, o.is_rto, o.shipping_status) == (
            "shiprocket", "WA-1001", Decimal("2499.00"), True, True, "rto")
        assert (o.placed_at, o.rto_at, o.ship_city) == (datetime(2026, 6, 2, 5, 45), datetime(2026, 6, 6, 3, 30), "Chennai")
        assert o.attributes["awb"] == "AWB77" and o.attributes["sales_channel"] == "CUSTOM"
        assert sorted(i.product for i in o.items) == ["Blouse piece", "Silk saree"]
        c = s.scalars(select(Customer)).one()
        assert (c.name, c.phone, c.email, c.city, c.order_count) == ("Meena Iyer", "+919840012345", "meena@example.com",
                                                                     "Chennai", 1)
    again = run_import(db, report(tmp_path / "sr2.csv", {**CUSTOM, "Status": "RTO DELIVERED"}), rejected_dir=tmp_path)
    assert (again.orders_created, again.customers_created, again.rejected) == (0, 0, 0)


def test_a_row_without_a_shop_order_or_what_an_order_needs_is_rejected_with_the_reason(db, tmp_path):
    r = run_import(db, report(tmp_path / "sr.csv", {"Order ID": "9999", "Status": "DELIVERED"}), rejected_dir=tmp_path)
    assert r.rejected == 1
    assert list(r.rejected_reasons) == ["No order 9999 in WaDesk, and this row cannot be added as an order of its own: "
                                        "it has no order date and no order total."]


def test_the_shop_export_takes_over_the_courier_order_and_undo_gives_it_back(db, tmp_path):
    courier = {**CUSTOM, "Order ID": "1741", "Channel": "Shopify", "Customer Mobile": "9582300001",
               "Customer Email": "customer1@example.com", "Status": "DELIVERED", "Order Delivered Date": "24-06-2026 10:00",
               "RTO Initiated Date": "", "RTO Reason": "", "Payment Method": "Prepaid", "Order Total": "285.55",
               "Channel Created At": "19-06-2026 16:12"}
    first = run_import(db, report(tmp_path / "sr.csv", courier), rejected_dir=tmp_path)
    assert first.orders_created == 1
    before = snapshot(db)
    assert [r[2] for r in before["order_items"]] == ["Silk saree"]
    shop_items = [(r[17], int(r[16])) for r in csv.reader(io.StringIO(SHOP_ORDERS.read_text(encoding="utf-8"))) if r[0] == "#1741"]
    assert len(shop_items) == 2
    shop = run_import(db, SHOP_ORDERS, rejected_dir=tmp_path)
    with db.Session() as s:
        orders = s.scalars(select(Order).where(Order.number == "#1741")).all()
        assert len(orders) == 1  # one order, not a courier copy and a shop copy
        o = orders[0]
        assert (o.source, o.financial_status, o.shipping_status, o.delivered_at) == (
            "shopify", "paid", "delivered", datetime(2026, 6, 24, 4, 30))
        assert o.attributes["awb"] == "AWB77"
        # the shop's two line items replace the courier's one (Silk saree)
        assert [(i.product, i.quantity) for i in o.items] == shop_items
    assert (shop.orders_updated, shop.orders_created) == (1, 0)  # #1741 was taken over, not added again
    hist = {h.id: h for h in import_history(db)}
    assert not hist[first.import_id].can_roll_back and "updated again by import" in hist[first.import_id].why_not
    rollback_import(db, shop.import_id)
    assert snapshot(db) == before  # the courier's line item back under its id, the shop's gone


def test_line_items_further_down_the_shop_file_join_the_taken_over_order(db, tmp_path):
    courier = {**CUSTOM, "Order ID": "1741", "Channel": "Shopify", "Customer Mobile": "9582300001",
               "Status": "DELIVERED", "Order Total": "285.55", "Channel Created At": "19-06-2026 16:12"}
    run_import(db, report(tmp_path / "sr.csv", courier), rejected_dir=tmp_path)
    rows = list(csv.reader(io.StringIO(SHOP_ORDERS.read_text(encoding="utf-8"))))
    late = [""] * len(rows[0])
    late[0], late[16], late[17], late[18] = "#1741", "3", "Gift wrap", "10.00"  # Name, quantity, name, price
    other = list(rows[1])
    other[0], other[rows[0].index("Id")] = "#1742", "99999"
    path = tmp_path / "shop.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([*rows, other, late])
    run_import(db, path, rejected_dir=tmp_path)
    with db.Session() as s:
        o = s.scalars(select(Order).where(Order.number == "#1741")).one()
        names = [i.product for i in o.items]
    assert "Silk saree" not in names and names[-1] == "Gift wrap" and len(names) == 3
