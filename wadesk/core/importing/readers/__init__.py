"""Readers: any spreadsheet or text export -> a `Table` of strings with a detected header row."""
from __future__ import annotations

from pathlib import Path

from wadesk.core.importing.errors import ImportFileError
from wadesk.core.importing.readers.excel import OLE_MAGIC, ZIP_MAGIC, open_excel
from wadesk.core.importing.readers.excel import list_sheets as _excel_sheets
from wadesk.core.importing.readers.table import Table
from wadesk.core.importing.readers.text import open_text

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}

__all__ = ["ImportFileError", "Table", "open_table", "list_sheets"]


def _sniff_kind(path: Path) -> str:
    """'excel' or 'text' from the first bytes, whatever the file is called."""
    with open(path, "rb") as fh:
        head = fh.read(2048)
    if head.startswith((OLE_MAGIC, ZIP_MAGIC)):
        return "excel"
    if head.lstrip().lower().startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
        return "html"
    return "text"


def _check(path: Path) -> Path:
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"There is no file at {path}.")
    if path.is_dir():
        raise ImportFileError(f"{path} is a folder, not a file.")
    if path.stat().st_size == 0:
        raise ImportFileError(f"The file {path.name} is empty.")
    return path


def list_sheets(path: str | Path) -> list[str]:
    """Sheet names of a workbook ([] for CSV/text files)."""
    path = _check(Path(path))
    return _excel_sheets(path) if _sniff_kind(path) == "excel" else []


def open_table(path: str | Path, sheet: str | int | None = None) -> Table:
    """Open any supported file. Raises ImportFileError with one plain sentence when it can't."""
    path = _check(Path(path))
    kind = _sniff_kind(path)
    suffix = path.suffix.lower()
    if kind == "html":
        raise ImportFileError(
            f"{path.name} is a web page saved with a spreadsheet name; open it in Excel and save it as .xlsx."
        )
    if kind == "excel":
        if suffix in TEXT_SUFFIXES and not path.read_bytes()[:8].startswith((OLE_MAGIC, ZIP_MAGIC)):
            return open_text(path)
        return open_excel(path, sheet)
    if suffix in EXCEL_SUFFIXES:
        # Many shop tools save CSV/TSV text with an .xls name; read it as the text it is, unless it is binary.
        try:
            return open_text(path)
        except ImportFileError:
            raise ImportFileError(
                f"{path.name} is not really an Excel file; open it in Excel and save it as .xlsx."
            ) from None
    return open_text(path)
