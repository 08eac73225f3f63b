"""Campaigns side by side (a sortable table, one row per campaign) with the charts across campaigns:
revenue by customer group and cost vs revenue by week. Double-click a campaign to open its report;
a click on a count opens its customers (`customers_requested(campaign_id, stage)`)."""
from __future__ import annotations

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from wadesk.core.reports.campaign_report import CampaignReport
from wadesk.ui.numbers import group_indian
from wadesk.ui.reports import charts
from wadesk.ui.reports.campaign_view import money, pct

# header, how to show, the value to sort by, the stage a click lists (None: not a customer count)
COLUMNS = (
    ("Campaign", lambda r: r.name + (" (sandbox)" if r.sandbox else ""), lambda r: r.name.lower(), None),
    ("Went out", lambda r: f"{r.start:%d %b %Y}" if r.start else "—", lambda r: r.start.timestamp() if r.start else 0,
     None),
    ("Sent", lambda r: group_indian(r.funnel["sent"]), lambda r: r.funnel["sent"], "sent"),
    ("Delivered", lambda r: pct(_share(r, "delivered")), lambda r: _share(r, "delivered") or 0, "delivered"),
    ("Read", lambda r: pct(_share(r, "read")), lambda r: _share(r, "read") or 0, "read"),
    ("Bought", lambda r: group_indian(r.funnel["converted"]), lambda r: r.funnel["converted"], "converted"),
    ("Revenue", lambda r: money(r.revenue, r.currency), lambda r: float(r.revenue), None),
    ("Cost", lambda r: money(r.cost, r.currency), lambda r: float(r.cost), None),
    ("ROI", lambda r: "—" if r.roi is None else f"{r.roi * 100:,.0f}%", lambda r: r.roi or 0, None),
    ("Uplift", lambda r: pct(r.uplift.absolute, signed=True) if r.uplift.enough_data else "not enough data",
     lambda r: r.uplift.absolute if r.uplift.enough_data and r.uplift.absolute is not None else -9, None),
)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def _share(r: CampaignReport, key: str) -> float | None:
    sent = r.funnel["accepted"]
    return r.funnel[key] / sent if sent else None


class CampaignsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.reports: list[CampaignReport] = []

    def set_reports(self, reports: list[CampaignReport]) -> None:
        self.beginResetModel()
        self.reports = list(reports)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.reports)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, col = self.reports[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col[1](r)
        if role == SORT_ROLE:
            return col[2](r)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Click to see these customers" if col[3] else r.uplift.sentence()
        if role == Qt.ItemDataRole.ForegroundRole and col[3]:
            from PySide6.QtGui import QColor

            return QColor("#0f6b45")
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None


class CompareView(QWidget):
    campaign_opened = Signal(int)
    customers_requested = Signal(int, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Every campaign side by side. Double-click one for its full report; "
                                "click a green count for its customers.", objectName="muted"))
        self.model = CampaignsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(objectName="campaignsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(180)
        self.table.clicked.connect(self._clicked)
        self.table.doubleClicked.connect(self._opened)
        layout.addWidget(self.table, 1)
        charts_row = QHBoxLayout()
        self.segment_view, self.week_view = QChartView(), QChartView()
        for view in (self.segment_view, self.week_view):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(280)
            charts_row.addWidget(view)
        layout.addLayout(charts_row, 1)

    def show_data(self, reports, by_segment, by_week) -> None:
        self.model.set_reports(reports)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for view, chart in ((self.segment_view, charts.segment_chart(by_segment)),
                            (self.week_view, charts.cost_revenue_chart(by_week))):
            old = view.chart()
            view.setChart(chart)
            if old is not None:
                old.deleteLater()

    def _report_at(self, index: QModelIndex) -> CampaignReport:
        return self.model.reports[self.proxy.mapToSource(index).row()]

    def _clicked(self, index: QModelIndex) -> None:
        stage = COLUMNS[index.column()][3]
        if stage:
            self.customers_requested.emit(self._report_at(index).campaign_id, stage)

    def _opened(self, index: QModelIndex) -> None:
        if COLUMNS[index.column()][3] is None:
            self.campaign_opened.emit(self._report_at(index).campaign_id)
