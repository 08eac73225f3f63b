"""`wadesk automations run | list | recipes | add | on | off | delete | dry-run`.

`run` does one pass (enrol, send what is due, exit whom it should) and exits: schedule it with
Windows Task Scheduler, launchd or cron (README). Safe to run twice at once or after a crash.
  automations run --json     -> {"flows", "enrolled", "sent", "exited", "deferred", "held_out", "queued", ...}
  automations list --json    -> {"flows": [{"id", "name", "recipe", "enabled", "steps", "active", "entered"}]}
  automations delete ID      -> {"id", "name", "deleted", "active", "cancelled"}
  automations dry-run --json -> {"messages": [{"flow", "customer_id", "name", "step", "template", "at"}]}
"""
from __future__ import annotations

import argparse
from typing import Any

import wadesk.core.campaigns.policy  # noqa: F401  (registers the sending settings)
from wadesk.cli import CliError, command
from wadesk.commands.templates import _plain_errors, _sandbox_if_needed
from wadesk.core.db import Database
from wadesk.core.paths import DataDir


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["run", "list", "recipes", "add", "on", "off", "delete", "dry-run"])
    p.add_argument("target", nargs="?", help="add: a recipe key; on/off/delete: a flow id")
    p.add_argument("--name", help="add: the flow's name")
    p.add_argument("--hours", type=float, default=24, help="dry-run: look this far ahead (default 24)")


@command("automations", "run, list and switch automation flows", _configure)
def automations(args: argparse.Namespace, db: Database, data_dir: DataDir) -> Any:
    from wadesk.core.automations.definition import FlowError
    from wadesk.core.automations.flows import add_flow, delete_flow, list_flows, set_enabled
    from wadesk.core.automations.recipes import RECIPES
    from wadesk.core.clock import SystemClock
    from wadesk.core.messaging.account import resolve_mode

    now = SystemClock().now()
    with db.session() as s:
        sandbox = resolve_mode(s).sandbox
    try:
        if args.action == "recipes":
            return {"recipes": [{"key": r.key, "name": r.name, "description": r.description,
                                 "steps": len(r.definition.steps)} for r in RECIPES]}
        if args.action == "list":
            with db.session() as s:
                return {"flows": [f.as_json() for f in list_flows(s, sandbox=sandbox)], "sandbox": sandbox}
        if args.action == "add":
            if not args.target:
                raise CliError("Give a recipe: wadesk automations add RECIPE (see `wadesk automations recipes`).")
            with db.session() as s:
                flow = add_flow(s, now=now, sandbox=sandbox, recipe=args.target, name=args.name)
                return {"id": flow.id, "name": flow.name, "enabled": False, "sandbox": sandbox}
        if args.action in ("on", "off", "delete"):
            if not (args.target or "").isdigit():
                raise CliError(f"Give the flow id: wadesk automations {args.action} ID (see `wadesk automations list`).")
            if args.action == "delete":
                return delete_flow(db, int(args.target))
            with db.session() as s:
                flow = set_enabled(s, int(args.target), args.action == "on", now=now)
                return {"id": flow.id, "name": flow.name, "enabled": flow.enabled}
        if args.action == "dry-run":
            from wadesk.commands.segments import ensure_metrics
            from wadesk.core.automations.runner import dry_run

            ensure_metrics(db)
            return {"messages": dry_run(db, sandbox=sandbox, hours=args.hours), "sandbox": sandbox}
        return _run(db, data_dir, sandbox)
    except FlowError as exc:
        raise CliError(str(exc)) from None


def _run(db: Database, data_dir: DataDir, sandbox: bool) -> dict[str, Any]:
    from wadesk.commands.segments import ensure_metrics
    from wadesk.core.automations.runner import run_pass
    from wadesk.core.messaging.connection import open_client

    ensure_metrics(db)
    with _plain_errors(), _sandbox_if_needed(db, data_dir) as server, \
            open_client(db, sandbox=server, max_retries=0) as (client, _mode):
        result = run_pass(db, client, sandbox=sandbox)
    return {**result.as_json(), "sandbox": sandbox}
