"""The board: a column per stage (header with count and value, then the stage's cards), side by side
in a horizontal scroll area; and the list view: every card as a sortable table row."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel, QMenu, QScrollArea,
                               QTableView, QVBoxLayout, QWidget)

from wadesk.core.crm.phones import format_phone
from wadesk.core.pipeline.board import Board, Card
from wadesk.core.pipeline.people import LEAD_STATUSES
from wadesk.ui.campaigns.words import local_time
from wadesk.ui.numbers import group_indian, rupees
from wadesk.ui.pipeline.cards import CARD_ROLE, StageColumn, StageModel

COLUMN_WIDTH = 226
COLUMN_STYLE = ("QFrame#stageColumn { background: #eef2ef; border-radius: 8px; }"
                "QListView { background: transparent; border: none; }"
                "QScrollBar:vertical { width: 8px; background: transparent; margin: 0; }"
                "QScrollBar::handle:vertical { background: #c3cec8; border-radius: 4px; min-height: 30px; }"
                "QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0; }"
                "QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical { background: none; }")
OUTCOME_COLOURS = {"won": "#0f7a4a", "lost": "#8c1d18", "open": "#15241c"}


class BoardView(QScrollArea):
    card_dropped = Signal(int, int, int)  # deal id, version, target stage id
    card_opened = Signal(int)  # customer id
    card_action = Signal(str, object, object)  # "value" | "owner" | "lead_status" | "order", card, choice

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pipelineBoard")
        self.staff: list[str] = []
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.inner = QWidget()
        self.row = QHBoxLayout(self.inner)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(8)
        self.row.addStretch(0)
        self.setWidget(self.inner)
        self.columns: dict[int, StageColumn] = {}
        self.headers: dict[int, QLabel] = {}
        self._stage_key: tuple = ()

    def show_board(self, board: Board) -> None:
        """Fill the columns; they are rebuilt only when the stages themselves changed."""
        key = tuple((s.id, s.name, s.outcome) for s in board.stages)
        if key != self._stage_key:
            self._rebuild(board)
            self._stage_key = key
        for st in board.stages:
            self.columns[st.id].model().set_cards(board.cards.get(st.id, []))
        self.update_headers(board)

    def update_headers(self, board: Board | None = None) -> None:
        for sid, col in self.columns.items():
            cards = col.model().cards
            total = sum((c.value for c in cards), 0)
            name, outcome = col.property("stageName"), col.property("outcome")
            self.headers[sid].setText(
                f"<b style='color:{OUTCOME_COLOURS.get(outcome, '#15241c')}'>{name}</b>"
                f"<br><span style='color:#5b6b63'>{group_indian(len(cards))} · {rupees(total)}"
                f"{' · last 30 days' if outcome != 'open' else ''}</span>")

    def _rebuild(self, board: Board) -> None:
        while self.row.count() > 1:
            item = self.row.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.columns.clear()
        self.headers.clear()
        for st in board.stages:
            frame = QFrame(objectName="stageColumn")
            frame.setMinimumWidth(COLUMN_WIDTH)
            frame.setMaximumWidth(COLUMN_WIDTH + 90)
            frame.setStyleSheet(COLUMN_STYLE)
            v = QVBoxLayout(frame)
            v.setContentsMargins(6, 8, 6, 6)
            header = QLabel(objectName="stageHeader")
            header.setTextFormat(Qt.TextFormat.RichText)
            header.setContentsMargins(6, 0, 6, 4)
            col = StageColumn(StageModel(st.id, self))
            col.setObjectName(f"stage_{st.id}")
            col.setProperty("stageName", st.name)
            col.setProperty("outcome", st.outcome)
            col.card_dropped.connect(self.card_dropped)
            col.card_opened.connect(self.card_opened)
            col.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            col.customContextMenuRequested.connect(lambda pos, c=col: self._menu(c, pos))
            v.addWidget(header)
            v.addWidget(col, 1)
            self.row.insertWidget(self.row.count() - 1, frame)
            self.columns[st.id] = col
            self.headers[st.id] = header

    def _menu(self, col: StageColumn, pos: Any) -> None:
        """Right-click (or the Menu key) on a card: "Move to …" — the drag's keyboard twin."""
        menu = self.move_menu(col, col.indexAt(pos))
        if menu is not None:
            menu.popup(col.viewport().mapToGlobal(pos))

    def move_menu(self, col: StageColumn, ix: Any) -> QMenu | None:
        card = ix.data(CARD_ROLE) if ix.isValid() else None
        if card is None:
            return None
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for sid, other in self.columns.items():
            if sid != col.stage_id:
                act = menu.addAction(f"Move to {other.property('stageName')}")
                act.triggered.connect(lambda _=False, s=sid: self.card_dropped.emit(card.deal_id, card.version, s))
        menu.addSeparator()
        menu.addAction("Deal value…").triggered.connect(lambda: self.card_action.emit("value", card, None))
        owners = menu.addMenu("Owner")
        for name in ["Nobody", *self.staff]:
            act = owners.addAction(name)
            act.setCheckable(True)
            act.setChecked((card.owner or "Nobody") == name)
            act.triggered.connect(lambda _=False, n=name: self.card_action.emit("owner", card, n))
        statuses = menu.addMenu("Lead status")
        for name in LEAD_STATUSES:
            statuses.addAction(name).triggered.connect(
                lambda _=False, n=name: self.card_action.emit("lead_status", card, n))
        if col.property("outcome") == "won":
            menu.addAction("Create the order").triggered.connect(lambda: self.card_action.emit("order", card, None))
        return menu

    def move_card(self, deal_id: int, from_stage: int, to_stage: int) -> Card | None:
        """Move a card between columns at once (the database move follows in a job)."""
        card = self.columns[from_stage].model().take(deal_id) if from_stage in self.columns else None
        if card is not None and to_stage in self.columns:
            from dataclasses import replace

            card = replace(card, stage_id=to_stage, days_in_stage=0, version=card.version + 1)
            self.columns[to_stage].model().put(card)
        self.update_headers()
        return card

    def current_cards(self) -> dict[int, list[Card]]:
        return {sid: list(col.model().cards) for sid, col in self.columns.items()}

    def find_card(self, deal_id: int) -> Card | None:
        for col in self.columns.values():
            for card in col.model().cards:
                if card.deal_id == deal_id:
                    return card
        return None


