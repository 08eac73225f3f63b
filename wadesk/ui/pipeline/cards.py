"""The board's columns as model/view: one list model per stage and a delegate that paints each card,
so 10,000 open deals are 10,000 small tuples, not 10,000 widgets. Cards are dragged with QDrag
carrying the deal id; a column that receives one emits `card_dropped` and the page does the move."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDrag, QFont, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from wadesk.core.crm.phones import format_phone
from wadesk.core.pipeline.board import Card
from wadesk.ui.numbers import rupees

CARD_MIME = "application/x-wadesk-deal"
CARD_ROLE = Qt.ItemDataRole.UserRole + 1
CARD_HEIGHT = 74


def days_words(days: int) -> str:
    return "today" if days == 0 else ("1 day" if days == 1 else f"{days} days") + " in stage"


def message_words(card: Card) -> str:
    if not card.last_message_at:
        return "No messages yet"
    arrow = "↙ " if card.last_direction == "in" else "↗ "
    text = " ".join((card.last_message or "").split()) or "(message)"
    return f"{arrow}{short_time(card.last_message_at)} · {text}"


def short_time(at: datetime) -> str:
    """'17 Nov, 08:57' on this computer's clock (the year only when it is not this one)."""
    local = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone()
    fmt = "%d %b, %H:%M" if local.year == datetime.now().year else "%d %b %Y"
    return local.strftime(fmt).lstrip("0")


class StageModel(QAbstractListModel):
    """The cards of one stage, longest in stage first."""

    def __init__(self, stage_id: int, parent: Any = None):
        super().__init__(parent)
        self.stage_id = stage_id
        self.cards: list[Card] = []

    def set_cards(self, cards: list[Card]) -> None:
        self.beginResetModel()
        self.cards = list(cards)
        self.endResetModel()

    def take(self, deal_id: int) -> Card | None:
        for row, card in enumerate(self.cards):
            if card.deal_id == deal_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.cards[row]
                self.endRemoveRows()
                return card
        return None

    def put(self, card: Card) -> None:
        self.beginInsertRows(QModelIndex(), len(self.cards), len(self.cards))
        self.cards.append(card)
        self.endInsertRows()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.cards)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        card = self.cards[index.row()]
        if role == CARD_ROLE:
            return card
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return card.name or card.phone or f"Customer {card.customer_id}"
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [card.name, format_phone(card.phone) if card.phone else "", f"Value {rupees(card.value)}", days_words(card.days_in_stage),
                     f"Owner: {card.owner}" if card.owner else "", f"Lost because: {card.lost_reason}"
                     if card.lost_reason else "", message_words(card)]
            return "\n".join(x for x in lines if x)
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        return base | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def mimeTypes(self) -> list[str]:
        return [CARD_MIME]

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        card = self.cards[indexes[0].row()]
        mime.setData(CARD_MIME, json.dumps({"deal_id": card.deal_id, "version": card.version,
                                            "stage_id": self.stage_id}).encode())
        return mime


def read_mime(mime: QMimeData) -> dict | None:
    if not mime.hasFormat(CARD_MIME):
        return None
    try:
        return json.loads(bytes(mime.data(CARD_MIME)).decode())
    except ValueError:
        return None


