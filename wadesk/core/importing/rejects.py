"""The rejected-rows spreadsheet: row number, reason, and the row as it was in the file.

Cell text that a spreadsheet would run as a formula (=HYPERLINK(...), +cmd|..., @SUM) is
neutralised with a leading apostrophe: the file is opened by staff who trust it."""
from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)
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


# Retention in WaDesk's own rejected-rows folder: a check's file is only needed while staff decide;
# an import's file is kept a quarter, and the folder never grows past KEEP_MAX files.
CHECK_DAYS, IMPORT_DAYS, KEEP_MAX = 2, 90, 200
_CHECK, _IMPORT = "-check-rejected", "-rejected-"


def rejects_path(folder: Path, stem: str, now: datetime, *, check: bool) -> Path:
    """A check (dry run) of a file overwrites its previous check's file; each import gets its own."""
    if check:
        return folder / f"{stem}{_CHECK}.xlsx"
    return folder / f"{stem}{_IMPORT}{now:%Y%m%d-%H%M%S}.xlsx"


def prune_rejects(folder: Path, *, imported_stem: str | None = None, keep: Path | None = None) -> int:
    """Delete rejected-rows files WaDesk wrote into its own folder once they are old (see above), and
    the check file of a file that was just imported. Returns how many went. Never raises."""
    try:
        files = [p for p in folder.glob("*.xlsx") if _CHECK in p.name or _IMPORT in p.name]
        files.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return 0
    now, gone = time.time(), 0
    for i, p in enumerate(files):
        if p == keep:
            continue
        try:
            age_days = (now - p.stat().st_mtime) / 86400
            is_check = p.name.endswith(f"{_CHECK}.xlsx")
            old = age_days > (CHECK_DAYS if is_check else IMPORT_DAYS) or i >= KEEP_MAX
            superseded = is_check and imported_stem is not None and p.name == f"{imported_stem}{_CHECK}.xlsx"
            if old or superseded:
                p.unlink()
                gone += 1
        except OSError as exc:  # open in Excel on Windows, or already gone: next time
            log.info("Could not remove the old rejected-rows file %s: %s", p, exc)
    return gone
