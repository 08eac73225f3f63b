"""CSV / TSV / TXT: encoding and delimiter detection, streamed with the csv module.

Streaming (rather than pandas) keeps a 1,000,000-line Shopify export in constant memory and
keeps every cell a string; multi-line quoted cells (Shopify Note Attributes) are handled by csv.
"""
from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from itertools import islice
from pathlib import Path

from wadesk.core.importing.errors import ImportFileError
from wadesk.core.importing.readers.table import Table, build_table

SNIFF_BYTES = 256 * 1024
HEAD_ROWS = 200
DELIMITERS = [",", ";", "\t", "|"]
# A single cell larger than this is not a shop list (it is a binary or a broken quote).
csv.field_size_limit(4 * 1024 * 1024)


def detect_encoding(sample: bytes) -> str:
    """BOMs first (Excel and Meta write them), then strict UTF-8, then Windows' cp1252."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if len(sample) >= 4:
        # UTF-16 without a BOM: every other byte is NUL for Latin text.
        even_nul = sample[1::2].count(0) / max(1, len(sample) // 2)
        odd_nul = sample[0::2].count(0) / max(1, len(sample) // 2)
        if even_nul > 0.4 and odd_nul < 0.05:
            return "utf-16-le"
        if odd_nul > 0.4 and even_nul < 0.05:
            return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"  # cp1252 leaves five bytes undefined; latin-1 reads anything


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text[:20000] if (ord(ch) < 32 and ch not in "\r\n\t\f") or ch == "\ufffd")
    return bad / min(len(text), 20000) > 0.02


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most consistent number (>1) of fields."""
    best, best_score = ",", -1.0
    for d in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=d))[:50]
        except csv.Error:
            continue
        if len(rows) > 1 and not text.endswith(("\n", "\r")):
            rows = rows[:-1]  # the sample may end mid-record
        counts = Counter(len(r) for r in rows if any(c.strip() for c in r))
        if not counts:
            continue
        width, freq = counts.most_common(1)[0]
        if width < 2:
            continue
        score = freq * 1000 + width  # consistency first, then width
        if score > best_score:
            best, best_score = d, score
    return best


def open_text(path: Path, encoding: str | None = None, delimiter: str | None = None) -> Table:
    with open(path, "rb") as fh:
        sample = fh.read(SNIFF_BYTES)
    if not sample.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise ImportFileError(f"The file {path.name} is empty.")
    enc = encoding or detect_encoding(sample)
    text = sample.decode(enc, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if _looks_binary(text):
        raise ImportFileError(
            f"{path.name} is not a spreadsheet or a text file WaDesk can read (it looks like binary data)."
        )
    delim = delimiter or sniff_delimiter(text)
    size = path.stat().st_size

    def source():
        # strict mode notices a quoted cell cut off by the end of the file (a truncated export);
        # any other strictness complaint ('"a"b') re-reads leniently from where it stopped.
        done = 0
        for strict in (True, False):
            with open(path, encoding=enc, errors="replace", newline="") as fh:
                reader = csv.reader(fh, delimiter=delim, strict=strict)
                try:
                    for row in islice(reader, done, None):  # a lenient re-read goes on where strict stopped
                        if row and row[0][:1] == "\ufeff":
                            row[0] = row[0][1:]
                        done += 1
                        yield row
                    return
                except csv.Error as exc:
                    if "field larger" in str(exc):
                        raise ImportFileError(
                            f"{path.name} has a cell of several megabytes near line {reader.line_num}, so it is "
                            "not a list WaDesk can import."
                        ) from None
                    if "end of data" in str(exc) or not strict:
                        raise ImportFileError(
                            f"{path.name} could not be read after line {reader.line_num}: the file looks cut "
                            "short or damaged (a quoted cell never ends)."
                        ) from None

    head = []
    for row in source():
        head.append(row)
        if len(head) >= HEAD_ROWS:
            break
    if not any(any(c.strip() for c in r) for r in head):
        raise ImportFileError(f"The file {path.name} is empty.")
    table = build_table(path, "text", head, source, encoding=enc, delimiter=delim,
                        size_hint=_rows_estimate(text, delim, len(sample), size))
    return table


def _rows_estimate(text: str, delim: str, sample_bytes: int, size: int) -> int:
    """Records in the file, from how many the sniffed bytes hold (progress, and whether a big import
    drops indexes first). The head rows are no measure: the sample holds far more than them."""
    try:
        n = sum(1 for _ in csv.reader(io.StringIO(text), delimiter=delim))
    except csv.Error:
        n = 0
    if sample_bytes >= size:
        return max(1, n)
    return max(1, round(size * max(1, n - 1) / sample_bytes))  # the sample's last record may be cut
