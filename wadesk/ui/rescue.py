"""At start, when the shop's database file would not open because it is damaged: offer the newest
backup (or another one) instead of a dead end. Core does the work (`core.backup.rescue`); the
damaged file is kept in the backups folder."""
from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QWidget

from wadesk.core.backup import BackupInfo, RestoreError, damaged_database, rescue_backups, rescue_restore
from wadesk.core.paths import DataDir

log = logging.getLogger(__name__)
RESTORE, CHOOSE, QUIT = "restore", "choose", "quit"


def describe(b: BackupInfo) -> str:
    from wadesk.ui.campaigns.words import local_time, n

    people = f", {n(b.customers)} customers" if b.customers is not None else ""
    return f"{local_time(b.created_at)} ({b.kind}{people})"


def ask_owner(problem: str, newest: BackupInfo | None, parent: QWidget | None = None) -> str:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("WaDesk — the shop's data is damaged")
    box.setText(f"WaDesk cannot open this shop's data: {problem}")
    restore = None
    if newest is not None:
        box.setInformativeText(f"The newest backup is from {describe(newest)}. Restore it? Anything done "
                               "after it is lost; the damaged file is kept in the backups folder.")
        restore = box.addButton("Restore this backup", QMessageBox.ButtonRole.AcceptRole)
    else:
        box.setInformativeText("No backup was found in the shop's folder. If you have one elsewhere (a USB "
                               "drive, a synced folder), choose it; the damaged file is kept.")
    choose = box.addButton("Choose a backup file…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    return RESTORE if clicked is restore and restore is not None else CHOOSE if clicked is choose else QUIT


def choose_file(data_dir: DataDir, parent: QWidget | None = None) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, "Choose a WaDesk backup", str(data_dir.backups_dir),
                                          "WaDesk backups (*.sqlite3);;All files (*)")
    return path


def offer_rescue(data_dir: DataDir, *, ask: Callable[[str, BackupInfo | None], str] | None = None,
                 choose: Callable[[DataDir], str] | None = None) -> bool:
    """True when a backup was put in place of a damaged database file (then open it again)."""
    ask, choose = ask or ask_owner, choose or choose_file
    problem = damaged_database(data_dir)
    if problem is None:
        return False
    backups = rescue_backups(data_dir)
    while True:
        answer = ask(problem, backups[0] if backups else None)
        if answer == QUIT:
            return False
        path = str(backups[0].path) if answer == RESTORE else choose(data_dir)
        if not path:
            continue
        try:
            _restore_with_progress(data_dir, path)
            return True
        except RestoreError as exc:
            log.warning("Rescue restore of %s refused: %s", path, exc)
            QMessageBox.warning(None, "WaDesk — this backup cannot be used", str(exc))


def _restore_with_progress(data_dir: DataDir, path: str) -> None:
    dialog = QProgressDialog("Restoring the backup…", "", 0, 0)
    dialog.setWindowTitle("WaDesk")
    dialog.setCancelButton(None)  # half a copy is never put in place, but the copy is quick to finish
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.show()

    def progress(done: int, total: int, text: str) -> None:
        dialog.setLabelText(text + "…")
        dialog.setMaximum(total)
        dialog.setValue(done)
        QApplication.processEvents()

    try:
        rescue_restore(data_dir, path, progress=progress)
    finally:
        dialog.close()
