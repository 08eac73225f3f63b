"""One campaign's report on screen: the verdict, money cards, the funnel (chart + clickable numbers),
failures by reason, and daily conversions. Every number that counts customers emits
`customers_requested(stage)`; the page opens the list."""
from __future__ import annotations

from PySide6.QtCharts import QChartView
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from wadesk.core.campaigns.pricing import money_words
from wadesk.core.reports.campaign_report import CampaignReport
from wadesk.core.reports.uplift import NEGATIVE, NOT_ENOUGH, UPLIFT
from wadesk.ui.numbers import group_indian
from wadesk.ui.reports import charts
from wadesk.ui.segments.funnel_bar import CARD_STYLE

VERDICT_STYLE = {UPLIFT: "#e3f4ea; border: 1px solid #7cc9a0", NEGATIVE: "#fdeaea; border: 1px solid #e5a3a3",
                 NOT_ENOUGH: "#fff6dd; border: 1px solid #f0c95c"}
COST_WORDS = {"actual": "what WhatsApp charged for delivered messages",
              "partly estimated": "delivered messages, plus an estimate for those not reported delivered yet",
              "estimated": "an estimate: no deliveries reported yet"}


def money(amount, currency: str = "INR") -> str:
    return money_words(amount, currency) if amount is not None else "—"


def pct(x: float | None, signed: bool = False) -> str:
    return "—" if x is None else (f"{x * 100:+.1f}%" if signed else f"{x * 100:.1f}%")


class NumberCard(QPushButton):
    """A number with a label under it; clickable when it stands for customers."""

    def __init__(self, key: str, label: str, clickable: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"card_{key}")
        self.setStyleSheet(CARD_STYLE)
        self.setMinimumSize(112, 64)
        self.setEnabled(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor)
        self.clickable = clickable
        inside = QVBoxLayout(self)
        inside.setContentsMargins(8, 4, 8, 4)
        inside.setSpacing(0)
        self.number = QLabel("…")
        self.number.setStyleSheet("font-size: 19px; font-weight: bold; color: #0f6b45; background: transparent;")
        self.label = QLabel(label)
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #4d5d55; background: transparent;")
        for w in (self.number, self.label):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            inside.addWidget(w)

    def show_value(self, text: str, tip: str = "") -> None:
        self.number.setText(text)
        self.setToolTip(tip + ("\nClick to see these customers." if self.clickable else ""))


