"""The Templates table: a small model over the synced templates, and its filter (approved / search).

A WhatsApp Business Account holds at most a few hundred templates, so the model keeps them all;
the page reads them in a job (`read_templates`) and hands the list over.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont

from wadesk.core.messaging.template_spec import TemplateSpec
from wadesk.ui.whatsapp_env import QUALITY_WORDS, STATUS_COLOURS, user_errors

COLUMNS = ("Name", "Language", "Category", "Status", "Quality")
STATUS_WORDS = {"APPROVED": "Approved", "PENDING": "Waiting for Meta's review", "IN_APPEAL": "In appeal",
                "REJECTED": "Rejected by Meta", "PAUSED": "Paused by Meta", "DISABLED": "Disabled by Meta",
                "DELETED": "Deleted (kept for old campaigns)"}
LANGUAGES = {"en": "English", "en_US": "English (US)", "en_GB": "English (UK)", "hi": "Hindi", "mr": "Marathi",
             "ta": "Tamil", "te": "Telugu", "bn": "Bengali", "gu": "Gujarati", "kn": "Kannada", "ml": "Malayalam",
             "pa": "Punjabi"}
CATEGORIES = {"MARKETING": "Marketing", "UTILITY": "Utility", "AUTHENTICATION": "Authentication"}


@dataclass(frozen=True)
class TemplateItem:
    id: int
    spec: TemplateSpec
    status: str

    @property
    def sendable(self) -> bool:
        return self.status == "APPROVED"


@dataclass(frozen=True)
class TemplateList:
    sandbox: bool
    reason: str
    items: list[TemplateItem] = field(default_factory=list)

    @property
    def approved(self) -> int:
        return sum(i.sendable for i in self.items)


def read_templates(session: Any, _ctx: Any = None) -> TemplateList:
    """The stored templates of the current mode (real account or sandbox), for the page."""
    from wadesk.core.messaging.account import resolve_mode
    from wadesk.core.messaging.templates import list_templates, spec_of

    with user_errors():
        mode = resolve_mode(session)
    rows = list_templates(session, sandbox=mode.sandbox, include_deleted=True)
    return TemplateList(mode.sandbox, mode.reason, [TemplateItem(r.id, spec_of(r), r.status) for r in rows])


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, status.replace("_", " ").capitalize())


class TemplateTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[TemplateItem] = []

    def set_items(self, items: list[TemplateItem]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.items)):
            return None
        item, col = self.items[index.row()], index.column()
        spec = item.spec
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return spec.name
            if col == 1:
                return LANGUAGES.get(spec.language, spec.language)
            if col == 2:
                return CATEGORIES.get(spec.category, spec.category.title())
            if col == 3:
                return status_words(item.status)
            if col == 4:
                return QUALITY_WORDS.get(spec.quality, (spec.quality.title(), ""))[0] if item.sendable else "—"
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 3:
                return QColor(STATUS_COLOURS.get(item.status, "#5b6b63"))
            if col == 4 and item.sendable:
                return QColor(QUALITY_WORDS.get(spec.quality, ("", "#5b6b63"))[1])
        if role == Qt.ItemDataRole.FontRole and col in (0, 3):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and col == 3 and not item.sendable:
            return "Only approved templates can be used in campaigns."
        if role == Qt.ItemDataRole.UserRole:
            return item
        return None


class TemplateFilter(QSortFilterProxyModel):
    """Approved only, and/or a name search."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.approved_only = False
        self.search = ""

    def set_filter(self, approved_only: bool, search: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+: invalidateFilter() is deprecated
            self.beginFilterChange()
            self.approved_only, self.search = approved_only, search.strip().lower()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self.approved_only, self.search = approved_only, search.strip().lower()
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, TemplateTableModel) or row >= len(model.items):
            return False
        item = model.items[row]
        if self.approved_only and not item.sendable:
            return False
        text = f"{item.spec.name} {item.spec.language} {item.spec.category} {item.spec.body}".lower()
        return not self.search or all(word in text for word in self.search.split())
