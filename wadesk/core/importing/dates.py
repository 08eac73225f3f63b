"""Day first or month first? Reading 03/04/2026 the way the file (or the shop) means it.

A file that holds 25/03/2026 is day-first and one that holds 03/25/2026 is month-first: the file
decides. When every slash date could be read both ways, the shop setting `import_date_order`
decides (India: day first), and the wizard / `--date-order` let staff switch it for one file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from wadesk.core.importing.readers.table import Table, clean_cell
from wadesk.core.settings import SettingDef, SettingError, get_setting, register_settings

DMY, MDY = "dmy", "mdy"
ORDERS = (DMY, MDY)
LABELS = {DMY: "day/month/year", MDY: "month/day/year"}
SCAN_ROWS = 5000  # rows looked at for a date that settles the question
# Fields (and header words) whose columns hold dates.
DATE_FIELDS = {"order_date", "cancelled_at", "event_time", "rto_initiated", "rto_delivered", "delivered"}
_DATE_HEADER = re.compile(r"date|time|created|updated|\bat$|_at\b|\bdob\b|birthday|joined", re.I)
_SLASHED = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2,4})\b")
_MONTHS = "January February March April May June July August September October November December".split()


def parse_date_order(value) -> str:
    v = str(value).strip().lower().replace("/", "").replace("-", "").replace(" ", "")
    v = {"ddmm": DMY, "ddmmyyyy": DMY, "dayfirst": DMY, "mmdd": MDY, "mmddyyyy": MDY, "monthfirst": MDY}.get(v, v)
    if v not in ORDERS:
        raise SettingError(f"'{value}' is not a date order (use dmy for 31/12/2026 or mdy for 12/31/2026).")
    return v


register_settings([SettingDef("import_date_order", DMY, "Dates like 03/04/2026 in imported files are",
                              parse_date_order)])


@dataclass(frozen=True)
class DateOrder:
    """How an import reads slash dates, and why."""

    order: str  # dmy | mdy
    source: str  # "file" (a date proved it), "setting" (ambiguous: the shop setting), "chosen" (staff / CLI)
    example: str | None = None  # a date of the file that reads differently either way ("03/04/2026")
    proof: str | None = None  # the date that settled it ("25/03/2026"), when source == "file"
    has_dates: bool = False  # the file has slash dates at all

    @property
    def dayfirst(self) -> bool:
        return self.order == DMY

    def reading(self, order: str | None = None) -> str:
        """'3 April 2026' for the example under this (or another) order; '' without an example."""
        return read_as(self.example, order or self.order) if self.example else ""

    def note(self) -> str:
        """One sentence for the wizard and the CLI."""
        if not self.has_dates:
            return ""
        how = LABELS[self.order]
        if self.source == "file":
            return f"Dates are read as {how}: the file has {self.proof}."
        if not self.example:
            return f"Dates are read as {how}."
        why = "your shop's setting" if self.source == "setting" else "your choice"
        return f"{self.example} is read as {self.reading()} ({how}, {why})."


def read_as(text: str, order: str) -> str:
    m = _SLASHED.match(text.strip())
    if not m:
        return text
    a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    d, mo = (a, b) if order == DMY else (b, a)
    y = y + 2000 if y < 100 else y
    try:
        date(y, mo, d)
    except ValueError:
        return text
    return f"{d} {_MONTHS[mo - 1]} {y}"


def date_columns(table: Table, mapping: dict[str, str]) -> list[int]:
    cols = {table.headers.index(h) for h, f in mapping.items() if f in DATE_FIELDS and h in table.headers}
    cols |= {i for i, h in enumerate(table.headers) if _DATE_HEADER.search(h)}
    return sorted(cols)


def scan(table: Table, columns: list[int], limit: int = SCAN_ROWS) -> tuple[str | None, str | None, str | None, bool]:
    """-> (order the file proves or None, the proving date, an ambiguous example, any slash dates)."""
    day_first = month_first = example = None
    seen = False
    if not columns:
        return None, None, None, False
    for k, (_n, cells) in enumerate(table.rows()):
        if k >= limit:
            break
        for i in columns:
            m = _SLASHED.match(clean_cell(cells[i])) if cells[i] else None
            if not m:
                continue
            seen = True
            a, b = int(m.group(1)), int(m.group(2))
            if a > 12 and b <= 12:
                day_first = day_first or clean_cell(cells[i])
            elif b > 12 and a <= 12:
                month_first = month_first or clean_cell(cells[i])
            elif a != b and example is None:
                example = clean_cell(cells[i])
        if day_first and month_first:
            break
    if day_first and not month_first:
        return DMY, day_first, example, seen
    if month_first and not day_first:
        return MDY, month_first, example, seen
    return None, None, example, seen  # none, or both: a mixed file is read with the setting


def decide(table: Table, mapping: dict[str, str], chosen: str | None, session) -> DateOrder:
    """The date order of one import: staff's choice, else what the file proves, else the shop setting."""
    proved, proof, example, seen = scan(table, date_columns(table, mapping))
    if chosen:
        return DateOrder(parse_date_order(chosen), "chosen", example or proof, None, seen)
    if proved:
        return DateOrder(proved, "file", example, proof, seen)
    setting = get_setting(session, "import_date_order") if session is not None else DMY
    return DateOrder(parse_date_order(setting or DMY), "setting", example, None, seen)
