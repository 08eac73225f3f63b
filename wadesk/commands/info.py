"""`wadesk info`: where the shop profile is and how big it is."""
from __future__ import annotations

import argparse

from wadesk.cli import command
from wadesk.core.db import Database
from wadesk.core.paths import DataDir


@command("info", "show the data folder, database and customer count")
def info(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict:
    return {
        "data_dir": str(data_dir.root),
        "database": db.display_name,
        "customers": db.customer_count(),
    }
