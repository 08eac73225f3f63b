"""The Reports page's job functions (run on the db lane; no Qt)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wadesk.core.crm.bookkeeping import chunks
from wadesk.core.db.models import Customer
from wadesk.core.jobs import JobContext
from wadesk.core.reports.campaign_report import CampaignReport, stage_customers, stage_label
from wadesk.core.reports.overview import all_reports, cost_revenue_by_week, make_segment, revenue_by_segment


@dataclass
class ReportsData:
    reports: list[CampaignReport]
    by_segment: list[tuple[str, Decimal, Decimal]]
    by_week: list[tuple[Any, Decimal, Decimal]]


def load_reports(session: Session, ctx: JobContext, now=None) -> ReportsData:
    reports = all_reports(session, now=now, cancelled=ctx.cancelled,
                          progress=lambda d, t: ctx.progress(d, t, "Adding up campaign results"))
    real = [r for r in reports if not r.sandbox] or reports  # sandbox ones only when there is nothing else
    return ReportsData(reports, revenue_by_segment(real), cost_revenue_by_week(real))


@dataclass
class CustomerList:
    campaign_id: int
    stage: str
    title: str
    ids: list[int]
    rows: list[tuple]  # id, name, phone, city, orders, total spent


def customer_list(session: Session, ctx: JobContext, campaign_id: int, stage: str, campaign_name: str) -> CustomerList:
    ids = stage_customers(session, campaign_id, stage)
    rows: list[tuple] = []
    for part in chunks(ids):
        ctx.check()
        rows += session.execute(select(Customer.id, Customer.name, Customer.phone, Customer.city,
                                       Customer.order_count, Customer.total_spent)
                                .where(Customer.id.in_(part)).order_by(Customer.id)).all()
    return CustomerList(campaign_id, stage, f"{campaign_name}: {stage_label(stage)}", ids, [tuple(r) for r in rows])


def save_list_as_segment(session: Session, _ctx: JobContext, ids: list[int], name: str, description: str):
    return make_segment(session, ids, name, description=description)