class CampaignReportView(QWidget):
    customers_requested = Signal(str)  # a stage key of core.reports.campaign_report.STAGES

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("campaignReport")
        self.report: CampaignReport | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)

        self.title = QLabel(objectName="reportTitle")
        self.title.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.subtitle = QLabel(objectName="muted")
        self.verdict = QLabel(objectName="verdict")
        self.verdict.setWordWrap(True)
        for w in (self.title, self.subtitle, self.verdict):
            layout.addWidget(w)

        self.cards: dict[str, NumberCard] = {}
        money_row = QGridLayout()
        money_row.setSpacing(8)
        for col, (key, label, stage) in enumerate([
                ("revenue", "Revenue from messaged customers", "converted"), ("orders", "Orders", "converted"),
                ("cost", "Cost", None), ("roi", "Return on spend", None),
                ("per_message", "Revenue per message", None), ("incremental", "Extra revenue (vs holdout)", None),
                ("rates", "Bought: messaged vs held out", "holdout_converted")]):
            card = self._card(key, label, stage)
            money_row.addWidget(card, 0, col)
        layout.addLayout(money_row)

        funnel_box = QHBoxLayout()
        self.funnel_view = self._chart_view(300)
        funnel_box.addWidget(self.funnel_view, 3)
        numbers = QGridLayout()
        numbers.setSpacing(6)
        for i, (key, label) in enumerate([("audience", "In the campaign"), ("holdout", "Held out"),
                                          ("sent", "Sent"), ("delivered", "Delivered"), ("read", "Read"),
                                          ("replied", "Replied"), ("clicked", "Tapped a button"),
                                          ("converted", "Bought"), ("failed", "Failed"),
                                          ("read_not_converted", "Read but didn't buy")]):
            numbers.addWidget(self._card(key, label, key), i // 2, i % 2)
        funnel_box.addLayout(numbers, 2)
        layout.addLayout(funnel_box)

        lower = QHBoxLayout()
        failures = QVBoxLayout()
        failures.addWidget(QLabel("<b>Why messages failed</b> (double-click a reason for its customers)"))
        self.failures = QTableWidget(0, 2, objectName="failures")
        self.failures.setHorizontalHeaderLabels(["Reason", "Customers"])
        self.failures.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.failures.verticalHeader().setVisible(False)
        self.failures.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.failures.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.failures.setWordWrap(True)
        self.failures.cellDoubleClicked.connect(self._failure_clicked)
        self.failures.setMinimumHeight(150)
        self.failures.setMaximumHeight(340)
        failures.addWidget(self.failures)
        lower.addLayout(failures, 2)
        self.daily_view = self._chart_view(260)
        self.daily_view.setMaximumHeight(340)
        lower.addWidget(self.daily_view, 3)
        layout.addLayout(lower)
        self._funnel_bars = None

    def _card(self, key: str, label: str, stage: str | None) -> NumberCard:
        card = NumberCard(key, label, stage is not None)
        if stage is not None:
            card.clicked.connect(lambda _=False, s=stage: self.customers_requested.emit(s))
        self.cards[key] = card
        return card

    @staticmethod
    def _chart_view(height: int) -> QChartView:
        view = QChartView()
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(height)
        view.setFrameShape(QFrame.Shape.NoFrame)
        return view

    # -- showing a report ----------------------------------------------------------------------
    def show_report(self, r: CampaignReport) -> None:
        self.report = r
        u, f, cur = r.uplift, r.funnel, r.currency
        self.title.setText(r.name + ("  ·  SANDBOX (practice, not real)" if r.sandbox else ""))
        went = f"went out {r.start:%d %b %Y, %H:%M} UTC" if r.start else "not sent yet"
        self.subtitle.setText(f"{r.audience_label} · {went} · orders count for {r.window_days} days after "
                              "the message, or any time with its discount code or link")
        style = VERDICT_STYLE.get(u.verdict, "#eef2f0; border: 1px solid #c9d4ce")
        self.verdict.setStyleSheet(f"background: {style}; border-radius: 8px; padding: 8px 10px; font-size: 13px;")
        self.verdict.setText(u.sentence() + self._uplift_detail(r))

        c = self.cards
        c["revenue"].show_value(money(r.revenue, cur), f"{group_indian(f['converted'])} messaged customers bought")
        c["orders"].show_value(group_indian(r.orders), "Orders credited to this campaign")
        c["cost"].show_value(money(r.cost, cur), COST_WORDS.get(r.cost_basis, r.cost_basis))
        c["roi"].show_value("—" if r.roi is None else f"{r.roi * 100:,.0f}%",
                            "(revenue − cost) ÷ cost: 300% means every ₹1 brought back ₹4 of sales")
        c["per_message"].show_value(money(r.revenue_per_message, cur), "Revenue ÷ messages WhatsApp accepted")
        inc = u.incremental_revenue
        c["incremental"].show_value(money(inc, cur) if u.enough_data else "not yet",
                                    "Revenue the campaign added beyond what the holdout suggests would have "
                                    "happened anyway" + ("" if u.enough_data else " — not enough data yet"))
        c["rates"].show_value(f"{pct(u.messaged_rate)} vs {pct(u.holdout_rate)}",
                              "Share of messaged and of held-out customers who bought")
        for key in ("audience", "holdout", "sent", "delivered", "read", "replied", "clicked", "converted", "failed"):
            c[key].show_value(group_indian(f[key]))
        c["read_not_converted"].show_value(group_indian(f["read_not_converted"]), "Good for a reminder: they saw it")

        chart, bars = charts.funnel_chart(r)
        bars.clicked.connect(lambda i: self.customers_requested.emit(charts.funnel_stage_at(r, i)))
        self._set_chart(self.funnel_view, chart)
        self._funnel_bars = bars
        self._set_chart(self.daily_view, charts.daily_chart(r))

        self.failures.setRowCount(len(r.failures))
        for row, fr in enumerate(r.failures):
            reason = QTableWidgetItem(fr.reason + (f" ({fr.code})" if fr.code else ""))
            reason.setData(Qt.ItemDataRole.UserRole, f"failed:{fr.code if fr.code is not None else ''}")
            reason.setToolTip(reason.text())
            self.failures.setItem(row, 0, reason)
            n = QTableWidgetItem(group_indian(fr.customers))
            n.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.failures.setItem(row, 1, n)
        if not r.failures:
            self.failures.setRowCount(1)
            self.failures.setItem(0, 0, QTableWidgetItem("No message failed."))
            self.failures.setItem(0, 1, QTableWidgetItem(""))
        self.failures.resizeRowsToContents()

    @staticmethod
    def _uplift_detail(r: CampaignReport) -> str:
        u = r.uplift
        if not u.holdout:
            return ""
        parts = [f" Bought: {pct(u.messaged_rate)} of {group_indian(u.messaged)} messaged, "
                 f"{pct(u.holdout_rate)} of {group_indian(u.holdout)} held out."]
        if u.enough_data and u.incremental_orders is not None:
            parts.append(f" About {u.incremental_orders:,.0f} extra buyers and "
                         f"{money(u.incremental_revenue, r.currency)} extra revenue.")
        return "".join(parts)

    @staticmethod
    def _set_chart(view: QChartView, chart) -> None:
        old = view.chart()
        view.setChart(chart)
        if old is not None:
            old.deleteLater()

    def _failure_clicked(self, row: int, _col: int) -> None:
        item = self.failures.item(row, 0)
        stage = item.data(Qt.ItemDataRole.UserRole) if item else None
        if stage:
            self.customers_requested.emit(stage)
