"""Making and listing backups: a verified copy of the database plus a small JSON note beside it.

    wadesk-backup-20261128-100000-daily.sqlite3   the database (one self-contained SQLite file)
    wadesk-backup-20261128-100000-daily.json      when, which shop, counts, size, sha256, check result

The copy is written as `.partial`, checked (PRAGMA quick_check, row counts), noted, and only then
given its real name, so a backup that is listed is a backup that passed its check. Secrets are never
in a backup: they live in the OS keychain, never in the database.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from wadesk import __version__
from wadesk.core.backup.config import BackupConfig, load_backup_config
from wadesk.core.backup.retention import choose_to_delete
from wadesk.core.backup.sqlite_copy import copy_database, inspect_database
from wadesk.core.backup.status import record_failure, record_success
from wadesk.core.clock import Clock, SystemClock
from wadesk.core.db.engine import Database
from wadesk.core.jobs import Cancelled, CancelledFn, ProgressFn, never_cancelled, no_progress
from wadesk.core.paths import DataDir

log = logging.getLogger(__name__)
PREFIX = "wadesk-backup-"
SUFFIX = ".sqlite3"
KINDS = ("daily", "on-close", "manual", "before-restore")
_NAME = re.compile(r"^wadesk-backup-(\d{8}-\d{6})-([a-z-]+?)(?:-\d+)?\.sqlite3$")
_BEFORE_UPDATE = re.compile(r"^wadesk-before-(\w+)-(\d{8}-\d{6})\.sqlite3$")  # engine.migrate's copies
_DAMAGED = re.compile(r"^wadesk-damaged-(\d{8}-\d{6})\.sqlite3$")  # a damaged database kept before a restore


TEAM_DATABASE = ("This shop's data is in a team database on a server, so WaDesk does not back it up here: "
                 "back it up on the server (e.g. pg_dump), or save a copy with `wadesk database export FILE`.")


class BackupError(ValueError):
    """A backup could not be made or checked; said in plain words (a ValueError, like every fault of
    the input or the surroundings the app reports without a trace)."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime  # aware UTC
    kind: str  # daily / on-close / manual / before-restore / before-update
    size: int
    customers: int | None = None
    orders: int | None = None
    messages: int | None = None
    revision: str | None = None
    profile: str = ""  # the shop profile's backup id ("" when unknown)
    shop_name: str = ""
    verified: bool = False  # passed the integrity check when it was made
    sha256: str = ""

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["path"] = str(self.path)
        out["created_at"] = self.created_at.isoformat().replace("+00:00", "Z")
        return out


def note_path(db_file: Path) -> Path:
    return db_file.with_suffix(".json")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _free_name(folder: Path, stamp: str, kind: str) -> Path:
    path = folder / f"{PREFIX}{stamp}-{kind}{SUFFIX}"
    n = 2
    while path.exists() or note_path(path).exists():
        path = folder / f"{PREFIX}{stamp}-{kind}-{n}{SUFFIX}"
        n += 1
    return path


def _ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".wadesk-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise BackupError(f"WaDesk cannot write to the backup folder {folder}: {exc.strerror or exc}. "
                          "Is the drive plugged in? Choose another folder in Settings → Backups.") from None


def create_backup(db: Database, data_dir: DataDir, *, to: Path | None = None, kind: str = "manual",
                  clock: Clock | None = None, progress: ProgressFn = no_progress,
                  cancelled: CancelledFn = never_cancelled, prune: bool = True) -> "BackupResult":
    """Copy the shop database to the backup folder (or `to`), check the copy, note it, prune old ones.

    Success and failure are remembered in the data folder for the Home page's warning."""
    if kind not in KINDS:
        raise ValueError(f"unknown backup kind {kind!r}")
    if db.path is None:
        raise BackupError(TEAM_DATABASE)
    now = (clock or SystemClock()).now().astimezone(timezone.utc).replace(microsecond=0)
    with db.session() as s:
        cfg = load_backup_config(s, data_dir)
    folder = Path(to).expanduser().resolve() if to else cfg.folder
    try:
        info = _write_checked_copy(db.path, folder, cfg, kind, now, progress, cancelled)
    except Cancelled:
        raise
    except Exception as exc:
        reason = str(exc) if isinstance(exc, BackupError) else f"{type(exc).__name__}: {exc}"
        record_failure(data_dir, when=now, folder=folder, reason=reason)
        log.warning("Backup to %s failed: %s", folder, reason)
        if isinstance(exc, BackupError):
            raise
        raise BackupError(f"The backup failed: {reason}") from exc
    record_success(data_dir, info)
    log.info("Backup %s made (%s customers, %s bytes)", info.path, info.customers, info.size)
    deleted: list[Path] = []
    if prune and folder == cfg.folder:
        deleted = prune_backups(folder, cfg)
    return BackupResult(info, deleted)


