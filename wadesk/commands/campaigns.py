"""`wadesk campaign create | preflight | test | send | status | list | cancel | unknown`.

JSON (a contract; tests and shop scripts rely on it):
  campaign create --json    -> {"campaign_id", "recipients", "holdout", "estimated_cost", "state", "funnel",
                                "plan", "break_even", "warnings", ...}
  campaign preflight --json -> {"recipients": N checked, "ok": N, "problems": {"reason": N}, "to_send", "funnel", ...}
                               (the create numbers, without creating anything)
  campaign send ID --json   -> {"state": done|paused|stopped|waiting|cancelled, "accepted", "failed", ...}
  campaign status ID --json -> {"state", "queued", "sending", "accepted", "failed", "deferred", "unknown",
                                "cancelled", "holdout", "failures": {"131026": N}, ...}
`send` runs until the campaign is done, stopped by a condition that needs the owner (expired token,
paused template ...), or waiting (quiet hours, 24 h deferrals, the daily tier plan): run it again
later, e.g. from a scheduled task. Ctrl+C pauses cleanly.
"""
from __future__ import annotations

import argparse
import dataclasses
import threading
from datetime import datetime, timezone
from typing import Any

import wadesk.core.campaigns.policy  # noqa: F401  (registers the sending settings for `wadesk settings`)
from wadesk.cli import CliError, command
from wadesk.commands.templates import _plain_errors, _sandbox_if_needed
from wadesk.core.db import Database
from wadesk.core.paths import DataDir

ACTIONS = ["create", "preflight", "test", "send", "status", "list", "cancel", "unknown"]
# send --now: a scheduled campaign starts now (its plan keeps its spacing)


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=ACTIONS)
    p.add_argument("id", nargs="?", type=int, help="campaign id (send, status, test, cancel, unknown)")
    p.add_argument("--name", help="campaign name")
    p.add_argument("--segment", metavar="NAME_OR_ID", help="a saved segment")
    p.add_argument("--preset", metavar="NAME", help="a preset (see `wadesk segment presets`)")
    p.add_argument("--template", metavar="NAME", help="an approved template")
    p.add_argument("--language", metavar="CODE", help="the template's language (default: English first)")
    p.add_argument("--mapping", metavar="FILE.json", help="the personalisation (see docs/MESSAGING.md)")
    p.add_argument("--holdout", type=int, metavar="PCT", help="share kept out to measure uplift (0-50, default 10)")
    p.add_argument("--at", metavar="ISO", help="send at this date and time (e.g. 2026-12-01T10:00+05:30)")
    p.add_argument("--time-sensitive", action="store_true", help="give up rather than defer a message by 24 h")
    p.add_argument("--daily-limit", type=int, metavar="N",
                   help="new customers your number may message per 24 h (default: read from WhatsApp)")
    p.add_argument("--to", metavar="PHONE", action="append", help="test: your own number (repeatable)")
    p.add_argument("--now", action="store_true", help="send: start a scheduled campaign now")
    choice = p.add_mutually_exclusive_group()
    choice.add_argument("--resend", action="store_true", help="unknown: send those messages again")
    choice.add_argument("--give-up", action="store_true", help="unknown: mark them failed")


@command("campaign", "create, test, send and follow WhatsApp campaigns", _configure)
def campaign(args: argparse.Namespace, db: Database, data_dir: DataDir) -> Any:
    with _plain_errors():
        if args.action in ("create", "preflight"):
            return _create(args, db, data_dir, write=args.action == "create")
        if args.action == "list":
            return _list(db)
        cid = _need_id(args)
        if args.action == "status":
            return _status(db, cid)
        if args.action == "send":
            return _send(args, db, data_dir, cid)
        if args.action == "test":
            return _test(args, db, data_dir, cid)
        if args.action == "cancel":
            return _cancel(db, cid)
        return _unknown(args, db, cid)


def _need_id(args: argparse.Namespace) -> int:
    if args.id is None:
        raise CliError(f"Give the campaign id: wadesk campaign {args.action} ID (see `wadesk campaign list`).")
    return args.id


def _mode(db: Database) -> Any:
    from wadesk.core.messaging.account import resolve_mode

    with db.session() as s:
        return resolve_mode(s)


