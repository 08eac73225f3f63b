"""Settings → Database: this computer's file, or a shared team database on PostgreSQL (issue 11).

Test connection, move this computer's data to an empty team database, join a team database another
computer set up, export the team database to a file, and go back to this computer's file. Which
database a data folder uses is read once, when WaDesk opens it (every page, the job runner and the
sender hold it), so a switch ends with a restart of WaDesk, said in plain words.
"""
from __future__ import annotations

import html
import sys
from pathlib import Path

from PySide6.QtCore import QProcess, Qt
from PySide6.QtWidgets import (
    QApplication, QButtonGroup, QComboBox, QFileDialog, QFormLayout, QFrame, QHBoxLayout, QLabel,
    QLineEdit, QMessageBox, QPushButton, QRadioButton, QSpinBox, QWidget,
)

from wadesk.core.crm.bookkeeping import set_staff_name, staff_name
from wadesk.core.db import DatabaseError
from wadesk.core.db.team import (
    SSL_MODES, TeamDatabase, check_team_connection, export_to_file, load_config, load_password, move_to_team,
    save_config, save_password,
)
from wadesk.core.jobs import JobContext
from wadesk.ui import dialogs
from wadesk.ui.numbers import count_noun
from wadesk.ui.prefs import STAFF_NAME, ui_settings
from wadesk.ui.settings.card import card_layout

ERROR_COLOUR = "#b3261e"
SSL_WORDS = {"prefer": "Use it when the server offers it", "require": "Always (the server must offer it)",
             "disable": "Never (a trusted local network only)", "verify-full": "Always, and check the certificate"}


