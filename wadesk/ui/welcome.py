"""First run: how would the owner like to start? Sample shop, import their customers, or empty.

Shown when the database has no customers and the welcome was never answered (`first_run_done`).
The answer is recorded; closing the window without answering asks again next time.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QCommandLinkButton, QDialog, QLabel, QVBoxLayout, QWidget

from wadesk.core.jobs import JobContext
from wadesk.ui import events
from wadesk.ui.errors import show_error
from wadesk.ui.resources import app_icon, svg_icon
from wadesk.ui.services import AppServices

log = logging.getLogger(__name__)
SAMPLE_CUSTOMERS = 2000
_CHOICE_ICONS = {"import": "icons/nav/import.svg", "empty": "icons/nav/customers.svg"}


def check_first_run(services: AppServices, then: Callable[[bool], None],
                    parent: QWidget | None = None) -> None:
    """Find out in the background whether to welcome the owner; calls `then(needed)`."""
    if services.settings.get("first_run_done"):
        then(False)
        return
    services.jobs.run(lambda ctx: ctx.db.customer_count() == 0, title="Opening your shop",
                      on_result=then, parent=parent, progress_dialog=False)


class WelcomeDialog(QDialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None,
                 sample_customers: int = SAMPLE_CUSTOMERS):
        super().__init__(parent)
        self.services = services
        self.sample_customers = sample_customers
        self.choice: str | None = None  # "sample", "import" or "empty" once answered
        self.job = None
        self.setObjectName("welcome")
        self.setWindowTitle("Welcome to WaDesk")
        self.setWindowIcon(app_icon())
        self.setModal(True)
        self.setMinimumWidth(600)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 26, 32, 26)
        layout.setSpacing(12)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(56, 56))
        layout.addWidget(logo)
        layout.addWidget(QLabel("Welcome to WaDesk", objectName="pageTitle"))
        intro = QLabel("Keep all your customers in one place and send each of them the right "
                       "WhatsApp message at the right time. Your data stays on this computer.\n\n"
                       "How would you like to start?", objectName="pageSubtitle")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.sample_button = self._choice(
            "sample", "Explore with a sample shop",
            f"A made-up shop with {sample_customers:,} customers, their orders and activity — "
            "try everything safely, then remove it with one click.")
        self.import_button = self._choice(
            "import", "Import my customers",
            "Bring in an Excel or CSV list, or an export from Shopify, WooCommerce and others.")
        self.empty_button = self._choice(
            "empty", "Start empty", "Open WaDesk with no customers; add them whenever you like.")
        for button in (self.sample_button, self.import_button, self.empty_button):
            layout.addWidget(button)
        self.status = QLabel("", objectName="muted")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.sample_button.clicked.connect(self.explore_sample)
        self.import_button.clicked.connect(lambda: self._answer("import"))
        self.empty_button.clicked.connect(lambda: self._answer("empty"))

    def _choice(self, key: str, title: str, description: str) -> QCommandLinkButton:
        button = QCommandLinkButton(title, description, objectName=f"choice_{key}")
        button.setIcon(app_icon() if key == "sample" else svg_icon(_CHOICE_ICONS[key]))
        button.setIconSize(QSize(28, 28))
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        return button

    def _set_busy(self, busy: bool) -> None:
        for button in (self.sample_button, self.import_button, self.empty_button):
            button.setEnabled(not busy)

    # -- answers -------------------------------------------------------------------------------
    def _answer(self, choice: str) -> None:
        self.choice = choice
        self.services.settings.set("first_run_done", True)
        if choice == "import":
            self.services.bus.request_page("import")
        self.accept()

    def explore_sample(self) -> None:
        try:
            from wadesk.core.demo import build_sample_shop
        except ImportError:
            log.exception("wadesk.core.demo is missing")
            show_error(self, "WaDesk", "This version of WaDesk cannot build the sample shop.")
            return
        count, clock = self.sample_customers, self.services.clock

        def build(ctx: JobContext) -> Any:
            return build_sample_shop(ctx.db, customers=count, clock=clock,
                                     progress=ctx.progress, cancelled=ctx.cancelled)

        self._set_busy(True)
        self.status.setText("Building your sample shop… this takes a few seconds.")
        self.job = self.services.jobs.run(build, title="Building the sample shop", parent=self,
                                          on_result=self._sample_built,
                                          on_cancelled=self._sample_stopped,
                                          on_error=lambda _m: self._sample_stopped(failed=True))

    def _sample_built(self, _result: Any) -> None:
        self.job = None
        self.choice = "sample"
        self.services.settings.set("first_run_done", True)
        self.services.bus.notify(events.EVERYTHING)
        self.services.bus.request_page("home")
        self.accept()

    def _sample_stopped(self, failed: bool = False) -> None:
        self.job = None
        self._set_busy(False)
        self.status.setText("The sample shop could not be built; nothing was added." if failed
                            else "Stopped. Nothing was added — choose again whenever you like.")

    def reject(self) -> None:
        if self.job is not None:  # closing while building: stop, keep nothing
            self.job.cancel()
        super().reject()
