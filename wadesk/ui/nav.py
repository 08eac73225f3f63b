"""The left navigation: one row per page, with an icon, and its shortcut shown in the tooltip."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from wadesk.ui.pages.registry import PageInfo
from wadesk.ui.resources import svg_icon

KEY_ROLE = Qt.ItemDataRole.UserRole


def shortcut_text(index: int, key: str = "") -> str:
    """'Ctrl+1' for the first page ... 'Ctrl+9' for the ninth; Settings has the usual 'Ctrl+,'
    (Preferences on macOS) wherever it is; '' for pages after the ninth."""
    if key == "settings":
        return "Ctrl+,"
    return f"Ctrl+{index + 1}" if index < 9 else ""


class NavBar(QListWidget):
    page_selected = Signal(str)  # page key

    def __init__(self, pages: tuple[PageInfo, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("nav")
        self.setAccessibleName("Pages")
        self.setIconSize(QSize(20, 20))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFixedWidth(200)
        self.setSpacing(1)
        for index, info in enumerate(pages):
            item = QListWidgetItem(svg_icon(info.icon), info.title)
            item.setData(KEY_ROLE, info.key)
            item.setSizeHint(QSize(0, 38))
            hint = shortcut_text(index, info.key)
            item.setToolTip(f"{info.headline} ({hint})" if hint else info.headline)
            self.addItem(item)
        self.currentItemChanged.connect(self._changed)

    def keys(self) -> list[str]:
        return [self.item(i).data(KEY_ROLE) for i in range(self.count())]

    def item_for(self, key: str) -> QListWidgetItem:
        return self.item(self.keys().index(key))

    def select(self, key: str) -> None:
        """Highlight a page without emitting page_selected (the window already shows it)."""
        self.blockSignals(True)
        self.setCurrentItem(self.item_for(key))
        self.blockSignals(False)

    def _changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None:
            self.page_selected.emit(current.data(KEY_ROLE))
