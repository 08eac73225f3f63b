"""`wadesk report campaign ID | list | customers ID STAGE`: the Reports page's numbers for scripts.

    report campaign ID --json [--out FILE.xlsx|FILE.pdf] [--window DAYS]
        -> {"campaign_id", "audience", "holdout", "sent", "accepted", "delivered", "read", "replied",
            "failed", "conversions", "holdout_conversions", "revenue", "cost", "uplift_abs",
            "uplift_ci": [lo, hi], ...extras (see docs/REPORTS.md)} (+ "out" when a file was written)
    report list --json               -> {"campaigns": [the same per campaign, newest first]}
    report customers ID STAGE --json [--segment NAME]
        -> {"campaign_id", "stage", "label", "customers": N, "ids": [...]} (+ "segment" when saved)
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import wadesk.core.reports.attribution  # noqa: F401  (registers attribution_window_days)
from wadesk.cli import CliError, command
from wadesk.core.db import Database
from wadesk.core.paths import DataDir

OUT_SUFFIXES = (".xlsx", ".pdf")


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["campaign", "list", "customers"])
    p.add_argument("id", nargs="?", type=int, help="campaign id")
    p.add_argument("stage", nargs="?", help="customers: which number (read_not_converted, failed:131026 ...)")
    p.add_argument("--out", metavar="FILE", help="campaign: also write the report to FILE.xlsx or FILE.pdf")
    p.add_argument("--window", type=int, metavar="DAYS", help="attribution window for this report (default: setting)")
    p.add_argument("--segment", metavar="NAME", help="customers: save the list as a segment called NAME")


@command("report", "campaign reports: funnel, revenue, cost, uplift; export to Excel or PDF", _configure)
def report(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict[str, Any]:
    from wadesk.core.reports.attribution import MAX_WINDOW_DAYS
    from wadesk.core.reports.campaign_report import ReportError, build_report
    from wadesk.core.reports.overview import all_reports

    if args.window is not None and not 1 <= args.window <= MAX_WINDOW_DAYS:
        raise CliError(f"The attribution window must be from 1 to {MAX_WINDOW_DAYS} days.")
    try:
        if args.action == "list":
            with db.session() as s:
                return {"campaigns": [r.as_json() for r in all_reports(s)]}
        if args.id is None:
            raise CliError(f"Say which campaign: wadesk report {args.action} ID (see wadesk report list).")
        if args.action == "customers":
            return _customers(args, db)
        out = _out_path(args.out) if args.out else None
        with db.session() as s:
            rep = build_report(s, args.id, window=args.window)
            result = rep.as_json()
            if out is not None:
                _export(s, rep, out)
                result["out"] = str(out)
        return result
    except ReportError as exc:
        raise CliError(str(exc)) from None


def _out_path(name: str) -> Path:
    out = Path(name).expanduser()
    if out.suffix.lower() not in OUT_SUFFIXES:
        raise CliError("Write the report to a .xlsx or .pdf file.")
    if not out.parent.is_dir():
        raise CliError(f"The folder {out.parent} does not exist.")
    return out


def _export(session: Any, rep: Any, out: Path) -> None:
    if out.suffix.lower() == ".xlsx":
        from wadesk.core.reports.export_xlsx import write_xlsx

        write_xlsx(session, rep, out)
        return
    from wadesk.ui.reports.pdf import write_pdf_headless  # Qt draws the PDF (same charts as the screen)

    write_pdf_headless(rep, out)


def _customers(args: argparse.Namespace, db: Database) -> dict[str, Any]:
    from wadesk.core.reports.campaign_report import stage_customers, stage_label
    from wadesk.core.reports.overview import make_segment

    if not args.stage:
        raise CliError("Say which number: wadesk report customers ID STAGE (e.g. read_not_converted).")
    with db.session() as s:
        ids = stage_customers(s, args.id, args.stage, window=args.window)
        result: dict[str, Any] = {"campaign_id": args.id, "stage": args.stage, "label": stage_label(args.stage),
                                  "customers": len(ids), "ids": ids}
        if args.segment:
            result["segment"] = make_segment(s, ids, args.segment).as_dict()
    return result
