"""Shopify orders converted by column (formats/shopify_columns.py) give exactly what the row path
gives: the same records (every field, warning and row number) and the same tables after an import."""
from __future__ import annotations

import csv
import io
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from wadesk.core.clock import FixedClock
from wadesk.core.db import open_database
from wadesk.core.importing import run_import
from wadesk.core.importing.formats import FORMATS, ParseContext, shopify, shopify_columns
from wadesk.core.importing.readers import open_table
from wadesk.core.paths import DataDir

DATA = Path(__file__).parent.parent / "data" / "imports"
SAMPLES = sorted(p.name for p in DATA.glob("shopify_orders_*.csv"))
HEADER = next(csv.reader(io.StringIO((DATA / "shopify_orders_india_payu_shiprocket_fastrr_79col.csv").read_text(encoding="utf-8"))))


def records(path: Path, by_columns: bool, monkeypatch, fmt: str = "shopify-orders") -> list[str]:
    monkeypatch.setattr(shopify, "COLUMNS", by_columns)
    table = open_table(path)
    f = FORMATS[fmt]
    recs = list(f.records(table, f.compile(table.headers, f.default_mapping(table.headers)), ParseContext(path.name)))
    return [repr(r) for r in recs]


def both_ways(path: Path, monkeypatch) -> list[str]:
    rows, columns = records(path, False, monkeypatch), records(path, True, monkeypatch)
    assert columns == rows
    return rows


@pytest.mark.parametrize("name", SAMPLES)
def test_every_shopify_orders_sample_gives_the_same_records(name, monkeypatch):
    assert both_ways(DATA / name, monkeypatch)


