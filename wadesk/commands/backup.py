"""`wadesk backup create|list|restore`: the same backups as Settings → Backups, for scripts.

    wadesk backup create [--to DIR] --json   → the backup's facts (+ "pruned": old files removed)
    wadesk backup list [--folder DIR] --json → {"folder", "backups": [...], "count"}
    wadesk backup restore FILE [--yes] --json → {"restored_from", "safety_backup", "migrated_from", counts}
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from wadesk.cli import CliError, command
from wadesk.core.backup import BackupError, create_backup, list_backups, load_backup_config, restore_backup
from wadesk.core.db import Database
from wadesk.core.paths import DataDir


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["create", "list", "restore"],
                   help="create: back up now; list: show backups; restore FILE: go back to a backup")
    p.add_argument("file", nargs="?", default=None, help="restore: the backup file (a path, or a name from list)")
    p.add_argument("--to", default=None, metavar="DIR", help="create: write this one backup to DIR")
    p.add_argument("--folder", default=None, metavar="DIR", help="list: another folder than the backup folder")
    p.add_argument("--yes", action="store_true", help="restore without asking")


def _backup_folder(db: Database, data_dir: DataDir) -> Path:
    with db.session() as s:
        return load_backup_config(s, data_dir).folder


def _find(name: str, folder: Path) -> Path:
    path = Path(name).expanduser()
    if not path.exists() and not path.is_absolute() and (folder / name).exists():
        return folder / name  # a name as `backup list` shows it
    return path


def _confirmed(args: argparse.Namespace, path: Path) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise CliError(f"Restoring replaces this shop's data with {path.name}; add --yes to confirm.")
    answer = input(f"Replace this shop's data with {path.name}? (a backup of the current data is made first) [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def _without_db(args: argparse.Namespace, data_dir: DataDir, problem: str) -> dict[str, Any] | None:
    """The shop's database file is damaged: list the backups found without it, or put one in its
    place (the damaged file is kept in the backups folder)."""
    from wadesk.core.backup import RestoreError, rescue_backups, rescue_restore

    if args.action == "list":
        items = [b.as_json() for b in rescue_backups(data_dir)]
        return {"folder": str(data_dir.backups_dir), "backups": items, "count": len(items), "database_problem": problem}
    if args.action != "restore":
        return None
    if not args.file:
        raise CliError("Say which backup to restore: wadesk backup restore FILE (see wadesk backup list).")
    found = {b.path.name: b.path for b in rescue_backups(data_dir)}
    path = found.get(args.file) or Path(args.file).expanduser()
    if not _confirmed(args, path):
        raise CliError("Nothing was restored.")
    try:
        return rescue_restore(data_dir, path).as_json()
    except RestoreError as exc:
        raise CliError(str(exc)) from None


@command("backup", "back up the shop database, list backups, or restore one", _configure, without_db=_without_db)
def backup(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict[str, Any]:
    try:
        if args.action == "create":
            return create_backup(db, data_dir, to=Path(args.to) if args.to else None, kind="manual").as_json()
        folder = _backup_folder(db, data_dir)
        if args.action == "list":
            folder = Path(args.folder).expanduser() if args.folder else folder
            items = [b.as_json() for b in list_backups(folder)]
            return {"folder": str(folder), "backups": items, "count": len(items)}
        if not args.file:
            raise CliError("Say which backup to restore: wadesk backup restore FILE (see wadesk backup list).")
        path = _find(args.file, folder)
        if not _confirmed(args, path):
            raise CliError("Nothing was restored.")
        return restore_backup(db, data_dir, path).as_json()
    except BackupError as exc:
        raise CliError(str(exc)) from None
