"""Edit a pipeline's stages: rename (double-click or F2), add, drag to reorder. Saved in one job."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from wadesk.core import pipeline as P

ID_ROLE = Qt.ItemDataRole.UserRole


class StagesDialog(QDialog):
    def __init__(self, pipeline_name: str, stages: list[P.StageInfo], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Stages of {pipeline_name}")
        v = QVBoxLayout(self)
        hint = QLabel("Drag a stage to change the order; double-click (or F2) to rename. Won and Lost close a deal.")
        hint.setWordWrap(True)
        v.addWidget(hint)
        self.list = QListWidget(objectName="stageList")
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        for st in stages:
            self._add(st.name, st.id, st.outcome)
        v.addWidget(self.list)
        row = QHBoxLayout()
        add = QPushButton("Add a stage")
        add.clicked.connect(self.add_stage)
        row.addWidget(add)
        row.addStretch(1)
        v.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)

    def _add(self, name: str, stage_id: int | None, outcome: str = "open") -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setData(ID_ROLE, stage_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        if outcome != "open":
            item.setToolTip("Closes the deal (" + outcome + ")")
        self.list.addItem(item)
        return item

    def add_stage(self) -> None:
        won = next((i for i in range(self.list.count()) if self.list.item(i).toolTip()), self.list.count())
        item = QListWidgetItem("New stage")
        item.setData(ID_ROLE, None)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.insertItem(won, item)
        self.list.setCurrentItem(item)
        self.list.editItem(item)

    def result_stages(self) -> list[tuple[int | None, str]]:
        return [(self.list.item(i).data(ID_ROLE), self.list.item(i).text()) for i in range(self.list.count())]


def save_stages(session: Any, pipeline_id: int, wanted: list[tuple[int | None, str]]) -> None:
    """Rename, add and reorder in one transaction (a refused name changes nothing)."""
    current = {s.id: s.name for s in P.stages_of(session, pipeline_id)}
    ids: list[int] = []
    for sid, name in wanted:
        if sid is None:
            ids.append(P.add_stage(session, pipeline_id, name).id)
        else:
            if current.get(sid) != name:
                P.rename_stage(session, sid, name)
            ids.append(sid)
    P.reorder_stages(session, pipeline_id, ids)
