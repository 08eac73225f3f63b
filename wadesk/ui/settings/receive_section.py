"""Settings → Receive statuses: the local webhook receiver (start/stop, port, verify token) and
"Collect sandbox statuses now".

Meta reports deliveries, reads, failures, replies and opt-outs only by calling a public https
address; the owner runs a tunnel (cloudflared or ngrok, see the README) to this computer's port.
The receiver (core `webhooks.receiver`) answers Meta at once and stores on its own worker thread;
each stored batch comes back here through a signal, updates the counts, tells the other pages
and rescores the customers it touched. The app secret is read from the keychain in a job and
handed straight to the receiver: it is never shown.
"""
from __future__ import annotations

import html
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QApplication, QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QWidget)

from wadesk.ui.settings.card import card_layout
from wadesk.ui import events
from wadesk.ui.whatsapp_env import SandboxProvider, user_errors

ERROR_COLOUR = "#b3261e"
RESCORE_LIMIT = 20_000  # a bigger batch is rescored by the next full refresh instead


class _Relay(QObject):
    """Carries results from the receiver's worker thread to the UI thread (queued signal)."""

    ingested = Signal(object)


def _n(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _counts(totals: Any) -> str:
    return (f"{_n(totals.statuses, 'status', 'statuses')}, {_n(totals.messages, 'reply', 'replies')}, "
            f"{_n(totals.opt_outs, 'opt-out', 'opt-outs')}"
            + (f", {_n(totals.duplicates, 'repeat', 'repeats')} ignored" if totals.duplicates else ""))


class ReceiveSection(QFrame):
    def __init__(self, services, sandbox: Callable[[], Any] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.services = services
        self.sandbox = sandbox or SandboxProvider(services.data_dir.root)
        self.receiver: Any = None
        self.token_text = ""
        self.relay = _Relay(self)
        self.relay.ingested.connect(self._ingested)
        self._build()
        self.reload()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = card_layout(self, "Receive statuses")
        intro = QLabel("WhatsApp tells WaDesk what happened to each message — delivered, read, failed — and "
                       "passes on replies and “Stop” requests by calling a web address. Run a tunnel "
                       "(cloudflared or ngrok) to the port below, then in Meta's App Dashboard → WhatsApp → "
                       "Configuration paste the tunnel's https address and this verify token, and subscribe "
                       "to “messages”.", objectName="muted")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(14)
        self.port = QSpinBox(objectName="webhookPort", minimum=1024, maximum=65535, value=8787)
        self.port.setMaximumWidth(120)
        form.addRow("Port on this computer", self.port)
        token_row = QHBoxLayout()
        self.token = QLineEdit(objectName="verifyToken", readOnly=True)
        self.copy_button = QPushButton("Copy", objectName="copyToken")
        self.regen_button = QPushButton("New token", objectName="regenerateToken")
        self.regen_button.setToolTip("Make a new verify token (type it into Meta's App Dashboard again)")
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.copy_button)
        token_row.addWidget(self.regen_button)
        form.addRow("Verify token", token_row)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.start_button = QPushButton("&Start receiving", objectName="startReceiver")
        self.start_button.setProperty("primary", True)
        self.drain_button = QPushButton("Collect sandbox statuses now", objectName="drainSandbox")
        self.drain_button.setToolTip("Store what the built-in simulator reported for sandbox messages")
        self.drain_button.setShortcut(QKeySequence("Ctrl+Shift+R"))
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.drain_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.result = QLabel("Not receiving.", objectName="receiverStatus")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result)
        self.start_button.clicked.connect(self.toggle)
        self.copy_button.clicked.connect(self.copy_token)
        self.regen_button.clicked.connect(self.regenerate)
        self.drain_button.clicked.connect(self.drain)

    def _say(self, text: str, error: bool = False) -> None:
        self.result.setText(f"<span style='color:{ERROR_COLOUR}'>{html.escape(text)}</span>" if error else text)

    def _error(self, message: str) -> None:
        self._say(message, error=True)

    # -- state -----------------------------------------------------------------------------------
    def reload(self) -> None:
        def read(session: Any, _ctx: Any) -> tuple[str, int]:
            from wadesk.core.webhooks import config

            return config.verify_token(session), config.receiver_port(session)

        self.services.jobs.run_in_session(read, title="Reading the webhook settings", parent=self,
                                          on_result=self._show, on_error=self._error, progress_dialog=False,
                                          cancellable=False, show_errors=False)

    def _show(self, state: tuple[str, int]) -> None:
        self.token_text, port = state
        self.token.setText(self.token_text)
        if self.receiver is None and port:
            self.port.setValue(port)

    def copy_token(self) -> None:
        QGuiApplication.clipboard().setText(self.token_text)
        self._say("Verify token copied." if self.receiver is None else self.result.text())

    def regenerate(self) -> None:
        def new(session: Any, _ctx: Any) -> tuple[str, int]:
            from wadesk.core.webhooks import config

            return config.verify_token(session, regenerate=True), config.receiver_port(session)

        def done(state: tuple[str, int]) -> None:
            self._show(state)
            if self.receiver is not None:
                self.receiver.verify_token = state[0]
            self._say("New verify token made: type it into Meta's App Dashboard before Meta checks the address "
                      "again.")

        self.services.jobs.run_in_session(new, title="Making a new verify token", parent=self, on_result=done,
                                          on_error=self._error, progress_dialog=False, cancellable=False,
                                          show_errors=False)

    # -- the receiver ----------------------------------------------------------------------------
    def toggle(self) -> None:
        if self.receiver is not None:
            self.stop()
        else:
            self.start()

    def start(self) -> None:
        port = self.port.value()

        def prepare(session: Any, _ctx: Any) -> tuple[str, str]:
            from wadesk.core.settings import set_setting
            from wadesk.core.webhooks import config

            with user_errors():
                secret = config.app_secret(session)
            set_setting(session, "webhook_port", port)
            return secret, config.verify_token(session)

        self.start_button.setEnabled(False)
        self._say("Starting…")
        self.services.jobs.run_in_session(prepare, title="Starting to receive statuses", parent=self,
                                          on_result=lambda r: self._listen(port, *r), on_error=self._failed,
                                          progress_dialog=False, cancellable=False, show_errors=False)

    def _failed(self, message: str) -> None:
        self.start_button.setEnabled(True)
        self._error(message)

    def _listen(self, port: int, secret: str, token: str) -> None:
        from wadesk.core.webhooks.config import inbox_path
        from wadesk.core.webhooks.receiver import WebhookReceiver

        receiver = WebhookReceiver(self.services.db, app_secret=secret, verify_token=token, port=port,
                                   inbox=inbox_path(self.services.data_dir.root), clock=self.services.clock,
                                   on_ingested=self.relay.ingested.emit)
        self.start_button.setEnabled(True)
        try:
            receiver.start()
        except OSError as exc:
            self._error(str(exc))
            return
        self.receiver = receiver
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(lambda: receiver.stop())  # hand the inbox over cleanly on quit
        self.destroyed.connect(lambda *_: receiver.stop())
        self.port.setEnabled(False)
        self.start_button.setText("&Stop receiving")
        self._say(f"<b>Receiving</b> on {html.escape(receiver.url)} — point your tunnel here, for example "
                  f"<code>cloudflared tunnel --url http://localhost:{receiver.port}</code>. Nothing stored yet.")

    def stop(self) -> None:
        receiver, self.receiver = self.receiver, None
        if receiver is not None:
            receiver.stop()
        self.port.setEnabled(True)
        self.start_button.setText("&Start receiving")
        self._say("Not receiving." + (f" This session: {_counts(receiver.stats.totals)}." if receiver else ""))

    def _ingested(self, result: Any) -> None:
        self._announce(result)
        if self.receiver is not None:
            stats = self.receiver.stats
            forged = f" {_n(stats.forged, 'forged request', 'forged requests')} refused." if stats.forged else ""
            self._say(f"<b>Receiving</b> on {html.escape(self.receiver.url)} — stored so far: "
                      f"{_counts(stats.totals)}.{forged}")

    def _announce(self, result: Any) -> None:
        self.services.bus.notify(events.CAMPAIGNS, events.CUSTOMERS)
        if result.customer_ids and len(result.customer_ids) <= RESCORE_LIMIT:
            from wadesk.ui.customers.rescore import refresh_scores

            refresh_scores(self.services, result.customer_ids, parent=self)

    # -- the sandbox -----------------------------------------------------------------------------
    def drain(self) -> None:
        sandbox, clock = self.sandbox, self.services.clock

        def collect(ctx: Any) -> Any:
            from wadesk.core.webhooks.sandbox import drain_sandbox

            return drain_sandbox(ctx.db, sandbox(), clock=clock)

        self.drain_button.setEnabled(False)
        self.services.jobs.run(collect, title="Collecting sandbox statuses", parent=self,
                               on_result=self._drained, on_error=self._error, progress_dialog=False,
                               show_errors=False).finished.connect(lambda: self.drain_button.setEnabled(True))

    def _drained(self, result: Any) -> None:
        if not result.events:
            self._say("The sandbox has nothing new yet (statuses come a few seconds after a send, replies "
                      "after about 40 seconds).")
            return
        self._announce(result)
        self._say(f"Sandbox: stored {_counts(result)}.")
