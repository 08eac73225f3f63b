"""Backup settings: where backups go and how many are kept (registered with the shop settings)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from wadesk.core.paths import DataDir
from wadesk.core.settings import SettingDef, SettingError, get_setting, register_settings, set_setting


def _folder(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        return ""  # the data folder's backups/
    path = Path(text).expanduser()
    if not path.is_absolute():
        raise SettingError(f"'{text}' is not a full folder path (it should start with / or a drive letter like D:\\).")
    if not path.is_dir() and not path.parent.is_dir():
        raise SettingError(f"The folder '{text}' does not exist (plug in the drive, or create the folder first).")
    if path.exists() and not path.is_dir():
        raise SettingError(f"'{text}' is a file, not a folder.")
    return str(path)


def _count(most: int):
    def parse(value: Any) -> int:
        try:
            n = int(str(value).strip())
        except (TypeError, ValueError):
            raise SettingError(f"'{value}' is not a whole number.") from None
        if not 0 <= n <= most:
            raise SettingError(f"Give a number from 0 to {most}; '{value}' is not.")
        return n

    return parse


def _text(value: Any) -> str:
    return str(value or "").strip()


BACKUP_SETTINGS = [
    SettingDef("backup_folder", "", "Backup folder (empty: the data folder's backups)", _folder),
    SettingDef("backup_keep_daily", 7, "Daily backups kept", _count(366)),
    SettingDef("backup_keep_weekly", 4, "Weekly backups kept", _count(520)),
    SettingDef("backup_keep_monthly", 12, "Monthly backups kept", _count(600)),
    # Random id written into each backup's note, so a shared folder (a synced drive holding several
    # shops' backups) is pruned only of this shop's files.
    SettingDef("backup_profile_id", "", "Backup id of this shop profile", _text),
]
register_settings(BACKUP_SETTINGS)


@dataclass(frozen=True)
class Retention:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


@dataclass(frozen=True)
class BackupConfig:
    folder: Path  # where automatic backups and "Back up now" write
    custom_folder: bool  # the owner chose it (else the data folder's backups/)
    retention: Retention
    profile_id: str
    shop_name: str


def load_backup_config(session: Session, data_dir: DataDir) -> BackupConfig:
    """The backup settings; creates this profile's backup id on first use (flush, caller commits)."""
    chosen = str(get_setting(session, "backup_folder") or "")
    profile = str(get_setting(session, "backup_profile_id") or "")
    if not profile:
        profile = uuid.uuid4().hex
        set_setting(session, "backup_profile_id", profile)
        session.flush()
    return BackupConfig(
        folder=Path(chosen) if chosen else data_dir.backups_dir,
        custom_folder=bool(chosen),
        retention=Retention(int(get_setting(session, "backup_keep_daily")),
                            int(get_setting(session, "backup_keep_weekly")),
                            int(get_setting(session, "backup_keep_monthly"))),
        profile_id=profile,
        shop_name=str(get_setting(session, "shop_name") or ""),
    )