LIST_COLUMNS = ("Customer", "Phone", "Stage", "Value", "Days in stage", "Owner", "Last message", "Last message at")


class DealsTableModel(QAbstractTableModel):
    """Every card of the board as a row (the list view). Sorted here with one Python sort by key
    (a sort proxy would call data() ~n log n times: about a second at 10,000 rows)."""

    KEYS = (lambda c, st: c.name.lower(), lambda c, st: c.phone or "", lambda c, st: st,
            lambda c, st: c.value, lambda c, st: c.days_in_stage, lambda c, st: (c.owner or "").lower(),
            lambda c, st: (c.last_message or "").lower(),
            lambda c, st: c.last_message_at.isoformat() if c.last_message_at else "")

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.rows: list[tuple[Card, str]] = []
        self.sorted_by: tuple[int, Qt.SortOrder] = (4, Qt.SortOrder.DescendingOrder)

    def set_board(self, board: Board) -> None:
        names = {s.id: s.name for s in board.stages}
        self.beginResetModel()
        self.rows = [(c, names.get(c.stage_id, "")) for c in board.all_cards()]
        self._sort()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.sorted_by = (column, order)
        self._sort()
        self.layoutChanged.emit()

    def _sort(self) -> None:
        column, order = self.sorted_by
        key = self.KEYS[column]
        self.rows.sort(key=lambda r: key(*r), reverse=order == Qt.SortOrder.DescendingOrder)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(LIST_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return LIST_COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        card, stage = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (card.name, format_phone(card.phone) if card.phone else "", stage, rupees(card.value),
                    str(card.days_in_stage), card.owner or "", " ".join((card.last_message or "").split())[:120],
                    local_time(card.last_message_at))[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DealsList(QTableView):
    card_opened = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pipelineList")
        self.source = DealsTableModel(self)
        self.setModel(self.source)
        self.setSortingEnabled(True)
        self.horizontalHeader().setSortIndicator(4, Qt.SortOrder.DescendingOrder)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(26)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for i, w in enumerate((180, 130, 110, 90, 112, 90, 300, 150)):
            self.setColumnWidth(i, w)
        self.doubleClicked.connect(lambda ix: self.card_opened.emit(self.source.rows[ix.row()][0].customer_id))
