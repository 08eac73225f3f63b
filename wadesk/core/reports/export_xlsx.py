"""A campaign report as an Excel workbook: a Summary sheet (figures, funnel, daily conversions and
failures, each with a native Excel chart) and a Recipients sheet (one row per customer: state, error,
sent/delivered/read times, held out, converted, orders, revenue).

Written in openpyxl's write-only mode (rows streamed, a 100,000-row sheet stays small in memory) to a
`.part` file renamed at the end. Text a spreadsheet would run as a formula is neutralised
(`importing.rejects.safe_cell`: a leading apostrophe) — names and error details come from outside.
"""
from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from wadesk.core.db.models import Campaign, Customer, Message
from wadesk.core.importing.rejects import safe_cell
from wadesk.core.jobs import CancelledFn, check_cancelled, never_cancelled
from wadesk.core.reports.attribution import attributed_orders
from wadesk.core.reports.campaign_report import CampaignReport

FUNNEL_ROWS = (("audience", "In the campaign"), ("holdout", "Held out (not messaged)"), ("sent", "Sent"),
               ("accepted", "Accepted by WhatsApp"), ("delivered", "Delivered"), ("read", "Read"),
               ("replied", "Replied"), ("clicked", "Tapped a button"), ("converted", "Bought"))
STATE_WORDS = {"holdout": "held out", "queued": "waiting to send", "sending": "sending", "accepted": "sent",
               "sent": "sent", "delivered": "delivered", "read": "read", "failed": "failed",
               "deferred": "waiting 24 h", "unknown": "may or may not have gone out", "cancelled": "cancelled",
               "skipped": "skipped (opted out since)"}
_E164 = re.compile(r"\+\d{6,15}")
RECIPIENT_HEADERS = ("Customer id", "Name", "Phone", "State", "Error", "Sent at (UTC)", "Delivered at (UTC)",
                     "Read at (UTC)", "Held out", "Converted", "Orders", "Revenue")


MONEY, PCT, NUMBER, TEXT = "money", "pct", "number", "text"


def summary_rows(report: CampaignReport) -> list[tuple[str, Any, str]]:
    """The headline figures as (label, value, kind) rows; the PDF shows the same list. Percentages
    are in percent (2.5 = 2.5%); uplift figures only when the holdout gives enough data."""
    j, u = report.as_json(), report.uplift
    pct = (lambda x: None if x is None else round(x * 100, 2))
    ci = j["uplift_ci"]
    rows = [
        ("Campaign", report.name, TEXT), ("Sandbox (not real)", "yes" if report.sandbox else "no", TEXT),
        ("Customers", report.audience_label, TEXT),
        ("Went out", f"{report.start:%d %b %Y %H:%M} UTC" if report.start else "not yet", TEXT),
        ("Attribution window (days)", report.window_days, NUMBER),
        ("Revenue", float(report.revenue), MONEY), ("Orders", report.orders, NUMBER),
        ("Cost", float(report.cost), MONEY), ("Cost is", report.cost_basis, TEXT),
        ("Return on spend (ROI)", None if report.roi is None else round(report.roi * 100, 1), PCT),
        ("Revenue per message", None if report.revenue_per_message is None else float(report.revenue_per_message),
         MONEY),
        ("Bought, messaged", pct(j["conversion_rate"]), PCT),
        ("Bought, held out", pct(j["holdout_conversion_rate"]), PCT),
        ("Uplift (points)", pct(j["uplift_abs"]), NUMBER),
        ("Uplift 95% range: from (points)", None if ci is None else pct(ci[0]), NUMBER),
        ("Uplift 95% range: to (points)", None if ci is None else pct(ci[1]), NUMBER),
    ]
    if u.enough_data:
        rows += [("Uplift relative", pct(j["uplift_rel"]), PCT),
                 ("Extra customers who bought", j["incremental_orders"], NUMBER),
                 ("Extra revenue", float(Decimal(j["incremental_revenue"])), MONEY)]
    rows.append(("Verdict", u.sentence(), TEXT))
    return rows


