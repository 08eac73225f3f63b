"""Bulk reads into pandas and bulk writes of plain tuples, straight through the DB-API cursor.

SQLAlchemy Row objects cost about a microsecond each; at millions of rows that is seconds, so
statements are built with SQLAlchemy (portable, parameters bound, never string-built) and then run
on the driver's cursor. Datetimes are read as epoch seconds (`extract('epoch', ...)`, portable)
so no datetime objects or strings are parsed per row.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import warnings

import numpy as np
import pandas as pd
from sqlalchemy import String, Table, case, cast, func, insert, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

FETCH = 200_000


def compile_stmt(conn: Connection, stmt: Select) -> tuple[str, Any]:
    dialect = conn.dialect
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    # Apply each parameter's bind processor (e.g. a JSON path becomes '$."key"'), as execute would.
    procs = compiled._bind_processors
    params = {k: (procs[k](v) if k in procs and v is not None else v) for k, v in compiled.params.items()}
    if dialect.positional:
        return str(compiled), tuple(params[k] for k in compiled.positiontup or ())
    return str(compiled), params


def read_frame(conn: Connection, stmt: Select, columns: Sequence[str], categories: Sequence[str] = ()) -> pd.DataFrame:
    """Rows as a DataFrame. `categories`: string columns turned categorical chunk by chunk, so
    millions of repeated strings ("product_viewed", "skincare") never sit in memory as objects."""
    from pandas.api.types import union_categoricals

    sql, params = compile_stmt(conn, stmt)
    cur = conn.connection.cursor()
    try:
        cur.execute(sql, params)
        parts = []
        while True:
            rows = cur.fetchmany(FETCH)
            if not rows:
                break
            part = pd.DataFrame.from_records(rows, columns=list(columns))
            del rows
            for c in categories:
                part[c] = _categorical(part[c])
            parts.append(part)
    finally:
        cur.close()
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    if len(parts) == 1:
        return parts[0]
    cats = {c: union_categoricals([p[c].array for p in parts]) for c in categories}
    out = pd.concat([p.drop(columns=list(categories)) for p in parts], ignore_index=True)
    for c in categories:
        out[c] = cats[c]
    return out[list(columns)]


def _categorical(s: pd.Series) -> pd.Categorical:
    """Categorical with object-dtype categories, so chunks (some all None) can be unioned."""
    cat = pd.Categorical(s.to_numpy(dtype=object, na_value=None))
    return pd.Categorical.from_codes(cat.codes, categories=pd.Index(cat.categories, dtype=object))


def read_chunked(conn: Connection, make_stmt, ids: Sequence[int] | None, columns: Sequence[str],
                 chunk: int = 5000) -> pd.DataFrame:
    """`make_stmt(ids_or_None)`: one read for everyone, or chunks of an IN list for some ids."""
    if ids is None:
        return read_frame(conn, make_stmt(None), columns)
    parts = [read_frame(conn, make_stmt(list(ids[i:i + chunk])), columns) for i in range(0, len(ids), chunk)]
    return pd.concat(parts, ignore_index=True) if parts else read_frame(conn, make_stmt([]), columns)


def joined_ids(col):
    """The column's values of a group as one comma-separated text (group_concat, string_agg): the
    database writes millions of numbers into a few strings at C speed, where millions of Python
    rows would cost about a microsecond each. Read back with `parse_ints`. One text holds at
    most SQLite's 1e9-byte value limit (~100M ids); callers fall back below that."""
    return func.aggregate_strings(cast(col, String), ",")


def parse_ints(text: str | None) -> np.ndarray:
    """A `joined_ids` text as an int64 array (None or "" for an empty group)."""
    if not text:
        return np.empty(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def parse_floats(text: str | None) -> np.ndarray:
    """A `joined_ids` text of numbers (integers, or PostgreSQL's exact decimals) as float64."""
    if not text:
        return np.empty(0, dtype=float)
    return np.fromstring(text, dtype=float, sep=",")


_SEP = "\x1f"  # between joined texts (a stored text holding it is caught by the count check)


def read_joined(conn: Connection, stmt: Select, columns: Sequence[str], kinds: Sequence[str]) -> pd.DataFrame | None:
    """SQLite: an aggregate's result as one row of joined texts, one per column, parsed by numpy.
    The whole statement then runs inside one sqlite3_step, without the interpreter lock and
    without a Python tuple per row (970k rows of 7 columns: 2.3 s CPU against 3.6 s), so the
    other read lane keeps the lock. kinds: "int" (never NULL), "num" (a number or NULL, read as
    float64 with NaN; reals printed with 17 digits, which read back exactly), "text" (None for
    NULL). None on other databases, or when a text held the separator: read the rows instead."""
    if conn.dialect.name != "sqlite":
        return None
    parts = []
    for col, kind in zip(stmt.subquery().c, kinds):
        if kind == "int":
            parts.append(func.aggregate_strings(cast(col, String), ","))
        elif kind == "num":
            text = case((func.typeof(col) == "real", func.printf("%!.17g", col)), else_=cast(col, String))
            parts.append(func.aggregate_strings(func.coalesce(text, "nan"), ","))
        else:  # a leading "v" tells an empty text from NULL
            parts.append(func.aggregate_strings(func.coalesce(literal("v", String).concat(col), ""), _SEP))
    row = conn.execute(select(*parts)).one()
    out = {}
    for name, kind, text in zip(columns, kinds, row):
        if kind == "text":
            values = text.split(_SEP) if text is not None else []
            out[name] = np.array([v[1:] if v else None for v in values], dtype=object)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # numpy warns (does not raise) on a text it cannot read
            try:
                out[name] = parse_ints(text) if kind == "int" else parse_floats(text)
            except (ValueError, DeprecationWarning):
                return None
    if len({len(v) for v in out.values()}) > 1:
        return None
    return pd.DataFrame(out, columns=list(columns))


def write_rows(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """executemany of ready tuples (ints, floats, strings, None) in `columns` order."""
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(columns))
    sql = str(compiled)
    cur = conn.connection.cursor()
    try:
        if conn.dialect.positional:
            order = [list(columns).index(k) for k in compiled.positiontup]
            if order != list(range(len(columns))):
                rows = (tuple(r[i] for i in order) for r in rows)
            cur.executemany(sql, rows)
        else:
            cur.executemany(sql, (dict(zip(columns, r)) for r in rows))
    finally:
        cur.close()
