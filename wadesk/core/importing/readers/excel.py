"""Excel and OpenDocument workbooks (.xlsx .xlsm .xls .ods) through python-calamine.

calamine (the Rust reader behind pandas' engine="calamine") is called directly so we choose how
each typed cell becomes text: 919876543210.0 -> "919876543210", dates -> ISO. openpyxl is only
tried when calamine cannot open an .xlsx that openpyxl can (some odd third-party writers).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import python_calamine as pc

from wadesk.core.importing.errors import ImportFileError
from wadesk.core.importing.readers.table import Table, build_table

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def cell_text(v) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d") if v.time() == dt.time(0) else v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return str(v)


def _damaged(path: Path, exc: Exception) -> ImportFileError:
    name = path.name
    msg = str(exc).lower()
    if isinstance(exc, pc.PasswordError) or "password" in msg or "encrypt" in msg:
        return ImportFileError(f"{name} is password-protected; open it in Excel, remove the password and save it again.")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC) and path.suffix.lower() in (".xlsx", ".xlsm"):
        # An encrypted .xlsx is an OLE container holding "EncryptedPackage".
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes()[:1 << 20]:
            return ImportFileError(f"{name} is password-protected; open it in Excel, remove the password and save it again.")
    if not head.startswith((OLE_MAGIC, ZIP_MAGIC)):
        return ImportFileError(f"{name} is not really an Excel file; open it in Excel and save it as .xlsx.")
    return ImportFileError(f"{name} looks damaged or cut short, so it cannot be read as a workbook; export it again.")


def _open_workbook(path: Path):
    try:
        return pc.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types for damaged input
        raise _damaged(path, exc) from None


def list_sheets(path: Path) -> list[str]:
    wb = _open_workbook(path)
    try:
        return [m.name for m in wb.sheets_metadata if str(m.visible).endswith("Visible")] or wb.sheet_names
    except Exception:
        return wb.sheet_names


def _rows_openpyxl(path: Path, sheet: str | None) -> list[list[str]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows = [[cell_text(v) for v in r] for r in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def open_excel(path: Path, sheet: str | int | None = None) -> Table:
    wb = _open_workbook(path)
    names = list_sheets(path)
    if not names:
        raise ImportFileError(f"{path.name} has no sheets.")
    if isinstance(sheet, int):
        if not 0 <= sheet < len(wb.sheet_names):
            raise ImportFileError(f"{path.name} has no sheet number {sheet + 1}.")
        sheet = wb.sheet_names[sheet]
    if sheet is not None and sheet not in wb.sheet_names:
        raise ImportFileError(f"{path.name} has no sheet called '{sheet}' (it has: {', '.join(names)}).")
    candidates = [sheet] if sheet is not None else names
    rows: list[list[str]] = []
    merged: list = []
    for name in candidates:
        try:
            ws = wb.get_sheet_by_name(name)
            raw = ws.to_python(skip_empty_area=True)
            # Text cells (most of a list) as they are: a call per cell was a third of reading 100k rows.
            rows = [[v if type(v) is str else cell_text(v) for v in r] for r in raw]
            merged = _merges(ws)
        except Exception as exc:
            if path.suffix.lower() not in (".xlsx", ".xlsm"):
                raise _damaged(path, exc) from None
            try:
                rows = _rows_openpyxl(path, name)
            except Exception:
                raise _damaged(path, exc) from None
        if any(any(c.strip() for c in r) for r in rows):
            sheet = name
            break
    else:
        raise ImportFileError(f"{path.name} is empty (no sheet has any cells filled in).")
    return build_table(
        path, "excel", rows[:200], lambda: rows, merged=merged, sheet=sheet, sheets=names, size_hint=len(rows)
    )


def _merges(ws) -> list:
    """Merged cell ranges, counted from the first row/column to_python returns (it skips blank ones)."""
    try:
        ranges = ws.merged_cell_ranges or []
        r0, c0 = ws.start or (0, 0)
    except Exception:  # noqa: BLE001 - some formats keep no merge list; the header is found without it
        return []
    return [((a - r0, b - c0), (c - r0, d - c0)) for (a, b), (c, d) in ranges]
