"""One process-wide SQLite setting Python's sqlite3 cannot make: no memory statistics.

SQLite counts every allocation under one process-wide mutex (SQLITE_CONFIG_MEMSTATUS, on by
default). Two connections working at once in one process (the profile refresh's two read/write
lanes, a background count beside the UI) then queue on that mutex at every malloc: 3.5M events
aggregated took 5.0 s CPU beside another busy connection and 2.6 s without the statistics (2.9 s
alone). Nothing in WaDesk reads those statistics.

The setting can only change while SQLite is shut down, and Python's sqlite3 initialises SQLite
on import; so it is changed once, before the first connection, and only when no connection is
open (a shutdown under an open connection would pull its mutexes away). Where the library's
functions cannot be found (a build that hides them) it is left as it is: slower, not wrong.
"""
from __future__ import annotations

import ctypes
import gc
import logging
import sqlite3
import sys

log = logging.getLogger(__name__)
_SQLITE_CONFIG_MEMSTATUS = 9
_result: bool | None = None  # decided by the first call in a process


def _library():
    import _sqlite3

    names = [_sqlite3.__file__]
    if sys.platform == "win32":  # the functions live in the sqlite3.dll the module loaded
        names.append("sqlite3")
    for name in names:
        try:
            lib = ctypes.CDLL(name)
            if all(hasattr(lib, f) for f in ("sqlite3_shutdown", "sqlite3_config", "sqlite3_initialize")):
                return lib
        except OSError:
            continue
    return None


def _open_connections() -> int:
    count = 0
    for obj in gc.get_objects():
        if isinstance(obj, sqlite3.Connection):
            try:
                obj.in_transaction  # raises once the connection is closed
                count += 1
            except sqlite3.ProgrammingError:
                pass
    return count


def turn_off_memory_statistics() -> bool:
    """True when SQLite runs without its allocation statistics. Tried once per process: later
    calls (every engine opened) answer what the first one found."""
    global _result
    if _result is None:
        _result = _turn_off()
    return _result


def _turn_off() -> bool:
    lib = _library()
    if lib is None or _open_connections() or lib.sqlite3_shutdown() != 0:
        return False
    configured = lib.sqlite3_config(_SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0)) == 0
    if lib.sqlite3_initialize() != 0:  # not expected; the next connection would initialise it again
        log.warning("SQLite did not initialise again after a configuration change")
    return configured
