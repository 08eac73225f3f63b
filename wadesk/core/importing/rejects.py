"""The rejected-rows spreadsheet: row number, reason, and the row as it was in the file.

Cell text that a spreadsheet would run as a formula (=HYPERLINK(...), +cmd|..., @SUM) is
neutralised with a leading apostrophe: the file is opened by staff who trust it."""
from __future__ import annotations

from pathlib import Path

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|")


def safe_cell(value):
    """Text that Excel or openpyxl would treat as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_rejects(path: Path, headers: list[str], rejects: list[tuple[int, str, list[str]]]) -> Path:
    from openpyxl import Workbook

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Rejected rows")
    ws.append(["Row", "Reason", *[safe_cell(h) for h in headers]])
    for row, reason, cells in rejects:
        ws.append([row, safe_cell(reason), *[safe_cell(c) for c in cells]])
    wb.save(path)
    return path
