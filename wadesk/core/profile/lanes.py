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

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, TypeVar

from sqlalchemy.engine import Connection

from wadesk.core.db import Database

A = TypeVar("A")


def on_sqlite_file(conn: Connection) -> bool:
    db_name = conn.engine.url.database or ""
    return conn.dialect.name == "sqlite" and db_name not in ("", ":memory:") and "mode=memory" not in db_name


def begin_write(conn: Connection) -> None:
    """Start the refresh's transaction; on SQLite take the write lock now (see the module doc)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def two_lanes(db: Database, conn: Connection, main: Callable[[Connection, list[Future]], A],
              sides: list[Callable[[Connection], Any]]) -> tuple[A, list[Any]]:
    """main(conn, futures) in this thread; the `sides`, one after the other, in a second thread on
    a second connection that reads the snapshot `conn` holds (`begin_write` must have run). main
    may write and may wait for a side's result (futures[i].result()); the sides only read.
    Returns main's result and the sides' results."""
    if not on_sqlite_file(conn):  # one connection: the sides first, so main finds their results
        futures = [_done(side(conn)) for side in sides]
        return main(conn, futures), [f.result() for f in futures]
    with db.engine.connect() as other:
        other.exec_driver_sql("BEGIN")
        other.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()  # the read starts here
        with ThreadPoolExecutor(1, thread_name_prefix="profile-read") as pool:
            futures = [pool.submit(side, other) for side in sides]
            try:
                a = main(conn, futures)
            except BaseException:
                for f in futures:
                    f.cancel()
                other.connection.dbapi_connection.interrupt()  # stop its query; its error is moot
                for f in futures:
                    if not f.cancelled():
                        f.exception()
                raise
            b = [f.result() for f in futures]
        other.rollback()
    return a, b


def _done(value: Any) -> Future:
    f: Future = Future()
    f.set_result(value)
    return f
