"""`wadesk codes import FILE --pool P` and `wadesk codes list`: unique discount code pools."""
from __future__ import annotations

import argparse
from typing import Any

from wadesk.cli import CliError, command
from wadesk.core.clock import SystemClock
from wadesk.core.db import Database
from wadesk.core.messaging.discount_codes import import_codes, pools, read_codes_file
from wadesk.core.paths import DataDir


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["import", "list"])
    p.add_argument("file", nargs="?", help="a .txt or .csv of codes (first column)")
    p.add_argument("--pool", help="pool name, e.g. DIWALI15")


@command("codes", "import unique discount codes into a pool, or list pools", _configure)
def codes(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict[str, Any]:
    if args.action == "import":
        if not args.file or not args.pool:
            raise CliError("Give the codes file and --pool NAME.")
        try:
            found = read_codes_file(args.file)
        except OSError as exc:
            raise CliError(f"Could not read {args.file}: {exc.strerror or exc}") from None
        with db.session() as s:
            r = import_codes(s, args.pool, found, SystemClock().now())
        return {"pool": r.pool, "added": r.added, "duplicates": r.duplicates, "invalid": len(r.invalid),
                "invalid_examples": r.invalid[:5]}
    with db.session() as s:
        return {"pools": [{"pool": p.pool, "total": p.total, "available": p.available, "assigned": p.assigned}
                          for p in pools(s)]}
