"""A table header that stays fast when a million rows are selected.

QHeaderView asks the selection model, on every paint of every section, whether that whole column
is selected (to shade it and its neighbours). Qt answers by calling the model's flags() once per
selected row, so after "select all" on 1,000,000 customers each repaint of the header took minutes.
This header paints its sections without asking; nothing else changes.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QWidget


class FastHeader(QHeaderView):
    def __init__(self, orientation: Qt.Orientation, parent: QWidget | None = None):
        super().__init__(orientation, parent)
        self.setSectionsClickable(True)
        self.setHighlightSections(False)

    def paintSection(self, painter: QPainter, rect: QRect, logical: int) -> None:
        if not rect.isValid():
            return
        opt = QStyleOptionHeader()
        self.initStyleOption(opt)
        opt.rect = rect
        opt.section = logical
        opt.orientation = self.orientation()
        model = self.model()
        text = model.headerData(logical, self.orientation(), Qt.ItemDataRole.DisplayRole) if model else None
        opt.text = "" if text is None else str(text)
        align = model.headerData(logical, self.orientation(), Qt.ItemDataRole.TextAlignmentRole) if model else None
        opt.textAlignment = Qt.AlignmentFlag(int(align)) if align is not None else self.defaultAlignment()
        if self.isSortIndicatorShown() and self.sortIndicatorSection() == logical:
            opt.sortIndicator = (QStyleOptionHeader.SortIndicator.SortDown
                                 if self.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
                                 else QStyleOptionHeader.SortIndicator.SortUp)
        visual, last = self.visualIndex(logical), self.count() - 1
        if last == 0:
            opt.position = QStyleOptionHeader.SectionPosition.OnlyOneSection
        elif visual == 0:
            opt.position = QStyleOptionHeader.SectionPosition.Beginning
        elif visual == last:
            opt.position = QStyleOptionHeader.SectionPosition.End
        else:
            opt.position = QStyleOptionHeader.SectionPosition.Middle
        opt.selectedPosition = QStyleOptionHeader.SelectedPosition.NotAdjacent
        if self.isEnabled():
            opt.state |= QStyle.StateFlag.State_Enabled
        # Few Qt calls on purpose: this runs for every section on every header repaint.
        self.style().drawControl(QStyle.ControlElement.CE_Header, opt, painter, self)
