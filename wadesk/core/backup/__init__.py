"""Backups of the shop database: make (online, verified), list, prune by retention, restore.

See docs/BACKUPS.md. No Qt here: the Settings → Backups tab, the automatic backups and
`wadesk backup` all call these functions.
"""
from wadesk.core.backup.config import BACKUP_SETTINGS, BackupConfig, Retention, load_backup_config
from wadesk.core.backup.rescue import RescueResult, damaged_database, rescue_backups, rescue_restore
from wadesk.core.backup.restore import RestoreError, RestoreResult, check_backup_file, restore_backup
from wadesk.core.backup.retention import choose_to_delete, choose_to_keep
from wadesk.core.backup.sqlite_copy import DatabaseFacts, copy_database, inspect_database
from wadesk.core.backup.status import BackupHealth, backup_due, backup_health, read_status
from wadesk.core.backup.store import (TEAM_DATABASE, BackupError, BackupInfo, BackupResult, create_backup, list_backups,
                                      prune_backups, read_backup)
from wadesk.core.backup.watch import ChangeWatch

__all__ = [
    "BACKUP_SETTINGS", "BackupConfig", "BackupError", "BackupHealth", "BackupInfo", "BackupResult",
    "ChangeWatch", "DatabaseFacts", "RescueResult", "RestoreError", "RestoreResult", "Retention", "backup_due", "backup_health",
    "check_backup_file", "choose_to_delete", "choose_to_keep",
    "copy_database", "create_backup", "inspect_database", "list_backups", "load_backup_config",
    "damaged_database", "prune_backups", "read_backup", "read_status", "rescue_backups", "rescue_restore",
    "restore_backup", "TEAM_DATABASE",
]
