"""The Import page: the wizard in one tab, past imports (with undo) in the other; drop a file anywhere."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from wadesk.ui.importing.history_view import HistoryView
from wadesk.ui.importing.wizard import ImportWizard
from wadesk.ui.importing.wording import FILE_TYPES, is_importable


def dropped_file(event) -> str | None:
    """The one local file being dragged, if it is a kind WaDesk imports."""
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    path = urls[0].toLocalFile()
    return path if is_importable(path) else None


class ImportPage(QWidget):
    """Built by the main window as `ImportPage(services)`."""

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("page_import")
        self.services = services
        self.setAcceptDrops(True)
        title = QLabel("Import", objectName="pageTitle")
        subtitle = QLabel("Bring in customers and orders from Excel, CSV or your store's export.",
                          objectName="pageSubtitle")
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(subtitle, 1)
        self.wizard = ImportWizard(services)
        self.history = HistoryView(services)
        self.tabs = QTabWidget(objectName="importTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._padded(self.wizard), "Import a file")
        self.tabs.addTab(self._padded(self.history), "Past imports")
        self.wizard.imported.connect(lambda _r: self.history.refresh())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.history.refresh()

    @staticmethod
    def _padded(widget: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.addWidget(widget)
        return box

    def on_page_shown(self) -> None:
        self.history.refresh()

    def open_file(self, path: str | Path) -> None:
        """Start the wizard on a file (what the button, a drop, or a test does)."""
        self.tabs.setCurrentIndex(0)
        self.wizard.open_file(path)

    # -- drag and drop ---------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_file(event) and not self.wizard.running:
            event.acceptProposedAction()
            self.wizard.choose.set_hover(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.wizard.choose.set_hover(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self.wizard.choose.set_hover(False)
        path = dropped_file(event)
        if path is None:
            self.wizard.show_error(f"WaDesk can import one file at a time: {', '.join('.' + t for t in FILE_TYPES)}.")
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_file(path)
