"""The Automations page: flows with on/off switches, one flow's steps and rules (editable), results,
"New flow from a recipe…", "Dry run" (who would get what in the next 24 hours) and "Run now".

    flows table ──select──▶ FlowView (entry in words, results, step cards with bubbles, rules, Save)
        └─ switch ──▶ core set_enabled (a step without a template: the reason is shown, it stays off)

Reading and saving run on the database lane; passes run in the app-wide AutomationRunner (network
pool, one at a time), which the app's timer and the after-import hook use too (app_hooks.py).
"""
from __future__ import annotations

import html
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel, QProgressBar,
                               QPushButton, QScrollArea, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from wadesk.ui import dialogs, events
from wadesk.ui.automations import data
from wadesk.ui.automations.flow_view import FlowView
from wadesk.ui.automations.runner import automation_runner
from wadesk.ui.campaigns.app_hooks import ask
from wadesk.ui.campaigns.words import local_time, n
from wadesk.ui.whatsapp_env import SANDBOX_TEXT, SandboxProvider

EMPTY_TEXT = ("No flows yet. Press “New flow from a recipe…” (Ctrl+N): an abandoned-cart reminder, a COD → prepaid "
              "nudge, a win-back offer… Each one is added switched off, so you can check it first.")
COLUMNS = ("On", "Flow", "In flow now", "Entered", "Sent")
WHY_WORDS = {"now": "you pressed Run now", "timer": "the regular check", "import": "new data came in"}


def pass_words(outcome: Any) -> str:
    r = outcome.result
    when = f"Last run {local_time(outcome.at)} ({WHY_WORDS.get(outcome.why, outcome.why)})"
    if not r.flows and not r.sent and not r.notes:
        return f"{when}: no flow is switched on, so there was nothing to do."
    parts = [f"{n(r.flows)} flow{'s' if r.flows != 1 else ''} checked", f"{n(r.enrolled)} entered",
             f"{n(r.sent)} sent", f"{n(r.exited)} left"]
    if r.deferred:
        parts.append(f"{n(r.deferred)} held back by the weekly limit (tried again tomorrow)")
    text = f"{when}: " + " · ".join(parts)
    if r.notes:
        text += "<br><span style='color:#b06d00'>" + "<br>".join(html.escape(x) for x in r.notes) + "</span>"
    return text


