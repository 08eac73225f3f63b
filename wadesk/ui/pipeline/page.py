"""The Pipeline page: the board (drag a card to another stage; Ctrl+Z undoes the last move), the
same deals as a list, and the report. Filters: owner, tag, saved segment.

Everything is read in one database-lane job (`load`); a drop moves the card at once and the move
is written in a job (a refusal — e.g. someone else moved it — reloads the board).
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QInputDialog, QLabel, QLineEdit, QPushButton, QStackedWidget, QVBoxLayout, QWidget)
from sqlalchemy import select

from wadesk.core import pipeline as P
from wadesk.core.clock import utc_naive
from wadesk.core.db.models import Tag
from wadesk.core.db.pipeline_models import LOST, WON
from wadesk.ui import events
from wadesk.ui.numbers import count_noun, rupees
from wadesk.ui.pipeline.board_view import BoardView, DealsList
from wadesk.ui.pipeline.report_view import ReportView
from wadesk.ui.pipeline.stages_dialog import StagesDialog, save_stages

ANY, NOBODY = "Any owner", "Nobody"


@dataclass
class PageData:
    pipelines: list[tuple[int, str]]
    pipeline_id: int
    board: P.Board
    staff: list[str]
    tags: list[str]
    segments: list[tuple[int, str]] = field(default_factory=list)


def load_page(session: Any, services: Any, pipeline_id: int | None, owner: str | None, tag: str | None,
              segment_id: int | None) -> PageData:
    from wadesk.core.segments import list_segments

    now = utc_naive(services.clock.now())
    pipes = P.list_pipelines(session, now)
    pid = pipeline_id if pipeline_id in {p.id for p in pipes} else pipes[0].id
    segments = list_segments(session)
    ids = None
    rules = next((sg.rules for sg in segments if sg.id == segment_id), None)
    if rules is not None:
        ids = {int(x) for x in services.segment_engine.ids(rules)}
    board = P.board(session, pid, now, owner=owner, tag=tag, customer_ids=ids)
    tags = list(session.scalars(select(Tag.name).order_by(Tag.name).limit(500)))
    return PageData([(p.id, p.name) for p in pipes], pid, board, P.staff_names(session), tags,
                    [(sg.id, sg.name) for sg in segments])


class AddDealDialog(QDialog):
    def __init__(self, staff: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Add a deal")
        form = QFormLayout(self)
        self.customer = QLineEdit(placeholderText="Phone number or customer id")
        self.value = QLineEdit(placeholderText="e.g. 25000")
        self.owner = QComboBox()
        self.owner.addItems([NOBODY, *staff])
        form.addRow("Customer", self.customer)
        form.addRow("Deal value (₹)", self.value)
        form.addRow("Owner", self.owner)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add to New lead")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class PipelinePage(QWidget):
    def __init__(self, services: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("page_pipeline")
        self.services = services
        self.data: PageData | None = None
        self.undo_stack: list[int] = []  # deal ids moved on this page, last last
        self.won_deal: int | None = None
        self.unwon_deal: int | None = None  # a deal moved back out of Won whose order is still there
        self._loading = False
        # Tests replace these to answer without a modal dialog.
        self.ask_lost_reason: Callable[[str], str | None] = self._ask_reason
        self.ask_text: Callable[[str, str, str], str | None] = self._ask_text
        self._build()
        services.bus.changed.connect(self._on_data_changed)
        self.load()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        v = QVBoxLayout(self)
        v.setContentsMargins(24, 18, 24, 12)
        top = QHBoxLayout()
        top.addWidget(QLabel("Pipeline", objectName="pageTitle"))
        self.pipeline_box = QComboBox(objectName="pipelineChoice")
        self.pipeline_box.setAccessibleName("Pipeline")
        self.pipeline_box.currentIndexChanged.connect(self._filters_changed)
        top.addWidget(self.pipeline_box)
        self.stages_button = QPushButton("Stages…", objectName="editStages")
        self.stages_button.setToolTip("Rename, add or reorder this pipeline's stages")
        self.stages_button.clicked.connect(self.edit_stages)
        top.addWidget(self.stages_button)
        self.new_pipeline_button = QPushButton("New pipeline…", objectName="newPipeline")
        self.new_pipeline_button.setToolTip("Another pipeline with the usual stages (rename them with Stages…), "
                                            "e.g. for wholesale or custom orders")
        self.new_pipeline_button.clicked.connect(self.new_pipeline)
        top.addWidget(self.new_pipeline_button)
        top.addStretch(1)
        self.view_group = QButtonGroup(self)
        for i, (text, tip) in enumerate((("Board", "Cards by stage (Ctrl+B)"), ("List", "The same deals as a table "
                                         "(Ctrl+L)"), ("Report", "Counts, conversion, time in stage (Ctrl+R)"))):
            b = QPushButton(text, objectName=f"view{text}")
            b.setCheckable(True)
            b.setStyleSheet("QPushButton:checked { background: #dff3e8; border-color: #25a06a; font-weight: bold; }")
            b.setToolTip(tip)
            QShortcut(QKeySequence(f"Ctrl+{text[0]}"), self, lambda i=i: self.show_view(i))
            self.view_group.addButton(b, i)
            top.addWidget(b)
        self.view_group.button(0).setChecked(True)
        self.view_group.idClicked.connect(self.show_view)
        self.add_button = QPushButton("Add deal…", objectName="addDeal")
        self.add_button.setProperty("primary", True)
        self.add_button.setToolTip("Put a customer into New lead (Ctrl+N)")
        self.add_button.setShortcut("Ctrl+N")
        self.add_button.clicked.connect(self.add_deal)
        top.addWidget(self.add_button)
        v.addLayout(top)
        sub = QLabel("Drag a card to the stage the conversation has reached. Ctrl+Z undoes the last move. "
                     "Every move is kept on the customer's timeline.", objectName="pageSubtitle")
        sub.setWordWrap(True)
        v.addWidget(sub)

        bar = QHBoxLayout()
        self.owner_box = QComboBox(objectName="ownerFilter")
        self.tag_box = QComboBox(objectName="tagFilter")
        self.segment_box = QComboBox(objectName="segmentFilter")
        for label, box in (("Owner", self.owner_box), ("Tag", self.tag_box), ("Segment", self.segment_box)):
            bar.addWidget(QLabel(label))
            box.setMinimumWidth(140)
            box.setAccessibleName(f"Filter by {label.lower()}")
            box.currentIndexChanged.connect(self._filters_changed)
            bar.addWidget(box)
        self.staff_button = QPushButton("Staff…", objectName="editStaff")
        self.staff_button.setToolTip("The names of the people who own leads and deals")
        self.staff_button.clicked.connect(self.edit_staff)
        bar.addWidget(self.staff_button)
        bar.addStretch(1)
        self.status = QLabel(objectName="pipelineStatus")
        self.status.setStyleSheet("color: #5b6b63;")
        bar.addWidget(self.status)
        v.addLayout(bar)

        self.banner = QWidget(objectName="wonBanner")
        self.banner.setStyleSheet("QWidget#wonBanner { background: #e7f6ee; border-radius: 6px; }")
        bl = QHBoxLayout(self.banner)
        bl.setContentsMargins(10, 6, 10, 6)
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        bl.addWidget(self.banner_text, 1)
        self.order_button = QPushButton("Create the order", objectName="createOrder")
        self.order_button.clicked.connect(self.create_order)
        self.remove_order_button = QPushButton("Remove the order", objectName="removeOrder")
        self.remove_order_button.clicked.connect(self.remove_order)
        bl.addWidget(self.remove_order_button)
        bl.addWidget(self.order_button)
        self.banner_close = QPushButton("Not now")
        self.banner_close.clicked.connect(self.banner.hide)
        bl.addWidget(self.banner_close)
        self.banner.hide()
        v.addWidget(self.banner)
        self.error = QLabel(objectName="pipelineError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("background: #fdecea; color: #8c1d18; padding: 6px 10px; border-radius: 6px;")
        self.error.hide()
        v.addWidget(self.error)

        self.stack = QStackedWidget()
        self.board_view = BoardView()
        # After the drop returns: a question (Lost: why?) must not open inside the drag's own loop.
        self.board_view.card_dropped.connect(
            lambda d, v, st: QTimer.singleShot(0, self, lambda: self.move_card(d, v, st)))
        self.board_view.card_action.connect(self.card_action)
        self.list_view = DealsList()
        self.report_view = ReportView(self.services)
        for w in (self.board_view, self.list_view, self.report_view):
            self.stack.addWidget(w)
        v.addWidget(self.stack, 1)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo)

    # -- data -------------------------------------------------------------------------------------
    def _filters(self) -> tuple[int | None, str | None, str | None, int | None]:
        owner_text = self.owner_box.currentText()
        owner = None if owner_text in ("", ANY) else ("" if owner_text == NOBODY else owner_text)
        tag = self.tag_box.currentData()
        return self.pipeline_box.currentData(), owner, tag, self.segment_box.currentData()

    def load(self) -> None:
        pid, owner, tag, seg = self._filters()
        services = self.services
        self.services.jobs.run_in_session(
            lambda s, ctx: load_page(s, services, pid, owner, tag, seg), title="Loading the pipeline",
            parent=self, on_result=self._loaded, progress_dialog=False)

    def _loaded(self, data: PageData) -> None:
        self.data = data
        self._loading = True
        try:
            self._refill(self.pipeline_box, [(name, pid) for pid, name in data.pipelines], data.pipeline_id)
            self._refill(self.owner_box, [(ANY, None), (NOBODY, ""), *[(n, n) for n in data.staff]],
                         self.owner_box.currentData())
            self._refill(self.tag_box, [("Any tag", None), *[(t, t) for t in data.tags]], self.tag_box.currentData())
            self._refill(self.segment_box, [("Any segment", None), *[(n, i) for i, n in data.segments]],
                         self.segment_box.currentData())
        finally:
            self._loading = False
        self.board_view.staff = data.staff
        self.board_view.show_board(data.board)
        self.list_view.source.set_board(data.board)
        self._update_status()
        if self.stack.currentWidget() is self.report_view:
            self.report_view.load(data.pipeline_id)

    @staticmethod
    def _refill(box: QComboBox, items: list[tuple[str, Any]], keep: Any) -> None:
        box.blockSignals(True)
        box.clear()
        for text, value in items:
            box.addItem(text, value)
        at = box.findData(keep)
        box.setCurrentIndex(at if at >= 0 else 0)
        box.blockSignals(False)

    def _update_status(self) -> None:
        if self.data is None:
            return
        # The cards as the board shows them: moves update the columns before any reload.
        b = P.Board(self.data.board.pipeline_id, self.data.board.stages, self.board_view.current_cards())
        open_ids = [s.id for s in b.stages if s.outcome not in (WON, LOST)]
        n = sum(b.count(i) for i in open_ids)
        value = sum((b.value(i) for i in open_ids), 0)
        hint = " · Ctrl+Z undoes the last move" if self.undo_stack else ""
        if not b.all_cards():
            filtered = any(x is not None for x in self._filters()[1:])
            self.status.setText("No deals match these filters." if filtered else
                                "No deals yet: press “Add deal…” (Ctrl+N), or import a HubSpot / Zoho CRM export.")
            return
        self.status.setText(f"{count_noun(n, 'open deal')} worth {rupees(value)}{hint}")

    def _filters_changed(self) -> None:
        if not self._loading:
            self.load()

    def _on_data_changed(self, what: frozenset[str]) -> None:
        if events.touches(what, events.CUSTOMERS, events.TAGS, events.SETTINGS, events.SEGMENTS):
            self.load()

    def show_view(self, index: int) -> None:
        self.view_group.button(index).setChecked(True)
        self.stack.setCurrentIndex(index)
        if index == 1 and self.data is not None:  # the cards as they are now, moves included
            b = self.data.board
            self.list_view.source.set_board(P.Board(b.pipeline_id, b.stages, self.board_view.current_cards()))
        if index == 2 and self.data is not None:
            self.report_view.load(self.data.pipeline_id)

    # -- moves ------------------------------------------------------------------------------------
    def _stage(self, stage_id: int) -> P.StageInfo | None:
        return next((s for s in self.data.board.stages if s.id == stage_id), None) if self.data else None

    def move_card(self, deal_id: int, version: int, to_stage: int) -> None:
        card = self.board_view.find_card(deal_id)
        target = self._stage(to_stage)
        if card is None or target is None:
            return
        reason = None
        if target.outcome == LOST:
            reason = self.ask_lost_reason(card.name)
            if not reason or not reason.strip():
                self._show_error("The deal stays where it was: moving it to Lost needs a reason.")
                return
        self.error.hide()
        from_stage = card.stage_id
        self.board_view.move_card(deal_id, from_stage, to_stage)
        now = utc_naive(self.services.clock.now())

        def work(s: Any, ctx: Any) -> P.Move:
            return P.move_deal(s, deal_id, to_stage, now, actor="WaDesk", lost_reason=reason,
                               expected_version=version or None)

        self.services.jobs.run_in_session(
            work, title="Moving the deal", parent=self, progress_dialog=False, show_errors=False,
            on_result=lambda mv: self._moved(mv, target, card), on_error=self._move_failed)

    def _moved(self, move: P.Move, target: P.StageInfo, card: P.Card) -> None:
        self.undo_stack.append(move.deal_id)
        if target.outcome == WON:
            self.won_deal = move.deal_id
            self._offer(f"<b>{html.escape(card.name)}</b> is won. Create an order of {rupees(card.value)} so their totals "
                        "and segments count it?", self.order_button)
        self._update_status()
        self.services.bus.notify("pipeline")

    def _move_failed(self, message: str) -> None:
        self._show_error(message)
        self.load()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def undo(self) -> None:
        if not self.undo_stack:
            self.status.setText("Nothing to undo.")
            return
        deal_id = self.undo_stack.pop()
        now = utc_naive(self.services.clock.now())
        self.banner.hide()
        self.services.jobs.run_in_session(
            lambda s, ctx: P.undo_last_move(s, deal_id, now, actor="WaDesk"), title="Undoing the move", parent=self,
            progress_dialog=False, show_errors=False, on_result=lambda mv: self._undone(mv),
            on_error=self._move_failed)

    def _offer(self, text: str, button: QPushButton | None) -> None:
        """The banner under the toolbar: create a won deal's order, remove it, or just say what happened."""
        self.banner_text.setText(text)
        self.order_button.setVisible(button is self.order_button)
        self.remove_order_button.setVisible(button is self.remove_order_button)
        self.banner_close.setText("Not now" if button else "OK")
        self.banner.show()

    def _undone(self, move: P.Move) -> None:
        self.board_view.move_card(move.deal_id, move.from_stage_id, move.to_stage_id)
        if move.order_kept:
            self.unwon_deal = move.deal_id
            self._offer(f"Moved back. The order {html.escape(move.order_kept)} made from this deal is still there: "
                        "remove it so their totals and segments stop counting it?", self.remove_order_button)
        self._update_status()
        self.services.bus.notify("pipeline")

    def create_order(self) -> None:
        deal_id, now = self.won_deal, utc_naive(self.services.clock.now())
        if deal_id is None:
            return
        self.banner.hide()
        self.services.jobs.run_in_session(
            lambda s, ctx: P.create_order_from_deal(s, deal_id, now).id, title="Creating the order", parent=self,
            progress_dialog=False, show_errors=False, on_error=self._show_error,
            on_result=lambda _oid: self.services.bus.notify(events.ORDERS, events.CUSTOMERS))

    def remove_order(self) -> None:
        deal_id, now = self.unwon_deal, utc_naive(self.services.clock.now())
        if deal_id is None:
            return
        self.banner.hide()
        self.unwon_deal = None

        def removed(number: str) -> None:
            self._offer(f"Order {html.escape(number)} removed; the customer's totals no longer count it.", None)
            self.services.bus.notify(events.ORDERS, events.CUSTOMERS)

        self.services.jobs.run_in_session(
            lambda s, ctx: P.remove_order_from_deal(s, deal_id, now), title="Removing the order", parent=self,
            progress_dialog=False, show_errors=False, on_error=self._show_error, on_result=removed)

    def add_deal(self) -> None:
        dlg = AddDealDialog(self.data.staff if self.data else [], self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        self.add_deal_for(dlg.customer.text(), dlg.value.text(),
                          None if dlg.owner.currentText() == NOBODY else dlg.owner.currentText())

    def add_deal_for(self, customer: str, value: str, owner: str | None) -> None:
        pid, now = self.data.pipeline_id if self.data else None, utc_naive(self.services.clock.now())

        def work(s: Any, ctx: Any) -> int:
            c = P.find_customer(s, customer)
            return P.create_deal(s, c.id, pid, now, value=value, owner=owner, actor="WaDesk").id

        self.services.jobs.run_in_session(work, title="Adding the deal", parent=self, progress_dialog=False,
                                          show_errors=False, on_error=self._show_error,
                                          on_result=lambda _d: self.load())

    def card_action(self, action: str, card: P.Card, choice: Any) -> None:
        """The card menu's edits: value, owner (deal and customer), lead status, order for a won deal."""
        now = utc_naive(self.services.clock.now())
        if action == "value":
            text = self.ask_text("Deal value", f"Value of the deal with {card.name} (₹):", str(card.value))
            if text is None:
                return

            def work(s: Any, ctx: Any) -> Any:
                return P.set_deal_fields(s, card.deal_id, now, value=text)
        elif action == "owner":
            owner = "" if choice == NOBODY else choice

            def work(s: Any, ctx: Any) -> Any:
                P.set_deal_fields(s, card.deal_id, now, owner=owner)
                return P.set_customer_owner(s, card.customer_id, owner)
        elif action == "lead_status":
            def work(s: Any, ctx: Any) -> Any:
                return P.set_lead_status(s, card.customer_id, choice)
        else:
            self.won_deal = card.deal_id
            self.create_order()
            return
        self.services.jobs.run_in_session(work, title="Saving", parent=self, progress_dialog=False, show_errors=False,
                                          on_error=self._show_error, on_result=lambda _r: self._saved())

    def _saved(self) -> None:
        self.error.hide()
        self.services.bus.notify(events.CUSTOMERS)  # lead status / owner are customer fields; reloads here too

    def edit_stages(self) -> None:
        if self.data is None:
            return
        name = self.pipeline_box.currentText()
        dlg = StagesDialog(name, self.data.board.stages, self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.save_stages(dlg.result_stages())

    def save_stages(self, wanted: list[tuple[int | None, str]]) -> None:
        pid = self.data.pipeline_id
        self.services.jobs.run_in_session(lambda s, ctx: save_stages(s, pid, wanted), title="Saving the stages",
                                          parent=self, progress_dialog=False, show_errors=False,
                                          on_error=self._show_error, on_result=lambda _r: self.load())

    def new_pipeline(self) -> None:
        name = self.ask_text("New pipeline", "Name of the new pipeline (e.g. Wholesale, Custom orders):", "")
        if not name or not name.strip():
            return
        clock = self.services.clock

        def work(s: Any, ctx: Any) -> tuple[int, str]:
            p = P.create_pipeline(s, name, utc_naive(clock.now()))
            return p.id, p.name

        self.services.jobs.run_in_session(work, title="Creating the pipeline", parent=self, progress_dialog=False,
                                          show_errors=False, on_error=self._show_error,
                                          on_result=self._pipeline_created)

    def _pipeline_created(self, created: tuple[int, str]) -> None:
        pid, name = created
        self.pipeline_box.blockSignals(True)
        self.pipeline_box.addItem(name, pid)
        self.pipeline_box.setCurrentIndex(self.pipeline_box.count() - 1)
        self.pipeline_box.blockSignals(False)
        self.load()

    def edit_staff(self) -> None:
        current = ", ".join(self.data.staff) if self.data else ""
        text = self.ask_text("Staff", "Names of the people who own leads and deals, separated by commas:", current)
        if text is None:
            return
        self.services.jobs.run_in_session(lambda s, ctx: P.set_staff_names(s, text), title="Saving", parent=self,
                                          progress_dialog=False, show_errors=False, on_error=self._show_error,
                                          on_result=lambda _r: self.services.bus.notify(events.SETTINGS))

    def _ask_text(self, title: str, label: str, value: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Normal, value)
        return text if ok else None

    def _ask_reason(self, name: str) -> str | None:
        text, ok = QInputDialog.getText(self, "Why was it lost?", f"Why did {name} not buy? (e.g. price, chose "
                                        "another shop, no reply)")
        return text if ok else None

    def on_page_shown(self) -> None:
        if self.data is None:
            self.load()
