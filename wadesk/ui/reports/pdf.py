"""A campaign report as a PDF (A4): the verdict, the figures, the same funnel and daily charts as the
screen (QtCharts drawn by QPainter into QPdfWriter), and failures by reason.

`write_pdf` needs a QApplication (the app has one); `write_pdf_headless` makes an offscreen one for
the command line. Written to a `.part` file and renamed, so a half-written PDF never has the name."""
from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

from wadesk.core.reports.campaign_report import CampaignReport
from wadesk.core.campaigns.pricing import money_words
from wadesk.core.reports.export_xlsx import MONEY, PCT, summary_rows
from wadesk.ui.numbers import group_indian
from wadesk.ui.reports import charts

DPI = 96  # chart fonts and lines are laid out in screen pixels, like on the page


def _text(p: QPainter, rect: QRectF, text: str, size: float = 10, bold: bool = False,
          color: str = "#1f2a24", flags=Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap) -> float:
    """Draw wrapped text at the top of `rect`; returns the height used."""
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    p.setFont(font)
    p.setPen(QColor(color))
    used = p.boundingRect(rect, int(flags), text)
    p.drawText(rect, int(flags), text)
    return used.height()


def _value(v, kind: str, currency: str) -> str:
    if v is None:
        return "—"
    if kind == MONEY:
        return money_words(Decimal(str(v)), currency)
    if kind == PCT:
        return f"{v:,.1f}%"
    if isinstance(v, float):
        return f"{v:,.2f}".rstrip("0").rstrip(".")
    return str(v)


def write_pdf(report: CampaignReport, out: str | Path) -> Path:
    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    writer = QPdfWriter(str(tmp))
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(14, 14, 14, 14), QPageLayout.Unit.Millimeter))
    writer.setTitle(f"Campaign report: {report.name}")
    writer.setCreator("WaDesk")
    p = QPainter(writer)
    try:
        page = QRectF(writer.pageLayout().paintRectPixels(DPI))
        page.moveTo(0, 0)
        w = page.width()
        y = 0.0
        y += _text(p, QRectF(0, y, w, 40), f"Campaign report: {report.name}", 16, True, "#0f6b45") + 4
        if report.sandbox:
            y += _text(p, QRectF(0, y, w, 30), "SANDBOX — practice messages, not real sales", 10, True, "#7a5200") + 4
        y += _text(p, QRectF(0, y, w, 60), report.uplift.sentence(), 11) + 8
        rows = summary_rows(report)[2:-1]  # name, sandbox and the verdict are in the heading
        col_w, line = w / 2, 17
        for i, (label, value, kind) in enumerate(rows):
            x, row = (i % 2) * col_w, i // 2
            rect = QRectF(x, y + row * line, col_w - 8, line)
            _text(p, QRectF(rect.x(), rect.y(), col_w * 0.5, line), label, 8.5, False, "#4d5d55",
                  Qt.AlignmentFlag.AlignLeft)
            _text(p, QRectF(rect.x() + col_w * 0.5, rect.y(), col_w * 0.5 - 4, line), _value(value, kind, report.currency), 8.5, True,
                  flags=Qt.AlignmentFlag.AlignLeft)
        y += ((len(rows) + 1) // 2) * line + 10
        chart_h = min(300.0, (page.height() - y) / 2 - 6)
        funnel, _bars = charts.funnel_chart(report)
        charts.render_chart(funnel, p, QRectF(0, y, w, chart_h))
        y += chart_h + 8
        charts.render_chart(charts.daily_chart(report), p, QRectF(0, y, w, chart_h))
        writer.newPage()
        y = _text(p, QRectF(0, 0, w, 30), "Why messages failed", 13, True, "#0f6b45") + 6
        if not report.failures:
            _text(p, QRectF(0, y, w, 30), "No message failed.", 10)
        for f in report.failures:
            reason = f.reason + (f" ({f.code})" if f.code else "")
            h = _text(p, QRectF(0, y, w * 0.8, 60), reason, 10)
            _text(p, QRectF(w * 0.8, y, w * 0.2, 30), group_indian(f.customers), 10, True,
                  flags=Qt.AlignmentFlag.AlignRight)
            y += max(h, 16) + 6
            if y > page.height() - 40:
                writer.newPage()
                y = 0
        y += 16
        _text(p, QRectF(0, y, w, 80),
              f"Orders count for the campaign when placed within {report.window_days} days after the message "
              "(for held-out customers: after the campaign went out), or any time with the campaign's "
              "discount code or link. Uplift compares the share of messaged and held-out customers who "
              "bought, with a 95% range (Newcombe's method).", 8.5, False, "#6b7a72")
    finally:
        p.end()
    tmp.replace(out)
    return out


def write_pdf_headless(report: CampaignReport, out: str | Path) -> Path:
    """For the command line: an offscreen QApplication if there is none yet."""
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["wadesk"])  # noqa: F841 - must live while the painter draws
        return write_pdf(report, out)
    return write_pdf(report, out)
