"""Database work on a thread beside the importing thread's Python work.

SQLite runs a statement (an index build, an INSERT ... SELECT) without holding the interpreter
lock, so the importing thread can meanwhile do work that does not touch the database (it must
not: both would use the import's one connection)."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator


@contextmanager
def beside(work: Callable[[], Any], name: str) -> Iterator[None]:
    """Run `work` on a thread while the with-block runs; leaving the block waits for it and raises
    what it raised."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - raised again in the importing thread
            failed.append(exc)
    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
    if failed:
        raise failed[0]