def _request(args: argparse.Namespace, db: Database, sandbox: bool, daily_limit: int | None) -> Any:
    from wadesk.core.campaigns.freeze import CampaignRequest, find_audience
    from wadesk.core.campaigns.policy import SendPolicy
    from wadesk.core.messaging.mapping import TemplateMapping
    from wadesk.core.messaging.templates import find_template
    from wadesk.core.settings import get_setting

    if not args.template or not args.mapping:
        raise CliError("Give --template NAME and --mapping FILE.json.")
    try:
        mapping = TemplateMapping.load(args.mapping)
    except OSError as exc:
        raise CliError(f"Could not read {args.mapping}: {exc.strerror or exc}") from None
    at = None
    if args.at:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            raise CliError(f"'{args.at}' is not a date and time like 2026-12-01T10:00+05:30.") from None
        at = at.astimezone(timezone.utc) if at.tzinfo else at.astimezone().astimezone(timezone.utc)
    with db.session() as s:
        template = find_template(s, args.template, args.language or mapping.language, sandbox=sandbox)
        if template is None:
            where = "the sandbox" if sandbox else "your account"
            raise CliError(f"There is no template '{args.template}' in {where}. Run `wadesk templates sync` "
                           "or check the name with `wadesk templates list`.")
        s.expunge(template)
        audience = find_audience(s, segment=args.segment, preset=args.preset)
        policy = SendPolicy.from_settings(s)
        marketing_endpoint = bool(get_setting(s, "whatsapp_marketing_endpoint"))
    changes: dict[str, Any] = {"time_sensitive": bool(args.time_sensitive)}
    if args.holdout is not None:
        if not 0 <= args.holdout <= 50:
            raise CliError("--holdout is a percentage from 0 to 50.")
        changes["holdout_pct"] = args.holdout
    return CampaignRequest(name=args.name or f"{args.template} {datetime.now():%d %b %H:%M}", audience=audience,
                           template=template, mapping=mapping, policy=dataclasses.replace(policy, **changes), at=at,
                           daily_limit=daily_limit, marketing_endpoint=marketing_endpoint)


def _daily_limit(args: argparse.Namespace, db: Database, server: Any) -> int | None:
    if args.daily_limit is not None:
        return args.daily_limit
    from wadesk.core.messaging.connection import check_connection
    from wadesk.core.messaging.errors import CloudApiError

    try:
        return check_connection(db, sandbox=server).info.daily_unique_limit
    except CloudApiError as exc:
        raise CliError(f"Could not read your messaging limit from WhatsApp ({exc}). Pass --daily-limit N "
                       "to plan the campaign without a connection.") from None


def _create(args: argparse.Namespace, db: Database, data_dir: DataDir, write: bool) -> dict[str, Any]:
    from wadesk.commands.segments import ensure_metrics
    from wadesk.core.campaigns.freeze import freeze_campaign, plan_campaign
    from wadesk.core.segments import SegmentEngine

    mode = _mode(db)
    with _sandbox_if_needed(db, data_dir) as server:
        daily = _daily_limit(args, db, server)
        req = _request(args, db, mode.sandbox, daily)
        ensure_metrics(db)
        engine = SegmentEngine(db)
        if not write:
            plan = plan_campaign(db, engine, req, sandbox=mode.sandbox)
            pre = plan.preflight  # the issue-5 contract at the top level; the whole plan beside it
            return {**plan.as_json(), "recipients": pre.recipients, "ok": pre.ok, "problems": dict(pre.problems),
                    "to_send": len(plan.send_ids), "sandbox": mode.sandbox}
        from wadesk.core.messaging.connection import media_uploader

        cid, plan = freeze_campaign(db, engine, req, sandbox=mode.sandbox, upload_media=media_uploader(db, server))
    state = _status(db, cid)["state"]
    return {"campaign_id": cid, "recipients": len(plan.send_ids), "holdout": int(len(plan.holdout_ids)),
            "estimated_cost": float(plan.cost.total), "state": state, "sandbox": mode.sandbox,
            **{k: v for k, v in plan.as_json().items() if k not in ("recipients", "holdout", "estimated_cost")}}


def _status(db: Database, cid: int) -> dict[str, Any]:
    from wadesk.core.campaigns.ledger import status_counts
    from wadesk.core.db.models import Campaign

    with db.session() as s:
        c = s.get(Campaign, cid)
        if c is None:
            raise CliError(f"There is no campaign {cid} (see `wadesk campaign list`).")
        counts = status_counts(s, cid)
        return {"campaign_id": cid, "name": c.name, "state": c.status, **counts, "stop_reason": c.stop_reason,
                "sandbox": bool(c.is_sandbox),
                "estimated_cost": float(c.estimated_cost) if c.estimated_cost is not None else None}


def _list(db: Database) -> dict[str, Any]:
    from sqlalchemy import select

    from wadesk.core.db.models import Campaign

    with db.session() as s:
        rows = s.execute(select(Campaign.id, Campaign.name, Campaign.status, Campaign.created_at,
                                Campaign.is_sandbox).order_by(Campaign.id.desc())).all()
    items = [{"id": r.id, "name": r.name, "state": r.status, "created_at": r.created_at.isoformat(),
              "sandbox": bool(r.is_sandbox)} for r in rows]
    return {"campaigns": items, "count": len(items)}


