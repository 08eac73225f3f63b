"""PostgreSQL id counters after rows were written with their ids given (a copy, the sample shop).

SQLite picks the next id from the table's largest; PostgreSQL keeps a separate sequence per table
that explicit ids do not move, so the next ordinary insert would reuse id 1. A no-op on SQLite.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import Integer, Table, text
from sqlalchemy.engine import Connection


def move_sequences_past_ids(conn: Connection, tables: Iterable[Table] | None = None) -> None:
    """Set each table's id sequence just past its largest id (every table when none are given)."""
    if conn.dialect.name != "postgresql":
        return
    if tables is None:
        from wadesk.core.db.models import Base

        tables = Base.metadata.sorted_tables
    for t in tables:
        pk = list(t.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement is not False and isinstance(pk[0].type, Integer):
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{t.name}', '{pk[0].name}'), "
                f"COALESCE((SELECT MAX({pk[0].name}) FROM {t.name}), 0) + 1, false)"))
