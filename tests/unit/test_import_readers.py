"""Readers: encodings, delimiters, header rows, Excel quirks, and one clear sentence for bad files."""
from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from wadesk.core.importing import ImportFileError, list_sheets, open_table
from wadesk.core.importing.readers.text import detect_encoding, sniff_delimiter

from _import_db import _migrated_template, idb  # noqa: F401

ROWS = [["Name", "Mobile No.", "City"], ["Asha Rao", "'+919876543210", "Pune"], ["Ravi", "9123456789", "Delhi"]]


def write_csv(path, rows, delim=",", encoding="utf-8", newline="\r\n"):
    text = newline.join(delim.join(r) for r in rows) + newline
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding, expect", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-be", "utf-16-be"),
    ("cp1252", "cp1252"),
])
def test_encodings(tmp_path, encoding, expect):
    rows = [r[:] for r in ROWS]
    rows[1][2] = "Pune – Café" if encoding != "utf-16-be" else "पुणे"
    data = "\r\n".join(",".join(r) for r in rows).encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # with a BOM as Excel writes it
        expect = "utf-16"
    (tmp_path / "a.csv").write_bytes(data)
    t = open_table(tmp_path / "a.csv")
    assert t.encoding == expect
    assert t.headers == ROWS[0]
    assert t.preview()[0] == ["Asha Rao", "+919876543210", rows[1][2]]


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_delimiters(tmp_path, delim):
    t = open_table(write_csv(tmp_path / "a.txt", ROWS, delim))
    assert t.delimiter == delim and t.headers == ROWS[0]


def test_multiline_cells_title_rows_blank_rows_and_columns(tmp_path):
    text = ('Ravi Stores - customer list,,,\r\n,,,\r\n"Name",,"Phone","Note"\r\n'
            '"Asha","","\'9876543210","line one\nline two"\r\n,,,\r\n"Ravi","","9123456789",""\r\n')
    (tmp_path / "a.csv").write_text(text, encoding="utf-8")
    t = open_table(tmp_path / "a.csv")
    assert t.header_row == 3 and t.headers == ["Name", "Phone", "Note"]
    assert [n for n, _c in t.rows()] == [4, 6]
    assert t.preview() == [["Asha", "9876543210", "line one\nline two"], ["Ravi", "9123456789", ""]]


def test_sniffers():
    assert detect_encoding(b"\xef\xbb\xbfa,b") == "utf-8-sig"
    assert detect_encoding("a,b\n".encode("utf-16-le")) == "utf-16-le"
    assert sniff_delimiter("a;b;c\n1;2,5;3\n") == ";"


