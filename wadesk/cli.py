"""The headless face of WaDesk: the same core as the app, JSON out, one-line errors.

Every subcommand takes --data-dir DIR and --json, exits 0 on success and non-zero with a one-line
reason on failure. The JSON fields are a contract that tests and shop scripts rely on.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any, Callable

from wadesk import __version__
from wadesk.core.db import Database, DatabaseError
from wadesk.core.db.team import open_shop_database
from wadesk.core.logging_setup import setup_logging
from wadesk.core.paths import DataDir

log = logging.getLogger("wadesk.cli")


class CliError(Exception):
    """A failure to report in one line (exit code 2)."""


Handler = Callable[[argparse.Namespace, Database, DataDir], dict[str, Any]]
# What a command can still do when the shop's database file cannot be opened (None: nothing).
Rescue = Callable[[argparse.Namespace, DataDir, str], "dict[str, Any] | None"]
_COMMANDS: dict[str, tuple[Handler, Callable[[argparse.ArgumentParser], None], str]] = {}
_RESCUES: dict[str, Rescue] = {}
# How a command shows its result without --json, when "key: value" lines would not read well (tables).
_TEXTS: dict[str, Callable[[dict[str, Any]], str]] = {}


def command(name: str, help: str, configure: Callable[[argparse.ArgumentParser], None] | None = None, *,
            without_db: Rescue | None = None, text: Callable[[dict[str, Any]], str] | None = None):
    """Register a subcommand: the handler gets (args, db, data_dir) and returns a JSON-able dict.

    `configure` adds the subcommand's own arguments to its parser; `without_db` runs instead of the
    handler when the shop's database file is damaged (backup restore); `text` turns the result into
    what is printed without --json (the JSON stays the contract)."""

    def deco(handler: Handler) -> Handler:
        _COMMANDS[name] = (handler, configure or (lambda p: None), help)
        if without_db is not None:
            _RESCUES[name] = without_db
        if text is not None:
            _TEXTS[name] = text
        return handler

    return deco


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", default=None, help="shop profile folder (database, logs, backups)")
    p.add_argument("--database-url", default=None,
                   help="a team database (postgresql+psycopg://user@host/db); also WADESK_DATABASE_URL")
    p.add_argument("--json", action="store_true", help="print JSON")


def build_parser() -> argparse.ArgumentParser:
    _load_commands()
    parser = argparse.ArgumentParser(prog="wadesk", description="WaDesk command line")
    parser.add_argument("--version", action="version", version=f"wadesk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_handler, configure, help_text) in sorted(_COMMANDS.items()):
        p = sub.add_parser(name, help=help_text, description=help_text)
        _common(p)
        configure(p)
    return parser


def _load_commands() -> None:
    # Importing the command modules registers their subcommands.
    import wadesk.commands  # noqa: F401


def _print(result: dict[str, Any], as_json: bool, text: Callable[[dict[str, Any]], str] | None = None) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False, default=str))
    elif text is not None:
        print(text(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


def run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = _COMMANDS[args.command][0]
    data_dir = DataDir.resolve(args.data_dir)
    try:
        data_dir.ensure()
        setup_logging(data_dir.logs_dir)
        db = open_shop_database(data_dir, args.database_url)
    except (DatabaseError, OSError) as exc:
        return _without_database(args, data_dir, str(exc))
    try:
        result = handler(args, db, data_dir)
    except (CliError, DatabaseError, ValueError) as exc:
        return _fail(str(exc), args.json)
    except KeyboardInterrupt:
        return _fail("Stopped by the user; nothing was left half-done.", args.json, code=130)
    except Exception as exc:  # an unexpected bug: one line for the user, the trace in the log
        log.exception("Command %s failed", args.command)
        return _fail(f"Unexpected error: {exc} (details in {data_dir.logs_dir})", args.json, code=1)
    finally:
        db.dispose()
    _print(result, args.json, _TEXTS.get(args.command))
    return 0


def _without_database(args: argparse.Namespace, data_dir: DataDir, error: str) -> int:
    """The database did not open. When its file is damaged, say how to get a backup back, and let
    a command that can work without it (backup list / restore) do so."""
    from wadesk.core.backup import damaged_database
    from wadesk.core.db.team import resolve_url

    problem = damaged_database(data_dir) if resolve_url(data_dir, args.database_url) is None else None
    if problem is None:
        return _fail(error, args.json)
    rescue = _RESCUES.get(args.command)
    try:
        result = rescue(args, data_dir, problem) if rescue else None
    except (CliError, ValueError) as exc:
        return _fail(str(exc), args.json)
    if result is None:
        return _fail(f"The shop's database cannot be opened: {problem} See the backups with `wadesk backup list`, "
                     "then put one back with `wadesk backup restore FILE --yes` (the damaged file is kept).",
                     args.json)
    _print(result, args.json)
    return 0


def _fail(reason: str, as_json: bool, code: int = 2) -> int:
    reason = " ".join(str(reason).split())
    if as_json:
        print(json.dumps({"error": reason}, ensure_ascii=False))
    print(f"wadesk: {reason}", file=sys.stderr)
    return code
