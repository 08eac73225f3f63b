"""The Templates page: sync the WhatsApp templates, see their status, preview them for a customer.

"Sync templates" fetches every page from Meta (or the sandbox) on the network pool, then stores them
on the database lane in one transaction (core's `store_templates`).
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QFrame, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QScrollArea, QSplitter, QTableView, QVBoxLayout,
                               QWidget)

from wadesk.ui import events
from wadesk.ui.templates.detail import TemplateDetail
from wadesk.ui.templates.table_model import TemplateFilter, TemplateList, TemplateTableModel, read_templates
from wadesk.ui.whatsapp_env import SANDBOX_TEXT, SandboxProvider, user_errors

BADGE_STYLE = ("QLabel { background: #fff0c2; color: #7a5200; border: 1px solid #f0c95c; border-radius: 4px;"
               " padding: 2px 8px; font-weight: bold; }")


def fetch_templates(db: Any, sandbox: Callable[[], Any], ctx: Any) -> tuple[list[dict[str, Any]], bool]:
    """Network half of a sync: every page of templates from Meta (or the sandbox)."""
    from wadesk.core.messaging.account import resolve_mode
    from wadesk.core.messaging.connection import client_for

    ctx.progress(0, 0, "Fetching templates from WhatsApp…")
    with user_errors():
        with db.session() as s:
            mode = resolve_mode(s)
        client = client_for(mode, sandbox=sandbox() if mode.sandbox else None)
        try:
            fetched = client.list_templates()
        finally:
            client.close()
    ctx.check()  # cancelled while fetching: store nothing
    return fetched, mode.sandbox


class TemplatesPage(QWidget):
    """Built by the main window as `TemplatesPage(services)`; a test may pass its own sandbox server."""

    def __init__(self, services, sandbox: Callable[[], Any] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("page_templates")
        self.services = services
        self.sandbox = sandbox or SandboxProvider(services.data_dir.root)
        self.listing: TemplateList | None = None
        self.syncing = False
        self.last_sync_message = ""
        self.model = TemplateTableModel(self)
        self.proxy = TemplateFilter(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        services.bus.changed.connect(self._on_data_changed)
        self.refresh()

    def _build(self) -> None:
        top = QHBoxLayout()
        title = QLabel("Templates", objectName="pageTitle")
        top.addWidget(title)
        self.sandbox_badge = QLabel("SANDBOX", objectName="sandboxBadge")
        self.sandbox_badge.setStyleSheet(BADGE_STYLE)
        self.sandbox_badge.hide()
        top.addWidget(self.sandbox_badge)
        top.addStretch(1)
        self.status = QLabel(objectName="templatesStatus")
        self.status.setStyleSheet("color: #5b6b63;")
        top.addWidget(self.status)
        self.sync_button = QPushButton("Sync templates", objectName="syncTemplates")
        self.sync_button.setProperty("primary", True)
        self.sync_button.setToolTip("Fetch your message templates and their latest status from WhatsApp")
        self.sync_button.clicked.connect(self.sync)
        top.addWidget(self.sync_button)

        self.sandbox_note = QLabel(objectName="sandboxNote")
        self.sandbox_note.setWordWrap(True)
        self.sandbox_note.setStyleSheet("color: #7a5200;")
        self.error = QLabel(objectName="templatesError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()

        filters = QHBoxLayout()
        self.search = QLineEdit(objectName="templateSearch", placeholderText="Search templates")
        self.search.setClearButtonEnabled(True)
        self.approved_only = QCheckBox("Approved only", objectName="approvedOnly")
        self.approved_only.setToolTip("Only approved templates can be sent to customers")
        self.search.textChanged.connect(self._filter)
        self.approved_only.toggled.connect(self._filter)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.approved_only)

        self.table = QTableView(objectName="templateTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # the name stays whole; a long status elides
        header.setHighlightSections(False)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty = QLabel(objectName="templatesEmpty")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #5b6b63; padding: 8px;")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty)
        self.detail = TemplateDetail(self.services)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(16, 0, 8, 0)
        inner_layout.addWidget(self.detail)
        scroll.setWidget(inner)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)  # the preview and the mapping editor need the room
        self.splitter.setCollapsible(0, False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.sandbox_note)
        layout.addWidget(self.error)
        layout.addWidget(self.splitter, 1)

    # -- data ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.services.jobs.run_in_session(read_templates, title="Reading templates", parent=self,
                                          progress_dialog=False, on_result=self._show_list,
                                          on_error=self._show_error, show_errors=False)

    def _show_list(self, listing: TemplateList) -> None:
        chosen = self.detail.item
        self.listing = listing
        self.model.set_items(listing.items)
        self.sandbox_badge.setVisible(listing.sandbox)
        self.sandbox_badge.setToolTip(listing.reason)
        self.sandbox_note.setText(f"{SANDBOX_TEXT} These are the simulator's sample templates. Connect your "
                                  "account in Settings → WhatsApp to use your own." if listing.sandbox else "")
        self.sandbox_note.setVisible(listing.sandbox)
        n = len(listing.items)
        self.status.setText(self.last_sync_message or (f"{n} templates · {listing.approved} approved" if n else ""))
        where = "the sandbox" if listing.sandbox else "your WhatsApp Business account"
        self.empty.setText(f"No templates yet. Press “Sync templates” to fetch them from {where}.")
        self.empty.setVisible(n == 0)
        self._select(chosen.spec.name if chosen else None, chosen.spec.language if chosen else None)

    def _select(self, name: str | None, language: str | None) -> None:
        for row in range(self.proxy.rowCount()):
            item = self.proxy.index(row, 0).data(Qt.ItemDataRole.UserRole)
            if name is None or (item.spec.name, item.spec.language) == (name, language):
                self.table.selectRow(row)
                return
        self.detail.set_item(None)

    def select_template(self, name: str, language: str | None = None) -> bool:
        for row in range(self.proxy.rowCount()):
            item = self.proxy.index(row, 0).data(Qt.ItemDataRole.UserRole)
            if item.spec.name == name and (language is None or item.spec.language == language):
                self.table.selectRow(row)
                return True
        return False

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.detail.set_item(rows[0].data(Qt.ItemDataRole.UserRole) if rows else None)

    def _filter(self) -> None:
        self.proxy.set_filter(self.approved_only.isChecked(), self.search.text())
        if not self.table.selectionModel().selectedRows():
            self._select(None, None) if self.proxy.rowCount() else self.detail.set_item(None)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    # -- sync ------------------------------------------------------------------------------------
    def sync(self) -> None:
        if self.syncing:
            return
        self.syncing = True
        self.sync_button.setEnabled(False)
        self._show_error("")
        self.status.setText("Fetching templates from WhatsApp…")
        db, sandbox = self.services.db, self.sandbox
        job = self.services.jobs.run(lambda ctx: fetch_templates(db, sandbox, ctx), title="Syncing templates",
                                     lane="net", parent=self, on_result=self._store,
                                     on_error=self._sync_failed, show_errors=False)
        job.cancelled.connect(lambda: self._sync_done("Sync cancelled; nothing changed."))

    def _store(self, fetched: tuple[list[dict[str, Any]], bool]) -> None:
        from wadesk.core.messaging.templates import store_templates

        templates, in_sandbox = fetched
        now = self.services.clock.now()
        self.status.setText("Saving templates…")
        self.services.jobs.run_in_session(
            lambda s, _ctx: store_templates(s, templates, sandbox=in_sandbox, now=now),
            title="Saving templates", parent=self, on_result=self._stored, on_error=self._sync_failed,
            show_errors=False)

    def _stored(self, result: Any) -> None:
        changes = [f"{n} {w}" for n, w in ((result.added, "new"), (result.updated, "changed"),
                                           (result.removed, "removed")) if n]
        self._sync_done(f"Synced {result.templates} templates ({result.approved} approved)"
                        + (f": {', '.join(changes)}." if changes else ", nothing changed."))
        self.services.bus.notify(events.TEMPLATES)

    def _sync_failed(self, message: str) -> None:
        self._show_error(f"Templates could not be synced. {message}")
        self._sync_done("")

    def _sync_done(self, message: str) -> None:
        self.syncing = False
        self.sync_button.setEnabled(True)
        self.last_sync_message = message
        self.refresh()

    def _on_data_changed(self, what: frozenset[str]) -> None:
        if events.touches(what, events.TEMPLATES, events.SETTINGS) and not self.syncing:
            self.refresh()
