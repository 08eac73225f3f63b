"""The campaigns table: one row per campaign, live numbers while one is sending."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from wadesk.core.campaigns import ledger as L
from wadesk.ui.campaigns.data import CampaignRow
from wadesk.ui.campaigns.words import local_time, n, state_colour, state_words

COLUMNS = ("Campaign", "State", "Recipients", "Sent", "Failed", "Created", "Sent through", "Note")


def note(row: CampaignRow) -> str:
    if row.unknown:
        return f"{n(row.unknown)} may or may not have gone out — open it to decide"
    if row.state in (L.STOPPED, L.WAITING_STATE) and row.stop_reason:
        return row.stop_reason
    if row.state == L.SCHEDULED and row.scheduled_at:
        return f"Starts {local_time(row.scheduled_at)}"
    if row.state in (L.RUNNING, L.PAUSED, L.READY, L.WAITING_STATE) and row.remaining:
        return f"{n(row.remaining)} still to send"
    return ""


class CampaignTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.rows: list[CampaignRow] = []
        self.live: dict[int, Any] = {}  # campaign id -> latest SendProgress while sending

    def set_rows(self, rows: list[CampaignRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.live = {k: v for k, v in self.live.items() if any(r.id == k and r.state == L.RUNNING for r in rows)}
        self.endResetModel()

    def update_live(self, campaign_id: int, progress: Any) -> None:
        for i, r in enumerate(self.rows):
            if r.id == campaign_id:
                self.live[campaign_id] = progress
                self.dataChanged.emit(self.index(i, 1), self.index(i, len(COLUMNS) - 1))
                return

    def row_at(self, i: int) -> CampaignRow | None:
        return self.rows[i] if 0 <= i < len(self.rows) else None

    def row_of(self, campaign_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == campaign_id), -1)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, col = self.rows[index.row()], index.column()
        live = self.live.get(r.id)
        state = live.state if live is not None else r.state
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return r.name
            if col == 1:
                return state_words(state)
            if col == 2:
                return n(r.recipients)
            if col == 3:
                return n(live.accepted if live is not None else r.accepted)
            if col == 4:
                return n(live.failed if live is not None else r.failed)
            if col == 5:
                return local_time(r.created_at)
            if col == 6:
                return "Sandbox" if r.sandbox else "WhatsApp"
            if col == 7:
                if live is not None and state == L.RUNNING:
                    return f"{n(live.remaining)} still to send"
                return note(r)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 7:
                return note(r) or None
            if col == 6 and r.sandbox:
                return "Sent to the built-in simulator: nothing reached real customers."
            if col == 0:
                return f"{r.template} · {r.audience}" if r.template else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 1:
                return QColor(state_colour(state))
            if col == 6 and r.sandbox:
                return QColor("#7a5200")
            if col == 7 and (r.unknown or state == L.STOPPED):
                return QColor("#b3261e")
        if role == Qt.ItemDataRole.FontRole and col == 1:
            from PySide6.QtGui import QFont

            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return r
        return None