def odd_file(path: Path) -> Path:
    """Rows the column path must treat exactly like the row path does."""
    col = {h: i for i, h in enumerate(HEADER)}

    def row(**cells):
        r = [""] * len(HEADER)
        for k, v in cells.items():
            r[col[k.replace("_", " ")]] = v
        return r

    first = dict(Financial_Status="paid", Currency="INR", Total="1,299.00", Billing_Country="IN")
    rows = [
        row(Name="#1", Id="11", Created_at="2026-01-05 10:00:00 +0530", Billing_Phone="'+919800000001",
            Lineitem_name="Kurta", Lineitem_quantity="2", Lineitem_price="499.00", **first),
        row(Name="#1", Lineitem_name="  Dupatta ", Lineitem_quantity="x", Lineitem_price="₹ 1,00"),
        [""] * len(HEADER),  # a blank line between rows
        row(Name="#2", Id="12", Created_at=" 05/01/2026 10:00 ", Email=" A@B.COM ", Total="Rs. 250/-",
            Financial_Status="PENDING", Payment_Method="Cash on Delivery (COD)", Tags="a, b ,COD",
            Note_Attributes="utm_source: ig\nlanding_page_url: https://x\nutm_medium:", Lineitem_name="Saree",
            Lineitem_price="abc", Subtotal="lots", Billing_Name="\u00a0priya  sharma\u3000", Billing_Phone="9800000002"),
        row(Name="#3", Id="13", Created_at="2026-02-30 10:00:00 +0530", Lineitem_name="Bad date", **first),
        row(Name="#4", Id="14", Created_at="yesterday", Lineitem_name="Worse date", **first),
        row(Name="#5", Created_at="", Lineitem_name="No date", Billing_Phone="9800000005"),
        row(Name="#6", Id="16", Created_at="2026-01-07T08:00:00Z", Cancelled_at="2026-01-08 09:00:00 -0500",
            Lineitem_name="Kept", Discount_Code="'DIWALI", Billing_Phone="+92 300 1234567", Billing_Country="PK",
            Financial_Status="voided", Shipping_Zip="' 400001 ", Source="web", Refunded_Amount="0.00"),
        row(Name="#1", Lineitem_name="Far from its order", Lineitem_price="10"),  # a continuation
        row(Name="#1", Lineitem_name="and another", Lineitem_price="0.00"),
        row(Name="#6", Id="16", Financial_Status="paid", Created_at="2026-01-07 08:00:00 +0530", Lineitem_name="Again"),
        row(Name="#7", Id="17", Created_at="2026-03-01 12:00:00 +0000", Total="0.00", Lineitem_name="",
            Billing_Phone="'"),
        row(Name="#7", Lineitem_name="Second", Lineitem_quantity="0"),
        row(Name="", Id="", Lineitem_name="no key"),
        row(Name="", Id="", Lineitem_name="no key either"),
        row(Name="#8", Id="18", Created_at="2026-03-02 12:00:00 +0530", Lineitem_name="End", Total="(10.00)"),
    ]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for r in rows:
            w.writerow(r if any(r) else [])
    return path


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 20_000])
def test_odd_rows_and_every_chunk_boundary(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(shopify_columns, "CHUNK_ROWS", chunk)
    recs = both_ways(odd_file(tmp_path / "odd.csv"), monkeypatch)
    assert len(recs) == 11
    text_ = "\n".join(recs)
    for expected in ("Lineitem price: 'abc' is not an amount of money.", "Subtotal: 'lots'", "is not a real date",
                     "'yesterday' is not a date.", "No order id or order date", "continuation=True", "('Dupatta', None",
                     "row=5,", "utm={'source': 'ig'}"):
        assert expected in text_


def test_checkouts_keep_the_row_path(monkeypatch):
    assert not FORMATS["shopify-checkouts"].by_columns and FORMATS["shopify-orders"].by_columns
    assert both_ways(DATA / "shopify_checkouts_export_2023.csv", monkeypatch)


TABLES = ("customers", "orders", "order_items", "customer_tags", "tags", "consent_events", "import_changes")


def dump(db) -> dict[str, list[tuple]]:
    with db.Session() as s:
        return {t: [tuple(r) for r in s.execute(text(f"SELECT * FROM {t} ORDER BY 1"))] for t in TABLES}


def import_all(db, tmp_path, files: list[Path]) -> tuple[list[dict], dict]:
    clock = FixedClock(datetime(2026, 11, 28, 12, 0))
    results = []
    for p in files:
        r = run_import(db, p, rejected_dir=tmp_path, clock=clock).to_json()
        r.pop("seconds")
        r["rejected_file"] = open_table(r["rejected_file"]).preview(10_000) if r["rejected_file"] else None
        results.append(r)
        clock.advance(minutes=1)
    return results, dump(db)


def second_db(request, tmp_path, migrated_db_file):
    """Another empty shop on the same backend as `fresh_db`."""
    if os.environ.get("WADESK_TEST_DB") == "postgresql":
        from tests.pg_server import new_database

        return open_database(url=new_database(request.getfixturevalue("pg_admin_url")))
    d = DataDir(tmp_path / "shop2").ensure()
    shutil.copy(migrated_db_file, d.db_path)
    return open_database(d)


def test_imports_give_the_same_tables_both_ways(fresh_db, migrated_db_file, request, tmp_path, monkeypatch):
    """Every Shopify orders sample and the odd file imported one after another into one shop, by
    rows and by columns: results (counts, rejects, warnings) and every table equal."""
    files = [DATA / n for n in SAMPLES] + [odd_file(tmp_path / "odd.csv")]
    monkeypatch.setattr(shopify, "COLUMNS", False)
    by_rows = import_all(fresh_db, tmp_path, files)
    other = second_db(request, tmp_path, migrated_db_file)
    try:
        monkeypatch.setattr(shopify, "COLUMNS", True)
        by_columns = import_all(other, tmp_path, files)
    finally:
        other.dispose()
    assert by_columns[0] == by_rows[0]
    assert by_columns[1] == by_rows[1]
    assert sum(len(v) for v in by_rows[1].values()) > 50 and any(r["rejected"] for r in by_rows[0])
