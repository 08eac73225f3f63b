"""Has anyone committed to the database since a moment? (PRAGMA data_version on a connection of
its own that never writes.) The app skips its on-close backup when nothing changed."""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote


class ChangeWatch:
    def __init__(self, db_file: Path):
        self._con = sqlite3.connect(f"file:{quote(str(db_file))}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def version(self) -> int:
        """A number that differs from an earlier one if another connection committed in between."""
        with self._lock:
            return int(self._con.execute("PRAGMA data_version").fetchone()[0])

    def changed_since(self, version: int) -> bool:
        return self.version() != version

    def close(self) -> None:
        with self._lock:
            self._con.close()
