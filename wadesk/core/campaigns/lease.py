"""One sender per campaign: a lock that dies with its holder.

Crash recovery turns `sending` rows into `unknown`; that is only safe when no live sender owns
them. The app and `wadesk campaign send` may run at once, so each takes this lock first.
- SQLite (one computer): an OS file lock; the OS releases it when the holder exits or is killed.
- PostgreSQL (team mode, several computers): a session advisory lock on a connection held for the
  run; the server releases it when that connection ends (a crashed or unplugged computer's
  connection is dropped by TCP keepalive), so a crash never leaves a stale lease behind either.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import IO, Any

if os.name == "nt":  # pragma: no cover - exercised on Windows
    import msvcrt
else:
    import fcntl


class CampaignBusy(RuntimeError):
    """Another WaDesk window or command is sending this campaign right now."""


def lock_dir(db: Any) -> Path:
    path = getattr(db, "path", None)
    if path:
        return Path(path).parent / "locks"
    digest = hashlib.sha256(str(db.url).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"wadesk-locks-{digest}"


class SendLease:
    """The lock for one sender's rows ("campaign-12", "automations")."""

    def __init__(self, db: Any, key: str, wait: float = 0.0):
        self.key = key
        engine = getattr(db, "engine", None)
        self._pg_engine = engine if engine is not None and engine.dialect.name == "postgresql" else None
        self.path = lock_dir(db) / f"{key}.lock" if self._pg_engine is None else Path(f"{key}.lock")
        self.wait = wait  # seconds to wait for the holder to finish before giving up
        self._fh: IO[str] | None = None
        self._conn: Any = None

    def _busy(self, holder: str) -> CampaignBusy:
        what = "This campaign is" if self.key.startswith("campaign-") else "These messages are"
        return CampaignBusy(f"{what} already being sent by another WaDesk window, computer or command "
                            f"({holder}). Wait for it to finish or close it first.")

    def _acquire_pg(self) -> "SendLease":
        from sqlalchemy import text

        conn = self._pg_engine.connect()
        deadline = time.monotonic() + self.wait
        while True:
            got = conn.execute(text("SELECT pg_try_advisory_lock(hashtext(:k))"), {"k": f"wadesk:{self.key}"}).scalar()
            conn.commit()
            if got:
                self._conn = conn
                return self
            if time.monotonic() >= deadline:
                conn.close()
                raise self._busy("on the team database")
            time.sleep(0.05)

    def acquire(self) -> "SendLease":
        if self._pg_engine is not None:
            return self._acquire_pg()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")
        deadline = time.monotonic() + self.wait
        while True:
            try:
                if os.name == "nt":  # pragma: no cover
                    fh.seek(0)
                    msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
                else:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue

                fh.seek(0)
                holder = fh.read().strip() or "another program"
                fh.close()
                raise self._busy(f"process {holder}") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
        if self._conn is not None:
            from sqlalchemy import text

            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(hashtext(:k))"), {"k": f"wadesk:{self.key}"})
                self._conn.commit()
            finally:
                self._conn.close()
                self._conn = None
        if self._fh is not None:
            try:
                if os.name == "nt":  # pragma: no cover
                    self._fh.seek(0)
                    msvcrt.locking(self._fh.fileno(), msvcrt.LK_UNLCK, 1)
                else:
                    fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            finally:
                self._fh.close()
                self._fh = None

    def __enter__(self) -> "SendLease":
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


class CampaignLease(SendLease):
    def __init__(self, db: Any, campaign_id: int):
        super().__init__(db, f"campaign-{campaign_id}")
