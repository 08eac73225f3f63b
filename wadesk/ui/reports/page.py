"""The Reports page: pick a campaign for its report, or compare every campaign; export to Excel or PDF.

Reports are added up on the db lane (one `build_report` per campaign: a few grouped queries each) when
the page is first shown and again when campaigns, orders or settings change while it is visible.
Keys: Ctrl+E Excel, Ctrl+P PDF, F5 refresh, Ctrl+1 / Ctrl+2 the two tabs."""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSpinBox,
                               QStackedWidget, QTabWidget, QVBoxLayout, QWidget)

from wadesk.core.reports.attribution import MAX_WINDOW_DAYS, WINDOW_KEY
from wadesk.core.reports.campaign_report import CampaignReport
from wadesk.ui import events
from wadesk.ui.errors import show_error
from wadesk.ui.pages.placeholder import heading
from wadesk.ui.reports.campaign_view import CampaignReportView
from wadesk.ui.reports.compare import CompareView
from wadesk.ui.reports.customers_dialog import CustomersDialog
from wadesk.ui.reports.data import ReportsData, customer_list, load_reports

log = logging.getLogger(__name__)


class ReportsPage(QWidget):
    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.setObjectName("page_reports")
        self.data: ReportsData | None = None
        self.dialog: CustomersDialog | None = None
        self._loading = self._stale = False
        self._visible_once = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(10)
        for w in heading("Reports", "What your campaigns earned, and whether they caused the sales "
                                    "(compared with the customers held out)."):
            layout.addWidget(w)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Campaign:"))
        self.picker = QComboBox(objectName="campaignPicker")
        self.picker.setMinimumWidth(320)
        self.picker.currentIndexChanged.connect(self._picked)
        bar.addWidget(self.picker)
        bar.addSpacing(16)
        bar.addWidget(QLabel("Orders count for"))
        self.window_box = QSpinBox(objectName="attributionWindow")
        self.window_box.setRange(1, MAX_WINDOW_DAYS)
        self.window_box.setSuffix(" days")
        self.window_box.setToolTip("Orders placed this many days after the message count for the campaign "
                                   "(any time with its discount code or link). Applies to every report.")
        self.window_box.editingFinished.connect(self._window_changed)
        bar.addWidget(self.window_box)
        bar.addStretch(1)
        self.xlsx_button = QPushButton("Export to Excel…", objectName="exportXlsx")
        self.xlsx_button.setToolTip("Summary with charts and one row per customer (Ctrl+E)")
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button = QPushButton("Export to PDF…", objectName="exportPdf")
        self.pdf_button.setToolTip("The report with its charts, to mail to a partner (Ctrl+P)")
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        refresh = QPushButton("Refresh", objectName="refreshReports")
        refresh.setToolTip("Add up the results again (F5)")
        refresh.clicked.connect(self.refresh)
        for b in (self.xlsx_button, self.pdf_button, refresh):
            bar.addWidget(b)
        layout.addLayout(bar)

        self.stack = QStackedWidget()
        self.empty = QWidget(objectName="reportsEmpty")
        empty = QVBoxLayout(self.empty)
        self.empty_text = QLabel("Adding up your campaigns…")
        self.empty_text.setWordWrap(True)
        self.empty_text.setStyleSheet("font-size: 14px;")
        empty.addWidget(self.empty_text)
        go = QPushButton("Plan a campaign", objectName="goCampaigns")
        go.clicked.connect(lambda: services.bus.request_page("campaigns"))
        empty.addWidget(go, 0, Qt.AlignmentFlag.AlignLeft)
        empty.addStretch(1)
        self.stack.addWidget(self.empty)

        self.tabs = QTabWidget(objectName="reportTabs")
        self.view = CampaignReportView()
        self.view.customers_requested.connect(lambda stage: self.show_customers(self.current_id(), stage))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.view)
        self.tabs.addTab(scroll, "Campaign report")
        self.compare = CompareView()
        self.compare.campaign_opened.connect(self.open_campaign)
        self.compare.customers_requested.connect(self.show_customers)
        self.tabs.addTab(self.compare, "Compare campaigns")
        self.stack.addWidget(self.tabs)
        layout.addWidget(self.stack, 1)

        QShortcut(QKeySequence("Ctrl+E"), self, activated=lambda: self.export("xlsx"))
        QShortcut(QKeySequence("Ctrl+P"), self, activated=lambda: self.export("pdf"))
        QShortcut(QKeySequence("F5"), self, activated=self.refresh)
        QShortcut(QKeySequence("Ctrl+1"), self, activated=lambda: self.tabs.setCurrentIndex(0))
        QShortcut(QKeySequence("Ctrl+2"), self, activated=lambda: self.tabs.setCurrentIndex(1))
        services.bus.changed.connect(self._on_data_changed)
        self._set_actions(False)

    # -- loading ---------------------------------------------------------------------------------
    def on_page_shown(self) -> None:
        if not self._visible_once or self._stale:
            self._visible_once = True
            self.refresh()

    def refresh(self) -> None:
        if self._loading:
            self._stale = True
            return
        self._loading, self._stale = True, False
        job = self.services.jobs.run_in_session(load_reports, title="Adding up campaign results",
                                                on_result=self._loaded, parent=self, progress_dialog=False)
        job.finished.connect(self._load_done)

    def _load_done(self) -> None:
        self._loading = False
        if self._stale and self.isVisible():
            self.refresh()

    def _on_data_changed(self, what: frozenset[str]) -> None:
        if events.touches(what, events.CAMPAIGNS, events.ORDERS, events.SETTINGS, events.CUSTOMERS):
            self._stale = True
            if self.isVisible():
                self.refresh()

    def _window_changed(self) -> None:
        days = self.window_box.value()
        if self.data is not None and self.data.reports and self.data.reports[0].window_days == days:
            return
        self.services.settings.set(WINDOW_KEY, days)  # saved, then "settings" is announced: reports add up again

    def _loaded(self, data: ReportsData) -> None:
        self.data = data
        if data.reports:
            self.window_box.blockSignals(True)
            self.window_box.setValue(data.reports[0].window_days)
            self.window_box.blockSignals(False)
        keep = self.current_id()
        self.picker.blockSignals(True)
        self.picker.clear()
        for r in data.reports:
            when = f"{r.start:%d %b %Y}" if r.start else "not sent"
            self.picker.addItem(f"{r.name} — {when}" + (" (sandbox)" if r.sandbox else ""), r.campaign_id)
        self.picker.blockSignals(False)
        if not data.reports:
            self.empty_text.setText("No campaign has gone out yet. Once one has, this page shows what it "
                                    "earned, what it cost and whether it caused the sales.")
            self.stack.setCurrentWidget(self.empty)
            self._set_actions(False)
            return
        self.stack.setCurrentWidget(self.tabs)
        index = max(0, self.picker.findData(keep)) if keep is not None else 0
        self.picker.setCurrentIndex(index)
        self._picked(index)
        self.compare.show_data(data.reports, data.by_segment, data.by_week)

    # -- one campaign ----------------------------------------------------------------------------
    def current_id(self) -> int | None:
        return self.picker.currentData()

    def current_report(self) -> CampaignReport | None:
        cid = self.current_id()
        return next((r for r in (self.data.reports if self.data else []) if r.campaign_id == cid), None)

    def _picked(self, _index: int) -> None:
        report = self.current_report()
        self._set_actions(report is not None)
        if report is not None:
            self.view.show_report(report)

    def open_campaign(self, campaign_id: int) -> None:
        index = self.picker.findData(campaign_id)
        if index >= 0:
            self.picker.setCurrentIndex(index)
            self.tabs.setCurrentIndex(0)

    def _set_actions(self, enabled: bool) -> None:
        self.xlsx_button.setEnabled(enabled)
        self.pdf_button.setEnabled(enabled)

    # -- the customers behind a number -------------------------------------------------------------
    def show_customers(self, campaign_id: int | None, stage: str) -> None:
        report = next((r for r in (self.data.reports if self.data else []) if r.campaign_id == campaign_id), None)
        if report is None:
            return
        self.services.jobs.run_in_session(
            lambda s, ctx: customer_list(s, ctx, campaign_id, stage, report.name),
            title="Finding the customers", parent=self, on_result=self._show_list)

    def _show_list(self, data) -> None:
        self.dialog = CustomersDialog(self.services, data, self)
        self.dialog.open()

    # -- exports ---------------------------------------------------------------------------------
    def export(self, kind: str, path: str | None = None) -> None:
        report = self.current_report()
        if report is None:
            return
        if path is None:
            safe = "".join(ch if ch.isalnum() or ch in " -_" else "-" for ch in report.name).strip() or "report"
            default = str(Path.home() / f"{safe}.{kind}")
            filters = "Excel workbook (*.xlsx)" if kind == "xlsx" else "PDF (*.pdf)"
            path, _ = QFileDialog.getSaveFileName(self, "Export the report", default, filters)
            if not path:
                return
        if Path(path).suffix.lower() != f".{kind}":
            path += f".{kind}"
        if kind == "pdf":
            self._write_pdf(report, path)
            return
        from wadesk.core.reports.export_xlsx import write_xlsx

        self.services.jobs.run_in_session(lambda s, ctx: write_xlsx(s, report, path, cancelled=ctx.cancelled),
                                          title="Writing the Excel file", parent=self,
                                          on_result=lambda p: self._exported(str(p)))

    def _write_pdf(self, report: CampaignReport, path: str) -> None:
        from wadesk.ui.reports.pdf import write_pdf  # charts are drawn on the UI thread (Qt graphics)

        try:
            write_pdf(report, path)
        except OSError as exc:
            show_error(self, "The PDF was not written", f"WaDesk could not write {path}: {exc.strerror or exc}.")
            return
        self._exported(path)

    def _exported(self, path: str) -> None:
        self.last_export = path
        win = self.window()
        bar = win.statusBar() if hasattr(win, "statusBar") else None
        if bar is not None:
            bar.showMessage(f"Report saved to {path}", 8000)