@dataclass(frozen=True)
class BackupResult:
    backup: BackupInfo
    deleted: list[Path]  # old backups removed by the retention rule

    def as_json(self) -> dict[str, Any]:
        return {**self.backup.as_json(), "pruned": [str(p) for p in self.deleted]}


def _write_checked_copy(db_file: Path, folder: Path, cfg: BackupConfig, kind: str, now: datetime,
                        progress: ProgressFn, cancelled: CancelledFn) -> BackupInfo:
    _ensure_folder(folder)
    final = _free_name(folder, now.strftime("%Y%m%d-%H%M%S"), kind)
    partial = final.with_name(final.name + ".partial")
    try:
        copy_database(db_file, partial, progress=progress, cancelled=cancelled, text="Copying the database")
        progress(0, 0, "Checking the backup")
        facts = inspect_database(partial)
        if not facts.ok:
            raise BackupError(f"The new backup did not pass its check, so it was deleted: {facts.problem}")
        info = BackupInfo(path=final, created_at=now, kind=kind, size=partial.stat().st_size,
                          customers=facts.counts.get("customers"), orders=facts.counts.get("orders"),
                          messages=facts.counts.get("messages"), revision=facts.revision,
                          profile=cfg.profile_id, shop_name=cfg.shop_name, verified=True,
                          sha256=_sha256(partial))
        note = {k: v for k, v in info.as_json().items() if k != "path"}
        note.update(file=final.name, app_version=__version__, integrity="ok", check="quick_check")
        note_path(final).write_text(json.dumps(note, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, final)
        return info
    except BaseException:
        for leftover in (partial, note_path(final)):
            if leftover.exists() and not final.exists():
                leftover.unlink(missing_ok=True)
        raise


# -- listing ---------------------------------------------------------------------------------------
def _from_note(path: Path, note: dict[str, Any]) -> BackupInfo:
    created = datetime.fromisoformat(str(note["created_at"]).replace("Z", "+00:00"))
    return BackupInfo(path=path, created_at=created, kind=str(note.get("kind", "manual")),
                      size=path.stat().st_size, customers=note.get("customers"), orders=note.get("orders"),
                      messages=note.get("messages"), revision=note.get("revision"),
                      profile=str(note.get("profile", "")), shop_name=str(note.get("shop_name", "")),
                      verified=note.get("integrity") == "ok", sha256=str(note.get("sha256", "")))


def read_backup(path: Path, *, count: bool = True) -> BackupInfo | None:
    """One backup file's facts: from its note, else (a copy made before an update) by reading it."""
    path = Path(path)
    note = note_path(path)
    if note.exists():
        try:
            return _from_note(path, json.loads(note.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged note: fall back to what the file itself says
    try:
        stat = path.stat()
    except OSError:
        return None
    kind, created = "copy", datetime.fromtimestamp(stat.st_mtime, timezone.utc)
    m = _NAME.match(path.name) or _BEFORE_UPDATE.match(path.name)
    if _DAMAGED.match(path.name):
        kind = "damaged"
    elif m is not None:
        stamp = m.group(1) if m.re is _NAME else m.group(2)
        kind = m.group(2) if m.re is _NAME else "before-update"
        if m.re is _NAME:  # our names are UTC; engine.migrate's are local time
            created = datetime.strptime(stamp, "%Y%m%d-%H%M%S").replace(tzinfo=timezone.utc)
    facts = inspect_database(path, integrity=False) if count else None
    counts = facts.counts if facts and facts.ok else {}
    return BackupInfo(path=path, created_at=created, kind=kind, size=stat.st_size,
                      customers=counts.get("customers"), orders=counts.get("orders"),
                      messages=counts.get("messages"), revision=facts.revision if facts else None)


def list_backups(folder: Path) -> list[BackupInfo]:
    """Every WaDesk backup in `folder`, newest first (a missing folder has none)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = [read_backup(p) for p in folder.glob(f"wadesk-*{SUFFIX}") if p.is_file()]
    return sorted((b for b in found if b is not None), key=lambda b: b.created_at, reverse=True)


def prune_backups(folder: Path, cfg: BackupConfig) -> list[Path]:
    """Delete this shop's backups the retention rule no longer keeps (other shops' files and copies
    made before an update or a restore are left alone)."""
    ours = [b for b in list_backups(folder)
            if b.profile == cfg.profile_id and b.verified and b.kind != "before-restore"]
    deleted = []
    for b in choose_to_delete(ours, cfg.retention):
        try:
            b.path.unlink()
            note_path(b.path).unlink(missing_ok=True)
            deleted.append(b.path)
        except OSError as exc:
            log.warning("Could not delete the old backup %s: %s", b.path, exc)
    if deleted:
        log.info("Retention removed %d old backup(s) from %s", len(deleted), folder)
    return deleted
