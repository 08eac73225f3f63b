"""Column widths for the customer table: fixed widths for short figures, the rest shared by name,
email and tags in proportion to the window, until the owner drags a column edge themselves."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView

FIXED_WIDTHS = {"phone": 120, "city": 96, "orders": 58, "total_spent": 96, "last_order": 94,
                "consent": 82}
# The rest of the width is shared by these (fractions), each at least MIN_FLEX pixels.
FLEX_SHARES = {"name": 0.40, "email": 0.34, "tags": 0.26}
MIN_FLEX = 72


class ColumnFitter(QObject):
    def __init__(self, table: QTableView, keys: list[str]):
        super().__init__(table)
        self.table, self.keys = table, keys
        self.user_sized = False  # once the owner drags a column edge, widths are theirs
        self._fitting = False
        table.horizontalHeader().sectionResized.connect(self._section_resized)
        self._viewport = table.viewport()
        self._viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Only the event type is looked at first: other events also arrive while the table dies.
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self.fit()
        return False

    def fit(self) -> None:
        if self.user_sized:
            return
        spare = self.table.viewport().width() - 2 - sum(FIXED_WIDTHS.values())
        widths = dict(FIXED_WIDTHS)
        widths.update({k: max(MIN_FLEX, int(spare * share)) for k, share in FLEX_SHARES.items()})
        last = list(FLEX_SHARES)[-1]  # takes what is left, so the columns end at the edge
        widths[last] = max(MIN_FLEX, spare - sum(widths[k] for k in FLEX_SHARES if k != last))
        header = self.table.horizontalHeader()
        self._fitting = True
        for i, key in enumerate(self.keys):
            header.resizeSection(i, widths[key])
        self._fitting = False

    def _section_resized(self, *_args) -> None:
        if not self._fitting:
            self.user_sized = True
