"""Workbooks as shops draw them: old .xls files and headers made of merged cells (real files in
tests/data/imports, written by make_excel_samples.py with openpyxl and xlwt, read by calamine)."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from wadesk.core.db.models import Customer
from wadesk.core.importing import ImportOptions, list_sheets, open_table, preview_file, run_import

from _import_db import _migrated_template, idb  # noqa: F401

DATA = Path(__file__).parent.parent / "data" / "imports"
HEADERS = ["Name", "Mobile No.", "Email", "City", "Pincode", "Last visit"]


@pytest.fixture
def db(idb):
    return idb


@pytest.mark.parametrize("name, sheet", [("shop_list_merged_headers.xlsx", None), ("shop_list_merged_headers.xls", "Customers")])
def test_merged_header_cells_give_the_real_column_names(name, sheet):
    t = open_table(DATA / name, sheet)
    assert (t.headers, t.header_row, t.sheet) == (HEADERS, 3, "Customers")
    rows = [cells for _n, cells in t.rows()]
    assert rows[0] == ["Asha Rao", "9876543210", "asha@example.com", "Pune", "411001", "2026-10-03"]
    assert rows[1][0] == "राहुल शर्मा" and rows[1][1] == "919812345678"  # a number cell, not 9.19812345678E+11


def test_an_xls_workbook_imports_end_to_end(db, tmp_path):
    path = DATA / "shop_list_merged_headers.xls"
    assert list_sheets(path) == ["Notes", "Customers"]
    p = preview_file(path, sheet="Customers")
    assert {h: p.mapping.get(h) for h in HEADERS[:5]} == {"Name": "name", "Mobile No.": "phone", "Email": "email",
                                                          "City": "city", "Pincode": "pincode"}
    r = run_import(db, path, ImportOptions(sheet="Customers"), rejected_dir=tmp_path)
    assert (r.rows, r.customers_created, r.rejected) == (3, 3, 0)
    with db.Session() as s:
        got = {c.name: (c.phone, c.email, c.city) for c in s.scalars(select(Customer))}
    assert got == {"Asha Rao": ("+919876543210", "asha@example.com", "Pune"),
                   "राहुल शर्मा": ("+919812345678", None, "Jaipur"),
                   "Meena Iyer": ("+919840012345", "meena@example.com", "Chennai")}
    again = run_import(db, DATA / "shop_list_merged_headers.xlsx", rejected_dir=tmp_path)  # same people, .xlsx
    assert (again.customers_created, again.rejected) == (0, 0)


def test_a_heading_merged_over_data_columns_is_still_the_header(tmp_path):
    """'Address' spread over two columns with no row of sub-headings: the row below is data."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile", "Address", None])
    ws.merge_cells("C1:D1")
    ws.append(["Asha Rao", "9876543210", "12 MG Road", "Pune"])
    ws.append(["Ravi Kumar", "9123456789", "4 Park Street", "Kolkata"])
    wb.save(tmp_path / "list.xlsx")
    t = open_table(tmp_path / "list.xlsx")
    assert (t.headers, t.header_row) == (["Name", "Mobile", "Address", "Column 4"], 1)
