"""`wadesk import FILE`: import a customer list or store export (issue 3's JSON contract)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from wadesk.cli import CliError, command
from wadesk.core.db import Database
from wadesk.core.importing import FORMATS, ImportFileError, ImportOptions, run_import
from wadesk.core.paths import DataDir

CONTRACT = ("format", "rows", "customers_created", "customers_updated", "orders_created", "orders_updated",
            "events_created", "rejected", "rejected_file", "import_id")


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the .xlsx/.xls/.ods/.csv/.tsv/.txt file")
    p.add_argument("--format", default="auto", choices=["auto", *FORMATS], help="file format (default: detect)")
    p.add_argument("--mapping", metavar="FILE.json", help='column mapping {"File header": "field", ...}')
    p.add_argument("--sheet", help="sheet name (workbooks; default: the first sheet with data)")
    p.add_argument("--country", help="default country for phone numbers (e.g. IN; default: the shop setting)")
    p.add_argument("--date-order", choices=["dmy", "mdy"],
                   help="how to read dates like 03/04/2026: dmy = 3 April, mdy = March 4 "
                        "(default: what the file shows, else the shop setting)")
    p.add_argument("--dry-run", action="store_true", help="show what would happen; change nothing")


def _mapping(path: str | None) -> dict[str, str] | None:
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise CliError(f"Could not read the mapping file {path}: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, (str, type(None)))
                                             for k, v in data.items()):
        raise CliError('The mapping file must be a JSON object like {"Mobile No.": "phone"}.')
    return {k: v or "" for k, v in data.items()}


@command("import", "import a customer list or store export (Excel or CSV)", _configure)
def import_file(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict:
    opts = ImportOptions(format=args.format, mapping=_mapping(args.mapping), sheet=args.sheet, country=args.country,
                         date_order=args.date_order)
    try:
        result = run_import(db, args.file, opts, dry_run=args.dry_run, rejected_dir=data_dir.root / "imports")
    except ImportFileError as exc:
        raise CliError(str(exc)) from None
    out = result.to_json()
    return {**{k: out[k] for k in CONTRACT}, **{k: v for k, v in out.items() if k not in CONTRACT}}
