"""Rows converted a column at a time: what `Row.get`, `Row.all` and `customer_from` give row by
row, for a chunk of rows with fewer Python steps per row.

A chunk's mapped columns are picked out in one pass (C-level get and transpose); each is cleaned in
one pass too, and not at all when a regular expression search over the joined column finds nothing
to trim. `tests/unit/test_import_columns.py` checks `CustomerColumns` against `customer_from` for
every field, and the formats that use it check record for record against their row path.
"""
from __future__ import annotations

import re
from operator import itemgetter
from typing import Any, Callable, Iterator

from wadesk.core.importing.formats.base import (
    PIPELINE_FIELDS, CustomerData, Mapping, Record, channel_name, consent_after, customer_steps, split_phones,
    split_tags, store_figure,
)
from wadesk.core.importing.readers.table import Table, clean_cell
from wadesk.core.importing.values import clean_name, parse_consent, split_name

# A cell that Row.get would change: leading whitespace or apostrophe, trailing whitespace. `\s`
# is the same set of characters as str.strip() removes; cells are joined (and framed) with NUL, so
# a match can only be a false alarm (then the column is cleaned cell by cell), never a miss. Two
# patterns, because one with a literal first character is searched far quicker than an alternation.
_DIRTY_START = re.compile(r"\x00[\s']")
_DIRTY_END = re.compile(r"\s\x00")
CHUNK_ROWS = 500  # rows converted together (see shopify_columns.CHUNK_ROWS)


def clean_column(raw: list[str] | tuple[str, ...]) -> list[str] | tuple[str, ...]:
    """The cells as Row.get reads them (trimmed, Shopify's leading apostrophe gone)."""
    joined = "\x00" + "\x00".join(raw) + "\x00"
    if not _DIRTY_START.search(joined) and not _DIRTY_END.search(joined):
        return raw
    return [clean_cell(v) if v else v for v in raw]


def pick_columns(cells: list[list[str]], cols: list[int]) -> dict[int, tuple[str, ...]]:
    """{column: its cells} for the given rows, in one pass over the rows (C-level get and transpose)."""
    cols = sorted(set(cols))
    if not cols:
        return {}
    if len(cols) == 1:
        return {cols[0]: tuple(c[cols[0]] for c in cells)}
    return dict(zip(cols, zip(*map(itemgetter(*cols), cells)))) if cells else {i: () for i in cols}


def field_column(picked: dict[int, tuple[str, ...]], cols: list[int] | None, n: int):
    """Row.get(field) for every row: the first non-empty cleaned cell of the field's columns."""
    if not cols:
        return ("",) * n
    out = clean_column(picked[cols[0]])
    for i in cols[1:]:
        if all(out):
            break
        out = [a or b for a, b in zip(out, clean_column(picked[i]))]
    return out


def all_column(picked: dict[int, tuple[str, ...]], cols: list[int]) -> Iterator[tuple[str, ...]]:
    """Row.all(field) for every row: its non-empty cleaned cells, in the field's column order."""
    if len(cols) == 1:
        return ((v,) if v else () for v in clean_column(picked[cols[0]]))
    return (tuple(v for v in vs if v) for vs in zip(*(clean_column(picked[i]) for i in cols)))


class Memo(dict):
    """A conversion applied once per distinct text."""

    def __init__(self, fn: Callable[[str], Any]):
        super().__init__()
        self.fn = fn

    def __missing__(self, key):
        if len(self) >= 100_000:  # a column of all-different texts: no memory of them all
            self.clear()
        value = self[key] = self.fn(key)
        return value


