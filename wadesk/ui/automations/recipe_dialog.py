""""New flow from a recipe…": the ready-made flows with what each does; one click makes it (off)."""
from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from wadesk.core.automations.recipes import RECIPES
from wadesk.ui.automations.words import summary


class RecipeDialog(QDialog):
    """`chosen()` is the recipe key after Accepted (double-click or Enter also choose)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("recipeDialog")
        self.setWindowTitle("WaDesk — New flow from a recipe")
        self.resize(660, 680)
        layout = QVBoxLayout(self)
        hint = QLabel("Pick a ready-made flow. It is added switched off: check its steps and templates, then "
                      "switch it on. Only customers who newly match from then on get messages.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.labels: list[tuple[QListWidgetItem, QLabel]] = []
        self.list = QListWidget(objectName="recipeList")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setStyleSheet("QListWidget::item { border-bottom: 1px solid #e3e8e5; }"
                                "QListWidget::item:selected { background: #dff3e8; }")
        for r in RECIPES:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, r.key)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{r.name}. {r.description}")
            label = QLabel(f"<b style='font-size:14px'>{html.escape(r.name)}</b><br>{html.escape(r.description)}"
                           f"<br><span style='color:#5b6b63'>{html.escape(summary(r.definition))}</span>")
            label.setWordWrap(True)
            label.setStyleSheet("background: transparent; padding: 8px 10px;")
            self.list.addItem(item)
            self.list.setItemWidget(item, label)
            self.labels.append((item, label))
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _i: self.accept())
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add this flow")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt
        super().showEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Wrapped labels get the height they need at the list's width."""
        width = self.list.viewport().width()
        for item, label in self.labels:
            item.setSizeHint(QSize(width, label.heightForWidth(width)))

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None
