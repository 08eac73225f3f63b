"""Driver-level executemany for the webhook tables, with values adapted the way SQLAlchemy stores them.

A million statuses mean a million webhook_events rows and hundreds of thousands of ledger updates;
SQLAlchemy's per-value processing (a strftime per datetime, a json.dumps per payload) was most of
the time. Here each distinct time is formatted once (a batch has few distinct seconds) by the
column type's own bind processor, so the stored text is exactly what the ORM writes and reads, on
SQLite as on another database.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import JSON, DateTime
from sqlalchemy.orm import Session

_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


class DriverWrites:
    def __init__(self, session: Session):
        self.conn = session.connection()
        dialect = self.conn.dialect
        self.ph = _PLACEHOLDER[dialect.paramstyle]
        self._time = DateTime().dialect_impl(dialect).bind_processor(dialect)
        self._json = JSON().dialect_impl(dialect).bind_processor(dialect)
        self._times: dict[datetime, Any] = {}

    def time(self, value: datetime | None) -> Any:
        if value is None or self._time is None:
            return value
        out = self._times.get(value)
        if out is None:
            out = self._times[value] = self._time(value)
        return out

    def json(self, value: Any) -> Any:
        return self._json(value) if self._json is not None else value

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if rows:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([self.ph] * len(columns))})"
            self.conn.exec_driver_sql(sql, rows)

    def update_by_id(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """rows: (values of `columns`..., id)."""
        if rows:
            sql = f"UPDATE {table} SET {', '.join(f'{c} = {self.ph}' for c in columns)} WHERE id = {self.ph}"
            self.conn.exec_driver_sql(sql, rows)