class AutomationsPage(QWidget):
    """Built by the main window as `AutomationsPage(services)`; tests may pass their own sandbox server."""

    def __init__(self, services: Any, sandbox: Callable[[], Any] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("page_automations")
        self.services = services
        self.runner = automation_runner(services, sandbox or SandboxProvider(services.data_dir.root))
        self.page_data: data.PageData | None = None
        self.selected: int | None = None
        self.loaded = False
        self.dialog: Any = None  # the open recipe / step / dry-run dialog
        self._preview_seq = 0
        self._filling = False
        self._build()
        services.bus.changed.connect(self._on_data_changed)
        self.runner.started.connect(self._pass_started)
        self.runner.progress.connect(self._pass_progress)
        self.runner.finished.connect(self._pass_finished)
        self.runner.failed.connect(self._pass_failed)
        if self.runner.running:
            self._pass_started(self.runner.why)
        self.refresh()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        top = QHBoxLayout()
        top.addWidget(QLabel("Automations", objectName="pageTitle"))
        top.addStretch(1)
        self.new_button = QPushButton("New flow from a recipe…", objectName="newFlow")
        self.new_button.setProperty("primary", True)
        self.new_button.setToolTip("Abandoned cart, COD → prepaid, cross-sell, welcome, win-back… (Ctrl+N)")
        self.dry_button = QPushButton("Dry run", objectName="dryRun")
        self.dry_button.setToolTip("Who would get what in the next 24 hours — nothing is sent (Ctrl+D)")
        self.run_button = QPushButton("Run now", objectName="runNow")
        self.run_button.setToolTip("Check every flow now and send what is due (F5). WaDesk also does this every "
                                   "5 minutes and after each import while it is open.")
        for b, slot in ((self.dry_button, self.dry_run), (self.run_button, self.run_now),
                        (self.new_button, self.new_flow)):
            b.clicked.connect(slot)
            top.addWidget(b)
        layout.addLayout(top)
        subtitle = QLabel("Messages that go out by themselves when a customer newly matches a flow's rules — at "
                          "the right moment, stopping as soon as they buy or reply. Nobody gets a step twice.",
                          objectName="pageSubtitle")
        subtitle.setWordWrap(True)
        layout.addWidget(subtitle)
        self.mode = QLabel(SANDBOX_TEXT, objectName="automationsMode")
        self.mode.setStyleSheet("color: #1a5fb4;")
        self.mode.hide()
        layout.addWidget(self.mode)

        bar = QHBoxLayout()
        self.pass_status = QLabel("", objectName="passStatus")
        self.pass_status.setWordWrap(True)
        self.pass_status.setTextFormat(Qt.TextFormat.RichText)
        self.pass_status.setStyleSheet("color: #5b6b63;")
        bar.addWidget(self.pass_status, 1)
        self.progress = QProgressBar(objectName="passProgress")
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(True)
        self.progress.hide()
        bar.addWidget(self.progress)
        self.stop_button = QPushButton("Stop", objectName="stopPass")
        self.stop_button.setToolTip("Stop sending; messages not sent yet go with the next run (Esc)")
        self.stop_button.clicked.connect(self.runner.stop)
        self.stop_button.hide()
        bar.addWidget(self.stop_button)
        layout.addLayout(bar)
        self.banner = QLabel(objectName="automationsBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fdecea; color: #8c1d18; padding: 8px 10px; border-radius: 6px;")
        self.banner.hide()
        layout.addWidget(self.banner)

        self.split = QSplitter(Qt.Orientation.Horizontal, objectName="automationsSplit")
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(COLUMNS), objectName="flowTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        lv.addWidget(self.table, 1)
        self.empty = QLabel(EMPTY_TEXT, objectName="automationsEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.empty.setStyleSheet("color: #5b6b63; padding: 8px; font-size: 14px;")
        lv.addWidget(self.empty, 1)
        self.split.addWidget(left)

        self.view = FlowView(self.services.settings.shop_name)
        self.view.edited.connect(self._definition_edited)
        self.view.edit_step.connect(self.edit_step)
        self.view.edit_entry.connect(self.edit_entry)
        self.view.save_clicked.connect(self.save)
        self.view.revert_clicked.connect(self.revert)
        self.view.delete_clicked.connect(self.delete_selected)
        self.scroll = QScrollArea(objectName="flowScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.view)
        self.split.addWidget(self.scroll)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 3)
        self.split.setSizes([380, 620])
        layout.addWidget(self.split, 1)
        for keys, slot in (("Ctrl+N", self.new_flow), ("Ctrl+D", self.dry_run), ("F5", self.run_now),
                           ("Ctrl+S", self.save), ("Escape", self._escape)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.delete_selected)
        self._show_last_pass()

    # -- data ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.services.jobs.run_in_session(data.read_page, title="Reading automations", parent=self,
                                          progress_dialog=False, on_result=self._show, show_errors=False,
                                          on_error=lambda m: self.show_banner(f"Automations could not be read. {m}"))

    def _show(self, page: data.PageData) -> None:
        self.page_data, self.loaded = page, True
        self.view.saved_segments = page.segments
        self.mode.setVisible(page.sandbox)
        self._filling = True
        try:
            self.table.setRowCount(len(page.flows))
            for i, row in enumerate(page.flows):
                v, r = row.view, row.results
                switch = QTableWidgetItem("On" if v.enabled else "Off")
                switch.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
                switch.setCheckState(Qt.CheckState.Checked if v.enabled else Qt.CheckState.Unchecked)
                switch.setData(Qt.ItemDataRole.UserRole, v.id)
                switch.setToolTip("Switch this flow on or off")
                cells = [switch, QTableWidgetItem(v.name), QTableWidgetItem(n(r.active)),
                         QTableWidgetItem(n(r.entered)), QTableWidgetItem(n(r.sent))]
                for j, cell in enumerate(cells):
                    if j >= 2:
                        cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.table.setItem(i, j, cell)
        finally:
            self._filling = False
        self.empty.setVisible(not page.flows)
        self.table.setVisible(bool(page.flows))
        self.scroll.setVisible(bool(page.flows))
        ids = [f.id for f in page.flows]
        chosen = self.selected if self.selected in ids else (ids[0] if ids else None)
        self.select(chosen)
        self._show_selected(keep_edits=True)

    def row_of(self, flow_id: int | None) -> data.FlowRow | None:
        if self.page_data is None:
            return None
        return next((f for f in self.page_data.flows if f.id == flow_id), None)

    def select(self, flow_id: int | None) -> None:
        if self.page_data is None:
            return
        i = next((k for k, f in enumerate(self.page_data.flows) if f.id == flow_id), -1)
        if i >= 0 and (self.table.currentRow() != i or not self.table.selectionModel().hasSelection()):
            self.table.selectRow(i)

    def _selection_changed(self) -> None:
        if self._filling or self.page_data is None:
            return
        rows = self.table.selectionModel().selectedRows()
        flow_id = self.page_data.flows[rows[0].row()].id if rows else None
        if flow_id == self.selected:
            return
        if self.view.dirty and not ask(self, "WaDesk — Unsaved changes", f"Your changes to "
                                       f"“{html.escape(self.view.saved_name)}” are not saved. Drop them?",
                                       "Drop changes", "Keep editing"):
            self.select(self.selected)
            return
        self.selected = flow_id
        self._show_selected(keep_edits=False)

    def _show_selected(self, keep_edits: bool) -> None:
        row = self.row_of(self.selected)
        if row is None or self.page_data is None:
            return
        reasons = self.page_data.exit_reasons.get(row.id, [])
        if self.view.show_flow(row, self.page_data.sandbox, keep_edits=keep_edits, reasons=reasons):
            self._load_previews()

    # -- previews ----------------------------------------------------------------------------------
    def _load_previews(self) -> None:
        if self.view.definition is None or self.page_data is None:
            return
        self._preview_seq += 1
        seq, d = self._preview_seq, self.view.edited_definition()
        db, engine, sandbox, now = (self.services.db, self.services.segment_engine, self.page_data.sandbox,
                                    self.services.clock.now())
        self.services.jobs.run(lambda _ctx: data.step_previews(db, engine, d, sandbox, now),
                               title="Preparing the previews", parent=self, progress_dialog=False, show_errors=False,
                               on_result=lambda p: seq == self._preview_seq and self.view.show_previews(p))

    def _definition_edited(self) -> None:
        self._load_previews()

    # -- switching, saving -----------------------------------------------------------------------
    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 0:
            return
        flow_id = item.data(Qt.ItemDataRole.UserRole)
        on = item.checkState() == Qt.CheckState.Checked
        self.switch(flow_id, on)

    def switch(self, flow_id: int, on: bool) -> None:
        now = self.services.clock.now()
        self.hide_banner()
        self.services.jobs.run_in_session(lambda s, _ctx: data.switch(s, flow_id, on, now),
                                          title="Switching a flow " + ("on" if on else "off"), parent=self,
                                          progress_dialog=False, show_errors=False,
                                          on_result=lambda _r: self.services.bus.notify(events.AUTOMATIONS),
                                          on_error=self._switch_failed)

    def _switch_failed(self, message: str) -> None:
        self.show_banner(message)
        self.refresh()  # the switch goes back to how it is saved

    def save(self) -> None:
        from wadesk.core.automations.definition import FlowError

        if self.view.definition is None or self.view.flow_id is None or not self.view.dirty:
            return
        d, name = self.view.edited_definition(), self.view.name.text().strip()
        row = self.row_of(self.view.flow_id)
        try:
            if not name:
                raise FlowError("Give the flow a name.")
            d.validate()
            missing = d.missing_templates()
            if missing and row is not None and row.view.enabled:
                raise FlowError(f"Choose a template for step {missing[0]}: this flow is on, and every step needs one.")
        except FlowError as exc:
            self.view.show_problem(str(exc))
            return
        flow_id, now = self.view.flow_id, self.services.clock.now()

        def saved(_r: Any) -> None:
            self.view.saved, self.view.saved_name = d, name
            self.view.set_definition(d)
            self.services.bus.notify(events.AUTOMATIONS)

        self.services.jobs.run_in_session(lambda s, _ctx: data.save(s, flow_id, d, name, now), title="Saving the flow",
                                          parent=self, progress_dialog=False, show_errors=False, on_result=saved,
                                          on_error=self.view.show_problem)

    def revert(self) -> None:
        if self.view.saved is not None:
            self.view.set_definition(self.view.saved, self.view.saved_name)
            self._load_previews()

    def delete_selected(self) -> None:
        row = self.row_of(self.selected)
        if row is None:
            return
        active = row.view.active
        inside = (f" {active:,} customer{'s are' if active != 1 else ' is'} in it now and will get no more of its "
                  "messages." if active else "")
        if not dialogs.confirm(self, "WaDesk — Delete the flow",
                               f"Delete the flow “{row.view.name}”?{inside} Messages it already sent stay in each "
                               "customer's history. To pause it instead, switch it off.", "Delete the flow"):
            return
        db, flow_id = self.services.db, row.id

        def deleted(_r: Any) -> None:
            self.selected = None
            self.services.bus.notify(events.AUTOMATIONS)

        self.hide_banner()
        self.services.jobs.run(lambda _ctx: data.delete(db, flow_id), title="Deleting the flow", parent=self,
                               progress_dialog=False, show_errors=False, on_result=deleted,
                               on_error=self.show_banner)

    # -- dialogs ---------------------------------------------------------------------------------
    def new_flow(self) -> None:
        from wadesk.ui.automations.recipe_dialog import RecipeDialog

        self.dialog = RecipeDialog(self)
        self.dialog.accepted.connect(lambda: self._add_recipe(self.dialog.chosen()))
        self.dialog.open()

    def _add_recipe(self, key: str | None) -> None:
        if not key:
            return
        now = self.services.clock.now()

        def added(flow_id: int) -> None:
            self.selected = flow_id
            self.services.bus.notify(events.AUTOMATIONS)

        self.services.jobs.run_in_session(lambda s, _ctx: data.add_recipe(s, key, now), title="Adding a flow",
                                          parent=self, progress_dialog=False, show_errors=False, on_result=added,
                                          on_error=self.show_banner)

    def edit_step(self, index: int) -> None:
        from wadesk.ui.automations.step_dialog import StepDialog

        d = self.view.edited_definition()
        templates = self.page_data.templates if self.page_data else []
        self.dialog = dialog = StepDialog(self.services, d.steps[index], index + 1, templates, d.entry, self)
        dialog.accepted.connect(lambda: self.view.replace_step(index, dialog.step()))
        dialog.open()

    def edit_entry(self) -> None:
        """"Edit who enters…": the rule builder on the flow's entry rules; kept in the view until Save."""
        from wadesk.ui.automations.entry_dialog import EntryDialog

        if self.view.definition is None:
            return
        d = self.view.edited_definition()
        self.dialog = dialog = EntryDialog(self.services, d.entry, self.view.name.text().strip(), self)
        dialog.accepted.connect(lambda: dialog.changed() and self.view.use_entry(dialog.rules()))
        dialog.open()

    def dry_run(self) -> None:
        from wadesk.ui.automations.dry_run_dialog import DryRunDialog, dry_run_job

        db, engine, clock = self.services.db, self.services.segment_engine, self.services.clock

        def show(answer: tuple[list[dict], str]) -> None:
            self.dialog = DryRunDialog(*answer, parent=self)
            self.dialog.open()

        self.services.jobs.run(lambda ctx: dry_run_job(db, engine, clock, 24, ctx), title="Dry run", parent=self,
                               on_result=show, show_errors=False, on_error=self.show_banner)

    # -- passes ----------------------------------------------------------------------------------
    def run_now(self) -> None:
        self.hide_banner()
        if not self.runner.run("now"):
            self.pass_status.setText("A run is going on; WaDesk runs again as soon as it ends.")

    def _pass_started(self, why: str) -> None:
        self.run_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.setFormat("Checking flows…")
        self.progress.show()
        self.stop_button.show()
        self.pass_status.setText(f"Checking flows ({WHY_WORDS.get(why, why)})…")

    def _pass_progress(self, p: Any) -> None:
        total = max(p.total, 1)
        self.progress.setRange(0, total)
        self.progress.setValue(min(p.done, total))
        self.progress.setFormat(f"Sending: {n(p.accepted)} sent of {n(p.total)}")

    def _pass_finished(self, _outcome: Any) -> None:
        self.run_button.setEnabled(True)
        self.progress.hide()
        self.stop_button.hide()
        self._show_last_pass()

    def _pass_failed(self, message: str, why: str) -> None:
        self.show_banner(f"Automations could not run ({WHY_WORDS.get(why, why)}). {message}")

    def _show_last_pass(self) -> None:
        last = self.runner.last
        self.pass_status.setText(pass_words(last) if last else "Not run yet in this session. WaDesk checks your "
                                 "flows every 5 minutes and after each import while it is open.")

    def _escape(self) -> None:
        if self.runner.running:
            self.runner.stop()

    # -- banner, events ----------------------------------------------------------------------------
    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    def hide_banner(self) -> None:
        self.banner.hide()

    def on_page_shown(self) -> None:
        if self.loaded:
            self.refresh()

    def _on_data_changed(self, what: frozenset[str]) -> None:
        if events.touches(what, events.AUTOMATIONS, events.TEMPLATES, events.SETTINGS, events.ORDERS):
            self.refresh()
