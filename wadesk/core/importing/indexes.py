"""Secondary indexes off while a big import writes, built again before anything reads through them.

Keeping 15 customer indexes and the order indexes up to date row by row costs more than building
them once at the end when an import writes far more rows than a table holds (a first import of a
store's whole history). The DROP and the CREATE run inside the import's one transaction, so a
cancel or an error brings the indexes back with everything else; other connections keep seeing
the committed database, indexes included, until the import commits.

Unique indexes stay: they are how SQLite keeps (source, external id) and phones unique.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

TABLES = ("customers", "orders", "order_items")
MIN_ROWS = 50_000  # below this, index upkeep is cheap whatever the ratio
RATIO = 2  # the import must bring at least this many times the rows the table holds


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
        for sql in self.dropped:
            self.s.execute(text(sql))
        self.dropped = []