class DatabaseSection(QFrame):
    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.services = services
        self.busy = False
        self.on_team = services.db.path is None  # what WaDesk is running on now
        self._build()
        self._fill()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = card_layout(self, "Database")
        self.status = QLabel(objectName="databaseStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)

        staff_row = QHBoxLayout()
        staff_row.addWidget(QLabel("Your &name on this computer"))
        self.staff = QLineEdit(objectName="staffName", placeholderText="e.g. Ravi (counter)")
        self.staff.setMaximumWidth(260)
        self.staff.setToolTip("Shown in the audit log beside what is done from this computer, so a team can "
                              "see who did what. Kept on this computer only.")
        staff_row.itemAt(0).widget().setBuddy(self.staff)
        staff_row.addWidget(self.staff)
        staff_row.addStretch(1)
        layout.addLayout(staff_row)

        self.local_choice = QRadioButton("This computer only (SQLite)", objectName="databaseLocal")
        self.team_choice = QRadioButton("Shared team database (PostgreSQL)", objectName="databaseTeam")
        choices = QButtonGroup(self)
        for b in (self.local_choice, self.team_choice):
            choices.addButton(b)
            layout.addWidget(b)
        hint = QLabel("A team database lets several computers work on the same customers at once: staff at "
                      "the counter, the owner at home. Whoever runs the server gives you these details.",
                      objectName="muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        self.form_box = QWidget()
        form = QFormLayout(self.form_box)
        form.setContentsMargins(24, 0, 0, 0)
        self.form_box.setMaximumWidth(640)
        self.host = QLineEdit(objectName="dbHost", placeholderText="e.g. 192.168.1.20 or db.myshop.in")
        self.port = QSpinBox(objectName="dbPort")
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.port.setFixedWidth(90)
        self.dbname = QLineEdit(objectName="dbName", placeholderText="e.g. wadesk")
        self.user = QLineEdit(objectName="dbUser")
        self.sslmode = QComboBox(objectName="dbSslMode")
        for mode in SSL_MODES:
            self.sslmode.addItem(SSL_WORDS[mode], mode)
        self.password = QLineEdit(objectName="dbPassword", echoMode=QLineEdit.EchoMode.Password,
                                  placeholderText="kept in this computer's keychain, never in a file")
        for label, w in (("&Server", self.host), ("&Port", self.port), ("Data&base name", self.dbname),
                         ("&User", self.user), ("Encryption (SSL)", self.sslmode), ("Pass&word", self.password)):
            form.addRow(label, w)
        layout.addWidget(self.form_box)

        row = QHBoxLayout()
        self.test_button = QPushButton("&Test connection", objectName="dbTest")
        self.move_button = QPushButton("&Move my data to the team database…", objectName="dbMove")
        self.move_button.setProperty("primary", True)
        self.join_button = QPushButton("&Join this team database", objectName="dbJoin")
        self.export_button = QPushButton("&Export to a file…", objectName="dbExport")
        self.local_button = QPushButton("Use this computer's database again", objectName="dbUseLocal")
        for b in (self.test_button, self.move_button, self.join_button, self.export_button, self.local_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = QLabel(objectName="databaseResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.result)

        self.local_choice.toggled.connect(self._enable)
        self.staff.editingFinished.connect(self.save_staff_name)
        self.test_button.clicked.connect(self.test_connection)
        self.move_button.clicked.connect(self.move_data)
        self.join_button.clicked.connect(self.join)
        self.export_button.clicked.connect(self.export)
        self.local_button.clicked.connect(self.use_local)

    def _fill(self) -> None:
        svc = self.services
        self.staff.setText(staff_name() or "")
        try:
            team = load_config(svc.data_dir)
        except DatabaseError as exc:
            team = None
            self._say(str(exc), error=True)
        if team is not None:
            self.host.setText(team.host)
            self.port.setValue(team.port)
            self.dbname.setText(team.database)
            self.user.setText(team.user)
            self.sslmode.setCurrentIndex(max(0, self.sslmode.findData(team.sslmode)))
        if self.on_team:
            where = (f"“{team.database}” on {team.host}" if team is not None  # else --database-url / env
                     else svc.db.display_name)
            self.status.setText(f"This shop's data is in the shared team database {where}. "
                                "Backups of it are the server's job.")
            self.team_choice.setChecked(True)
        else:
            self.status.setText(f"This shop's data is on this computer: {svc.db.display_name}")
            self.local_choice.setChecked(True)
        self._enable()

    def save_staff_name(self) -> None:
        name = self.staff.text().strip()
        ui_settings().setValue(STAFF_NAME, name)
        set_staff_name(name)

    def _enable(self) -> None:
        team_mode = self.team_choice.isChecked()
        self.form_box.setEnabled(team_mode and not self.on_team and not self.busy)
        self.test_button.setEnabled(team_mode and not self.busy)
        self.move_button.setVisible(not self.on_team)
        self.join_button.setVisible(not self.on_team)
        self.move_button.setEnabled(team_mode and not self.busy)
        self.join_button.setEnabled(team_mode and not self.busy)
        self.export_button.setVisible(self.on_team)
        self.export_button.setEnabled(not self.busy)
        self.local_button.setVisible(self.on_team)
        self.local_button.setEnabled(not self.busy)

    def _say(self, text: str, error: bool = False) -> None:
        self.result.setText(html.escape(text))
        self.result.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")

    def _busy(self, on: bool) -> None:
        self.busy = on
        self._enable()

    def team(self) -> TeamDatabase | None:
        """The details typed in, or None (and the reason said) when something is missing or wrong."""
        team = TeamDatabase(self.host.text().strip(), self.dbname.text().strip(), self.user.text().strip(),
                            self.port.value(), self.sslmode.currentData())
        try:
            team.check()
        except DatabaseError as exc:
            self._say(str(exc), error=True)
            return None
        return team

    # -- work --------------------------------------------------------------------------------------
    def _run(self, work, title: str, on_result, cancellable: bool = False) -> None:
        self._busy(True)
        job = self.services.jobs.run(work, title=title, parent=self, on_result=on_result, cancellable=cancellable,
                                     on_error=lambda m: self._say(m, error=True), show_errors=False,
                                     progress_dialog=cancellable,
                                     on_cancelled=lambda: self._say("Stopped; nothing was changed."))
        job.finished.connect(lambda: self._busy(False))

    def test_connection(self) -> None:
        team = (load_config(self.services.data_dir) if self.on_team else None) or self.team()
        if team is None or self.busy:
            return
        typed = self.password.text()  # else the keychain's, read in the job (a keychain may ask the user)
        self._say("Connecting…")
        self._run(lambda ctx: check_team_connection(team, typed or load_password(team)), "Testing the connection",
                  self._tested)

    def _tested(self, facts: dict) -> None:
        version = str(facts["server_version"]).split()[0]
        if facts["has_wadesk_data"]:
            what = (f"It already holds a WaDesk shop ({count_noun(facts['customers'], 'customer')}): "
                    "Join it to work on that shop from this computer.")
        else:
            what = "It is empty: Move your data there to start sharing."
        self._say(f"✓ Connected to PostgreSQL {version}. {what}")

    def move_data(self) -> None:
        team = self.team()
        if team is None or self.busy:
            return
        if not dialogs.confirm(self, "Move your data to the team database?",
                               f"Every customer, order, campaign and setting is copied to {team.database} on "
                               f"{team.host}, checked, and WaDesk then restarts on it. The file on this computer "
                               "stays as it is, as a backup. Don't import or send on another computer while "
                               "it copies.", "Move my data"):
            return
        typed, svc = self.password.text(), self.services

        def work(ctx: JobContext) -> int:
            counts = move_to_team(svc.data_dir, team, typed or load_password(team), progress=ctx.progress,
                                  cancelled=ctx.cancelled)
            return counts.get("customers", 0)

        self._say("Copying…")
        self._run(work, "Moving your data to the team database",
                  lambda n: self._switched(f"Moved: {count_noun(n, 'customer')} and everything else are now "
                                           f"in the team database on {team.host}."), cancellable=True)

    def join(self) -> None:
        team = self.team()
        if team is None or self.busy:
            return
        typed, svc = self.password.text(), self.services

        def work(ctx: JobContext) -> int:
            password = typed or load_password(team)
            facts = check_team_connection(team, password)
            if not facts["has_wadesk_data"]:
                raise DatabaseError("That database is empty: use Move my data to the team database instead.")
            if password:
                save_password(team, password)
            save_config(svc.data_dir, team)
            return facts["customers"]

        self._run(work, "Joining the team database",
                  lambda n: self._switched(f"This computer now works on the team database on {team.host} "
                                           f"({count_noun(n, 'customer')})."))

    def use_local(self) -> None:
        if self.busy or not dialogs.confirm(
                self, "Use this computer's database again?",
                f"WaDesk restarts on the file on this computer ({self.services.data_dir.db_path}), as it was "
                "before the move. Changes made in the team database since then are not in it: export them to a "
                "file first if you need them.", "Use this computer's database"):
            return
        save_config(self.services.data_dir, None)
        self._switched("This computer uses its own database file again.")

    def export(self) -> None:
        if self.busy:
            return
        start = str(self.services.data_dir.root / "team-export.sqlite3")
        path, _ = QFileDialog.getSaveFileName(self, "Export the team database to a file", start,
                                              "SQLite database (*.sqlite3)")
        if not path:
            return

        def work(ctx: JobContext) -> int:
            counts = export_to_file(ctx.db, Path(path), progress=ctx.progress, cancelled=ctx.cancelled)
            return counts.get("customers", 0)

        self._say("Exporting…")
        self._run(work, "Exporting to a file", lambda n: self._say(
            f"✓ Exported {count_noun(n, 'customer')} and everything else to {path}."), cancellable=True)

    def _switched(self, text: str) -> None:
        self._say("✓ " + text + " WaDesk must restart to open it.")
        box = QMessageBox(QMessageBox.Icon.Information, "WaDesk — Database changed",
                          text + "\n\nWaDesk restarts now to open it.", QMessageBox.StandardButton.Ok, self)
        box.setObjectName("databaseSwitchedBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: restart_wadesk())
        box.open()


def restart_wadesk() -> None:
    """Start WaDesk again the way it was started (the same data folder), then close this one."""
    app = QApplication.instance()
    if app is None:
        return
    QProcess.startDetached(sys.executable, list(getattr(sys, "orig_argv", sys.argv)[1:]))
    app.quit()
