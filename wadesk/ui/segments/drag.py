"""Drag to reorder: a grip (≡) on every condition and inner group; drop it anywhere in any group.
The up/down buttons do the same from the keyboard."""
from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QDrag, QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget

MIME = "application/x-wadesk-rule-item"
dragging: list[QWidget] = []  # the item being dragged (drags stay inside this window)


class DragHandle(QLabel):
    def __init__(self, item: QWidget, parent: QWidget | None = None):
        super().__init__("≡", parent)
        self.item = item
        self.setObjectName("dragHandle")
        self.setToolTip("Drag to move (into another group, too)")
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setStyleSheet("color: #8fa39a; font-size: 16px; padding: 0 2px;")
        self._start = None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._start = event.position().toPoint()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._start is None or (event.position().toPoint() - self._start).manhattanLength() \
                < QApplication.startDragDistance():
            return
        self._start = None
        drag = QDrag(self)
        mime = QMimeData()
        mime.setData(MIME, b"1")
        drag.setMimeData(mime)
        drag.setPixmap(self.item.grab().scaledToWidth(min(420, self.item.width())))
        dragging[:] = [self.item]
        try:
            drag.exec(Qt.DropAction.MoveAction)
        finally:
            dragging.clear()


def can_drop(group: QWidget, mime: QMimeData) -> bool:
    """A group takes the dragged item unless the item is that group or holds it."""
    if not mime.hasFormat(MIME) or not dragging:
        return False
    g = group
    while g is not None:
        if g is dragging[0]:
            return False
        g = getattr(g, "owner", None)
    return True


def drop_index(group: QWidget, y: float) -> int:
    """Where in the group a drop at height `y` (group coordinates) lands."""
    return sum(1 for w in group.items if w.geometry().center().y() < y)
