"""Getting a shop back when its database file cannot be opened at all (damaged pages, a file that
is no longer a database): the app and the command line open the database before anything else, so
the ordinary restore cannot run.

The backups are found without the database (whose settings name the backup folder): the data
folder's `backups/` and the folder of the last good backup, which `backup-status.json` records
outside the database. The damaged file is never deleted: it is moved to `backups/` as
`wadesk-damaged-….sqlite3` (with its -wal, which may hold the newest pages), and only after the
chosen backup passed its checks and was copied beside it.
"""
from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path
from typing import Any

from wadesk.core.backup.restore import RestoreError, check_backup_file
from wadesk.core.backup.sqlite_copy import copy_database, inspect_database
from wadesk.core.backup.status import read_status
from wadesk.core.backup.store import BackupInfo, list_backups
from wadesk.core.clock import Clock, SystemClock
from wadesk.core.jobs import ProgressFn, no_progress
from wadesk.core.paths import DataDir

log = logging.getLogger(__name__)
# Failures that say nothing about the file itself: another program holds it, or no permission.
_NOT_DAMAGE = ("locked", "busy", "permission", "access is denied", "read-only", "unable to open")


def damaged_database(data_dir: DataDir) -> str | None:
    """Why the shop's database file is unusable (plain words), or None when it is sound, missing,
    only locked or unreadable for now, or made by a newer WaDesk (a restore would not be the fix)."""
    path = data_dir.db_path
    if not path.is_file():
        return None
    facts = inspect_database(path)
    if facts.ok or facts.newer_than_this_version:
        return None
    if any(word in facts.problem.lower() for word in _NOT_DAMAGE):
        return None
    return facts.problem


def rescue_backups(data_dir: DataDir) -> list[BackupInfo]:
    """Checked backups this computer can find without the database, newest first."""
    last = read_status(data_dir).get("last_ok") or {}
    profile = str(last.get("profile") or "")  # a shared folder may hold other shops' backups
    folders = [data_dir.backups_dir] + ([Path(last["path"]).parent] if last.get("path") else [])
    found: dict[Path, BackupInfo] = {}
    for folder in folders:
        try:
            for info in list_backups(folder):
                if info.kind != "damaged" and (not profile or info.profile in ("", profile)):
                    found.setdefault(info.path.resolve(), info)
        except OSError as exc:  # an unplugged drive: the others still count
            log.info("Backups in %s not readable: %s", folder, exc)
    return sorted(found.values(), key=lambda b: b.created_at, reverse=True)


@dataclass(frozen=True)
class RescueResult:
    restored_from: Path
    damaged_kept: Path
    counts: dict[str, int | None]

    def as_json(self) -> dict[str, Any]:
        return {"restored_from": str(self.restored_from), "damaged_kept": str(self.damaged_kept), **self.counts}


def rescue_restore(data_dir: DataDir, backup: Path, *, clock: Clock | None = None,
                   progress: ProgressFn = no_progress) -> RescueResult:
    """Put the backup in place of a database file that cannot be opened. An older backup is brought
    up to date when the shop is next opened (the ordinary migration, with its own safety copy)."""
    backup = Path(backup).expanduser().resolve()
    path = data_dir.db_path
    progress(0, 0, "Checking the backup")
    check_backup_file(backup)
    staging = path.with_name(path.name + ".restoring")
    copy_database(backup, staging, progress=progress, text="Copying the backup")
    now = (clock or SystemClock()).now().astimezone(timezone.utc)
    data_dir.backups_dir.mkdir(parents=True, exist_ok=True)
    kept = data_dir.backups_dir / f"wadesk-damaged-{now:%Y%m%d-%H%M%S}.sqlite3"
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{path}{suffix}")
            if src.exists():
                dst = Path(f"{kept}{suffix}")
                shutil.move(str(src), str(dst))
                moved.append((dst, src))
        os.replace(staging, path)
    except OSError as exc:
        for dst, src in reversed(moved):  # put the damaged file back: nothing lost, nothing half-done
            shutil.move(str(dst), str(src))
        staging.unlink(missing_ok=True)
        raise RestoreError(f"The backup could not be put in place ({exc.strerror or exc}); nothing was changed.") \
            from None
    facts = inspect_database(path, integrity=False)
    log.warning("The database could not be opened; restored %s, damaged file kept as %s", backup, kept)
    return RescueResult(backup, kept, facts.counts)
