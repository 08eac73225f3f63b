"""Secondary indexes off while a big import writes, built again before anything reads through them.

Keeping 15 customer indexes and the order indexes up to date row by row costs more than building
them once at the end when an import writes far more rows than a table holds (a first import of a
store's whole history). The DROP and the CREATE run inside the import's one transaction, so a
cancel or an error brings the indexes back with everything else; other connections keep seeing
the committed database, indexes included, until the import commits.

Unique indexes stay: they are how SQLite keeps (source, external id) and phones unique.

SQLite sorts an index's keys on helper threads only when they outgrow the page cache, so the
rebuild runs with a small cache and two sorter threads (the parse worker has finished by then:
the second core is free): 3.1 -> 2.4 s for a million-line export's indexes, measured. The builds
run beside the importing thread's own last work (ImportWriter.finish).
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterable, Iterator

from sqlalchemy import text
from sqlalchemy.orm import Session

from wadesk.core.importing.beside import beside

TABLES = ("customers", "orders", "order_items")
MIN_ROWS = 50_000  # below this, index upkeep is cheap whatever the ratio
RATIO = 2  # the import must bring at least this many times the rows the table holds
SORT_CACHE_KIB = 1000  # page cache while rebuilding: keys past it are sorted in parallel runs


class SecondaryIndexes:
    def __init__(self, session: Session):
        self.s = session
        self.dropped: list[tuple[str, str]] = []  # (table, CREATE INDEX statement) to run again

    def drop_for_import(self, rows_expected: int) -> list[str]:
        """Drop the secondary indexes of each table the import will outgrow. -> tables affected."""
        if rows_expected < MIN_ROWS or self.s.get_bind().dialect.name != "sqlite":
            return []
        tables = []
        for table in TABLES:
            held = self.s.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            if rows_expected < RATIO * held:
                continue
            found = self.s.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"
                " AND upper(sql) NOT LIKE 'CREATE UNIQUE%'"), {"t": table}).all()
            for name, sql in found:
                self.s.execute(text(f'DROP INDEX "{name}"'))
                self.dropped.append((table, sql))
            if found:
                tables.append(table)
        return tables

    def _take(self, tables: Iterable[str]) -> list[str]:
        tables = set(tables)
        todo = [sql for t, sql in self.dropped if t in tables]
        self.dropped = [(t, sql) for t, sql in self.dropped if t not in tables]
        return todo

    def _cursor(self):
        return self.s.connection().connection.driver_connection.cursor()

    @contextmanager
    def rebuilt_beside(self, tables: Iterable[str] = TABLES) -> Iterator[None]:
        """Build the dropped indexes of these tables again on a thread while the with-block runs:
        SQLite builds each index in one call that does not hold the interpreter lock, so the block
        can meanwhile do work that does not touch the database (it must not). Leaving the block
        waits for the build and raises what the build raised."""
        todo = self._take(tables)
        if not todo:
            yield
            return
        cur = self._cursor()
        with beside(lambda: _build(cur, todo), "wadesk-import-indexes"):
            yield


def _build(cur, statements: list[str]) -> None:
    """Run CREATE INDEX statements with SQLite's sorter on helper threads, then put the
    connection's page cache and thread limit back."""
    cache, threads = cur.execute("PRAGMA cache_size").fetchone()[0], cur.execute("PRAGMA threads").fetchone()[0]
    cur.execute(f"PRAGMA threads={min(os.cpu_count() or 1, 4)}")
    cur.execute(f"PRAGMA cache_size=-{SORT_CACHE_KIB}")
    try:
        for sql in statements:
            cur.execute(sql)
    finally:
        cur.execute(f"PRAGMA cache_size={int(cache)}")
        cur.execute(f"PRAGMA threads={int(threads)}")
