"""Writes the workbook samples of tests/data/imports (run again only to change them):

    python tests/data/imports/make_excel_samples.py      # needs openpyxl and xlwt (pip install xlwt)

A shop's customer list drawn the way people draw them in Excel: a merged title, group headings
merged over two columns ('Contact' over 'Mobile No.' and 'Email'), 'Name' merged down over both
header rows, phones as number cells, dates as date cells. The same sheet as .xlsx (openpyxl) and
as old-style .xls (xlwt, Excel 97-2003), plus a second .xls sheet, so the sheet picker has work.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

HERE = Path(__file__).parent
TITLE = "Sharma Saree House - customer list (Diwali 2026)"
ROWS = [  # name, mobile (number cell), email, city, pincode, last visit (date cell)
    ("Asha Rao", 9876543210, "asha@example.com", "Pune", 411001, datetime(2026, 10, 3)),
    ("राहुल शर्मा", 919812345678, "", "Jaipur", 302001, datetime(2026, 9, 28)),
    ("Meena Iyer", 9840012345, "MEENA@EXAMPLE.COM", "Chennai", 600001, datetime(2026, 10, 11)),
]


def write_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append([TITLE])
    ws.merge_cells("A1:F1")
    ws.append(["Name", "Contact", None, "Address", None, "Last visit"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:C2")
    ws.merge_cells("D2:E2")
    ws.merge_cells("F2:F3")
    ws.append([None, "Mobile No.", "Email", "City", "Pincode", None])
    for r in ROWS:
        ws.append(list(r))
        ws.cell(ws.max_row, 6).number_format = "dd/mm/yyyy"
    wb.save(path)


def write_xls(path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    notes = wb.add_sheet("Notes")
    notes.write(0, 0, "Call everyone before Dhanteras")
    ws = wb.add_sheet("Customers")
    ws.write_merge(0, 0, 0, 5, TITLE)
    ws.write_merge(1, 2, 0, 0, "Name")
    ws.write_merge(1, 1, 1, 2, "Contact")
    ws.write_merge(1, 1, 3, 4, "Address")
    ws.write_merge(1, 2, 5, 5, "Last visit")
    for c, text in ((1, "Mobile No."), (2, "Email"), (3, "City"), (4, "Pincode")):
        ws.write(2, c, text)
    day = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for i, (name, mobile, email, city, pin, seen) in enumerate(ROWS, start=3):
        for c, v in enumerate((name, mobile, email, city, pin)):
            ws.write(i, c, v)
        ws.write(i, 5, seen, day)
    wb.save(str(path))


if __name__ == "__main__":
    write_xlsx(HERE / "shop_list_merged_headers.xlsx")
    write_xls(HERE / "shop_list_merged_headers.xls")
