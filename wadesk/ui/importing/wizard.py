"""The import wizard: choose a file → match the columns → check (a dry run) → import → result.

Every step that reads the file or the database runs on the job runner's database lane; the
engine (`wadesk.core.importing`) does one transaction per import, so Cancel keeps nothing.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QLabel, QStackedWidget, QVBoxLayout, QWidget

from wadesk.core.importing import ImportOptions, ImportResult, preview_file, run_import
from wadesk.ui import events
from wadesk.ui.customers.rescore import refresh_scores
from wadesk.ui.importing.review_step import ReviewStep
from wadesk.ui.importing.steps import ChooseStep, OutcomeStep
from wadesk.ui.importing.wording import FILE_FILTER, summary_html

STEPS = ("Choose a file", "Match the columns", "Check", "Import")
REJECTED_FOLDER = "rejected rows"


class ImportWizard(QWidget):
    imported = Signal(object)  # ImportResult of a finished (real) import

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.path: Path | None = None
        self.result: ImportResult | None = None  # the last check or import
        self.job = None
        self.running: str | None = None  # "preview", "check" or "import" while a job runs
        self.scoring = None  # the job refreshing the scores of the last import's customers
        self.steps = QLabel(objectName="importSteps")
        self.error = QLabel(objectName="importError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e; font-size: 14px; background: #fdecea; border: 1px solid #f4c7c3;"
                                 " border-radius: 6px; padding: 8px 12px;")
        self.error.hide()
        self.choose = ChooseStep()
        self.review = ReviewStep()
        self.outcome = OutcomeStep()
        self.stack = QStackedWidget()
        for w in (self.choose, self.review, self.outcome):
            self.stack.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.steps)
        layout.addWidget(self.error)
        layout.addWidget(self.stack, 1)
        self.choose.choose_requested.connect(self.choose_file)
        self.review.other_file_requested.connect(self.choose_file)
        self.review.sheet_changed.connect(lambda sheet: self._load(sheet, "auto"))
        self.review.format_changed.connect(lambda fmt: self._load(self._sheet(), fmt))
        self.review.check_requested.connect(self.check)
        self.outcome.back_requested.connect(lambda: self._go(1))
        self.outcome.import_requested.connect(self.start_import)
        self.outcome.cancel_requested.connect(self.cancel)
        self.outcome.rejected_requested.connect(self.open_rejected)
        self.outcome.another_requested.connect(self.reset)
        self.outcome.customers_requested.connect(lambda: services.bus.request_page("customers"))
        self._go(0)

    # -- navigation ------------------------------------------------------------------------------
    def _go(self, step: int) -> None:
        """0 choose, 1 columns, 2 check, 3 import/result."""
        self.stack.setCurrentIndex(min(step, 2))
        parts = []
        for i, name in enumerate(STEPS):
            style = "color: #0f6b45; font-weight: bold;" if i == step else "color: #8a9791;"
            parts.append(f"<span style='{style}'>{i + 1}. {name}</span>")
        self.steps.setText("&nbsp;&nbsp;›&nbsp;&nbsp;".join(parts))

    def reset(self) -> None:
        self.path, self.result = None, None
        self.show_error("")
        self._go(0)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def choose_file(self) -> None:
        start = str(self.path.parent) if self.path else str(Path.home())
        name, _ = QFileDialog.getOpenFileName(self, "Choose a file to import", start, FILE_FILTER)
        if name:
            self.open_file(name)

    # -- reading the file ------------------------------------------------------------------------
    def open_file(self, path: str | Path) -> None:
        """Start the wizard on this file (the button, a drop, or a test)."""
        if self.running:
            return
        self.path = Path(path)
        self.result = None
        self.review.preview = None
        self.show_error("")
        self._load(None, "auto")

    def _sheet(self) -> str | None:
        return self.review.sheet.currentText() or None if self.review.sheet.count() > 1 else None

    def _load(self, sheet: str | None, fmt: str) -> None:
        path, db = self.path, self.services.db

        def work(ctx):
            ctx.progress(0, 0, "Reading the file")
            return preview_file(path, sheet=sheet, format=fmt, db=db)

        self._run("preview", work, "Reading the file", self._previewed)

    def _previewed(self, preview) -> None:
        country = str(self.services.settings.get("default_region") or "IN")
        self.review.show_preview(preview, self.path.name, country)
        self._go(1)

    # -- check and import ------------------------------------------------------------------------
    def options(self) -> ImportOptions:
        preview = self.review.preview
        return ImportOptions(format=self.review.format.currentData() or "auto", mapping=self.review.mapping.mapping(),
                             sheet=preview.table.sheet if preview else None, country=self.review.selected_country(),
                             date_order=self.review.dates.choice())

    def check(self) -> None:
        self._start("check", dry_run=True)

    def start_import(self) -> None:
        self._start("import", dry_run=False)

    def _start(self, what: str, dry_run: bool) -> None:
        if self.path is None or self.running:
            return
        path, db, opts, clock = self.path, self.services.db, self.options(), self.services.clock
        if not dry_run and (order := self.review.dates.remembered()):
            self.services.settings.set("import_date_order", order)
        folder = self.services.data_dir.root / REJECTED_FOLDER

        def work(ctx):  # scores follow as a job of their own, once "Import finished" shows (_done)
            return run_import(db, path, opts, dry_run=dry_run, progress=ctx.progress,
                              cancelled=ctx.cancelled, clock=clock, rejected_dir=folder, refresh_scores=False)

        self.show_error("")
        self.outcome.title.setText("Checking the file…" if dry_run else f"Importing {path.name}…")
        self.outcome.summary.setText("" if dry_run else self.outcome.summary.text())
        self.outcome.show_state("working")
        self.outcome.set_progress(0, 0, "Reading the file")
        self._go(2 if dry_run else 3)
        self._run(what, work, "Checking the file" if dry_run else "Importing", self._checked if dry_run else self._done)

    def _run(self, what: str, work, title: str, on_result) -> None:
        self.running = what
        self.review.set_busy(True)
        self.job = self.services.jobs.run(work, title=title, parent=self, on_result=on_result,
                                          on_error=self._failed, on_cancelled=self._cancelled,
                                          progress_dialog=what == "preview", show_errors=False)
        self.job.progress.connect(self.outcome.set_progress)
        self.job.finished.connect(self._job_over)

    def _job_over(self) -> None:
        self.running, self.job = None, None
        self.review.set_busy(False)

    def cancel(self) -> None:
        if self.job is not None:
            self.outcome.cancel_button.setEnabled(False)
            self.outcome.progress_text.setText("Stopping… (nothing half-done is kept)")
            self.job.cancel()

    def _checked(self, result: ImportResult) -> None:
        self.result = result
        self.outcome.title.setText("What this import will do")
        self.outcome.summary.setText(summary_html(result, self.path.name, future=True))
        self.outcome.show_state("checked")
        self.outcome.rejected_button.setText("See the rows that can't be used (Excel)")
        self.outcome.rejected_button.setVisible(bool(result.rejected_file))

    def _done(self, result: ImportResult) -> None:
        self.result = result
        self.outcome.title.setText("✔ Import finished")
        self.outcome.summary.setText(summary_html(result, self.path.name, future=False)
                                     + "<p>Changed your mind? Undo it under <b>Past imports</b>.</p>")
        self.outcome.show_state("done")
        self.outcome.rejected_button.setText("Open the rejected rows (Excel)")
        self.outcome.rejected_button.setVisible(bool(result.rejected_file))
        self.services.bus.notify(events.CUSTOMERS, events.ORDERS, events.EVENTS, events.TAGS)
        self.imported.emit(result)
        self._refresh_scores(result.score_ids)

    def _refresh_scores(self, ids: list[int]) -> None:
        """The touched customers' scores, on the database lane after the import (a later import or
        an undo queues behind it); a status line says so until they are done."""
        job = refresh_scores(self.services, ids, parent=self)
        if job is None:
            return
        line = self.outcome.progress_text
        line.setText(f"Updating the scores of {len(ids):,} customers…")
        line.show()
        self.scoring = job
        job.finished.connect(self._scores_over)

    def _scores_over(self) -> None:
        self.scoring = None
        if self.running is None:  # a new job's progress may be using the line by now
            self.outcome.progress_text.hide()

    def _failed(self, message: str) -> None:
        what = self.running
        self.show_error(message)
        if what == "preview" and self.review.preview is None:
            self._go(0)
        elif what in ("check", "import"):
            self._go(1)

    def _cancelled(self) -> None:
        if self.running == "import":
            self.outcome.title.setText("Import cancelled")
            self.outcome.summary.setText(f"<p>Nothing from <b>{self.path.name}</b> was saved; WaDesk is exactly "
                                         "as it was before. Press Import to try again.</p>")
            self.outcome.show_state("checked")
        else:
            self._go(1 if self.review.preview is not None else 0)

    def open_rejected(self) -> None:
        if self.result is not None and self.result.rejected_file:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.result.rejected_file))
