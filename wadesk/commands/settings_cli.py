"""`wadesk settings get [KEY]` and `wadesk settings set KEY VALUE`, for every registered setting.

Works over whatever the areas register with `settings.register_settings`: before answering, every
core module that registers settings is imported (found by reading the package's sources, so a new
area's settings appear without touching this file); each value is checked by its setting's own
`parse`, so the command line accepts exactly what the app accepts.

    wadesk settings get --json               → {key: value, ...}
    wadesk settings get KEY --json           → {"key", "value", "default", "label"}
    wadesk settings set KEY VALUE --json     → {"key", "value", "previous"}
"""
from __future__ import annotations

import argparse
import difflib
import importlib
import json
import logging
from pathlib import Path
from typing import Any

import wadesk.core

from wadesk.cli import CliError, command
from wadesk.core.db import Database
from wadesk.core.paths import DataDir
from wadesk.core.settings import SETTINGS, SettingError, all_settings, get_setting, set_setting


log = logging.getLogger(__name__)


def load_all_settings() -> None:
    """Import every wadesk.core module that calls register_settings (a few ms of reading sources).
    In a frozen build without sources, the settings of the modules already imported remain."""
    root = Path(wadesk.core.__file__).parent
    for path in sorted(root.rglob("*.py")):
        try:
            if "register_settings(" not in path.read_text(encoding="utf-8") or path.name == "settings.py":
                continue
        except OSError:
            continue
        module = ".".join(("wadesk", "core", *path.relative_to(root).with_suffix("").parts))
        try:
            importlib.import_module(module)
        except Exception as exc:  # noqa: BLE001 - one broken area must not hide the other settings
            log.warning("Could not load the settings of %s: %s", module, exc)


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["get", "set"], help="get: show settings; set KEY VALUE: change one")
    p.add_argument("key", nargs="?", default=None, help="the setting's name (see `wadesk settings get`)")
    p.add_argument("value", nargs="?", default=None, help="set: the new value (JSON for lists and tables)")


def _known(key: str | None) -> str:
    if not key:
        raise CliError("Say which setting: wadesk settings set KEY VALUE (see `wadesk settings get`).")
    if key not in SETTINGS:
        close = difflib.get_close_matches(key, SETTINGS, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else " See `wadesk settings get` for the list."
        raise CliError(f"There is no setting called '{key}'.{hint}")
    return key


def parse_value(key: str, raw: str) -> Any:
    """The value as the setting's own parser reads it: the text first, then (for lists, tables,
    numbers written as JSON) the decoded JSON. Errors name the setting in plain words."""
    setting = SETTINGS[key]
    try:
        return setting.parse(raw)
    except (SettingError, ValueError, TypeError) as first:
        error = first
    try:
        decoded = json.loads(raw)
    except ValueError:
        decoded = raw
    if not isinstance(decoded, str):
        try:
            return setting.parse(decoded)
        except (SettingError, ValueError, TypeError):
            pass
    if isinstance(error, SettingError):
        said = str(error)
        where = key if setting.label.lower() in said.lower() else f"{setting.label} ({key})"
        raise CliError(f"{where}: {said}") from None
    raise CliError(f"'{raw}' is not a valid value for {setting.label} ({key}).") from None


@command("settings", "show or change the shop's settings", _configure)
def settings(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict[str, Any]:
    load_all_settings()
    if args.action == "get":
        if args.key is None:
            with db.session() as s:
                return all_settings(s)
        key = _known(args.key)
        with db.session() as s:
            value = get_setting(s, key)
        d = SETTINGS[key]
        return {"key": key, "value": value, "default": d.default, "label": d.label}
    key = _known(args.key)
    if args.value is None:
        raise CliError(f"Give the new value: wadesk settings set {key} VALUE.")
    value = parse_value(key, args.value)  # checked before the database is touched
    with db.session() as s:
        previous = get_setting(s, key)
        stored = set_setting(s, key, value)
    return {"key": key, "value": stored, "previous": previous}