class CardDelegate(QStyledItemDelegate):
    """Paints a card: name and value, phone, days in stage and owner, the last message."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(160, CARD_HEIGHT)  # the column's width decides; cards fill it

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        card: Card = index.data(CARD_ROLE)
        paint_card(painter, option.rect, card, bool(option.state & QStyle.StateFlag.State_Selected), option.font)


def paint_card(painter: QPainter, rect: QRect, card: Card, selected: bool, font: QFont) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    box = rect.adjusted(4, 3, -4, -3)
    painter.setPen(QPen(QColor("#25a06a" if selected else "#d5ddd8"), 1.5 if selected else 1))
    painter.setBrush(QColor("#f1faf5" if selected else "#ffffff"))
    painter.drawRoundedRect(box, 6, 6)
    inner = box.adjusted(10, 6, -10, -6)
    bold = QFont(font)
    bold.setBold(True)
    small = QFont(font)
    small.setPointSizeF(max(7.0, font.pointSizeF() - 1))
    line = QFontMetrics(font).height() + 2
    value = rupees(card.value) if card.value else ""
    painter.setFont(bold)
    vw = QFontMetrics(bold).horizontalAdvance(value) + 6 if value else 0
    painter.setPen(QColor("#15241c"))
    name = card.name or card.phone or f"Customer {card.customer_id}"
    painter.drawText(QRect(inner.left(), inner.top(), inner.width() - vw, line), Qt.AlignmentFlag.AlignLeft,
                     QFontMetrics(bold).elidedText(name, Qt.TextElideMode.ElideRight, inner.width() - vw))
    if value:
        painter.setPen(QColor("#0f7a4a"))
        painter.drawText(QRect(inner.right() - vw, inner.top(), vw, line), Qt.AlignmentFlag.AlignRight, value)
    painter.setFont(small)
    fm = QFontMetrics(small)
    painter.setPen(QColor("#5b6b63"))
    second = " · ".join(x for x in (days_words(card.days_in_stage), card.owner or "",
                                    format_phone(card.phone) if card.phone else "") if x)
    painter.drawText(QRect(inner.left(), inner.top() + line, inner.width(), line), Qt.AlignmentFlag.AlignLeft,
                     fm.elidedText(second, Qt.TextElideMode.ElideRight, inner.width()))
    third = f"Lost: {card.lost_reason}" if card.lost_reason else message_words(card)
    painter.setPen(QColor("#8c1d18" if card.lost_reason else "#34463c"))
    painter.drawText(QRect(inner.left(), inner.top() + 2 * line, inner.width(), line), Qt.AlignmentFlag.AlignLeft,
                     fm.elidedText(third, Qt.TextElideMode.ElideRight, inner.width()))
    painter.restore()


class StageColumn(QListView):
    """One stage's cards; drag a card out, drop one in (the move itself is the page's job)."""

    card_dropped = Signal(int, int, int)  # deal id, its version when dragged, target stage id
    card_opened = Signal(int)  # customer id (Enter / double-click)

    def __init__(self, model: StageModel, parent: Any = None):
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(CardDelegate(self))
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setSpacing(0)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setAccessibleName("Cards")
        self.doubleClicked.connect(lambda ix: self.card_opened.emit(ix.data(CARD_ROLE).customer_id))

    @property
    def stage_id(self) -> int:
        return self.model().stage_id

    def current_card(self) -> Card | None:
        ix = self.currentIndex()
        return ix.data(CARD_ROLE) if ix.isValid() else None

    def startDrag(self, actions: Qt.DropAction) -> None:
        ix = self.currentIndex()
        if not ix.isValid():
            return
        drag = QDrag(self)
        drag.setMimeData(self.model().mimeData([ix]))
        drag.setPixmap(self.card_pixmap(ix))
        drag.setHotSpot(QPoint(20, 20))
        drag.exec(Qt.DropAction.MoveAction)

    def card_pixmap(self, ix: QModelIndex) -> QPixmap:
        width = max(200, self.viewport().width())
        pix = QPixmap(width, CARD_HEIGHT)
        pix.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pix)
        paint_card(painter, QRect(0, 0, width, CARD_HEIGHT), ix.data(CARD_ROLE), True, self.font())
        painter.end()
        return pix

    def _wanted(self, event: Any) -> dict | None:
        info = read_mime(event.mimeData())
        return info if info and info.get("stage_id") != self.stage_id else None

    def dragEnterEvent(self, event: Any) -> None:
        if self._wanted(event):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event: Any) -> None:
        info = self._wanted(event)
        if not info:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self.card_dropped.emit(int(info["deal_id"]), int(info.get("version") or 0), self.stage_id)