def _send(args: argparse.Namespace, db: Database, data_dir: DataDir, cid: int) -> dict[str, Any]:
    from wadesk.core.campaigns.sender import CampaignSender, SendControl
    from wadesk.core.messaging.connection import open_client

    _status(db, cid)  # a plain error for a wrong id
    if args.now:
        from wadesk.core.campaigns.ledger import start_now
        from wadesk.core.clock import SystemClock

        with db.session() as s:
            start_now(s, cid, SystemClock().now())
    mode = _mode(db)
    control = SendControl()
    box: dict[str, Any] = {}
    with _sandbox_if_needed(db, data_dir) as server, open_client(db, sandbox=server, max_retries=0) as (client, _m):
        def work() -> None:
            try:
                box["outcome"] = CampaignSender(db, client, cid, sandbox=mode.sandbox, control=control).run()
            except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
                box["error"] = exc

        t = threading.Thread(target=work, name="wadesk-campaign-send")
        t.start()
        try:
            while t.is_alive():
                t.join(0.2)
        except KeyboardInterrupt:  # Ctrl+C: finish the calls in flight, keep the rest queued
            control.request_pause()
            t.join()
    if "error" in box:
        raise box["error"]
    return {"campaign_id": cid, **box["outcome"].as_json()}


def _test(args: argparse.Namespace, db: Database, data_dir: DataDir, cid: int) -> dict[str, Any]:
    from sqlalchemy import select

    from wadesk.core.campaigns.owner_test import send_test
    from wadesk.core.db.models import Campaign, Message, Template
    from wadesk.core.messaging.connection import open_client
    from wadesk.core.messaging.mapping import TemplateMapping
    from wadesk.core.settings import get_setting

    if not args.to:
        raise CliError("Give your own number with --to PHONE (repeat for more numbers).")
    mode = _mode(db)
    with db.session() as s:
        c = s.get(Campaign, cid)
        if c is None:
            raise CliError(f"There is no campaign {cid} (see `wadesk campaign list`).")
        template = s.get(Template, c.template_id) if c.template_id else None
        if template is None:
            raise CliError("This campaign's template is gone; sync templates and create the campaign again.")
        s.expunge(template)
        mapping = TemplateMapping.from_json(c.mapping)
        sample = s.scalar(select(Message.customer_id).where(Message.campaign_id == cid, Message.status != "holdout")
                          .order_by(Message.id).limit(1))
        region = get_setting(s, "default_region")
        sandbox = bool(c.is_sandbox)
    if sandbox != mode.sandbox:
        raise CliError("This campaign was prepared for " + ("the sandbox" if sandbox else "your real account")
                       + "; switch WhatsApp back to it first.")
    with _sandbox_if_needed(db, data_dir) as server, open_client(db, sandbox=server, max_retries=0) as (client, _m):
        results = send_test(db, client, template, mapping, args.to, sandbox=sandbox, sample_customer_id=sample,
                            default_region=region, campaign_id=cid)
    return {"campaign_id": cid, "results": [r.as_json() for r in results],
            "sent": sum(r.ok for r in results), "failed": sum(not r.ok for r in results)}


def _cancel(db: Database, cid: int) -> dict[str, Any]:
    from wadesk.core.campaigns import ledger as L
    from wadesk.core.campaigns.lease import CampaignLease
    from wadesk.core.db.models import Campaign

    with CampaignLease(db, cid), db.session() as s:
        c = s.get(Campaign, cid)
        if c is None:
            raise CliError(f"There is no campaign {cid} (see `wadesk campaign list`).")
        n = L.cancel_waiting(s, cid)
        if c.status not in (L.DONE, L.CAMPAIGN_CANCELLED):
            c.status = L.CAMPAIGN_CANCELLED
    return {"campaign_id": cid, "cancelled": n, "state": L.CAMPAIGN_CANCELLED}


def _unknown(args: argparse.Namespace, db: Database, cid: int) -> dict[str, Any]:
    from wadesk.core.campaigns import ledger as L
    from wadesk.core.campaigns.lease import CampaignLease
    from wadesk.core.clock import SystemClock
    from wadesk.core.db.models import Campaign

    if not (args.resend or args.give_up):
        raise CliError("Say what to do with the messages whose outcome is unknown: --resend (a customer may get "
                       "it twice) or --give-up (mark them failed).")
    with CampaignLease(db, cid), db.session() as s:
        c = s.get(Campaign, cid)
        if c is None:
            raise CliError(f"There is no campaign {cid} (see `wadesk campaign list`).")
        n = L.resolve_unknown(s, cid, resend=args.resend, now=SystemClock().now())
    return {"campaign_id": cid, "changed": n, "resend": bool(args.resend)}
