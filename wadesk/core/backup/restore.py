"""Restoring a backup: check the file, bring an older one up to date, back up the current state,
then overwrite the live database in one SQLite transaction.

Nothing touches the current database until the chosen file has passed every check and a backup
of the current state exists; a damaged, foreign or newer file is refused with the shop as it was.
"""
from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path
from typing import Any

from wadesk.core.backup.sqlite_copy import DatabaseFacts, copy_database, inspect_database
from wadesk.core.backup.store import TEAM_DATABASE, BackupError, BackupInfo, _sha256, create_backup, note_path
from wadesk.core.clock import Clock, SystemClock
from wadesk.core.db.engine import Database, head_revision, open_database
from wadesk.core.jobs import CancelledFn, ProgressFn, check_cancelled, never_cancelled, no_progress
from wadesk.core.paths import DataDir

log = logging.getLogger(__name__)


class RestoreError(BackupError):
    """The chosen file cannot be restored; the current database is unchanged."""


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    safety_backup: BackupInfo  # the state just before the restore
    migrated_from: str | None  # the file's schema revision when it was older than this WaDesk
    counts: dict[str, int | None]

    def as_json(self) -> dict[str, Any]:
        return {"restored_from": str(self.restored_from), "safety_backup": str(self.safety_backup.path),
                "migrated_from": self.migrated_from, **self.counts}


def check_backup_file(path: Path) -> DatabaseFacts:
    """Refuse (RestoreError, plain words) anything that is not a sound WaDesk database this version
    can open; compares the file with its note's checksum when it has one."""
    path = Path(path)
    if not path.is_file():
        raise RestoreError(f"There is no file {path}.")
    note = note_path(path)
    if note.exists():
        try:
            expected = json.loads(note.read_text(encoding="utf-8")).get("sha256")
        except (OSError, ValueError, AttributeError):
            expected = None
        if expected and expected != _sha256(path):
            raise RestoreError(f"{path.name} changed after it was made (its checksum does not match), "
                               "so it may be damaged. Choose another backup.")
    facts = inspect_database(path)
    if not facts.ok:
        raise RestoreError(facts.problem + " Nothing was changed.")
    return facts


def _safety_backup(db: Database, data_dir: DataDir, clock: Clock | None, progress: ProgressFn,
                   cancelled: CancelledFn) -> BackupInfo:
    """A backup of the current state. When the backup folder fails (full, unplugged) it goes to the
    data folder; when the current database itself is damaged (often why one restores), its file is
    kept as it is, unchecked, and the restore goes on."""
    try:
        return create_backup(db, data_dir, kind="before-restore", clock=clock, progress=progress,
                             cancelled=cancelled, prune=False).backup
    except BackupError as first:
        if inspect_database(db.path).ok:
            try:
                return create_backup(db, data_dir, to=data_dir.backups_dir, kind="before-restore", clock=clock,
                                     progress=progress, cancelled=cancelled, prune=False).backup
            except BackupError:
                raise first from None
    db.dispose()
    now = (clock or SystemClock()).now().astimezone(timezone.utc).replace(microsecond=0)
    data_dir.backups_dir.mkdir(parents=True, exist_ok=True)
    kept = data_dir.backups_dir / f"wadesk-damaged-{now:%Y%m%d-%H%M%S}.sqlite3"
    for suffix in ("", "-wal"):  # the write-ahead log may hold the newest pages
        if Path(f"{db.path}{suffix}").exists():
            shutil.copy2(f"{db.path}{suffix}", f"{kept}{suffix}")
    log.warning("The current database failed its check; kept as it is in %s before restoring", kept)
    return BackupInfo(path=kept, created_at=now, kind="damaged", size=kept.stat().st_size)


def restore_backup(db: Database, data_dir: DataDir, path: Path, *, clock: Clock | None = None,
                   progress: ProgressFn = no_progress, cancelled: CancelledFn = never_cancelled) -> RestoreResult:
    """Replace the shop's data with the backup at `path`. Other connections to `db` keep working and
    see the restored data; pages holding copies must reload."""
    if db.path is None:
        raise RestoreError(TEAM_DATABASE)
    path = Path(path).expanduser().resolve()
    if path == db.path.resolve():
        raise RestoreError("That file is the shop's current database; choose a backup.")
    progress(0, 0, "Checking the backup")
    facts = check_backup_file(path)
    original_revision = facts.revision
    staging = data_dir.root / (db.path.name + ".restoring")
    source = path  # a checked file of this version is copied straight in
    try:
        if facts.needs_migration:  # an older one is updated on a copy, never in place
            copy_database(path, staging, progress=progress, cancelled=cancelled, text="Reading the backup")
            progress(0, 0, f"Updating the backup from version {facts.revision} to {head_revision()}")
            open_database(url=f"sqlite:///{staging}").dispose()
            facts = inspect_database(staging)
            if not facts.ok:
                raise RestoreError(f"The backup could not be brought up to date: {facts.problem}")
            source = staging
        check_cancelled(cancelled)
        progress(0, 0, "Backing up the current data first")
        safety = _safety_backup(db, data_dir, clock, progress, cancelled)
        check_cancelled(cancelled)
        progress(0, 0, "Restoring")
        db.dispose()  # idle pooled connections go; the restore is one write transaction
        copy_database(source, db.path, progress=progress, text="Restoring", into_existing=True)
    finally:
        for leftover in (staging, *(staging.with_name(staging.name + s) for s in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    after = inspect_database(db.path, integrity=False)
    log.info("Restored %s (safety backup %s): %s", path, safety.path, after.counts)
    migrated = original_revision if original_revision != head_revision() else None
    return RestoreResult(path, safety, migrated, after.counts)
