"""Settings → WhatsApp account: IDs, the token (keychain only), Test connection, the sandbox state.

Everything that touches the database or the keychain runs on the database lane; Test connection
runs on the network pool. Secrets are read from the fields once, handed to core's `connect()`
(which puts them in the keychain) and the fields are cleared: the page never shows them again.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QToolButton, QWidget)

from wadesk.ui.settings.card import card_layout
from wadesk.core.messaging.account import (DEFAULT_API_VERSION, DEFAULT_BASE_URL, AccountConfig,
                                           connect, disconnect, load_account, resolve_mode, secret_store)
from wadesk.core.clock import utc_naive
from wadesk.core.messaging.secrets import keychain_status
from wadesk.core.settings import SettingError
from wadesk.ui import dialogs, events
from wadesk.ui.whatsapp_env import (QUALITY_WORDS, SANDBOX_TEXT, SandboxProvider, throughput_words,
                                    tier_words, user_errors)

OK_STYLE = "QLabel { background: #e7f6ee; border: 1px solid #9fd9b8; border-radius: 8px; padding: 10px; }"
SANDBOX_STYLE = "QLabel { background: #fff6dd; border: 1px solid #f0c95c; border-radius: 8px; padding: 10px; }"
ERROR_COLOUR = "#b3261e"


@dataclass(frozen=True)
class AccountState:
    config: AccountConfig
    sandbox: bool
    reason: str
    token_saved: bool
    secret_saved: bool


def read_state(session: Any, _ctx: Any = None) -> AccountState:
    with user_errors():
        mode = resolve_mode(session)
        secret = secret_store(session).app_secret() if mode.config.has_ids else None
    return AccountState(load_account(session), mode.sandbox, mode.reason, mode.access_token is not None,
                        secret is not None)


class WhatsAppSection(QFrame):
    def __init__(self, services, sandbox: Callable[[], Any] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.services = services
        self.sandbox = sandbox or SandboxProvider(services.data_dir.root)
        self.state: AccountState | None = None
        self.keychain_ok, self.keychain_text = keychain_status()
        self._build()
        self.reload()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = card_layout(self, "WhatsApp account")
        self.status = QLabel("Checking…", objectName="waAccountStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.status)

        where = QLabel("Find the two IDs in Meta's WhatsApp Manager → Account tools → Phone numbers (or the app's "
                       "WhatsApp → API Setup page). Connect only when you are ready: until then everything "
                       "works in the sandbox.", objectName="muted")
        where.setWordWrap(True)
        layout.addWidget(where)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(14)
        self.phone_id = QLineEdit(objectName="phoneNumberId", placeholderText="e.g. 106540352242922")
        self.waba_id = QLineEdit(objectName="wabaId", placeholderText="e.g. 102290129340398")
        self.token = QLineEdit(objectName="accessToken", echoMode=QLineEdit.EchoMode.Password)
        self.app_secret = QLineEdit(objectName="appSecret", echoMode=QLineEdit.EchoMode.Password)
        self.api_version = QLineEdit(DEFAULT_API_VERSION, objectName="apiVersion")
        self.api_version.setMaximumWidth(120)
        form.addRow("Phone number ID", self.phone_id)
        form.addRow("WhatsApp Business Account ID", self.waba_id)
        form.addRow("Access token", self.token)
        form.addRow("App secret (for webhooks)", self.app_secret)
        form.addRow("API version", self.api_version)
        self.advanced = QToolButton(objectName="advancedToggle", text="Advanced", checkable=True)
        self.advanced.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced.setStyleSheet("QToolButton { border: none; color: #0f6b45; }")
        self.advanced.toggled.connect(self._toggle_advanced)
        form.addRow("", self.advanced)
        self.base_url = QLineEdit(DEFAULT_BASE_URL, objectName="baseUrl")
        self.base_url_label = QLabel("Server address")
        form.addRow(self.base_url_label, self.base_url)
        self.choose_sandbox = QCheckBox("Use the sandbox even though an account is connected (for trying things out)",
                                        objectName="chooseSandbox")
        form.addRow("", self.choose_sandbox)
        layout.addLayout(form)
        # Outside the form: a word-wrapped label inside a QFormLayout upsets its height-for-width.
        self.keychain_note = QLabel(objectName="keychainNote")
        self.keychain_note.setWordWrap(True)
        layout.addWidget(self.keychain_note)
        self._toggle_advanced(False)
        self._show_keychain()

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save", objectName="saveAccount")
        self.save_button.setProperty("primary", True)
        self.test_button = QPushButton("Test connection", objectName="testConnection")
        self.disconnect_button = QPushButton("Disconnect", objectName="disconnectAccount")
        for b in (self.save_button, self.test_button, self.disconnect_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.result = QLabel(objectName="connectionResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.test_connection)
        self.disconnect_button.clicked.connect(self.disconnect_account)

    def _toggle_advanced(self, on: bool) -> None:
        self.advanced.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.base_url.setVisible(on)
        self.base_url_label.setVisible(on)

    def _show_keychain(self) -> None:
        if self.keychain_ok:
            self.keychain_note.setText("The access token and app secret are stored in your computer's keychain, "
                                       "never in WaDesk's files.")
            self.keychain_note.setStyleSheet("color: #5b6b63;")
        else:
            self.keychain_note.setText(self.keychain_text)
            self.keychain_note.setStyleSheet(f"color: {ERROR_COLOUR};")
        for field in (self.token, self.app_secret):
            field.setEnabled(self.keychain_ok)

    def _relayout(self) -> None:
        """Word-wrapped labels changed height: nested layouts keep stale height-for-width answers
        (the form's fields got squashed), so invalidate every layout up to the page."""
        widget: QWidget | None = self
        while widget is not None:
            if widget.layout() is not None:
                widget.layout().invalidate()
            widget = widget.parentWidget()

    def _say(self, text: str) -> None:
        self.result.setText(text)
        self._relayout()

    def _busy(self, busy: bool) -> None:
        for b in (self.save_button, self.test_button, self.disconnect_button):
            b.setEnabled(not busy)
        if not busy and self.state is not None:
            self.disconnect_button.setEnabled(self.state.config.has_ids or self.state.token_saved)

    # -- state -----------------------------------------------------------------------------------
    def reload(self) -> None:
        self.keychain_ok, self.keychain_text = keychain_status()  # a keychain may have been unlocked
        self._show_keychain()
        self._busy(True)
        job = self.services.jobs.run_in_session(read_state, title="Reading the WhatsApp account", parent=self,
                                                on_result=self._show_state, on_error=self._show_error,
                                                progress_dialog=False, show_errors=False)
        job.finished.connect(lambda: self._busy(False))

    def _show_state(self, state: AccountState) -> None:
        self.state = state
        cfg = state.config
        self.phone_id.setText(cfg.phone_number_id)
        self.waba_id.setText(cfg.waba_id)
        self.api_version.setText(cfg.api_version)
        self.base_url.setText(cfg.base_url)
        self.choose_sandbox.setChecked(cfg.sandbox_chosen)
        if cfg.base_url != DEFAULT_BASE_URL:
            self.advanced.setChecked(True)
        saved = "•••••••• saved in the keychain — type a new one to replace it"
        self.token.setPlaceholderText(saved if state.token_saved else "Paste the permanent token of your system user")
        self.app_secret.setPlaceholderText(saved if state.secret_saved else "From Meta App Dashboard → Settings → Basic")
        if state.sandbox:
            self.status.setText(f"<b>SANDBOX</b> — {html.escape(SANDBOX_TEXT)}<br>"
                                f"<span style='color:#6b5316'>{html.escape(state.reason)}</span>")
            self.status.setStyleSheet(SANDBOX_STYLE)
        else:
            self.status.setText("<b>Connected account</b> — messages go to your real customers through your "
                                "own WhatsApp Business account. Press “Test connection” to check that "
                                "WhatsApp accepts it.")
            self.status.setStyleSheet(OK_STYLE)
        self._busy(False)
        self._relayout()

    def _show_error(self, message: str) -> None:
        self._say(f"<span style='color:{ERROR_COLOUR}'>{html.escape(message)}</span>")

    # -- actions ---------------------------------------------------------------------------------
    def _config(self) -> AccountConfig:
        return AccountConfig(self.phone_id.text(), self.waba_id.text(), self.api_version.text(),
                             self.base_url.text(), self.choose_sandbox.isChecked(),
                             self.state.config.marketing_endpoint if self.state else False).validated()

    def save(self) -> None:
        try:
            cfg = self._config()
        except SettingError as exc:
            self._show_error(str(exc))
            return
        token = self.token.text().strip() or None
        secret = self.app_secret.text().strip() or None
        if (token or secret) and not self.keychain_ok:
            self._show_error(self.keychain_text)
            return

        def write(session: Any, _ctx: Any) -> AccountState:
            with user_errors():
                connect(session, cfg, access_token=token, app_secret=secret)
            return read_state(session)

        self.token.clear()  # the secrets leave the widgets at once
        self.app_secret.clear()
        self._say("Saving…")
        self._busy(True)
        self.services.jobs.run_in_session(write, title="Saving the WhatsApp account", parent=self,
                                          on_result=self._saved, on_error=self._show_error,
                                          progress_dialog=False, cancellable=False, show_errors=False
                                          ).finished.connect(lambda: self._busy(False))

    def _saved(self, state: AccountState) -> None:
        self._show_state(state)
        self._say("Saved." + ("" if state.sandbox else " Press “Test connection” to check it."))
        self.services.bus.notify(events.SETTINGS, events.TEMPLATES)

    def disconnect_account(self) -> None:
        if not dialogs.confirm(self, "Disconnect WhatsApp?",
                               "WaDesk will forget the access token and app secret on this computer and go back "
                               "to the sandbox. Your customers and templates stay.", "Disconnect"):
            return

        def forget(session: Any, _ctx: Any) -> AccountState:
            with user_errors():
                disconnect(session)
            return read_state(session)

        self._busy(True)
        self.services.jobs.run_in_session(forget, title="Disconnecting WhatsApp", parent=self,
                                          on_result=self._disconnected, on_error=self._show_error,
                                          progress_dialog=False, show_errors=False
                                          ).finished.connect(lambda: self._busy(False))

    def _disconnected(self, state: AccountState) -> None:
        self._show_state(state)
        self._say("Disconnected. WaDesk now uses the sandbox.")
        self.services.bus.notify(events.SETTINGS, events.TEMPLATES)

    def test_connection(self) -> None:
        db, sandbox = self.services.db, self.sandbox

        def check(_ctx: Any) -> Any:
            from wadesk.core.messaging.connection import check_connection

            with user_errors():
                with db.session() as s:
                    in_sandbox = resolve_mode(s).sandbox
                return check_connection(db, sandbox=sandbox() if in_sandbox else None)

        self._say("Asking WhatsApp…")
        self._busy(True)
        self.services.jobs.run(check, title="Testing the WhatsApp connection", lane="net", parent=self,
                               on_result=self._show_report, on_error=self._connection_failed,
                               progress_dialog=False, show_errors=False
                               ).finished.connect(lambda: self._busy(False))

    def _token_words(self, expires: Any) -> str:
        from wadesk.core.reports.dashboard import token_expiry_words

        if expires is None:
            return "does not expire (or Meta did not say)"
        warning = token_expiry_words(expires.isoformat(), utc_naive(self.services.clock.now()),
                                     self.services.settings.get("shop_timezone") or "")
        if warning:
            return f"<span style='color:#b3261e'>{html.escape(warning)}</span>"
        return html.escape(f"expires on {expires:%d %b %Y} — make a permanent System User token before then")

    def _connection_failed(self, message: str) -> None:
        self._show_error(f"Could not connect. {message}")

    def _show_report(self, report: Any) -> None:
        info = report.info
        quality, colour = QUALITY_WORDS.get(info.quality_rating, (info.quality_rating.title(), "#5b6b63"))
        head = ("The <b>sandbox simulator</b> answered (not a real WhatsApp number)." if report.sandbox
                else "✔ <b>WhatsApp answered.</b> Your account is connected.")
        rows = [("Business name", html.escape(info.verified_name or "—")),
                ("Phone number", html.escape(info.display_phone_number or "—")),
                ("Quality rating", f"<span style='color:{colour}; font-weight:bold'>{quality}</span>"),
                ("Messaging limit", html.escape(tier_words(info.messaging_limit_tier, info.daily_unique_limit))),
                ("Sending speed", html.escape(throughput_words(info.throughput_level, info.messages_per_second)))]
        if not report.sandbox:
            rows.append(("Access token", self._token_words(report.token_expires_at)))
        table = "".join(f"<tr><td style='color:#5b6b63; padding-right:14px'>{k}</td><td>{v}</td></tr>"
                        for k, v in rows)
        self._say(f"{head}<table style='margin-top:6px'>{table}</table>")
