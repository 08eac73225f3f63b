"""The report's charts as QtCharts objects, shared by the page and the PDF (so both look the same).

Each function returns a QChart; `render_chart` draws one into any QPainter (the PDF's), without a
window. Funnel bars emit `stage_clicked` through the page (bar index → stage key)."""
from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from PySide6.QtCharts import (QAbstractBarSeries, QBarCategoryAxis, QBarSeries, QBarSet, QChart, QHorizontalBarSeries,
                              QValueAxis)
from PySide6.QtCore import QMargins, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QGraphicsScene

from wadesk.core.reports.campaign_report import CampaignReport

GREEN, GREY, DARK, AMBER = QColor("#169b62"), QColor("#9fb3a8"), QColor("#0f6b45"), QColor("#e0a32e")
FUNNEL = (("audience", "In the campaign"), ("holdout", "Held out"), ("sent", "Sent"),
          ("accepted", "Accepted"), ("delivered", "Delivered"), ("read", "Read"), ("replied", "Replied"),
          ("clicked", "Tapped a button"), ("converted", "Bought"))


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont()
    font.setPointSize(10)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(8)
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _bar_set(name: str, values: Sequence[float], color: QColor) -> QBarSet:
    s = QBarSet(name)
    s.append([float(v) for v in values])
    s.setColor(color)
    s.setBorderColor(color)
    return s


def _axes(chart: QChart, series, categories: list[str], horizontal: bool, top: float, label: str = "") -> None:
    cats = QBarCategoryAxis()
    cats.append(categories)
    values = QValueAxis()
    values.setRange(0, max(1.0, top * 1.12))
    values.applyNiceNumbers()
    values.setLabelFormat("%.0f")
    if label:
        values.setTitleText(label)
    chart.addAxis(cats, Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(cats)
    series.attachAxis(values)


def funnel_stages(report: CampaignReport) -> list[tuple[str, str, int]]:
    """(stage key, label, customers), top of the funnel first; "Tapped a button" only when known."""
    f = report.funnel
    return [(k, label, f[k]) for k, label in FUNNEL if k != "clicked" or f["clicked"]]


def funnel_chart(report: CampaignReport) -> tuple[QChart, QBarSet]:
    """Horizontal bars, the audience at the top; returns the bar set so a click can be routed."""
    stages = list(reversed(funnel_stages(report)))  # a horizontal axis lists bottom-up
    chart = _chart("Funnel: how many customers reached each step")
    bars = _bar_set("Customers", [n for _k, _l, n in stages], GREEN)
    series = QHorizontalBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsFormat("@value")
    series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    bars.setLabelColor(DARK)
    chart.addSeries(series)
    _axes(chart, series, [label for _k, label, _n in stages], True, max(n for _k, _l, n in stages))
    chart.legend().setVisible(False)
    return chart, bars


def funnel_stage_at(report: CampaignReport, index: int) -> str:
    """The stage of the bar at `index` in funnel_chart's (reversed) order."""
    return list(reversed(funnel_stages(report)))[index][0]


def daily_chart(report: CampaignReport) -> QChart:
    """Orders per 1,000 customers by day, messaged vs held out: fair although the groups differ in size."""
    chart = _chart("Orders per 1,000 customers, by day: messaged vs held out")
    messaged, held = report.uplift.messaged, report.uplift.holdout
    days = report.daily[-31:]
    per = (lambda n, size: n * 1000 / size if size else 0.0)
    m = [per(x, messaged) for _d, x, _h in days]
    h = [per(y, held) for _d, _x, y in days]
    series = QBarSeries()
    series.append(_bar_set("Messaged", m, GREEN))
    series.append(_bar_set("Held out", h, GREY))
    chart.addSeries(series)
    _axes(chart, series, [d.strftime("%d %b") for d, _m, _h in days] or ["—"], False, max(m + h + [1.0]),
          "per 1,000")
    return chart


def _money_axis_top(*columns: Sequence[Decimal]) -> float:
    return float(max([Decimal(1), *[v for col in columns for v in col]]))


def segment_chart(rows: Sequence[tuple[str, Decimal, Decimal]]) -> QChart:
    """Revenue (and the part the holdout says was extra) by the campaigns' customer group."""
    chart = _chart("Revenue by customer group, all campaigns (₹)")
    rows = list(reversed(rows[:8]))
    series = QHorizontalBarSeries()
    series.append(_bar_set("Revenue", [r[1] for r in rows], GREEN))
    series.append(_bar_set("Extra revenue (uplift)", [max(r[2], Decimal(0)) for r in rows], AMBER))
    chart.addSeries(series)
    _axes(chart, series, [r[0][:28] for r in rows] or ["—"], True,
          _money_axis_top([r[1] for r in rows], [r[2] for r in rows]))
    return chart


def cost_revenue_chart(rows: Sequence[tuple[object, Decimal, Decimal]]) -> QChart:
    """Cost and revenue of the campaigns that went out each week."""
    chart = _chart("Cost vs revenue by week (₹)")
    rows = list(rows[-12:])
    series = QBarSeries()
    series.append(_bar_set("Cost", [r[1] for r in rows], AMBER))
    series.append(_bar_set("Revenue", [r[2] for r in rows], GREEN))
    chart.addSeries(series)
    _axes(chart, series, [f"wk {r[0]:%d %b}" for r in rows] or ["—"], False,
          _money_axis_top([r[1] for r in rows], [r[2] for r in rows]))
    return chart


def render_chart(chart: QChart, painter: QPainter, target: QRectF) -> None:
    """Draw a chart into `target` of any painter (a PDF page) at the target's size."""
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.resize(target.width(), target.height())
    scene.setSceneRect(QRectF(0, 0, target.width(), target.height()))
    scene.render(painter, target, scene.sceneRect())
    scene.removeItem(chart)
