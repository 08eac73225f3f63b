"""Fast bulk inserts that give back the new ids.

INSERT ... RETURNING through the ORM costs more than the insert itself at 100,000 rows, so ids are
assigned here: one MAX(id) per table per import, then consecutive numbers. This is safe because
an import is one transaction that has already written (its ImportRun row) before the first bulk
insert, so it holds SQLite's single write lock and no other writer can take an id meanwhile.
(On a server database this would take the ids from the table's sequence instead.)
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session


class BulkInserter:
    def __init__(self, session: Session):
        self.s = session
        self._next: dict[str, int] = {}

    def insert(self, model, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows (dicts of column values) with fresh consecutive ids; returns the ids."""
        if not rows:
            return []
        table = model.__table__
        name = table.name
        if name not in self._next:
            self._next[name] = (self.s.scalar(select(func.max(table.c.id))) or 0) + 1
        first = self._next[name]
        ids = list(range(first, first + len(rows)))
        self._next[name] = first + len(rows)
        for i, row in zip(ids, rows):
            row["id"] = i
        conn = self.s.connection()
        for k in range(0, len(rows), 10_000):
            conn.execute(table.insert(), rows[k:k + 10_000])
        return ids
