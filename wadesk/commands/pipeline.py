"""`wadesk pipeline list | move`.

JSON (a contract):
  pipeline list --json  -> {"pipelines": [{"id", "name", "stages": [{"id", "name", "outcome", "deals", "value"}]}]}
  pipeline move CUSTOMER STAGE [--pipeline P] [--reason R] [--value V] [--actor NAME] --json
                        -> {"deal_id", "customer_id", "pipeline", "from", "to", "created"}
CUSTOMER is a customer id or phone number. A customer without a deal in the pipeline gets one,
starting in STAGE. Moving to Lost needs --reason.
"""
from __future__ import annotations

import argparse

from wadesk.cli import CliError, command
from wadesk.core.clock import SystemClock, utc_naive
from wadesk.core.db import Database
from wadesk.core.paths import DataDir


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["list", "move"])
    p.add_argument("customer", nargs="?", help="move: customer id or phone number")
    p.add_argument("stage", nargs="?", help="move: the stage's name")
    p.add_argument("--pipeline", metavar="P", help="pipeline name or id (default: the first one)")
    p.add_argument("--reason", metavar="R", help="why the deal was lost (required when moving to Lost)")
    p.add_argument("--value", metavar="V", help="deal value, when the move creates the deal")
    p.add_argument("--actor", metavar="NAME", default="command line", help="who made the change")


@command("pipeline", "sales pipeline: list pipelines and stages, move a customer's deal", _configure)
def pipeline(args: argparse.Namespace, db: Database, data_dir: DataDir) -> dict:
    from wadesk.core import pipeline as P

    now = utc_naive(SystemClock().now())
    try:
        with db.session() as s:
            if args.action == "list":
                return {"pipelines": _list(s, now)}
            if not args.customer or not args.stage:
                raise CliError("Give a customer (id or phone number) and a stage, e.g. "
                               "`wadesk pipeline move 42 \"Quote sent\"`.")
            pipe = P.find_pipeline(s, args.pipeline, now)
            stage = P.find_stage(s, pipe, args.stage)
            customer = P.find_customer(s, args.customer)
            deal = P.open_deal_of(s, customer.id, pipe.id)
            if deal is None:
                deal = P.create_deal(s, customer.id, pipe.id, now, stage_id=stage.id, value=args.value,
                                     actor=args.actor, lost_reason=args.reason)
                return _moved(deal, pipe, None, stage.name, True)
            before = next(st.name for st in P.stages_of(s, pipe.id) if st.id == deal.stage_id)
            P.move_deal(s, deal.id, stage.id, now, actor=args.actor, lost_reason=args.reason)
            return _moved(deal, pipe, before, stage.name, False)
    except P.PipelineError as exc:
        raise CliError(str(exc)) from None


def _moved(deal, pipe, before: str | None, after: str, created: bool) -> dict:
    return {"deal_id": deal.id, "customer_id": deal.customer_id, "pipeline": pipe.name,
            "from": before, "to": after, "created": created}


def _list(s, now) -> list[dict]:
    from sqlalchemy import func, select

    from wadesk.core import pipeline as P
    from wadesk.core.db.pipeline_models import Deal

    figures = {sid: (n, v) for sid, n, v in s.execute(
        select(Deal.stage_id, func.count(Deal.id), func.coalesce(func.sum(Deal.value), 0)).group_by(Deal.stage_id))}
    return [{"id": p.id, "name": p.name, "stages": [
        {"id": st.id, "name": st.name, "outcome": st.outcome, "deals": figures.get(st.id, (0, 0))[0],
         "value": str(figures.get(st.id, (0, 0))[1])} for st in P.stages_of(s, p.id)]}
        for p in P.list_pipelines(s, now)]
