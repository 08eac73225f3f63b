"""The customers behind one pre-flight reason ("who?"): names and numbers, read off the UI thread."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QVBoxLayout, QWidget

from wadesk.ui.campaigns.words import n

SHOWN = 1000  # a list longer than this is summarised, not drawn


class FailingCustomersDialog(QDialog):
    def __init__(self, services: Any, reason: str, ids: list[int], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("failingCustomers")
        self.setWindowTitle("Customers whose message would fail")
        self.resize(460, 420)
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{n(len(ids))}</b> customer{'' if len(ids) == 1 else 's'}: {reason}")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.list = QListWidget(objectName="failingList")
        layout.addWidget(self.list, 1)
        self.more = QLabel(f"…and {n(len(ids) - SHOWN)} more." if len(ids) > SHOWN else "")
        self.more.setVisible(len(ids) > SHOWN)
        layout.addWidget(self.more)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.addItem("Loading…")
        wanted = ids[:SHOWN]

        def read(session: Any, ctx: Any) -> list[str]:
            from sqlalchemy import select

            from wadesk.core.crm.phones import format_phone
            from wadesk.core.db.models import Customer

            rows = dict((r.id, r) for r in session.execute(
                select(Customer.id, Customer.name, Customer.phone).where(Customer.id.in_(wanted))))
            return [f"{rows[i].name or 'No name'} — {format_phone(rows[i].phone) or 'no number'}"
                    for i in wanted if i in rows]

        services.jobs.run_in_session(read, title="Reading the customers", parent=self, progress_dialog=False,
                                     on_result=self._show)

    def _show(self, lines: list[str]) -> None:
        self.list.clear()
        self.list.addItems(lines)
