"""`wadesk database status | test | move | use-local | export` (team mode, issue 11).

  database status --json  -> {"kind": "sqlite"|"postgresql", "url" (no password), "customers"}
  database test --host H --database D --user U [--port 5432] [--sslmode prefer] [--password-stdin]
  database move ...same...      copy this computer's data to the EMPTY team database and switch to it
  database use-local            switch this data folder back to its own SQLite file
  database export --out FILE    the current database into a new SQLite file
The password is read from standard input (never an argument) and kept in the OS keychain.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from wadesk.cli import CliError, command
from wadesk.core.db import Database, DatabaseError
from wadesk.core.paths import DataDir


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["status", "test", "move", "use-local", "export"])
    p.add_argument("--host")
    p.add_argument("--port", type=int, default=5432)
    p.add_argument("--database", dest="dbname", metavar="NAME")
    p.add_argument("--user")
    p.add_argument("--sslmode", default="prefer")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--out", metavar="FILE.db", help="export: the new SQLite file")


def _team(args: argparse.Namespace) -> Any:
    from wadesk.core.db.team import TeamDatabase

    if not (args.host and args.dbname and args.user):
        raise CliError("Give --host, --database and --user (and --password-stdin if the server needs one).")
    team = TeamDatabase(args.host, args.dbname, args.user, args.port, args.sslmode)
    try:
        team.check()
    except DatabaseError as exc:
        raise CliError(str(exc)) from None
    return team


def _password(args: argparse.Namespace) -> str | None:
    return sys.stdin.readline().rstrip("\r\n") or None if args.password_stdin else None


@command("database", "see, test and move the shop's database (team mode on PostgreSQL)", _configure)
def database(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict[str, Any]:
    from wadesk.core.db import team as T

    if args.action == "status":
        return {"kind": db.engine.dialect.name, "url": db.url if db.engine.dialect.name != "sqlite" else str(db.path),
                "customers": db.customer_count(), "team_config": T.load_config(data_dir) is not None}
    if args.action == "use-local":
        T.save_config(data_dir, None)
        return {"kind": "sqlite", "file": str(data_dir.db_path)}
    if args.action == "export":
        if not args.out:
            raise CliError("Give --out FILE.db for the new file.")
        counts = T.export_to_file(db, Path(args.out).expanduser())
        return {"out": args.out, "rows": sum(counts.values()), "tables": counts}
    team, password = _team(args), _password(args)
    if args.action == "test":
        return T.check_team_connection(team, password)
    if db.engine.dialect.name != "sqlite":
        raise CliError("This data folder already uses a team database.")
    db.dispose()  # the copy reads the file itself
    counts = T.move_to_team(data_dir, team, password)
    return {"moved": True, "rows": sum(counts.values()), "tables": counts, "url": team.url().render_as_string()}
