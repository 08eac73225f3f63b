"""Settings → Backups: where backups go, how many are kept, the list, "Back up now" and "Restore…".

Listing reads the backup folder (maybe a USB drive or a synced folder), so it runs in a job like
the backup and the restore do. A backup runs on the network pool, not the database lane: it reads
its own snapshot and must not hold up other work; a restore writes, so it takes the database lane. After a restore the main window rebuilds its pages from the
restored database (`MainWindow.reload_pages`).
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QLabel,
                               QMessageBox, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QWidget)

from wadesk.ui.settings.card import card_layout
from wadesk.core.backup import (TEAM_DATABASE, BackupHealth, BackupInfo, BackupResult, RestoreResult, backup_health,
                                create_backup, list_backups, load_backup_config, restore_backup)
from wadesk.core.jobs import JobContext
from wadesk.core.settings import SettingError
from wadesk.ui import dialogs, events
from wadesk.ui.numbers import count_noun, group_indian
from wadesk.ui.settings.auto_backup import BACKUPS

OK_COLOUR, ERROR_COLOUR = "#0f6b45", "#b3261e"
KIND_WORDS = {"daily": "Daily", "on-close": "When WaDesk closed", "manual": "Back up now",
              "before-restore": "Before a restore", "before-update": "Before an update", "damaged": "Damaged, kept", "copy": "Copy"}


def when(t: datetime) -> str:
    return t.astimezone().strftime("%d %b %Y, %H:%M").lstrip("0")


def file_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return ""


@dataclass(frozen=True)
class BackupsState:
    folder: Path
    custom_folder: bool
    keep: tuple[int, int, int]
    backups: list[BackupInfo]
    health: BackupHealth


class BackupsSection(QFrame):
    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.services = services
        self.state: BackupsState | None = None
        self.busy = False
        self._build()
        services.bus.changed.connect(self._on_changed)
        self.reload()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = card_layout(self, "Backups")
        self.status = QLabel("Reading backups…", objectName="backupStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.status)

        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel("Backup folder"))
        self.folder = QLabel(objectName="backupFolder")
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder.setStyleSheet("font-family: monospace;")
        folder_row.addWidget(self.folder, 1)
        self.choose_button = QPushButton("Choose folder…", objectName="chooseBackupFolder")
        self.default_button = QPushButton("Use the data folder", objectName="defaultBackupFolder")
        self.open_button = QPushButton("Open folder", objectName="openBackupFolder")
        for b in (self.choose_button, self.default_button, self.open_button):
            folder_row.addWidget(b)
        layout.addLayout(folder_row)
        hint = QLabel("Backups are made every day and when WaDesk closes, and checked after they are made. "
                      "Choose a USB drive or a Google Drive / OneDrive folder, so a dead disk or a stolen laptop "
                      "does not cost you your customers. Your WhatsApp token is never in a backup.",
                      objectName="muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        keep_row = QHBoxLayout()
        keep_row.addWidget(QLabel("Keep the last"))
        self.keep_daily, self.keep_weekly, self.keep_monthly = (QSpinBox(objectName=n) for n in
                                                                ("keepDaily", "keepWeekly", "keepMonthly"))
        for box, most, unit in ((self.keep_daily, 366, "daily,"), (self.keep_weekly, 520, "weekly and"),
                                (self.keep_monthly, 600, "monthly backups")):
            box.setRange(0, most)
            box.setFixedWidth(72)
            keep_row.addWidget(box)
            keep_row.addWidget(QLabel(unit))
        self.save_keep = QPushButton("Save", objectName="saveRetention")
        keep_row.addWidget(self.save_keep)
        keep_row.addStretch(1)
        layout.addLayout(keep_row)

        self.table = QTableWidget(0, 5, objectName="backupTable")
        self.table.setHorizontalHeaderLabels(["Made", "Why", "Size", "Customers", "Checked"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 5):
            self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(200)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())
        layout.addWidget(self.table)

        buttons = QHBoxLayout()
        self.backup_button = QPushButton("&Back up now", objectName="backupNow")
        self.backup_button.setProperty("primary", True)
        self.restore_button = QPushButton("&Restore…", objectName="restoreBackup")
        self.restore_file_button = QPushButton("Restore from a file…", objectName="restoreFromFile")
        for b in (self.backup_button, self.restore_button, self.restore_file_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.result = QLabel(objectName="backupResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.result)

        self.choose_button.clicked.connect(self.choose_folder)
        self.default_button.clicked.connect(lambda: self._set_folder(""))
        self.open_button.clicked.connect(self.open_folder)
        self.save_keep.clicked.connect(self.save_retention)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        self._enable()

    # -- reading -----------------------------------------------------------------------------------
    def reload(self) -> None:
        svc = self.services
        if svc.db.path is None:
            self.status.setText(html.escape(TEAM_DATABASE))
            for w in (self.backup_button, self.restore_button, self.restore_file_button, self.choose_button,
                      self.default_button, self.open_button, self.save_keep, self.table):
                w.setEnabled(False)
            self.busy = True  # nothing here applies
            return

        def read(ctx: JobContext) -> BackupsState:
            with ctx.db.session() as s:
                cfg = load_backup_config(s, svc.data_dir)
            has_data = ctx.db.customer_count() > 0
            r = cfg.retention
            return BackupsState(cfg.folder, cfg.custom_folder, (r.daily, r.weekly, r.monthly),
                                list_backups(cfg.folder), backup_health(svc.data_dir, svc.clock.now(), has_data=has_data))

        svc.jobs.run(read, title="Reading backups", parent=self, progress_dialog=False, on_result=self._show)

    def _show(self, state: BackupsState) -> None:
        self.state = state
        self.folder.setText(str(state.folder))
        self.folder.setToolTip("The folder you chose" if state.custom_folder else "The data folder's backups folder")
        for box, n in zip((self.keep_daily, self.keep_weekly, self.keep_monthly), state.keep):
            box.setValue(n)
        h = state.health
        if not h.ok:
            self.status.setText(html.escape(h.warning))
            self.status.setStyleSheet(f"color: {ERROR_COLOUR};")
        elif h.last_ok_at is not None:
            self.status.setText(f"✓ Last backup {html.escape(when(h.last_ok_at))}, checked and complete.")
            self.status.setStyleSheet(f"color: {OK_COLOUR};")
        else:
            self.status.setText("No backup yet; the shop is empty.")
            self.status.setStyleSheet("")
        self.table.setRowCount(len(state.backups))
        for row, b in enumerate(state.backups):
            cells = [when(b.created_at), KIND_WORDS.get(b.kind, b.kind), file_size(b.size),
                     "?" if b.customers is None else group_indian(b.customers),
                     "✓" if b.verified else "—"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(b.path) + (f"\nShop: {b.shop_name}" if b.shop_name else ""))
                if col >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        if state.backups and not self.table.selectedItems():
            self.table.selectRow(0)
        self._enable()

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.state is None:
            return None
        return self.state.backups[rows[0].row()]

    def _selection_changed(self) -> None:
        self._enable()

    def _enable(self) -> None:
        self.backup_button.setEnabled(not self.busy)
        self.restore_button.setEnabled(not self.busy and self.selected() is not None)
        self.restore_file_button.setEnabled(not self.busy)

    def _on_changed(self, what: frozenset[str]) -> None:
        if events.touches(what, BACKUPS, events.SETTINGS) and not self.busy:
            self.reload()

    # -- settings ----------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        start = str(self.state.folder) if self.state else str(self.services.data_dir.root)
        folder = QFileDialog.getExistingDirectory(self, "Choose where backups go", start)
        if folder:
            self._set_folder(folder)

    def _set_folder(self, folder: str) -> None:
        try:
            self.services.settings.set("backup_folder", folder, on_saved=self.reload)
        except SettingError as exc:
            self._say(str(exc), error=True)
            return
        self._say("Backups will go to the data folder." if not folder else
                  f"Backups will go to {html.escape(folder)}. Click Back up now to make the first one there.")

    def save_retention(self) -> None:
        s = self.services.settings
        try:
            s.set("backup_keep_daily", self.keep_daily.value())
            s.set("backup_keep_weekly", self.keep_weekly.value())
            s.set("backup_keep_monthly", self.keep_monthly.value(), on_saved=lambda: self._say(
                "Saved. Older backups are removed after the next backup."))
        except SettingError as exc:
            self._say(str(exc), error=True)

    def open_folder(self) -> None:
        if self.state is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.state.folder)))

    def _say(self, text: str, error: bool = False) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")

    # -- work --------------------------------------------------------------------------------------
    def _busy(self, on: bool) -> None:
        self.busy = on
        self._enable()

    def back_up_now(self) -> None:
        if self.busy:
            return
        svc = self.services
        self._busy(True)
        self._say("Backing up…")

        def work(ctx: JobContext) -> BackupResult:
            return create_backup(ctx.db, svc.data_dir, kind="manual", clock=svc.clock,
                                 progress=ctx.progress, cancelled=ctx.cancelled)

        job = svc.jobs.run(work, title="Backing up", lane="net", parent=self, on_result=self._backed_up,
                           on_error=lambda m: self._say(html.escape(m), error=True),
                           on_cancelled=lambda: self._say("Backup stopped; nothing was kept."))
        job.finished.connect(self._finished)

    def _backed_up(self, result: BackupResult) -> None:
        b = result.backup
        pruned = f" {len(result.deleted)} older backup(s) removed by the keep rule." if result.deleted else ""
        self._say(f"✓ Backed up {count_noun(b.customers or 0, 'customer')} ({file_size(b.size)}) and checked: "
                  f"{html.escape(b.path.name)}.{pruned}")

    def _finished(self) -> None:
        self._busy(False)
        self.services.bus.notify(BACKUPS)  # this section, the Home page's warning

    def restore_selected(self) -> None:
        b = self.selected()
        if b is not None and not self.busy:
            customers = "" if b.customers is None else f" ({count_noun(b.customers, 'customer')})"
            self._restore(b.path, f"the backup made {when(b.created_at)}{customers}")

    def restore_from_file(self) -> None:
        start = str(self.state.folder) if self.state else ""
        path, _ = QFileDialog.getOpenFileName(self, "Choose a WaDesk backup", start,
                                              "WaDesk backups (*.sqlite3);;All files (*)")
        if path:
            self._restore(Path(path), Path(path).name)

    def _restore(self, path: Path, what: str) -> None:
        if not dialogs.confirm(self, "Restore this backup?",
                               f"Your shop's data will be replaced by {what}. Everything added or changed "
                               "since then is set aside: WaDesk first makes a backup of the data as it is now, "
                               "so you can go back to it.", "Restore"):
            return
        svc = self.services
        self._busy(True)
        self._say("Restoring…")

        def work(ctx: JobContext) -> RestoreResult:
            return restore_backup(ctx.db, svc.data_dir, path, clock=svc.clock, progress=ctx.progress,
                                  cancelled=ctx.cancelled)

        job = svc.jobs.run(work, title="Restoring a backup", parent=self, on_result=self._restored,
                           on_error=lambda m: self._say(html.escape(m), error=True),
                           on_cancelled=lambda: self._say("Restore stopped; your data is as it was."))
        job.finished.connect(self._finished)

    def _restored(self, result: RestoreResult) -> None:
        migrated = " It was brought up to date for this version of WaDesk." if result.migrated_from else ""
        text = (f"Restored {count_noun(result.counts.get('customers') or 0, 'customer')} from "
                f"{result.restored_from.name}.{migrated} The data from before the restore is kept in "
                f"{result.safety_backup.path.name}.")
        self._say("✓ " + html.escape(text))
        svc = self.services
        svc.settings.reload()
        svc.bus.notify(events.EVERYTHING)
        window = self.window()
        reload_pages = getattr(window, "reload_pages", None)
        if callable(reload_pages):  # after this callback returns: this page is one of those rebuilt
            QTimer.singleShot(0, window, lambda: _reloaded(window, reload_pages, text))


def _reloaded(window: QWidget, reload_pages, text: str) -> None:
    reload_pages()
    box = QMessageBox(QMessageBox.Icon.Information, "WaDesk — Backup restored",
                      text + "\n\nWaDesk has reloaded every page from the restored data.",
                      QMessageBox.StandardButton.Ok, window)
    box.setObjectName("restoredBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
