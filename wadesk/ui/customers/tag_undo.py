"""Undo for bulk tag changes: Ctrl+Z takes back a tag put on (or restores a tag taken off)
exactly the customers whose tags the change altered."""
from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QAction, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QPushButton, QWidget


class BulkTagCommand(QUndoCommand):
    """Pushed after the change already ran, so the first redo() does nothing.

    `apply(name, ids, add)` starts the job that adds (add=True) or removes the tag."""

    def __init__(self, apply: Callable[[str, list[int], bool], None], name: str, ids: list[int], added: bool):
        n = len(ids)
        who = "1 customer" if n == 1 else f"{n:,} customers"
        super().__init__(f"{'add' if added else 'remove'} tag '{name}' ({who})")
        self._apply, self.tag, self.ids, self.added = apply, name, ids, added
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._apply(self.tag, self.ids, self.added)

    def undo(self) -> None:
        self._apply(self.tag, self.ids, not self.added)


def undo_button(parent: QWidget, stack: QUndoStack, action: QAction) -> QPushButton:
    """A flat "Undo add tag 'vip' (3 customers) (Ctrl+Z)" button, shown while there is one."""
    button = QPushButton(parent)
    button.setObjectName("undoButton")
    button.setFlat(True)
    button.setToolTip("Take back the last tag change (Ctrl+Z)")
    button.clicked.connect(action.trigger)
    button.hide()
    stack.undoTextChanged.connect(lambda text: button.setText(f"Undo {text} (Ctrl+Z)" if text else ""))
    stack.canUndoChanged.connect(button.setVisible)
    return button
