"""The Campaigns page: the list of campaigns, one campaign's sending view, and the new-campaign wizard.

    list ──New campaign (Ctrl+N)──▶ wizard ──Create and send / Schedule──▶ campaign view (live)
      └──Open (Enter, double-click)──▶ campaign view ──← All campaigns (Esc)──▶ list

Reading runs on the database lane; sending runs in the app-wide CampaignRunner (runner.py).
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QStackedWidget,
                               QTableView, QVBoxLayout, QWidget)

from wadesk.core.campaigns import ledger as L
from wadesk.ui import dialogs, events
from wadesk.ui.campaigns import data
from wadesk.ui.campaigns.campaign_view import CampaignView, send_words
from wadesk.ui.campaigns.list_model import CampaignTableModel
from wadesk.ui.campaigns.runner import campaign_runner
from wadesk.ui.campaigns.test_send import TestSendDialog
from wadesk.ui.campaigns.words import local_time
from wadesk.ui.whatsapp_env import SandboxProvider

EMPTY_TEXT = ("No campaigns yet. Press “New campaign” (Ctrl+N): choose the customers, a template, "
              "check the cost, and send.")


class CampaignsPage(QWidget):
    """Built by the main window as `CampaignsPage(services)`; tests may pass their own sandbox server."""

    def __init__(self, services: Any, sandbox: Callable[[], Any] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("page_campaigns")
        self.services = services
        self.sandbox = sandbox or SandboxProvider(services.data_dir.root)
        self.runner = campaign_runner(services, self.sandbox)
        self.rows_loaded = False
        self.open_id: int | None = None  # the campaign shown in the campaign view
        self.wizard = None
        self.test_dialog: TestSendDialog | None = None
        self.started: set[int] = set()  # sends this page started (it reports their failures)
        self.model = CampaignTableModel(self)
        self._build()
        services.bus.changed.connect(self._on_data_changed)
        self.runner.progress.connect(self._on_progress)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.refresh()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        self.stack = QStackedWidget(objectName="campaignStack")
        self.list_view = QWidget(objectName="campaignList")
        lv = QVBoxLayout(self.list_view)
        lv.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel("Campaigns", objectName="pageTitle"))
        top.addStretch(1)
        self.new_button = QPushButton("New campaign", objectName="newCampaign")
        self.new_button.setProperty("primary", True)
        self.new_button.setToolTip("Choose customers and a template, check the cost, and send (Ctrl+N)")
        self.new_button.clicked.connect(self.new_campaign)
        top.addWidget(self.new_button)
        lv.addLayout(top)
        subtitle = QLabel("Send one approved WhatsApp template to a segment. WaDesk follows WhatsApp's limits, "
                          "never messages anyone twice for the same campaign, and carries on after a restart.",
                          objectName="pageSubtitle")
        subtitle.setWordWrap(True)
        lv.addWidget(subtitle)
        actions = QHBoxLayout()
        self.open_button = QPushButton("Open", objectName="openCampaign", toolTip="See progress and details (Enter)")
        self.send_button = QPushButton("Send", objectName="listSend", toolTip="Start or resume sending")
        self.pause_button = QPushButton("Pause", objectName="listPause")
        self.cancel_button = QPushButton("Cancel…", objectName="listCancel",
                                         toolTip="Drop the messages not sent yet (asks first)")
        self.test_button = QPushButton("Test send…", objectName="listTest",
                                       toolTip="Send this campaign's message to your own number")
        for b, slot in ((self.open_button, self.open_selected), (self.send_button, self.send_selected),
                        (self.pause_button, self.pause_selected), (self.cancel_button, self.cancel_selected),
                        (self.test_button, self.test_selected)):
            b.clicked.connect(slot)
            actions.addWidget(b)
        actions.addStretch(1)
        self.status = QLabel(objectName="campaignsStatus")
        self.status.setStyleSheet("color: #5b6b63;")
        actions.addWidget(self.status)
        lv.addLayout(actions)
        self.table = QTableView(objectName="campaignTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        lv.addWidget(self.table, 1)
        self.empty = QLabel(EMPTY_TEXT, objectName="campaignsEmpty")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #5b6b63; padding: 8px; font-size: 14px;")
        lv.addWidget(self.empty)
        self.stack.addWidget(self.list_view)

        self.view = CampaignView()
        self.view.back.connect(self.show_list)
        self.view.send_clicked.connect(lambda: self.send(self.open_id))
        self.view.pause_clicked.connect(lambda: self.pause(self.open_id))
        self.view.cancel_clicked.connect(lambda: self.cancel(self.open_id))
        self.view.test_clicked.connect(lambda: self.test_send(self.open_id))
        self.view.unknown_decided.connect(self.decide_unknown)
        self.stack.addWidget(self.view)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.addWidget(self.stack)
        for keys, slot in (("Ctrl+N", self.new_campaign), ("Escape", self._escape)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        for keys in ("Return", "Enter"):  # on the table only: Enter stays Enter in the wizard's fields
            sc = QShortcut(QKeySequence(keys), self.table)
            sc.setContext(Qt.ShortcutContext.WidgetShortcut)
            sc.activated.connect(self._enter)
        self._update_buttons()

    # -- data ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.services.jobs.run_in_session(data.read_campaigns, title="Reading campaigns", parent=self,
                                          progress_dialog=False, on_result=self._show_rows, show_errors=False,
                                          on_error=lambda m: self.status.setText(f"Campaigns could not be read. {m}"))
        if self.open_id is not None and self.stack.currentWidget() is self.view:
            self._load_detail(self.open_id)

    def _show_rows(self, rows: list[data.CampaignRow]) -> None:
        chosen = self.selected_id()
        self.model.set_rows(rows)
        for cid in self.runner.running:
            last = self.runner.last_progress(cid)
            if last is not None:
                self.model.update_live(cid, last)
        self.rows_loaded = True
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
        sending = sum(1 for r in rows if r.state == L.RUNNING)
        self.status.setText(f"{len(rows)} campaign{'s' if len(rows) != 1 else ''}"
                            + (f" · {sending} sending" if sending else "") if rows else "")
        self.select(chosen if chosen is not None else (rows[0].id if rows else None))
        self._update_buttons()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        return row.id if row else None

    def selected_row(self) -> data.CampaignRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select(self, campaign_id: int | None) -> None:
        i = self.model.row_of(campaign_id) if campaign_id is not None else -1
        if i >= 0:
            self.table.selectRow(i)

    def _selection_changed(self, _a: QItemSelection, _b: QItemSelection) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected_row()
        state = L.RUNNING if row and self.runner.is_running(row.id) else (row.state if row else None)
        finished = state in (L.DONE, L.CAMPAIGN_CANCELLED)
        self.open_button.setEnabled(row is not None)
        self.send_button.setEnabled(row is not None and not finished and state != L.RUNNING)
        self.send_button.setText(send_words(state).replace("Send now", "Send"))
        self.pause_button.setEnabled(state == L.RUNNING and row is not None and self.runner.is_running(row.id))
        self.cancel_button.setEnabled(row is not None and not finished)
        self.test_button.setEnabled(row is not None and state != L.CAMPAIGN_CANCELLED)

    def on_page_shown(self) -> None:
        if self.rows_loaded:
            self.refresh()

    def _on_data_changed(self, what: frozenset[str]) -> None:
        if events.touches(what, events.CAMPAIGNS, events.SETTINGS):
            self.refresh()

    # -- navigation ------------------------------------------------------------------------------
    def show_list(self) -> None:
        self.open_id = None
        self.stack.setCurrentWidget(self.list_view)
        self.table.setFocus()

    def open_selected(self) -> None:
        cid = self.selected_id()
        if cid is not None:
            self.open_campaign(cid)

    def open_campaign(self, campaign_id: int) -> None:
        self.open_id = campaign_id
        self.stack.setCurrentWidget(self.view)
        self._load_detail(campaign_id)

    def _load_detail(self, campaign_id: int) -> None:
        self.services.jobs.run_in_session(lambda s, _ctx: data.read_detail(s, campaign_id),
                                          title="Reading the campaign", parent=self, progress_dialog=False,
                                          on_result=lambda d: self._show_detail(campaign_id, d), show_errors=False)

    def _show_detail(self, campaign_id: int, detail: data.CampaignDetail | None) -> None:
        if campaign_id != self.open_id:
            return
        if detail is None:
            self.show_list()
            return
        running = self.runner.is_running(campaign_id)
        self.view.set_detail(detail, running, self.runner.last_progress(campaign_id) if running else None)

    def _enter(self) -> None:
        if self.stack.currentWidget() is self.list_view:
            self.open_selected()

    def _escape(self) -> None:
        if self.stack.currentWidget() is self.view:
            self.show_list()
        elif self.wizard is not None and self.stack.currentWidget() is self.wizard:
            self.wizard.cancel()

    # -- the wizard ------------------------------------------------------------------------------
    def new_campaign(self) -> None:
        from wadesk.ui.campaigns.wizard import CampaignWizard

        if self.wizard is not None and self.stack.currentWidget() is self.wizard:
            return
        if self.wizard is not None:
            self.stack.removeWidget(self.wizard)
            self.wizard.deleteLater()
        self.wizard = CampaignWizard(self.services, self.sandbox)
        self.wizard.closed.connect(self._wizard_closed)
        self.stack.addWidget(self.wizard)
        self.stack.setCurrentWidget(self.wizard)

    def _wizard_closed(self, campaign_id: int | None, send_now: bool) -> None:
        self.services.bus.notify(events.CAMPAIGNS)
        if campaign_id is None:
            self.show_list()
            return
        if send_now:
            self.send(campaign_id)
        self.open_campaign(campaign_id)

    # -- actions ---------------------------------------------------------------------------------
    def send_selected(self) -> None:
        self.send(self.selected_id())

    def pause_selected(self) -> None:
        self.pause(self.selected_id())

    def cancel_selected(self) -> None:
        self.cancel(self.selected_id())

    def test_selected(self) -> None:
        self.test_send(self.selected_id())

    def send(self, campaign_id: int | None) -> None:
        if campaign_id is None:
            return
        row = next((r for r in self.model.rows if r.id == campaign_id), None)
        if row is not None and row.state == L.SCHEDULED and not self.runner.is_running(campaign_id):
            self.start_now(row)
        else:
            self._start(campaign_id)

    def _start(self, campaign_id: int) -> None:
        if self.runner.start(campaign_id):
            self.started.add(campaign_id)
            if campaign_id == self.open_id:
                self.view.set_running(True)
        self._update_buttons()

    def start_now(self, row: data.CampaignRow) -> None:
        """Bring a scheduled campaign forward: its messages keep their spacing over the days."""
        when = local_time(row.scheduled_at) if row.scheduled_at else "its time"
        if not dialogs.confirm(self, "WaDesk — Start now",
                               f"Start “{row.name}” now instead of at {when}? A plan spread over several days "
                               "keeps its spacing.", "Start now"):
            return
        db, now, cid = self.services.db, self.services.clock.now(), row.id

        def started(_moved: int) -> None:
            self.services.bus.notify(events.CAMPAIGNS)
            self._start(cid)  # due now: the ordinary start

        self.services.jobs.run(lambda _ctx: data.start_now(db, cid, now), title="Starting the campaign",
                               parent=self, on_result=started)

    def pause(self, campaign_id: int | None) -> None:
        if campaign_id is not None:
            self.runner.pause(campaign_id)
            self.status.setText("Pausing: messages already on their way finish first…")

    def cancel(self, campaign_id: int | None) -> None:
        if campaign_id is None:
            return
        if not dialogs.confirm(self, "WaDesk — Cancel the campaign",
                               "Cancel this campaign? Messages already sent stay sent; every message not sent "
                               "yet is dropped and cannot be sent later.", "Cancel the campaign"):
            return
        if self.runner.cancel(campaign_id):
            return  # the sender stops, cancels the rest and reports back
        db = self.services.db
        self.services.jobs.run(lambda _ctx: data.cancel_campaign(db, campaign_id), title="Cancelling the campaign",
                               parent=self, on_result=lambda _n: self.services.bus.notify(events.CAMPAIGNS))

    def decide_unknown(self, resend: bool) -> None:
        cid = self.open_id
        if cid is None:
            return
        if resend and not dialogs.confirm(
                self, "WaDesk — Send again", "Send these messages again? Some customers may already have them "
                "and would get the message twice.", "Send again"):
            return
        db, now = self.services.db, self.services.clock.now()
        self.services.jobs.run(lambda _ctx: data.resolve_unknown(db, cid, resend, now),
                               title="Updating the messages", parent=self,
                               on_result=lambda _n: self.services.bus.notify(events.CAMPAIGNS))

    def test_send(self, campaign_id: int | None) -> None:
        if campaign_id is None:
            return
        services, sandbox = self.services, self.sandbox
        region = services.settings.get("default_region") or "IN"

        def make_job(phones: list[str]) -> Callable[[Any], list[Any]]:
            def job(_ctx: Any) -> list[Any]:
                with services.db.session() as s:
                    template, mapping, sample, is_sandbox, endpoint = data.test_inputs(s, campaign_id)
                return data.send_tests(services.db, sandbox, template, mapping, phones, is_sandbox=is_sandbox,
                                       sample_id=sample, region=region,
                                       campaign_id=campaign_id, marketing_endpoint=endpoint, clock=services.clock)
            return job

        row = next((r for r in self.model.rows if r.id == campaign_id), None)
        self.test_dialog = TestSendDialog(services, make_job, bool(row and row.sandbox), self)
        self.test_dialog.open()

    # -- the runner's reports --------------------------------------------------------------------
    def _on_progress(self, campaign_id: int, progress: Any) -> None:
        self.model.update_live(campaign_id, progress)
        if campaign_id == self.open_id and self.stack.currentWidget() is self.view:
            self.view.show_progress(progress)

    def _on_failed(self, campaign_id: int, message: str) -> None:
        from wadesk.ui.errors import show_error

        if campaign_id in self.started:  # sends started elsewhere (start-up, schedule) report there
            show_error(self, "WaDesk — Sending", f"The campaign could not send. {message}")

    def _on_finished(self, campaign_id: int, _outcome: Any) -> None:
        self.started.discard(campaign_id)
        self.status.setText("")
        self._update_buttons()
