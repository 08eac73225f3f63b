"""Every real (redacted) Shopify / WooCommerce / Meta lead / Google export in tests/data/imports
imports correctly: real phones, totals, COD, statuses and counts."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from wadesk.core.db.models import ConsentEvent, Customer, Event, Order
from wadesk.core.importing import ImportOptions, run_import

from _import_db import _migrated_template, idb  # noqa: F401


@pytest.fixture
def db(idb):
    return idb

DATA = Path(__file__).parent.parent / "data" / "imports"


def imp(db, name, tmp_path, **opts):
    return run_import(db, DATA / name, ImportOptions(**opts), rejected_dir=tmp_path)


def customers(db):
    with db.Session() as s:
        return {c.phone or c.email: c for c in s.scalars(select(Customer))}


def orders(db):
    with db.Session() as s:
        out = {}
        for o in s.scalars(select(Order)):
            o.item_list = [(i.product, i.quantity, i.price) for i in o.items]
            out[o.number] = o
        return out


def test_shopify_customers_2026_whatsapp_india(db, tmp_path):
    r = imp(db, "shopify_customers_2026_v3_whatsapp_india.csv", tmp_path)
    assert (r.format, r.rows, r.customers_created, r.rejected) == ("shopify-customers", 14, 13, 0)
    assert r.merged_in_file == 1  # person13: an email account and a phone-only account
    cs = customers(db)
    assert cs["+917008100013"].email == "customer13@example.com"
    assert cs["+919098500001"].name == "Person1"  # last name "." is a placeholder
    assert cs["+919651000009"].name == "Person9 Singh Yadav"
    assert cs["+919229700005"].consent_state == 1  # Accepts SMS Marketing: yes
    assert cs["customer2@gemil.com"].attributes["email_flag"] == "typo:gmail.com"
    assert cs["+919898600010"].first_name is None and cs["+919898600010"].last_name == "Patel"
    assert cs["+918600200008"].attributes["external_ids"] == {"shopify": "7433811230808"}
    assert cs["customer7@example.com"].tag_list == "Inbox online store chat, newsletter"
    assert cs["+919611700004"].attributes["store_total_spent"] == "8462.00"
    with db.Session() as s:
        ev = s.scalars(select(ConsentEvent)).one()
        assert (ev.action, ev.source) == ("opt_in", "import:shopify_customers_2026_v3_whatsapp_india.csv")


@pytest.mark.parametrize("name, n, phone", [
    ("shopify_customers_2018_v1.csv", 3, None),
    ("shopify_customers_2022_v2.csv", 5, "+4916304014694"),
    ("shopify_customers_2024_v3_pk.csv", 3, "+923140102035"),
])
def test_shopify_customer_layouts(db, tmp_path, name, n, phone):
    r = imp(db, name, tmp_path)
    assert (r.format, r.customers_created, r.rejected) == ("shopify-customers", n, 0)
    if phone:
        assert phone in customers(db)


def test_pakistan_phones_read_with_the_rows_country(db, tmp_path):
    imp(db, "shopify_customers_2024_v3_pk.csv", tmp_path)
    cs = customers(db)
    assert cs["+923140102035"].attributes["other_phones"] == ["+923471445782"]  # '03471445782 in PK
    assert "+923206301053" in cs


def test_shopify_orders_gokwik_cod(db, tmp_path):
    r = imp(db, "shopify_orders_india_gokwik_cod_razorpay_75col.csv", tmp_path)
    assert (r.format, r.rows, r.orders_created, r.customers_created) == ("shopify-orders", 6, 4, 4)
    os_ = orders(db)
    od = os_["OD1768"]
    assert (od.external_id, od.total, od.is_cod, od.financial_status) == ("6420646133939", Decimal("4928.30"), True, "pending")
    assert [i[0] for i in od.item_list] == ["Tan Revive Retro - Tan / UK 11", "Titan Edge Tan Formal Lace Up - Tan / UK 11"]
    assert os_["OD1773"].is_cod is False and os_["OD1773"].financial_status == "paid"
    assert os_["OD1774"].total == Decimal("5498.50") and len(os_["OD1774"].item_list) == 2
    c = customers(db)["+919100251914"]  # Billing Phone 9100251914 (no Phone column value)
    assert (c.order_count, c.total_spent, c.city, c.pincode) == (1, Decimal("4928.30"), "Hyderabad", "500034")


def test_shopify_orders_razorpay_magic_and_drafts(db, tmp_path):
    imp(db, "shopify_orders_india_razorpay_magic_draft_79col.csv", tmp_path)
    os_ = orders(db)
    assert os_["#1428"].is_cod is False  # "cod":1 in Magic Checkout's note attributes = offered, not chosen
    assert os_["#1428"].total == Decimal("15999.00")  # tax-inclusive: not Subtotal + Taxes
    assert os_["#1423"].fulfillment_status == "restocked" and os_["#1423"].cancelled_at is not None
    cs = customers(db)
    assert cs["+916364000004"].order_count == 0  # its only order was cancelled
    assert cs["+919829600001"].total_spent == Decimal("15999.00")


def test_shopify_orders_bd_releasit_cod(db, tmp_path):
    imp(db, "shopify_orders_cod_releasit_bd_79col.csv", tmp_path)
    os_ = orders(db)
    assert os_["#GN4275"].is_cod and os_["#GN4275"].currency == "BDT"
    assert os_["#GN4276"].financial_status == "voided" and os_["#GN4276"].cancelled_at is not None
    imp(db, "shopify_orders_cod_releasit_bd_noteattrs.csv", tmp_path)
    o = orders(db)["#71733"]
    assert (o.utm_source, o.utm_medium, o.utm_campaign) == ("facebook", "paid", "120243641616090734")


def test_shopify_orders_payu_utm_and_continuation_phone(db, tmp_path):
    r = imp(db, "shopify_orders_india_payu_shiprocket_fastrr_79col.csv", tmp_path)
    assert (r.rows, r.orders_created, r.customers_created) == (2, 1, 1)
    o = orders(db)["#1741"]
    assert (o.utm_source, o.utm_campaign, o.total, o.is_cod) == ("facebook", "52522899263663", Decimal("285.55"), False)
    assert len(o.item_list) == 2 and o.attributes["tags"] == ["fastrr", "low", "SR_STANDARD", "Standard"]


@pytest.mark.parametrize("name, n_orders, number, total, cod", [
    ("shopify_orders_india_teststore_multiline_79col.csv", 2, "#1050", "11594.00", False),
    ("shopify_orders_pk_cod_bankdeposit_79col.csv", 2, "#1130", "6500.00", True),
    ("shopify_orders_2022_73col.csv", 2, "#1410", "509.00", False),
])
def test_shopify_order_layouts(db, tmp_path, name, n_orders, number, total, cod):
    r = imp(db, name, tmp_path)
    assert r.orders_created == n_orders and r.rejected == 0
    o = orders(db)[number]
    assert (o.total, o.is_cod) == (Decimal(total), cod)


def test_teststore_four_line_order(db, tmp_path):
    imp(db, "shopify_orders_india_teststore_multiline_79col.csv", tmp_path)
    assert [q for _p, q, _price in orders(db)["#1050"].item_list] == [1, 2, 2, 1]


def test_shopify_checkouts_become_events(db, tmp_path):
    r = imp(db, "shopify_checkouts_export_2023.csv", tmp_path)
    assert (r.format, r.orders_created, r.events_created, r.customers_created) == ("shopify-checkouts", 0, 3, 3)
    with db.Session() as s:
        ev = s.scalars(select(Event).where(Event.value == Decimal("49.97"))).one()
        assert ev.type == "checkout_started" and len(ev.properties["products"]) == 3
    assert imp(db, "shopify_checkouts_export_2023.csv", tmp_path).events_created == 0


def test_meta_leads(db, tmp_path):
    r = imp(db, "meta_lead_ads_leads_export_sample.csv", tmp_path)
    assert (r.format, r.customers_created, r.events_created, r.rejected) == ("meta-leads", 2, 2, 1)
    c = customers(db)["+61400000001"]  # p:+61400000001
    assert (c.channel, c.email, c.attributes["external_ids"]) == ("meta_lead", "customer1@example.com", {"meta": "2046983545902460"})
    with db.Session() as s:
        props = s.scalars(select(Event.properties).where(Event.type == "lead_created")).all()
        assert {p["platform"] for p in props} == {"fb", "ig"}


def test_meta_leads_utf16_tsv(db, tmp_path):
    text = (DATA / "meta_lead_ads_leads_export_sample.csv").read_text(encoding="utf-8")
    import csv
    import io
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter="\t").writerows(rows)
    f = tmp_path / "leads.csv"
    f.write_bytes(out.getvalue().encode("utf-16"))  # BOM + UTF-16 LE, tab-separated, as Meta writes
    r = run_import(db, f, rejected_dir=tmp_path)
    assert (r.format, r.customers_created) == ("meta-leads", 2)


def test_google_contacts(db, tmp_path):
    r = imp(db, "google_contacts_new_format_header.csv", tmp_path)
    assert (r.format, r.customers_created) == ("google-contacts", 1)
    c = customers(db)["+919800000001"]
    assert c.name == "Test Person" and c.attributes["other_phones"] == ["+919800000002"]
    assert imp(db, "google_contacts_legacy_google_csv_header.csv", tmp_path).format == "google-contacts"


@pytest.mark.parametrize("name, fmt", [
    ("woocommerce_advanced_order_export_header_2018.csv", "woocommerce-orders"),
    ("woocommerce_advanced_order_export_default_fields_SOURCE_DERIVED.csv", "woocommerce-orders"),
    ("razorpay_payments_report_header_SECONDHAND.csv", "razorpay"),
    ("shiprocket_orders_report_header_SECONDHAND.csv", "shiprocket"),
])
def test_header_only_exports_are_detected(db, tmp_path, name, fmt):
    r = imp(db, name, tmp_path)
    assert (r.format, r.rows, r.rejected) == (fmt, 0, 0)


def test_woocommerce_aoe_orders(db, tmp_path):
    header = (DATA / "woocommerce_advanced_order_export_header_2018.csv").read_text().strip()
    cols = [c.strip('"') for c in header.split(",")]
    def row(**kv):
        return ",".join('"' + kv.get(c, "") + '"' for c in cols)
    body = [
        row(**{"Order Number": "1001", "Order Status": "Completed", "Order Date": "2026-05-01 10:00",
               "First Name (Billing)": "Asha", "Phone (Billing)": "98765 43210", "Email (Billing)": "Asha@Example.com",
               "Name": "Kurta", "Quantity": "1", "Item Cost": "1,299.00", "Order Total Amount": "₹1,798.00",
               "Payment Method Title": "Cash on delivery", "City (Billing)": "Pune"}),
        row(**{"Order Number": "1001", "Order Status": "Completed", "Order Date": "2026-05-01 10:00",
               "Name": "Dupatta", "Quantity": "1", "Item Cost": "499.00", "Order Total Amount": "₹1,798.00"}),
        row(**{"Order Number": "1002", "Order Status": "Cancelled", "Order Date": "02/05/2026",
               "Phone (Billing)": "+91 98765 43210", "Order Total Amount": "500", "Payment Method Title": "UPI"}),
    ]
    f = tmp_path / "woo.csv"
    f.write_text(header + "\n" + "\n".join(body) + "\n", encoding="utf-8")
    r = run_import(db, f, rejected_dir=tmp_path)
    assert (r.format, r.orders_created, r.customers_created, r.rejected) == ("woocommerce-orders", 2, 1, 0)
    os_ = orders(db)
    assert os_["1001"].is_cod and os_["1001"].total == Decimal("1798.00") and len(os_["1001"].item_list) == 2
    assert os_["1001"].financial_status == "paid" and os_["1002"].cancelled_at is not None
    c = customers(db)["+919876543210"]
    assert (c.email, c.order_count, c.total_spent) == ("asha@example.com", 1, Decimal("1798.00"))


def test_shopify_customer_metafield_columns_are_kept(db, tmp_path):
    lines = (DATA / "shopify_customers_2026_v3_whatsapp_india.csv").read_text(encoding="utf-8").splitlines()
    f = tmp_path / "meta.csv"
    f.write_text("\n".join([lines[0] + ",Birthday (customer.metafields.facts.birth_date)",
                            lines[1] + ",1990-04-12"]) + "\n", encoding="utf-8")
    r = run_import(db, f)
    assert (r.format, r.customers_created) == ("shopify-customers", 1)
    assert customers(db)["+919098500001"].attributes["custom"] == {"Birthday": "1990-04-12"}
