"""The Home page's warning when the last backup failed, or there is none, or it is too old."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from wadesk.core.backup import BackupHealth, backup_health
from wadesk.core.jobs import JobContext
from wadesk.ui import events
from wadesk.ui.settings.auto_backup import BACKUPS

WARNING_STYLE = ("QFrame#backupWarning { background: #fdecea; border: 1px solid #f1a9a0; border-radius: 8px; }"
                 "QLabel { color: #8c1d18; }")


class BackupWarning(QFrame):
    """Hidden while backups are fine; re-checked when a backup is made or the data changes."""

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("backupWarning")
        self.setStyleSheet(WARNING_STYLE)
        self.services = services
        self.health: BackupHealth | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(18, 10, 18, 10)
        self.text = QLabel(objectName="backupWarningText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        row.addWidget(self.text, 1)
        self.button = QPushButton("Open backups", objectName="openBackups")
        self.button.clicked.connect(lambda: services.bus.request_page("settings"))
        row.addWidget(self.button)
        self.hide()
        services.bus.changed.connect(self._on_changed)
        self.refresh()

    def refresh(self) -> None:
        svc = self.services
        if svc.db.path is None:  # a team database on a server is backed up there
            return

        def check(ctx: JobContext) -> BackupHealth:
            has_data = ctx.db.customer_count() > 0 and not svc.settings.is_sample  # made-up data needs none
            return backup_health(svc.data_dir, svc.clock.now(), has_data=has_data)

        svc.jobs.run(check, title="Checking backups", parent=self, progress_dialog=False, show_errors=False,
                     on_result=self._show)

    def _show(self, health: BackupHealth) -> None:
        self.health = health
        self.text.setText(f"<b>Backups:</b> {html.escape(health.warning)}")
        self.setVisible(not health.ok)

    def _on_changed(self, what: frozenset[str]) -> None:
        if events.touches(what, BACKUPS, events.CUSTOMERS):
            self.refresh()
