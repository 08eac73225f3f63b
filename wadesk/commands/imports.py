"""`wadesk imports [list] | undo ID`: the import history and its undo, as the Import page shows them.

    wadesk imports [--limit N] --json  → {"imports": [{"id", "started_at", "finished_at", "file_name", "format",
                                          "status", "rows", "customers_created", "customers_updated",
                                          "orders_created", "orders_updated", "events_created", "rejected",
                                          "can_undo", "why_not", "rolled_back_at", "rollback"}], "count"}  newest first
    wadesk imports undo ID [--yes] --json → {"import_id", "file_name", "undone": true, "customers_removed", ...}
                                            (the counts rollback_import returns)
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select

from wadesk.cli import CliError, command
from wadesk.core.db import Database
from wadesk.core.db.models import ImportRun
from wadesk.core.importing import ImportSummary, import_history, rollback_import
from wadesk.core.paths import DataDir

COUNTS = ("customers_created", "customers_updated", "orders_created", "orders_updated", "events_created", "rejected")
STATUS = {"done": "imported", "rolled_back": "undone", "running": "did not finish"}  # the Import page's words


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", nargs="?", default="list", choices=["list", "undo"],
                   help="list (the default): past imports, newest first; undo ID: take one import back")
    p.add_argument("id", nargs="?", default=None, metavar="ID", help="undo: the import's number (see the list)")
    p.add_argument("--limit", type=int, default=100, metavar="N", help="list: show the newest N imports (default 100)")
    p.add_argument("--yes", action="store_true", help="undo without asking")


def _utc(dt: datetime | None) -> str | None:
    return None if dt is None else dt.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")


def _local(utc: str | None) -> str:
    """'2026-11-29 08:12' in the computer's own time zone, as the Import page shows it."""
    return datetime.fromisoformat(utc.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M") if utc else ""


def _item(it: ImportSummary) -> dict[str, Any]:
    out: dict[str, Any] = {"id": it.id, "started_at": _utc(it.started_at), "finished_at": _utc(it.finished_at),
                           "file_name": it.file_name, "format": it.format, "status": it.status, "rows": it.rows}
    out.update({k: int(it.counts.get(k) or 0) for k in COUNTS})
    out.update(can_undo=it.can_roll_back, why_not=it.why_not or None,
               rolled_back_at=it.counts.get("rolled_back_at"), rollback=it.counts.get("rollback"))
    return out


def _find(db: Database, import_id: int) -> ImportSummary | None:
    """One import as the history sees it (whether a later import blocks its undo)."""
    with db.session() as s:
        newer = s.scalar(select(func.count()).select_from(ImportRun).where(ImportRun.id >= import_id)) or 0
    items = import_history(db, limit=newer) if newer else []
    return items[-1] if items and items[-1].id == import_id else None


def _confirmed(args: argparse.Namespace, it: ImportSummary) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise CliError(f"Undoing import {it.id} ({it.file_name}) removes what it added and puts back what it "
                       "changed; add --yes to confirm.")
    # The question goes to stderr so that stdout stays the command's result (--json).
    print(f"Undo import {it.id} ({it.file_name})? [y/N] ", end="", file=sys.stderr, flush=True)
    try:
        answer = input()
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _undo(args: argparse.Namespace, db: Database) -> dict[str, Any]:
    if not (args.id or "").isdigit():
        raise CliError("Give the import's number: wadesk imports undo ID (see `wadesk imports`).")
    it = _find(db, int(args.id))
    if it is None:
        raise CliError(f"There is no import number {int(args.id)}; see the imports with `wadesk imports`.")
    if not it.can_roll_back:
        raise CliError(it.why_not)
    if not _confirmed(args, it):
        raise CliError("Nothing was undone.")
    counts = rollback_import(db, it.id)  # checks again in its own transaction: ValueError -> one line
    return {"import_id": it.id, "file_name": it.file_name, "undone": True, **counts}


def _text(result: dict[str, Any]) -> str:
    if "imports" not in result:  # undo: what went and what came back
        lines = [f"Undone: import {result['import_id']} ({result['file_name']})."]
        for key, n in result.items():
            if key not in ("import_id", "file_name", "undone"):
                what, _sep, verb = key.rpartition("_")
                lines.append(f"  {what.replace('_', ' ')} {verb}: {n:,}")
        return "\n".join(lines)
    items = result["imports"]
    if not items:
        return "No imports yet; import a file with `wadesk import FILE`."
    head = ("ID", "When", "File", "Format", "Status", "Rows", "New cust.", "Upd. cust.", "Orders new",
            "Orders upd.", "Rejected", "Can undo")
    rows = [(str(i["id"]), _local(i["started_at"]), i["file_name"], i["format"] or "",
             STATUS.get(i["status"], i["status"]), *(f"{i[k]:,}" for k in ("rows", *COUNTS[:4], "rejected")),
             "yes" if i["can_undo"] else "no") for i in items]
    widths = [max(len(r[c]) for r in (head, *rows)) for c in range(len(head))]
    numeric = {0, 5, 6, 7, 8, 9, 10}
    lines = ["  ".join(cell.rjust(w) if c in numeric else cell.ljust(w)
                       for c, (cell, w) in enumerate(zip(r, widths))).rstrip() for r in (head, *rows)]
    why = [f"{i['id']}: {i['why_not']}" for i in items if i["status"] == "done" and i["why_not"]]
    return "\n".join(lines + (["", "Why some cannot be undone:", *why] if why else []))


@command("imports", "list past imports, or undo one", _configure, text=_text)
def imports(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict[str, Any]:
    if args.action == "undo":
        return _undo(args, db)
    if args.id is not None:
        raise CliError(f"`wadesk imports list` takes no ID; to undo import {args.id} use `wadesk imports undo {args.id}`.")
    if args.limit < 1:
        raise CliError("Give --limit a number of imports of 1 or more.")
    items = [_item(it) for it in import_history(db, limit=args.limit)]
    return {"imports": items, "count": len(items)}