def _recipient_rows(session: Session, report: CampaignReport, window: int) -> Iterator[list[Any]]:
    campaign = session.get(Campaign, report.campaign_id)
    per: dict[int, list] = defaultdict(lambda: [0, Decimal(0)])
    for o in attributed_orders(session, campaign, window):
        per[o.customer_id][0] += 1
        per[o.customer_id][1] += o.total
    q = (select(Message.customer_id, Customer.name, Message.to_phone, Customer.phone, Message.status,
                Message.error_title, Message.error_code, Message.sent_at, Message.delivered_at, Message.read_at,
                Message.is_holdout)
         .outerjoin(Customer, Customer.id == Message.customer_id)
         .where(Message.campaign_id == report.campaign_id, Message.purpose == "campaign")
         .order_by(Message.customer_id))
    for cid, name, to, phone, status, title, code, sent, delivered, read, holdout in \
            session.execute(q.execution_options(yield_per=5000)):
        orders, revenue = per.get(cid, (0, Decimal(0)))
        error = f"{title or ''} ({code})".strip() if code else (title or None)
        yield [cid, safe_cell(name), _phone(to or phone), STATE_WORDS.get(status, status), safe_cell(error),
               sent, delivered, read, "yes" if holdout else "no", "yes" if orders else "no", orders, float(revenue)]


def _cell(ws: Any, value: Any, kind: str) -> Any:
    """A write-only cell with a number format for money and percentages."""
    from openpyxl.cell import WriteOnlyCell

    if kind not in (MONEY, PCT) or value is None:
        return safe_cell(value)
    cell = WriteOnlyCell(ws, value=value / 100 if kind == PCT else value)
    cell.number_format = "0.0%" if kind == PCT else "#,##0.00"
    return cell


def _phone(value: str | None) -> str | None:
    """A stored E.164 number (+ and digits only) can't run as anything: kept as it is; other text is neutralised."""
    return value if value and _E164.fullmatch(value) else safe_cell(value)


def write_xlsx(session: Session, report: CampaignReport, out: str | Path,
               cancelled: CancelledFn = never_cancelled) -> Path:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    out = Path(out)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Summary")
    ws.append(["Campaign report", safe_cell(report.name)])
    ws.append([])
    for label, value, kind in summary_rows(report):
        ws.append([label, _cell(ws, value, kind)])
    ws.append([])
    funnel_top = len(summary_rows(report)) + 4
    ws.append(["Step", "Customers"])
    for key, label in FUNNEL_ROWS:
        ws.append([label, report.funnel[key]])
    funnel_end = funnel_top + len(FUNNEL_ROWS)
    ws.append([])
    daily_top = funnel_end + 2
    ws.append(["Day", "Orders from messaged customers", "Orders from held-out customers"])
    for day, m, h in report.daily:
        ws.append([day, m, h])
    daily_end = daily_top + len(report.daily)
    ws.append([])
    ws.append(["Why messages failed", "Customers"])
    for f in report.failures:
        ws.append([safe_cell(f.reason) + (f" ({f.code})" if f.code else ""), f.customers])

    funnel = BarChart()
    funnel.type, funnel.title, funnel.legend = "bar", "Funnel", None
    funnel.add_data(Reference(ws, min_col=2, min_row=funnel_top, max_row=funnel_end), titles_from_data=True)
    funnel.set_categories(Reference(ws, min_col=1, min_row=funnel_top + 1, max_row=funnel_end))
    funnel.y_axis.title = "customers"
    funnel.width, funnel.height = 16, 8
    ws.add_chart(funnel, "D2")
    if report.daily:
        daily = BarChart()
        daily.title, daily.y_axis.title = "Orders by day: messaged vs held out", "orders"
        daily.add_data(Reference(ws, min_col=2, max_col=3, min_row=daily_top, max_row=daily_end),
                       titles_from_data=True)
        daily.set_categories(Reference(ws, min_col=1, min_row=daily_top + 1, max_row=daily_end))
        daily.width, daily.height = 16, 8
        ws.add_chart(daily, "D20")

    rs = wb.create_sheet("Recipients")
    rs.append(list(RECIPIENT_HEADERS))
    for i, row in enumerate(_recipient_rows(session, report, report.window_days)):
        if i % 5000 == 0:
            check_cancelled(cancelled)
        rs.append(row)
    tmp = out.with_name(out.name + ".part")
    wb.save(tmp)
    tmp.replace(out)
    return out
