"""The pipeline report: count and value per stage, stage-to-stage conversion, median time in
stage, won revenue by acquisition channel; and its .xlsx export.

Conversion from a stage to the next (Lost is not a step) is: deals that reached the next stage or
any later one, divided by deals that reached this stage or any later one — a deal that skipped a
stage counts as having passed through it. Time in stage is over finished stays only (a change into
the stage to the deal's next change); a stay still going on is not yet a time.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wadesk.core.db.models import Customer
from wadesk.core.db.pipeline_models import LOST, WON, Deal, DealStageChange, Pipeline
from wadesk.core.importing.rejects import safe_cell
from wadesk.core.pipeline.stages import stages_of


@dataclass(frozen=True)
class StageFigures:
    stage_id: int
    name: str
    outcome: str
    count: int
    value: Decimal
    reached: int  # deals that reached this stage or a later one (Lost: deals that were ever lost)
    conversion: float | None  # to the next step; None for the last step and for Lost
    median_days: float | None


@dataclass
class PipelineReport:
    pipeline_id: int
    name: str
    stages: list[StageFigures]
    won_by_channel: list[tuple[str, int, Decimal]] = field(default_factory=list)  # channel, deals, value

    @property
    def total_deals(self) -> int:
        return sum(s.count for s in self.stages)

    @property
    def won_value(self) -> Decimal:
        return sum((v for _c, _n, v in self.won_by_channel), Decimal("0"))


def pipeline_report(session: Session, pipeline_id: int) -> PipelineReport:
    pipeline = session.get(Pipeline, pipeline_id)
    stages = stages_of(session, pipeline_id)
    now_counts = {sid: (n, Decimal(v or 0)) for sid, n, v in session.execute(
        select(Deal.stage_id, func.count(Deal.id), func.coalesce(func.sum(Deal.value), 0))
        .where(Deal.pipeline_id == pipeline_id).group_by(Deal.stage_id))}

    steps = [s for s in stages if s.outcome != LOST]  # the path a deal walks, Won last
    step_of = {s.id: i for i, s in enumerate(steps)}
    lost_ids = {s.id for s in stages if s.outcome == LOST}
    furthest: dict[int, int] = {}
    ever_lost: set[int] = set()
    stays: dict[int, list[float]] = {s.id: [] for s in stages}
    prev: tuple[int, int | None, datetime] | None = None  # (deal, stage, since)
    rows = session.execute(
        select(DealStageChange.deal_id, DealStageChange.to_stage_id, DealStageChange.changed_at)
        .join(Deal, Deal.id == DealStageChange.deal_id).where(Deal.pipeline_id == pipeline_id)
        .order_by(DealStageChange.deal_id, DealStageChange.changed_at, DealStageChange.id))
    for deal_id, to_id, at in rows:
        if prev is not None and prev[0] == deal_id and prev[1] in stays:
            stays[prev[1]].append((at - prev[2]).total_seconds() / 86400)
        prev = (deal_id, to_id, at)
        if to_id in step_of:
            furthest[deal_id] = max(furthest.get(deal_id, -1), step_of[to_id])
        elif to_id in lost_ids:
            ever_lost.add(deal_id)

    reached = [sum(1 for f in furthest.values() if f >= i) for i in range(len(steps))]
    figures = []
    for st in stages:
        n, value = now_counts.get(st.id, (0, Decimal("0")))
        if st.id in step_of:
            i = step_of[st.id]
            got = reached[i]
            conv = (reached[i + 1] / got if got else None) if i + 1 < len(steps) else None
        else:
            got, conv = len(ever_lost), None
        med = statistics.median(stays[st.id]) if stays[st.id] else None
        figures.append(StageFigures(st.id, st.name, st.outcome, n, value, got, conv, med))

    won = [s.id for s in stages if s.outcome == WON]
    by_channel = [(ch or "unknown", n, Decimal(v or 0)) for ch, n, v in session.execute(
        select(Customer.channel, func.count(Deal.id), func.coalesce(func.sum(Deal.value), 0))
        .join(Customer, Customer.id == Deal.customer_id)
        .where(Deal.pipeline_id == pipeline_id, Deal.stage_id.in_(won))
        .group_by(Customer.channel).order_by(func.sum(Deal.value).desc()))] if won else []
    return PipelineReport(pipeline_id, pipeline.name if pipeline else "", figures, by_channel)


CHANNEL_WORDS = {"ctwa": "Click-to-WhatsApp ads", "website": "Website", "import": "Import"}


def channel_label(channel: str) -> str:
    return CHANNEL_WORDS.get(channel, channel.replace("_", " ").capitalize())


def write_report_xlsx(report: PipelineReport, out: str | Path) -> Path:
    """Two sheets: Stages and Won by channel. Names come from the shop (formula-like text is
    neutralised with a leading apostrophe)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    out = Path(out)
    wb = Workbook()
    ws = wb.active
    ws.title = "Stages"
    ws.append(["Pipeline report", safe_cell(report.name)])
    ws.append([])
    ws.append(["Stage", "Outcome", "Deals now", "Value now", "Reached", "Conversion to next",
               "Median days in stage"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for f in report.stages:
        ws.append([safe_cell(f.name), f.outcome, f.count, float(f.value), f.reached,
                   None if f.conversion is None else round(f.conversion, 4),
                   None if f.median_days is None else round(f.median_days, 1)])
        ws.cell(ws.max_row, 4).number_format = "#,##0.00"
        ws.cell(ws.max_row, 6).number_format = "0.0%"
    ws2 = wb.create_sheet("Won by channel")
    ws2.append(["Channel", "Won deals", "Won revenue"])
    for cell in ws2[1]:
        cell.font = Font(bold=True)
    for ch, n, v in report.won_by_channel:
        ws2.append([safe_cell(channel_label(ch)), n, float(v)])
        ws2.cell(ws2.max_row, 3).number_format = "#,##0.00"
    for sheet, widths in ((ws, (22, 10, 11, 14, 10, 18, 20)), (ws2, (26, 12, 14))):
        for i, w in enumerate(widths):
            sheet.column_dimensions[chr(65 + i)].width = w
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
