"""The last backup's outcome, kept in the data folder (not the database, so a restore or a broken
database cannot hide a failure) for the Home page's warning and the automatic backups' timing."""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wadesk.core.paths import DataDir

if TYPE_CHECKING:
    from wadesk.core.backup.store import BackupInfo

log = logging.getLogger(__name__)
STATUS_FILE = "backup-status.json"
DAILY = timedelta(hours=24)
TOO_OLD = timedelta(days=3)  # daily backups plus a long weekend without the app open


def _path(data_dir: DataDir) -> Path:
    return data_dir.root / STATUS_FILE


def read_status(data_dir: DataDir) -> dict[str, Any]:
    try:
        data = json.loads(_path(data_dir).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write(data_dir: DataDir, data: dict[str, Any]) -> None:
    path = _path(data_dir)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:  # never let the bookkeeping fail a backup
        log.warning("Could not record the backup status in %s: %s", path, exc)


def record_success(data_dir: DataDir, info: "BackupInfo") -> None:
    _write(data_dir, {"last_ok": info.as_json(), "last_failure": None})


def record_failure(data_dir: DataDir, *, when: datetime, folder: Path, reason: str) -> None:
    data = read_status(data_dir)
    data["last_failure"] = {"at": when.isoformat().replace("+00:00", "Z"), "folder": str(folder),
                            "reason": reason}
    _write(data_dir, data)


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass(frozen=True)
class BackupHealth:
    last_ok_at: datetime | None
    failed_at: datetime | None
    failure: str
    warning: str  # plain words for the Home page; "" when all is well

    @property
    def ok(self) -> bool:
        return not self.warning


def _ago(delta: timedelta) -> str:
    days = delta.days
    if days >= 2:
        return f"{days} days ago"
    hours = int(delta.total_seconds() // 3600)
    return f"{hours} hours ago" if hours >= 2 else "just now"


def backup_health(data_dir: DataDir, now: datetime, *, has_data: bool = True) -> BackupHealth:
    """Is there a recent, good backup? An empty shop needs none."""
    status = read_status(data_dir)
    ok = status.get("last_ok") or {}
    failure = status.get("last_failure") or {}
    ok_at, failed_at = _time(ok.get("created_at")), _time(failure.get("at"))
    reason = str(failure.get("reason", ""))
    warning = ""
    if failed_at is not None and (ok_at is None or failed_at >= ok_at):
        warning = f"The last backup failed ({_ago(now - failed_at)}): {reason}"
    elif ok_at is None and has_data:
        warning = "This shop has no backup yet. A dead disk or a stolen laptop would lose your customers."
    elif ok_at is not None and now - ok_at > TOO_OLD:
        warning = f"The last backup was made {_ago(now - ok_at)}."
    return BackupHealth(ok_at, failed_at, reason, warning)


def backup_due(data_dir: DataDir, now: datetime, every: timedelta = DAILY) -> bool:
    """True when the daily automatic backup should run."""
    ok_at = _time((read_status(data_dir).get("last_ok") or {}).get("created_at"))
    return ok_at is None or now - ok_at >= every