class CustomerColumns:
    """customer_from for a chunk of rows: the same CustomerData, each field computed over a column.

    Follows `customer_steps` field by field, including the order in which attribute keys are
    set (the stored JSON keeps it)."""

    def __init__(self, m: Mapping):
        self.m = m
        self.columns = sorted({i for f in m if f in _CUSTOMER_FIELDS or f.startswith("attr:") for i in m[f]})
        self.consent, self.channel, self.figure = Memo(parse_consent), Memo(channel_name), Memo(store_figure)
        self.tags = Memo(lambda cells: tuple(split_tags(*cells)))  # a list's few tag cells, each split once
        # Attribute steps in customer_steps' order: (kind, field, key).
        attrs: list[tuple[str, str, str]] = [("plain", f, key) for f, key in (
            ("email_consent", "accepts_email_marketing"), ("note", "note")) if f in m]
        attrs += [("figure", f, f) for f in ("store_total_spent", "store_order_count") if f in m]
        if not PIPELINE_FIELDS.keys().isdisjoint(m):
            attrs.append(("pipeline", "", "pipeline"))
        attrs += [("custom", f, f[5:]) for f in m if f.startswith("attr:")]
        self.attrs = attrs
        assert len(customer_steps(m)) == (("phone" in m) + ("email" in m) + 1 + sum(
            f in m for f in ("city", "state", "pincode", "country", "tags", "customer_id", "channel",
                             "whatsapp_consent", "sms_consent")) + len(attrs)), "a customer field unknown here"

    def build(self, picked: dict[int, tuple[str, ...]], n: int) -> list[CustomerData]:
        """The customers of n rows, from `pick_columns(rows, self.columns)`."""
        m = self.m

        def get(f: str):
            return field_column(picked, m.get(f), n)
        blank = ("",) * n
        if "phone" in m:
            phones = [split_phones(*cells) for cells in all_column(picked, m["phone"])]
        else:
            phones = [[] for _ in range(n)]
        email = get("email")
        first = [clean_name(v) for v in get("first_name")] if "first_name" in m else blank
        last = [clean_name(v) for v in get("last_name")] if "last_name" in m else blank
        if "name" in m:
            first, last = list(first), list(last)
            for j, full in enumerate(get("name")):
                if not first[j] and not last[j]:
                    first[j], last[j] = split_name(full)
        city = [clean_name(v) for v in get("city")] if "city" in m else blank
        tags = ([list(self.tags[cells]) for cells in all_column(picked, m["tags"])] if "tags" in m
                else [[] for _ in range(n)])
        external = [v or None for v in get("customer_id")] if "customer_id" in m else (None,) * n
        channel = [self.channel[v] for v in get("channel")] if "channel" in m else (None,) * n
        consent: list[str | None] | tuple = (None,) * n
        for f in ("whatsapp_consent", "sms_consent"):
            if f in m:
                consent = [consent_after(c, self.consent[v]) for c, v in zip(consent, get(f))]
        attributes = [{} for _ in range(n)]
        for kind, f, key in self.attrs:
            if kind == "pipeline":
                pairs = [(k, get(pf)) for pf, k in PIPELINE_FIELDS.items() if pf in m]
                for j, d in enumerate(attributes):
                    d["pipeline"] = {k: v for k, col in pairs if (v := col[j])}
                continue
            for d, v in zip(attributes, get(f)):
                if not v:
                    continue
                if kind == "plain":
                    d[key] = v
                elif kind == "figure":
                    if (fig := self.figure[v]) is not None:
                        d[key] = fig
                else:
                    d.setdefault("custom", {})[key] = v
        return [CustomerData(*c, None, None, a) for c, a in zip(zip(
            phones, email, first, last, city, get("state"), get("pincode"), get("country"), tags, channel, external,
            consent), attributes)]


def customer_records(table: Table, m: Mapping) -> Iterator[Record]:
    """Format.record's records (a customer per row), a chunk of rows at a time."""
    customers = CustomerColumns(m)
    chunk: list[tuple[int, list[str]]] = []
    for item in table.rows():
        chunk.append(item)
        if len(chunk) >= CHUNK_ROWS:
            yield from _customer_chunk(customers, chunk)
            chunk = []
    if chunk:
        yield from _customer_chunk(customers, chunk)


def _customer_chunk(customers: CustomerColumns, chunk: list[tuple[int, list[str]]]) -> Iterator[Record]:
    cells = [c for _n, c in chunk]
    for (n, c), customer in zip(chunk, customers.build(pick_columns(cells, customers.columns), len(chunk))):
        yield Record(n, c, customer)


# The fields customer_steps reads (besides attr:...).
_CUSTOMER_FIELDS = frozenset({
    "phone", "email", "first_name", "last_name", "name", "city", "state", "pincode", "country", "tags",
    "customer_id", "channel", "whatsapp_consent", "sms_consent", "email_consent", "note", "store_total_spent",
    "store_order_count", *PIPELINE_FIELDS})
