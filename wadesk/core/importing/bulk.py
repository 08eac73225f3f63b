"""Fast bulk writes that give back the new ids.

INSERT ... RETURNING through the ORM costs more than the insert itself at 100,000 rows, so ids are
assigned here: one MAX(id) per table per import, then consecutive numbers. This is safe because
an import is one transaction that has already written (its ImportRun row) before the first bulk
insert, so it holds SQLite's single write lock and no other writer can take an id meanwhile.
On PostgreSQL the ids come from the table's sequence (nextval), which moves it past them.

On SQLite the rows go straight to the driver's executemany, with values adapted exactly as
SQLAlchemy stores them (JSON text, 'YYYY-MM-DD HH:MM:SS.ffffff', Decimal as REAL): SQLAlchemy's
per-row parameter processing was most of the time of a 100,000-row import. Other databases use
SQLAlchemy Core.
"""
from __future__ import annotations

import json
from operator import itemgetter
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Integer, Numeric, String, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.orm import Session

from wadesk.core.importing.stored import NULL, datetime_text, float_number, json_dump

BATCH = 10_000


def _adapt(v: Any) -> Any:
    if v is None or isinstance(v, (str, int, float)):
        return v
    if isinstance(v, datetime):
        return datetime_text(v)
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return v


def _adapter(type_):
    """The conversion for one column type (chosen once per column, not per value)."""
    if isinstance(type_, DateTime):
        return datetime_text
    if isinstance(type_, Numeric):
        return float_number
    if isinstance(type_, JSON):
        return json_dump
    return _adapt


def _adapt_numbers(rows: list[dict[str, Any]], name: str) -> None:
    """_adapt_column for a Numeric column, without a call per value (1.5M prices and totals in a
    million-line export)."""
    for r in rows:
        v = r[name]
        if v is None:
            r[name] = NULL
        elif type(v) is Decimal:
            r[name] = float(v)


def _adapt_column(rows: list[dict[str, Any]], name: str, adapt) -> None:
    """rows[i][name] = adapt(value) in place, None as NULL (see sqlnull.NULL). The same object as the
    row before gets the same text without converting it again (an import stamps one `now` on every
    row it writes)."""
    last, text = None, None
    for r in rows:
        v = r[name]
        if v is None:
            r[name] = NULL
        else:
            if v is not last:
                last, text = v, adapt(v)
            r[name] = text


def _default(column) -> Any:
    """A column's Python-side default (what SQLAlchemy would have filled in)."""
    d = column.default
    if d.is_scalar:
        return d.arg
    value = d.arg(None)  # SQLAlchemy wraps callables to take an execution context
    return value


class BulkWriter:
    def __init__(self, session: Session):
        self.s = session
        self._next: dict[str, int] = {}
        self.raw = session.get_bind().dialect.name == "sqlite"

    def _cursor(self):
        return self.s.connection().connection.driver_connection.cursor()

    def new_ids(self, table, n: int) -> list[int]:
        """n fresh ids for rows of table (inserted later with with_ids=False, or by insert)."""
        if self.s.get_bind().dialect.name == "postgresql":
            # The table's own sequence: other writers (team mode) draw from it too, and ordinary
            # inserts after the import must not reuse these ids. First moved past the largest id,
            # in case rows were once written with their ids and the sequence left behind.
            seq = func.pg_get_serial_sequence(table.name, "id")
            if table.name not in self._next:
                self._next[table.name] = 0
                self.s.execute(select(func.setval(seq, func.greatest(
                    select(func.coalesce(func.max(table.c.id), 0)).scalar_subquery(),
                    func.coalesce(func.pg_sequence_last_value(cast(seq, REGCLASS)), 0), 1))))
            return list(self.s.scalars(select(func.nextval(seq)).select_from(func.generate_series(1, n))))
        if table.name not in self._next:
            self._next[table.name] = (self.s.scalar(select(func.max(table.c.id))) or 0) + 1
        first = self._next[table.name]
        self._next[table.name] = first + n
        return list(range(first, first + n))

    def insert(self, model, rows: list[dict[str, Any]], with_ids: bool = True) -> list[int]:
        """Insert rows (dicts of column values), with fresh consecutive ids unless with_ids=False
        (link tables); returns the ids. The row dicts are consumed: on SQLite their values are
        converted in place, so callers pass rows they do not keep."""
        if not rows:
            return []
        table = model.__table__
        ids: list[int] = []
        if with_ids:
            ids = self.new_ids(table, len(rows))
            for i, row in zip(ids, rows):
                row["id"] = i
        if not self.raw:
            conn = self.s.connection()
            for k in range(0, len(rows), BATCH):
                conn.execute(table.insert(), rows[k:k + BATCH])
            return ids
        columns = [c for c in table.columns if c.name in rows[0] or c.default is not None]
        cols = [c.name for c in columns]
        for c in columns:  # fill Python-side defaults once, then adapt only the columns that need it
            if c.default is not None:
                d = _default(c)
                for r in rows:
                    if c.name not in r:
                        r[c.name] = d
        # Text, integer and boolean columns go as they are: a pass only to turn their None into
        # NULL cost an import more than the faster binding saved (measured on the 100k .xlsx).
        for c in columns:
            if isinstance(c.type, Numeric):
                _adapt_numbers(rows, c.name)
            elif not isinstance(c.type, (String, Integer, Boolean)):
                _adapt_column(rows, c.name, _adapter(c.type))
        sql = f'INSERT INTO "{table.name}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'
        cur = self._cursor()
        getter = itemgetter(*cols)
        for k in range(0, len(rows), BATCH):
            batch = [getter(r) for r in rows[k:k + BATCH]]
            cur.executemany(sql, batch if len(cols) > 1 else [(v,) for v in batch])
        return ids

    def insert_ready(self, model, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """SQLite only: rows already as the driver takes them (values in `columns` order, NULL as
        None or sqlnull.NULL, numbers as float: datetime_value, money_value, json_text). Ids in the rows
        (from new_ids), or given by SQLite for a table whose new ids nobody needs and that insert()
        does not also write in this import (its ids would collide)."""
        sql = f'INSERT INTO "{model.__table__.name}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
        self._cursor().executemany(sql, rows)

    def update(self, model, rows: list[dict[str, Any]]) -> None:
        """UPDATE ... WHERE id = ?, one executemany per set of changed columns. Like insert, the row
        dicts are consumed (converted in place on SQLite)."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for r in rows:
            groups.setdefault(tuple(sorted(k for k in r if k != "id")), []).append(r)
        table = model.__table__
        for cols, group in groups.items():
            if not self.raw:
                stmt = table.update().where(table.c.id == bindparam("_id")).values({c: bindparam(c) for c in cols})
                self.s.connection().execute(stmt, [{**r, "_id": r["id"]} for r in group])
                continue
            sql = f'UPDATE "{table.name}" SET {", ".join(f"{c} = ?" for c in cols)} WHERE id = ?'
            for c in cols:
                _adapt_column(group, c, _adapt)
            getter = itemgetter(*cols, "id")
            self._cursor().executemany(sql, [getter(r) for r in group])