def test_xlsx_title_rows_numbers_dates_and_sheets(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    ws.append(["just a note"])
    ws2 = wb.create_sheet("Customers")
    ws2.append(["Sharma General Store"])
    ws2.append([])
    ws2.append(["Cust Name", "WhatsApp No.", "Joined", "Amount"])
    ws2.append(["राहुल शर्मा", 919876543210, dt.datetime(2026, 3, 4), 1299.5])
    ws2.append([None, None, None, None])
    ws2.append(["Priya", "9.19123456789E+11", 45678, "₹1,23,456.50"])
    wb.save(tmp_path / "list.xlsx")
    assert list_sheets(tmp_path / "list.xlsx") == ["Summary", "Customers"]
    t = open_table(tmp_path / "list.xlsx", sheet="Customers")
    assert (t.header_row, t.headers, t.sheet) == (3, ["Cust Name", "WhatsApp No.", "Joined", "Amount"], "Customers")
    assert t.preview() == [["राहुल शर्मा", "919876543210", "2026-03-04", "1299.5"],
                                         ["Priya", "9.19123456789E+11", "45678", "₹1,23,456.50"]]
    with pytest.raises(ImportFileError, match="no sheet called 'Nope'"):
        open_table(tmp_path / "list.xlsx", sheet="Nope")


def _one_sentence(exc: ImportFileError) -> str:
    msg = str(exc)
    assert "\n" not in msg and "Traceback" not in msg and msg.endswith(".")
    return msg


def test_bad_files_get_one_clear_sentence(tmp_path):
    cases = {}
    (tmp_path / "empty.csv").write_bytes(b"")
    cases["empty.csv"] = "empty"
    (tmp_path / "blank.csv").write_bytes(b"\xef\xbb\xbf\r\n ,, \r\n")
    cases["blank.csv"] = "empty"
    (tmp_path / "garbage.csv").write_bytes(bytes(range(256)) * 50)
    cases["garbage.csv"] = "binary"
    (tmp_path / "garbage.xlsx").write_bytes(bytes(range(256)) * 50)
    cases["garbage.xlsx"] = "not really an Excel file"
    (tmp_path / "page.xls").write_bytes(b"<html><table><tr><td>x</td></tr></table></html>")
    cases["page.xls"] = "web page"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 2000
    (tmp_path / "secret.xlsx").write_bytes(ole)
    cases["secret.xlsx"] = "password-protected"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Name", "Phone"])
    wb.save(tmp_path / "full.xlsx")
    data = (tmp_path / "full.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    cases["cut.xlsx"] = "damaged or cut short"
    empty = Workbook()
    empty.save(tmp_path / "nothing.xlsx")
    cases["nothing.xlsx"] = "empty"
    with zipfile.ZipFile(tmp_path / "zip.xlsx", "w") as z:
        z.writestr("hello.txt", "not a workbook")
    cases["zip.xlsx"] = "damaged or cut short"
    cases["missing.csv"] = "There is no file"
    for name, words in cases.items():
        with pytest.raises(ImportFileError) as info:
            open_table(tmp_path / name)
        assert words in _one_sentence(info.value), (name, str(info.value))


def test_csv_renamed_xls_is_read_as_text(tmp_path):
    t = open_table(write_csv(tmp_path / "export.xls", ROWS, "\t"))
    assert t.kind == "text" and t.headers == ROWS[0]


def test_truncated_quote_is_a_clear_error(tmp_path):
    (tmp_path / "cut.csv").write_text('Name,Note\nAsha,"starts but never ends\n' + "x" * 10, encoding="utf-8")
    with pytest.raises(ImportFileError) as info:
        list(open_table(tmp_path / "cut.csv").rows())
    assert "cut short" in _one_sentence(info.value)


def test_nonsense_text_and_giant_cells_get_one_sentence(tmp_path, idb):
    from wadesk.core.importing import run_import

    (tmp_path / "noise.txt").write_text("\n".join("lorem ipsum dolor sit amet" for _ in range(2000)))
    with pytest.raises(ImportFileError) as info:
        run_import(idb, tmp_path / "noise.txt")
    assert "no phone or email column" in _one_sentence(info.value)
    (tmp_path / "giant.csv").write_text("Name,Phone\n\"" + "x" * (5 * 1024 * 1024) + "\",1\n")
    with pytest.raises(ImportFileError) as info:
        run_import(idb, tmp_path / "giant.csv")
    assert "several megabytes" in _one_sentence(info.value)


def _ods(path, rows):
    """A minimal OpenDocument spreadsheet, written by hand (no ODS writer is installed)."""
    def cell(v):
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
    body = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="Sheet1">' + body +
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


def test_ods(tmp_path):
    t = open_table(_ods(tmp_path / "list.ods", [["Name", "Mobile"], ["Asha", 919876543210]]))
    assert (t.kind, t.headers, t.preview()) == ("excel", ["Name", "Mobile"], [["Asha", "919876543210"]])


def test_size_hint_counts_the_records_of_a_big_file(tmp_path):
    """The estimate comes from the records in the sniffed bytes, not from the 200 head rows (which
    put a 1M-line Shopify export at 168k rows, too few for a big import to drop its indexes)."""
    p = tmp_path / "big.csv"
    with open(p, "w", encoding="utf-8", newline="") as fh:
        fh.write("Name,Note,Total\n")
        for i in range(20_000):
            fh.write(f'#{i},"line one\nline two",{i}.00\n')
    table = open_table(p)
    assert p.stat().st_size > 2 * 256 * 1024
    assert abs(table.size_hint - 20_001) < 20_001 * 0.1  # an estimate: the first rows are shorter here
