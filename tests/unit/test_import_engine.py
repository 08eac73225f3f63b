"""The import engine: identity and merge rules, idempotence, consent, atomicity, rollback, mappings."""
from __future__ import annotations

import threading

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select, text

from wadesk.core.db.models import CONSENT_OPTED_OUT, Customer, Event, Order
from wadesk.core.importing import (
    ImportOptions, import_history, preview_file, rollback_import, run_import, suggest_generic,
)
from wadesk.core.jobs import Cancelled

from _import_db import _migrated_template, idb  # noqa: F401

DATA = Path(__file__).parent.parent / "data" / "imports"
TABLES = ["customers", "orders", "order_items", "events", "consent_events", "tags", "customer_tags"]


@pytest.fixture
def db(idb):
    return idb


def snapshot(db) -> dict:
    with db.engine.connect() as c:
        return {t: c.execute(text(f"SELECT * FROM {t} ORDER BY 1")).all() for t in TABLES}


def xlsx(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def csv(path: Path, text_: str) -> Path:
    path.write_text(text_, encoding="utf-8")
    return path


def test_fuzzy_header_matching():
    m = suggest_generic(["Cust Name", "Mobile No.", "Contact No.", "WhatsApp Number", "Pin", "E-mail ID",
                         "Amt", "Date", "Favourite colour"])
    assert m == {"Cust Name": "name", "Mobile No.": "phone", "Contact No.": "phone", "WhatsApp Number": "phone",
                 "Pin": "pincode", "E-mail ID": "email", "Amt": "order_total", "Date": "order_date"}


def test_free_form_xlsx_list_merge_and_reimport(db, tmp_path):
    f = xlsx(tmp_path / "list.xlsx", [
        ["Sharma Stores - Diwali list"], [],
        ["Customer Name", "Mobile No.", "Email", "City", "Tags"],
        ["Asha Rao", 9876543210, "ASHA@GMAIL.COM", "Pune", "vip"],
        ["asha rao", "+91 98765 43210", "", "", "diwali"],  # the same person again: merges
        ["Ravi", "12345", "", "Delhi", ""],  # no usable phone or email: rejected
    ])
    r = run_import(db, f, rejected_dir=tmp_path)
    assert (r.format, r.rows, r.customers_created, r.merged_in_file, r.rejected) == ("generic", 3, 1, 1, 1)
    with db.Session() as s:
        c = s.scalars(select(Customer)).one()
        assert (c.phone, c.email, c.name, c.city, c.tag_list, c.channel) == (
            "+919876543210", "asha@gmail.com", "Asha Rao", "Pune", "diwali, vip", "import")
    rows = list(load_workbook(r.rejected_file).active.values)
    assert rows[0][:3] == ("Row", "Reason", "Customer Name")
    assert rows[1][0] == 6 and "too few digits" in rows[1][1]
    before = snapshot(db)
    again = run_import(db, f, rejected_dir=tmp_path)
    assert (again.customers_created, again.customers_updated) == (0, 0)
    assert snapshot(db) == before


def test_rejected_rows_file_neutralises_formulas(db, tmp_path):
    f = csv(tmp_path / "evil.csv", 'Name,Phone\n"=HYPERLINK(""http://x"",""hi"")",\n+cmd|calc,abc\nAsha,9876543210\n')
    r = run_import(db, f, rejected_dir=tmp_path)
    assert (r.customers_created, r.rejected) == (1, 2)
    assert r.rejected_reasons == {"No usable phone number or email.": 2}
    rows = list(load_workbook(r.rejected_file).active.values)
    assert [row[:3] for row in rows[1:]] == [
        (2, "No usable phone number or email.", "'=HYPERLINK(\"http://x\",\"hi\")"),
        (3, "No usable phone number or email (phone 'abc': This doesn't look like a phone number (it has no digits)).",
         "'+cmd|calc")]


def test_merge_fills_blanks_and_never_overwrites_newer(db, tmp_path, clock):
    run_import(db, csv(tmp_path / "a.csv", "Name,Phone,City\nAsha Rao,9876543210,\n"), clock=clock)
    with db.session() as s:  # the owner corrects the name in the app, later than any export
        c = s.scalars(select(Customer)).one()
        c.first_name, c.name, c.updated_at = "Asha", "Asha R.", datetime(2026, 11, 28, 9)
    orders = DATA / "shopify_orders_india_gokwik_cod_razorpay_75col.csv"
    r = run_import(db, orders, clock=clock)  # orders from January 2026 (older)
    assert r.customers_created == 4
    f = csv(tmp_path / "b.csv", "Name,Phone,City,Email\nAsha Kumari,+919876543210,Pune,a@x.in\n")
    r = run_import(db, f, clock=clock)
    assert r.customers_updated == 1
    with db.Session() as s:
        c = s.scalars(select(Customer).where(Customer.phone == "+919876543210")).one()
        assert (c.name, c.city, c.email) == ("Asha R.", "Pune", "a@x.in")


def test_newer_export_moves_statuses_forward_only(db, tmp_path):
    src = (DATA / "shopify_orders_india_gokwik_cod_razorpay_75col.csv").read_text(encoding="utf-8")
    run_import(db, csv(tmp_path / "v1.csv", src))
    newer = src.replace("OD1769,customer15@example.com,pending,", "OD1769,customer15@example.com,paid,")
    r = run_import(db, csv(tmp_path / "v2.csv", newer))
    assert (r.orders_created, r.orders_updated) == (0, 1)
    r = run_import(db, csv(tmp_path / "v1-again.csv", src))  # the older export again: no step back
    assert (r.orders_created, r.orders_updated) == (0, 0)
    with db.Session() as s:
        assert s.scalar(select(Order.financial_status).where(Order.number == "OD1769")) == "paid"


def test_opt_out_is_never_turned_back_into_opt_in(db, tmp_path):
    run_import(db, csv(tmp_path / "a.csv", "Name,Mobile,WhatsApp opt-in\nAsha,9876543210,yes\n"))
    run_import(db, csv(tmp_path / "b.csv", "Name,Mobile,WhatsApp opt-in\nAsha,9876543210,unsubscribed\n"))
    r = run_import(db, csv(tmp_path / "c.csv", "Name,Mobile,WhatsApp opt-in\nAsha,9876543210,yes\n"))
    assert r.warnings == {"opt-ins ignored because the customer had opted out": 1}
    with db.Session() as s:
        c = s.scalars(select(Customer)).one()
        assert (c.consent_state, c.consent_source) == (CONSENT_OPTED_OUT, "import:b.csv")


def test_cancel_and_errors_leave_the_database_exactly_as_before(db, tmp_path, monkeypatch):
    run_import(db, DATA / "shopify_customers_2026_v3_whatsapp_india.csv")
    before = snapshot(db)
    rows = "\n".join(f"P{i},+9198{i:08d},c{i}@x.in" for i in range(3000))
    f = csv(tmp_path / "big.csv", "Name,Phone,Email\n" + rows + "\n")
    calls = {"n": 0}

    def cancel_soon():
        calls["n"] += 1
        return calls["n"] > 3

    with pytest.raises(Cancelled):
        run_import(db, f, cancelled=cancel_soon)
    assert snapshot(db) == before
    from wadesk.core.importing import upsert

    def boom(self, import_id):
        raise OSError("disk full")

    monkeypatch.setattr(upsert.ImportWriter, "finish", boom)
    with pytest.raises(OSError):
        run_import(db, f)
    assert snapshot(db) == before
    assert [h.file_name for h in import_history(db)] == ["shopify_customers_2026_v3_whatsapp_india.csv"]


def test_dry_run_counts_and_changes_nothing(db, tmp_path):
    before = snapshot(db)
    r = run_import(db, DATA / "shopify_orders_india_gokwik_cod_razorpay_75col.csv", dry_run=True)
    assert (r.dry_run, r.orders_created, r.customers_created, r.import_id) == (True, 4, 4, None)
    assert snapshot(db) == before and import_history(db) == []


def test_rollback_restores_and_removes(db, tmp_path):
    run_import(db, DATA / "shopify_customers_2026_v3_whatsapp_india.csv")
    after_first = snapshot(db)
    f = csv(tmp_path / "b.csv", "Name,Phone,Email,Tags,WhatsApp opt-in\nX,+919098500001,new@x.in,wholesale,yes\n"
                                "Y,9000000001,,,\n")
    r2 = run_import(db, f)
    assert (r2.customers_created, r2.customers_updated) == (1, 1)
    hist = import_history(db)
    assert [h.can_roll_back for h in hist] == [True, False]
    with pytest.raises(ValueError, match="Undo import 2 first, then import 1"):
        rollback_import(db, hist[1].id)
    counts = rollback_import(db, r2.import_id)
    assert counts["customers_removed"] == 1 and counts["customers_restored"] == 1
    assert snapshot(db) == after_first
    assert import_history(db)[0].status == "rolled_back"
    rollback_import(db, hist[1].id)
    assert all(rows == [] for t, rows in snapshot(db).items() if t != "tags")


def test_rollback_of_orders_restores_totals(db, tmp_path):
    run_import(db, DATA / "shopify_orders_india_gokwik_cod_razorpay_75col.csv")
    src = (DATA / "shopify_orders_india_gokwik_cod_razorpay_75col.csv").read_text(encoding="utf-8")
    before = snapshot(db)
    r = run_import(db, csv(tmp_path / "v2.csv", src.replace("OD1769,customer15@example.com,pending,",
                                                            "OD1769,customer15@example.com,voided,")
                           .replace("Medium,web,0.00", "Medium,web,0.00").replace(
                               "2026-01-27 17:33:02 +0530,yes", "2026-01-27 17:33:02 +0530,yes")))
    assert r.orders_updated == 1
    rollback_import(db, r.import_id)
    assert snapshot(db) == before


def test_saved_mapping_is_offered_again(db, tmp_path):
    f = csv(tmp_path / "odd.csv", "Who,Digits,Where\nAsha,9876543210,Pune\n")
    p = preview_file(f, db=db)
    assert (p.format, p.mapping_source) == ("generic", "suggested") and p.mapping["Digits"] == "attr:Digits"
    mapping = {"Who": "name", "Digits": "phone", "Where": "city"}
    r = run_import(db, f, ImportOptions(mapping=mapping))
    assert r.customers_created == 1
    p = preview_file(csv(tmp_path / "odd2.csv", "Who,Digits,Where\nRavi,9123456789,Agra\n"), db=db)
    assert (p.mapping_source, p.mapping) == ("saved", mapping)


def test_shiprocket_rto_updates_the_shop_order(db, tmp_path):
    run_import(db, DATA / "shopify_orders_india_payu_shiprocket_fastrr_79col.csv")
    header = (DATA / "shiprocket_orders_report_header_SECONDHAND.csv").read_text().strip().split(",")
    def row(**kv):
        return ",".join(kv.get(h, "") for h in header)
    body = [row(**{"Order ID": "1741", "Status": "RTO_DELIVERED", "Payment Method": "prepaid",
                   "RTO Initiated Date": "22-06-2026 10:00", "RTO Delivered Date": "N/A", "AWB Code": "AWB1"}),
            row(**{"Order ID": "9999", "Status": "DELIVERED"})]
    r = run_import(db, csv(tmp_path / "sr.csv", ",".join(header) + "\n" + "\n".join(body) + "\n"), rejected_dir=tmp_path)
    assert (r.format, r.orders_updated, r.rejected) == ("shiprocket", 1, 1)
    with db.Session() as s:
        o = s.scalars(select(Order).where(Order.number == "#1741")).one()
        assert (o.is_rto, o.shipping_status, o.rto_at, o.attributes["awb"]) == (True, "rto", datetime(2026, 6, 22, 4, 30), "AWB1")


@pytest.mark.parametrize("amounts, expect", [(["49900", "129900"], "499.00"), (["499.00", "1299.00"], "499.00")])
def test_razorpay_paise_or_rupees(db, tmp_path, amounts, expect):
    head = "id,amount,currency,status,order_id,method,email,contact,created_at\n"
    rows = [f"pay_{i},{a},INR,captured,order_{i},{m},a{i}@x.in,+9198765432{i}0,2026-06-0{i + 1} 10:00:00"
            for i, (a, m) in enumerate(zip(amounts, ["upi", "cod"]))]
    rows.append("pay_9,50000,INR,failed,order_9,card,a9@x.in,,2026-06-05 10:00:00")
    r = run_import(db, csv(tmp_path / "rp.csv", head + "\n".join(rows) + "\n"))
    assert (r.format, r.orders_created, r.events_created) == ("razorpay", 2, 1)
    with db.Session() as s:
        o = s.scalars(select(Order).where(Order.external_id == "pay_0")).one()
        assert o.total == Decimal(expect) and s.scalars(select(Order.is_cod).where(Order.external_id == "pay_1")).one()


def test_events_file(db, tmp_path):
    f = csv(tmp_path / "ev.csv", "Mobile,Event,Timestamp,Product,Category,Value\n"
                                 "9876543210,Product Viewed,2026-06-01 10:00,Kurta,ethnic,999\n"
                                 "9876543210,added to cart,01/06/2026 10:05,Kurta,ethnic,999\n")
    r = run_import(db, f)
    assert (r.format, r.events_created, r.customers_created) == ("events", 2, 1)
    with db.Session() as s:
        assert sorted(s.scalars(select(Event.type))) == ["added_to_cart", "product_viewed"]
    assert run_import(db, f).events_created == 0


def test_generic_list_with_amounts_becomes_orders_once(db, tmp_path):
    f = csv(tmp_path / "sales.csv", "Name,Mobile,Amount,Date,Payment Mode\nAsha,9876543210,\"Rs. 1,250\",05-06-2026,COD\n")
    r = run_import(db, f)
    assert (r.orders_created, r.customers_created) == (1, 1)
    assert run_import(db, f).orders_created == 0
    with db.Session() as s:
        c = s.scalars(select(Customer)).one()
        assert (c.order_count, c.total_spent) == (1, Decimal("1250.00"))
        assert s.scalars(select(Order.is_cod)).one() is True


def test_line_items_far_from_their_order_join_it(db, tmp_path):
    lines = (DATA / "shopify_orders_india_gokwik_cod_razorpay_75col.csv").read_text(encoding="utf-8").splitlines(True)
    f = csv(tmp_path / "shuffled.csv", "".join([lines[0], lines[1], *lines[3:], lines[2]]))
    assert run_import(db, f).orders_created == 4
    with db.Session() as s:
        o = s.scalars(select(Order).where(Order.number == "OD1768")).one()
        assert (len(o.items), o.total) == (2, Decimal("4928.30"))


def test_rollback_after_order_status_update_in_same_session(db, tmp_path):
    """Order values kept in memory stay typed after the bulk insert (regression)."""
    src = (DATA / "shopify_orders_india_gokwik_cod_razorpay_75col.csv").read_text(encoding="utf-8")
    twice = src + "".join(src.splitlines(True)[3:4]).replace("OD1769,customer15@example.com,pending,",
                                                           "OD1769,customer15@example.com,paid,")
    r = run_import(db, csv(tmp_path / "twice.csv", twice))
    assert r.orders_created == 4
    rollback_import(db, r.import_id)
    assert snapshot(db)["orders"] == []


def test_unmapped_columns_are_kept_as_custom_attributes(db, tmp_path):
    run_import(db, csv(tmp_path / "a.csv", "Name,Mobile,Favourite colour\nAsha,9876543210,green\n"))
    with db.Session() as s:
        assert s.scalars(select(Customer)).one().attributes["custom"] == {"Favourite colour": "green"}


def test_woocommerce_skyverge_packed_line_items_and_customers(db, tmp_path):
    head = "order_id,order_number,date,status,order_total,payment_method,billing_first_name,billing_phone,billing_email,line_items\n"
    row = '7,7,2026-05-02 11:00:00,wc-processing,999.00,cod,Asha,9876543210,a@x.in,"name:Kurta|sku:K1|quantity:2|total:800.00;name:Bag|quantity:1|total:199"\n'
    r = run_import(db, csv(tmp_path / "sv.csv", head + row))
    assert (r.format, r.orders_created) == ("woocommerce-orders", 1)
    with db.Session() as s:
        o = s.scalars(select(Order)).one()
        assert (o.is_cod, o.financial_status, [(i.product, i.quantity, i.price) for i in o.items]) == (
            True, "paid", [("Kurta", 2, Decimal("400.00")), ("Bag", 1, Decimal("199.00"))])
    head = "Name,Username,Last Active,Sign Up,Email,Orders,Total Spend,AOV,Country / Region,City,Region,Postal Code,Billing Phone\n"
    r = run_import(db, csv(tmp_path / "wc.csv", head + "Asha Rao,asha,2026-05-02,2025-01-01,a@x.in,3,\"2,400.00\",800,IN,Pune,MH,411001,\n"))
    assert (r.format, r.customers_created, r.customers_updated) == ("woocommerce-customers", 0, 1)
    with db.Session() as s:
        c = s.scalars(select(Customer)).one()
        assert (c.city, c.attributes["store_total_spent"], c.attributes["external_ids"]) == ("Pune", "2400.00", {"woocommerce": "asha"})


def test_an_export_pasted_twice_does_not_double_line_items(db, tmp_path):
    lines = (DATA / "shopify_orders_india_gokwik_cod_razorpay_75col.csv").read_text(encoding="utf-8").splitlines(True)
    r = run_import(db, csv(tmp_path / "twice.csv", "".join(lines + lines[1:])))
    assert (r.orders_created, r.rows) == (4, 12)
    with db.Session() as s:
        assert len(s.scalars(select(Order).where(Order.number == "OD1768")).one().items) == 2


def test_a_big_first_import_rebuilds_the_indexes_it_dropped_and_a_cancel_keeps_them(db, tmp_path, monkeypatch):
    from wadesk.core.importing import indexes

    def names():  # every index as created (name and SQL): later migrations' indexes come back too
        with db.engine.connect() as c:
            return sorted(tuple(r) for r in c.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")))

    before = names()
    assert {"ix_orders_customer_profile", "ix_order_items_category_order"} <= {n for n, _sql in before}  # 0011
    monkeypatch.setattr(indexes, "MIN_ROWS", 1)  # this small file counts as big
    dropped = []
    real = indexes.SecondaryIndexes.drop_for_import
    monkeypatch.setattr(indexes.SecondaryIndexes, "drop_for_import",
                        lambda self, n: dropped.extend(real(self, n)) or dropped)
    r = run_import(db, DATA / "shopify_orders_india_gokwik_cod_razorpay_75col.csv")
    assert set(dropped) == {"customers", "orders", "order_items"} and r.orders_created == 4
    assert names() == before
    with db.engine.connect() as c:  # the rebuild's sorter settings are the connection's own again
        assert [c.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("cache_size", "threads")] == [-65536, 0]
    with pytest.raises(Cancelled):  # cancelled after the drop: the indexes come back with the rollback
        run_import(db, csv(tmp_path / "list.csv", "Name,Mobile\n" + "".join(f"P{i},98{i:08d}\n" for i in range(1200))),
                   cancelled=lambda: True)
    assert dropped.count("customers") == 2 and names() == before


@pytest.mark.parametrize("table", ["orders", "customers"])
def test_an_index_build_that_fails_on_its_thread_fails_the_import_and_changes_nothing(db, monkeypatch, table):
    """The orders' indexes are built on a thread while the new customers' rows are made, the
    customers' while the writer's memory is let go: a failure there (a full disk) reaches the
    import, which rolls back with its indexes dropped and all."""
    import sqlite3

    from wadesk.core.importing import indexes

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's indexes")
    with db.engine.connect() as c:
        before = sorted(tuple(r) for r in c.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")))
    monkeypatch.setattr(indexes, "MIN_ROWS", 1)
    threads = []
    real = indexes._build

    def full_disk(cur, statements):
        threads.append(threading.current_thread().name)
        if any(f"ON {table}" in s for s in statements):
            raise sqlite3.OperationalError("database or disk is full")
        real(cur, statements)
    monkeypatch.setattr(indexes, "_build", full_disk)
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        run_import(db, DATA / "shopify_orders_india_gokwik_cod_razorpay_75col.csv")
    assert threads == ["wadesk-import-indexes"] * (1 if table == "orders" else 2)
    with db.engine.connect() as c:
        assert sorted(tuple(r) for r in c.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))) == before
        assert c.execute(text("SELECT count(*) FROM orders")).scalar() == 0
        assert c.execute(text("SELECT count(*) FROM customers")).scalar() == 0


def test_ordinary_inserts_after_an_import_get_fresh_ids(db, tmp_path):
    """The bulk writer gives ids itself; on PostgreSQL it must draw them from each table's sequence,
    or the next ordinary insert (a customer added by hand, a webhook's order) reuses an id."""
    from wadesk.core.db.models import Tag

    f = xlsx(tmp_path / "list.xlsx", [["Name", "Phone", "Tags"], ["Asha", "9876543210", "vip"],
                                      ["Ravi", "9876543211", "cod"]])
    r = run_import(db, f)
    assert r.customers_created == 2
    with db.session() as s:
        c = Customer(name="By hand", name_key="by hand", created_at=datetime(2026, 1, 1), updated_at=datetime(2026, 1, 1))
        s.add_all([c, Tag(name="later")])
        s.flush()
        assert c.id not in {1, 2} and s.scalar(select(Customer.id).where(Customer.name == "Asha")) != c.id
    r2 = run_import(db, xlsx(tmp_path / "more.xlsx", [["Name", "Phone"], ["Meera", "9876543212"]]))
    assert r2.customers_created == 1
    with db.engine.connect() as conn:
        ids = conn.execute(select(Customer.id)).scalars().all()
    assert len(ids) == len(set(ids)) == 4


def test_stored_customers_load_as_sqlalchemy_reads_them(fresh_db):
    """load_drafts reads SQLite through the driver: the values must be what the ORM gives."""
    from wadesk.core.importing.identity import FIELDS, load_drafts

    when = datetime(2026, 3, 4, 5, 6, 7, 890123)
    with fresh_db.Session() as s:
        s.add_all([
            Customer(name="A", name_key="a", phone="+919800000001", attributes={}, consent_state=1,
                     consent_at=when, consent_source="import:x.csv", created_at=when, updated_at=when),
            Customer(name="B", name_key="b", email="b@example.com", city="Pune", created_at=when,
                     attributes={"external_ids": {"shopify": "7", "also": {"shopify": ["8"]}}, "note": "हाँ",
                                 "other_phones": ["+919800000009"]}, updated_at=datetime(2026, 1, 1)),
            Customer(name="C", name_key="c", phone="+919800000003", attributes=None, created_at=when, updated_at=when),
        ])
        s.commit()
        ids = list(s.scalars(select(Customer.id)))
        expected = {row[0]: dict(zip(FIELDS, row[1:]))
                    for row in s.execute(select(Customer.id, *[getattr(Customer, f) for f in FIELDS]))}
        drafts = load_drafts(s, ids)
    for cid, want in expected.items():
        want["attributes"] = want["attributes"] or {}
        d = drafts[cid]
        assert d.before == want and d.values == want
        assert d.values["attributes"] is not d.before["attributes"]  # the draft changes its own copy
        assert [type(d.before[f]) for f in ("consent_at", "updated_at")] == [type(want["consent_at"]), datetime]
