"""`wadesk demo`: build (or with --remove, delete) the sample shop in an empty shop profile.

JSON: {"customers": N, "orders": N, "order_items": N, "events": N, "data_dir": "..."}; with
--remove the same counts (rows removed) plus "removed": true. Progress goes to stderr, and only
without --json, so stdout stays machine-readable.
"""
from __future__ import annotations

import argparse
import sys
from typing import Callable

from wadesk.cli import CliError, command
from wadesk.core.db import Database
from wadesk.core.demo import build_sample_shop, remove_sample_shop
from wadesk.core.paths import DataDir


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--customers", type=int, default=2000, metavar="N", help="how many customers (default 2000)")
    p.add_argument("--seed", type=int, default=42, metavar="S", help="random seed; the same seed gives the same shop")
    p.add_argument("--remove", action="store_true", help="delete the sample shop instead of building it")


def _stderr_progress() -> Callable[[int, int], None]:
    last = [-1]

    def report(done: int, total: int) -> None:
        pct = done * 100 // max(total, 1)
        if pct // 10 != last[0] // 10 or done == total:  # about ten lines for a big shop
            last[0] = pct
            print(f"Building the sample shop: {done:,} of {total:,} customers ({pct}%)", file=sys.stderr, flush=True)

    return report


@command("demo", "build a realistic sample shop (or remove it with --remove)", _configure)
def demo(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict:
    try:
        if args.remove:
            result = remove_sample_shop(db)
            return {"removed": True, **result.as_dict(), "data_dir": str(data_dir.root)}
        result = build_sample_shop(
            db, customers=args.customers, seed=args.seed, progress=None if args.json else _stderr_progress()
        )
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    return {**result.as_dict(), "data_dir": str(data_dir.root)}
