"""“Send a test to my number…”: the campaign's message to the owner's own numbers, remembered for
next time (QSettings), sent off the UI thread; each number's result in words."""
from __future__ import annotations

import html
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from wadesk.ui.prefs import ui_settings

NUMBERS_KEY = "campaigns/testNumbers"


def remembered_numbers() -> str:
    return str(ui_settings().value(NUMBERS_KEY, "") or "")


def remember_numbers(text: str) -> None:
    prefs = ui_settings()
    prefs.setValue(NUMBERS_KEY, text.strip())
    prefs.sync()


def split_numbers(text: str) -> list[str]:
    return [p.strip() for p in text.replace(";", ",").replace("\n", ",").split(",") if p.strip()]


class TestSendDialog(QDialog):
    """`make_job(phones)` returns the job function (ctx -> list of core TestSendResult)."""

    def __init__(self, services: Any, make_job: Callable[[list[str]], Callable[[Any], list[Any]]],
                 sandbox: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("testSendDialog")
        self.setWindowTitle("WaDesk — Send a test to my number")
        self.services, self.make_job = services, make_job
        self.results: list[Any] | None = None
        layout = QVBoxLayout(self)
        where = (" In sandbox mode it goes to the built-in simulator, not to a real phone." if sandbox else "")
        intro = QLabel("See the message exactly as customers will, on your own phone, before the real send. "
                       "It is personalised with the customer who has that number, or with a sample customer."
                       + where)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.numbers = QLineEdit(remembered_numbers(), objectName="testNumbers")
        self.numbers.setPlaceholderText("Your WhatsApp number, e.g. 98765 43210 (several: separate with commas)")
        layout.addWidget(self.numbers)
        self.result = QLabel(objectName="testResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.result)
        self.buttons = QDialogButtonBox()
        self.send_button = self.buttons.addButton("Send test", QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setProperty("primary", True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(520, 200)

    def send(self) -> None:
        phones = split_numbers(self.numbers.text())
        if not phones:
            self.result.setText("<span style='color:#b3261e'>Type your WhatsApp number first.</span>")
            return
        remember_numbers(self.numbers.text())
        self.send_button.setEnabled(False)
        self.result.setText("Sending…")
        self.services.jobs.run(self.make_job(phones), title="Sending a test message", lane="net", parent=self,
                               on_result=self._done, on_error=self._failed, show_errors=False)

    def _done(self, results: list[Any]) -> None:
        self.results = results
        self.send_button.setEnabled(True)
        lines = [f"<li><span style='color:{'#1e8e3e' if r.ok else '#b3261e'}'>{html.escape(r.phone)}: "
                 f"{html.escape(r.message)}</span></li>" for r in results]
        self.result.setText(f"<ul style='margin:0'>{''.join(lines)}</ul>")

    def _failed(self, message: str) -> None:
        self.results = []
        self.send_button.setEnabled(True)
        self.result.setText(f"<span style='color:#b3261e'>The test could not be sent. {html.escape(message)}</span>")
