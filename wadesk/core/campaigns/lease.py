"""One sender per campaign: an OS file lock that dies with its process.

Crash recovery turns `sending` rows into `unknown`; that is only safe when no live sender owns
them. The app and `wadesk campaign send` may run at once, so each takes this lock first. The OS
releases it when the holder exits or is killed, so a crash never leaves a stale lease behind.
(Team mode on PostgreSQL with several computers needs a database lease instead: issue 11.)
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
        self.path = lock_dir(db) / f"{key}.lock"
        self.wait = wait  # seconds to wait for the holder to finish before giving up
        self._fh: IO[str] | None = None

    def acquire(self) -> "SendLease":
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
                what = "This campaign is" if self.path.stem.startswith("campaign-") else "These messages are"
                raise CampaignBusy(f"{what} already being sent by another WaDesk window or command "
                                   f"(process {holder}). Wait for it to finish or close it first.") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
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
