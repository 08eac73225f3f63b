"""`wadesk segment list | count | presets | export` and `wadesk profile refresh`.

JSON (a contract; tests and shop scripts rely on it):
  segment list --json     -> [{"id", "name", "rules"}]
  segment count --json    -> {"matched", "reachable", "opted_in", "not_suppressed", "eligible", "ms"}
  segment presets --json  -> [{"name", "group", "description", "rules"}]
  segment export --out F  -> {"exported": N, "out": "...", "stage": "..."}
  profile refresh --json  -> {"kind", "customers", "ms"}
count/export take exactly one of --preset NAME, --rules FILE.json, --segment NAME_OR_ID. Metrics
are refreshed first when they have never been computed or do not cover every customer.
"""
from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy import func, select

from wadesk.cli import CliError, command
from wadesk.core.db import Database
from wadesk.core.db.models import Customer
from wadesk.core.paths import DataDir

# The engine (numpy/pandas) is imported inside the handlers, so other subcommands start fast.
STAGES = ("matched", "reachable", "opted_in", "not_suppressed", "eligible")


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["list", "count", "presets", "export"])
    p.add_argument("--preset", metavar="NAME", help="a preset by name (see `segment presets`)")
    p.add_argument("--rules", metavar="FILE", help="a rule tree in a JSON file")
    p.add_argument("--segment", metavar="NAME_OR_ID", help="a saved segment")
    p.add_argument("--out", metavar="FILE", help="export to this .csv or .xlsx file")
    p.add_argument("--stage", choices=STAGES, default="matched", help="export members at this stage")


def _rules(args: argparse.Namespace, db: Database) -> dict[str, Any]:
    from wadesk.core.segments import SegmentNotFound, find_preset, find_segment
    given = [x for x in (args.preset, args.rules, args.segment) if x]
    if len(given) != 1:
        raise CliError("Give exactly one of --preset NAME, --rules FILE.json or --segment NAME_OR_ID.")
    if args.preset:
        try:
            return find_preset(args.preset).rules
        except KeyError as exc:
            raise CliError(exc.args[0]) from None
    if args.rules:
        try:
            with open(args.rules, encoding="utf-8") as fh:
                return json.load(fh)
        except OSError as exc:
            raise CliError(f"Could not read {args.rules}: {exc.strerror or exc}") from None
        except json.JSONDecodeError as exc:
            raise CliError(f"{args.rules} is not valid JSON: {exc}") from None
    with db.session() as s:
        try:
            return find_segment(s, args.segment).rules
        except SegmentNotFound as exc:
            raise CliError(str(exc)) from None


def ensure_metrics(db: Database) -> None:
    from wadesk.core.db.profile_models import CustomerMetrics
    from wadesk.core.profile import refresh_profiles

    with db.session() as s:
        customers = s.scalar(select(func.count()).select_from(Customer)) or 0
        metrics = s.scalar(select(func.count()).select_from(CustomerMetrics)) or 0
    if customers != metrics:
        refresh_profiles(db)


@command("segment", "list saved segments, count or export a segment, list presets", _configure)
def segment(args: argparse.Namespace, db: Database, data_dir: DataDir) -> Any:
    from wadesk.core.segments import PRESETS, RuleError, SegmentEngine, export_segment, list_segments, validate

    if args.action == "presets":
        found = [{"name": p.name, "group": p.group, "description": p.description, "rules": p.rules} for p in PRESETS]
        return found if args.json else {p["name"]: p["description"] for p in found}
    if args.action == "list":
        with db.session() as s:
            found = [seg.as_dict() for seg in list_segments(s)]
        return found if args.json else {f"{x['id']}": x["name"] for x in found} or {"segments": 0}
    rules = _rules(args, db)
    try:
        validate(rules)  # before any refresh: bad rules change nothing
    except RuleError as exc:
        raise CliError(f"The rules are not valid: {exc}") from None
    ensure_metrics(db)
    engine = SegmentEngine(db)
    try:
        if args.action == "count":
            return engine.count(rules).as_dict()
        if not args.out:
            raise CliError("Give --out FILE.csv or FILE.xlsx.")
        n = export_segment(engine, rules, args.out, args.stage)
    except RuleError as exc:
        raise CliError(f"The rules are not valid: {exc}") from None
    return {"exported": n, "out": args.out, "stage": args.stage}


def _configure_profile(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["refresh"])


@command("profile", "recompute every customer's metrics, RFM scores and funnel stage", _configure_profile)
def profile(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict[str, Any]:
    from wadesk.core.profile import refresh_profiles

    r = refresh_profiles(db)
    return {"kind": r.kind, "customers": r.customers, "ms": r.ms}
