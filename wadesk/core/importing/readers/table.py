"""What every reader returns: a rectangular table of strings with a known header row.

Cells are always text (nothing is evaluated). The header row is found even when title rows,
blank rows or a logo row sit above it; blank rows and columns are dropped; Shopify's leading
apostrophes are stripped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

# How many rows we look at to find the header.
HEADER_SCAN_ROWS = 30
_NUMBERISH = re.compile(r"^[\s\d.,:/+\-₹%()]*$")


def clean_cell(value: str) -> str:
    """Trim, and drop one leading apostrophe (Shopify writes '+919871966979 to keep it text)."""
    value = value.strip()
    if value.startswith("'"):
        value = value[1:].strip()
    return value


def _header_score(cells: list[str]) -> int:
    """Non-empty, text-looking, distinct cells: what a header row has most of."""
    texts = [c for c in cells if c and not _NUMBERISH.match(c)]
    return len(set(texts))


def find_header_row(rows: list[list[str]]) -> int:
    """Index (0-based) of the header among the first rows.

    The header is the first row that is nearly as "wide" in text cells as the widest row around
    it; title rows ("Ravi Stores - customer list") and blank/logo rows are narrower."""
    sample = rows[:HEADER_SCAN_ROWS]
    widths = [sum(1 for c in r if c) for r in sample]
    if not sample or max(widths) == 0:
        return 0
    widest = max(widths)
    for i, row in enumerate(sample):
        score = _header_score(row)
        if score >= 2 and score >= 0.6 * widest:
            return i
        if score >= 1 and widest == 1 and widths[i] == 1:  # a one-column list
            return i
    return 0


def unique_headers(raw: list[str]) -> list[str]:
    """Name blank headers 'Column N' and make duplicates distinct ('Phone', 'Phone (2)')."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(raw):
        h = " ".join(h.split()) or f"Column {i + 1}"
        n = seen.get(h, 0) + 1
        seen[h] = n
        out.append(h if n == 1 else f"{h} ({n})")
    return out


@dataclass
class Table:
    """A readable table. `rows()` can be called more than once (it re-reads the source)."""

    path: Path
    kind: str  # "text" or "excel"
    headers: list[str]
    header_row: int  # 1-based row number of the header in the file/sheet
    _source: Callable[[], Iterable[list[str]]] = field(repr=False)
    _keep: list[int] = field(repr=False, default_factory=list)  # column indexes kept
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    size_hint: int = 0  # rows if known, else an estimate (for progress)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number as the user sees it in Excel, cells aligned with headers); blank rows skipped.

        Cells are as in the file: `clean_cell` is applied by whoever reads a cell (formats read a
        handful of a Shopify export's 79 columns, so cleaning all of them would be wasted work)."""
        keep = self._keep
        width = len(keep)
        identity = keep == list(range(width))
        for n, raw in enumerate(self._source(), start=1):
            if n <= self.header_row or not any(raw):
                continue
            if identity and len(raw) == width:
                cells = raw
            else:
                cells = [raw[i] if i < len(raw) else "" for i in keep]
            first = cells[0] if cells else ""
            if (first and not first.isspace()) or any(c.strip() for c in cells):  # most rows: the first cell says
                yield n, cells

    def preview(self, limit: int = 20) -> list[list[str]]:
        """The first rows, cleaned (what the wizard shows)."""
        out = []
        for _n, cells in self.rows():
            out.append([clean_cell(c) for c in cells])
            if len(out) >= limit:
                break
        return out

    def column(self, header: str) -> int | None:
        try:
            return self.headers.index(header)
        except ValueError:
            return None


Merge = tuple[tuple[int, int], tuple[int, int]]  # ((first row, first col), (last row, last col)), 0-based


def _known_headers(cells: list[str]) -> int:
    from wadesk.core.importing.mapping import match_header

    return sum(1 for c in cells if c and match_header(c)[1] >= 0.75)


def merged_header(head: list[list[str]], h: int, merged: list[Merge]) -> tuple[int, list[str]]:
    """A workbook header drawn with merged cells, e.g. 'Contact' spread over 'Mobile No.' and 'Email'
    in the row below, and 'Name' merged down over both rows. -> (header row index, header cells).

    The row under a row with a sideways merge is the real header when it names more known columns;
    a cell merged down into it takes the merged text."""
    header = list(head[h]) if head else []
    below = h + 1
    spans_sideways = any(r1 == h and c2 > c1 for (r1, c1), (_r2, c2) in merged)
    if not spans_sideways or below >= len(head):
        return h, header
    candidate = list(head[below]) + [""] * max(0, len(header) - len(head[below]))
    for (r1, c1), (r2, c2) in merged:
        if r1 <= h < below <= r2 and c1 < len(candidate) and not candidate[c1]:
            candidate[c1] = head[r1][c1] if c1 < len(head[r1]) else ""
    if _header_score(candidate) >= 2 and _known_headers(candidate) > _known_headers(header):
        return below, candidate
    return h, header


def build_table(path: Path, kind: str, head: list[list[str]], source, merged: list[Merge] | None = None,
                **extra) -> Table:
    """Find the header in the first rows, drop blank columns, and wrap the source."""
    head = [[clean_cell(c) for c in r] for r in head]
    h = find_header_row(head)
    h, header = merged_header(head, h, merged or [])
    width = max((len(r) for r in head), default=0)
    header = header + [""] * (width - len(header))
    body = head[h + 1 :]
    # A column is kept if it has a header or any value in the sample (blank columns go).
    keep = [i for i in range(width) if header[i] or any(i < len(r) and r[i] for r in body)]
    headers = unique_headers([header[i] for i in keep])
    return Table(path=path, kind=kind, headers=headers, header_row=h + 1, _source=source, _keep=keep, **extra)
