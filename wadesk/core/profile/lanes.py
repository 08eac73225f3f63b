"""A full refresh's reads in two lanes, on two SQLite connections that see one snapshot.

Python's sqlite3 lets go of the interpreter lock while SQLite steps through a statement, so two
big aggregates on two connections use two cores. The snapshot is shared because the refresh's
own connection opens its transaction with BEGIN IMMEDIATE (the write lock) before the second
connection starts reading: no commit can land between the two, so both read the same database.
The price: a full refresh holds the write lock from its first read to its commit (before, from its
first write; the whole refresh is now shorter than that write phase was). Other writers wait, or,
like the webhook receiver, keep their work for later.

Elsewhere (PostgreSQL, an in-memory database) both lanes run one after the other on the
refresh's connection, in its one transaction, as before.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

from sqlalchemy.engine import Connection

from wadesk.core.db import Database

A = TypeVar("A")
B = TypeVar("B")


def on_sqlite_file(conn: Connection) -> bool:
    db_name = conn.engine.url.database or ""
    return conn.dialect.name == "sqlite" and db_name not in ("", ":memory:") and "mode=memory" not in db_name


def begin_write(conn: Connection) -> None:
    """Start the refresh's transaction; on SQLite take the write lock now (see the module doc)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def two_lanes(db: Database, conn: Connection, main: Callable[[Connection], A],
              side: Callable[[Connection], B]) -> tuple[A, B]:
    """main(conn) in this thread, side(other) in a second thread on a second connection that
    reads the snapshot `conn` holds (`begin_write` must have run). main may write; side only reads."""
    if not on_sqlite_file(conn):
        return main(conn), side(conn)
    with db.engine.connect() as other:
        other.exec_driver_sql("BEGIN")
        other.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()  # the read starts here
        with ThreadPoolExecutor(1, thread_name_prefix="profile-read") as pool:
            future = pool.submit(side, other)
            try:
                a = main(conn)
            except BaseException:
                other.connection.dbapi_connection.interrupt()  # stop its query; its error is moot
                future.exception()
                raise
            b = future.result()
        other.rollback()
    return a, b
