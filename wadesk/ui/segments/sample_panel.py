"""A sample of the customers behind a number, and "Why is this customer in?" for the selected one."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from wadesk.core.crm.phones import format_phone
from wadesk.core.segments import Explanation
from wadesk.ui.numbers import group_indian, rupees
from wadesk.ui.segments.words import explain_words

COLUMNS = ("Name", "Phone", "City", "Orders", "Spent", "Last order")


def _cells(r: dict[str, Any]) -> list[str]:
    last = r.get("last_order_at")
    return [r.get("name") or "(no name)", format_phone(r.get("phone")) or "—", r.get("city") or "—",
            group_indian(int(r.get("orders") or 0)), rupees(r.get("total_spent")),
            last.strftime("%d %b %Y") if last else "never"]


class SamplePanel(QWidget):
    why_requested = Signal(int)  # customer id

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("samplePanel")
        self.title = QLabel(objectName="sampleTitle")
        self.title.setStyleSheet("font-weight: bold;")
        self.table = QTableWidget(0, len(COLUMNS), objectName="sampleTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection)
        self.table.itemDoubleClicked.connect(lambda _i: self.ask_why())
        self.why_button = QPushButton("Why is this customer in?", objectName="whyButton")
        self.why_button.setEnabled(False)
        self.why_button.clicked.connect(self.ask_why)
        self.why = QTreeWidget(objectName="whyTree")
        self.why.setHeaderHidden(True)
        self.why.setMinimumHeight(90)
        self.why.hide()
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.why_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(top)
        box.addWidget(self.table, 2)
        box.addWidget(self.why, 1)
        self.ids: list[int] = []

    def show_rows(self, rows: list[dict[str, Any]], title: str) -> None:
        self.title.setText(title)
        self.ids = [int(r["id"]) for r in rows]
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for j, text in enumerate(_cells(r)):
                item = QTableWidgetItem(text)
                if j >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.why.clear()
        self.why.hide()
        self._selection()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.ids[rows[0].row()] if rows else None

    def _selection(self) -> None:
        self.why_button.setEnabled(self.selected_id() is not None)

    def ask_why(self) -> None:
        cid = self.selected_id()
        if cid is not None:
            self.why_requested.emit(cid)

    def show_why(self, name: str, rules: dict, exp: Explanation) -> None:
        self.why.clear()
        verdict = "is in this segment because:" if exp.matched else "is not in this segment:"
        root = QTreeWidgetItem([f"{name} {verdict}"])
        self.why.addTopLevelItem(root)
        parents = [root]
        for depth, met, text in explain_words(rules, exp):
            item = QTreeWidgetItem([("✓ " if met else "✗ ") + text])
            item.setForeground(0, QColor("#0f6b45" if met else "#b3261e"))
            item.setToolTip(0, text)
            del parents[depth + 1:]
            parents[-1].addChild(item)
            parents.append(item)
        self.why.expandAll()
        self.why.show()

    def why_lines(self) -> list[str]:
        out: list[str] = []

        def walk(item: QTreeWidgetItem) -> None:
            out.append(item.text(0))
            for i in range(item.childCount()):
                walk(item.child(i))

        for i in range(self.why.topLevelItemCount()):
            walk(self.why.topLevelItem(i))
        return out
