"""The pipeline report: count and value per stage, conversion to the next stage, median days in
stage, won revenue by channel, and "Export to Excel…"."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from wadesk.core.pipeline.report import PipelineReport, channel_label, pipeline_report, write_report_xlsx
from wadesk.ui.numbers import group_indian, rupees

STAGE_COLUMNS = ("Stage", "Deals now", "Value now", "Reached", "Went on to next stage", "Median days in stage")


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    t = QTableWidget(0, len(columns), objectName=name)
    t.setHorizontalHeaderLabels(columns)
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    t.setShowGrid(False)
    t.setAlternatingRowColors(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return t


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.setFixedHeight(table.horizontalHeader().height() + 30 * max(1, len(rows)) + 6)
    for r in range(len(rows)):
        table.setRowHeight(r, 30)


class ReportView(QWidget):
    def __init__(self, services: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.report: PipelineReport | None = None
        self.pipeline_id: int | None = None
        # Tests replace this to avoid the native dialog.
        self.choose_path: Callable[[str], str] = self._ask_path
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.summary = QLabel(objectName="reportSummary")
        self.summary.setWordWrap(True)
        top.addWidget(self.summary, 1)
        self.export_button = QPushButton("Export to Excel…", objectName="exportPipelineReport")
        self.export_button.setToolTip("Save this report as an .xlsx file (Ctrl+E)")
        self.export_button.setShortcut("Ctrl+E")
        self.export_button.clicked.connect(self.export)
        top.addWidget(self.export_button)
        v.addLayout(top)
        v.addWidget(QLabel("<b>Stages</b> — “went on” counts deals that reached the next stage or a later one; "
                           "days in stage are for finished stays.", objectName="stagesCaption"))
        self.stages = _table(STAGE_COLUMNS, "reportStages")
        v.addWidget(self.stages)
        v.addWidget(QLabel("<b>Won revenue by channel</b> (where the customer came from)"))
        self.channels = _table(("Channel", "Won deals", "Won revenue"), "reportChannels")
        v.addWidget(self.channels)
        v.addStretch(1)

    def load(self, pipeline_id: int) -> None:
        self.pipeline_id = pipeline_id
        self.services.jobs.run_in_session(lambda s, ctx: pipeline_report(s, pipeline_id), title="Pipeline report",
                                          parent=self, on_result=self.show_report, progress_dialog=False)

    def show_report(self, report: PipelineReport) -> None:
        self.report = report
        rows = []
        for f in report.stages:
            conv = "—" if f.conversion is None else f"{f.conversion:.0%}"
            med = "—" if f.median_days is None else f"{f.median_days:.1f}"
            rows.append((f.name, group_indian(f.count), rupees(f.value), group_indian(f.reached), conv, med))
        _fill(self.stages, rows)
        won = report.won_by_channel
        _fill(self.channels, [(channel_label(ch), group_indian(n), rupees(v)) for ch, n, v in won]
              or [("No won deals yet", "", "")])
        self.summary.setText(f"<b>{group_indian(report.total_deals)}</b> deals in “{report.name}” · won so far "
                             f"<b>{rupees(report.won_value)}</b>")

    def _ask_path(self, default: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Export the pipeline report", default, "Excel (*.xlsx)")
        return path

    def export(self) -> None:
        if self.report is None:
            return
        path = self.choose_path(str(Path.home() / f"pipeline-{self.report.name}.xlsx"))
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        report = self.report
        self.services.jobs.run(lambda ctx: write_report_xlsx(report, path), title="Exporting the report",
                               parent=self, on_result=lambda p: self.summary.setText(
                                   self.summary.text() + f"<br>Saved to {p}"))
