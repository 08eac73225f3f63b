"""Home: the shop at a glance, the sample-shop banner (with "Remove sample data") and first steps."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from wadesk.core.db.models import CONSENT_OPTED_IN, Customer, Order
from wadesk.core.jobs import JobContext
from wadesk.ui import events
from wadesk.ui.dialogs import confirm
from wadesk.ui.errors import show_error
from wadesk.ui.numbers import group_indian, rupees
from wadesk.ui.pages.placeholder import heading
from wadesk.ui.reports.home_tiles import WhatsAppDashboard
from wadesk.ui.services import AppServices
from wadesk.ui.settings.backup_warning import BackupWarning

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShopStats:
    customers: int
    orders: int
    opted_in: int
    sales: Decimal


def read_stats(session: Session, _ctx: JobContext | None = None) -> ShopStats:
    customers, opted_in, sales = session.execute(select(
        func.count(Customer.id),
        func.coalesce(func.sum(case((Customer.consent_state == CONSENT_OPTED_IN, 1), else_=0)), 0),
        func.coalesce(func.sum(Customer.total_spent), 0),
    )).one()
    orders = session.scalar(select(func.count(Order.id))) or 0
    return ShopStats(int(customers or 0), int(orders), int(opted_in or 0), Decimal(str(sales or 0)))


def _card(label: str) -> tuple[QFrame, QLabel]:
    frame = QFrame(objectName="card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(18, 14, 18, 14)
    number = QLabel("…", objectName="cardNumber")
    layout.addWidget(number)
    layout.addWidget(QLabel(label, objectName="cardLabel"))
    return frame, number


class HomePage(QWidget):
    def __init__(self, services: AppServices, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.setObjectName("page_home")
        self.stats: ShopStats | None = None
        self._loading = self._stale = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(36, 28, 36, 28)
        layout.setSpacing(14)
        self.title, self.subtitle = heading("Your shop", "Here is your shop today.")
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self._build_banner())
        self.backup_warning = BackupWarning(services)  # the last backup failed, is missing or too old
        layout.addWidget(self.backup_warning)

        grid = QGridLayout()
        grid.setSpacing(12)
        self.numbers: dict[str, QLabel] = {}
        for col, (key, label) in enumerate([("customers", "Customers"), ("orders", "Orders"),
                                            ("opted_in", "Opted in to WhatsApp offers"),
                                            ("sales", "Total sales")]):
            frame, self.numbers[key] = _card(label)
            grid.addWidget(frame, 0, col)
        layout.addLayout(grid)
        self.whatsapp = WhatsAppDashboard(services)  # reachable, opt-ins, WhatsApp revenue, next sends, warnings
        layout.addWidget(self.whatsapp)

        layout.addWidget(QLabel("<b>Get started</b>"))
        actions = QHBoxLayout()
        for key, text in [("customers", "Open customers"), ("import", "Import a file"),
                          ("segments", "Build a segment"), ("campaigns", "Plan a campaign")]:
            button = QPushButton(text, objectName=f"go_{key}")
            button.setProperty("primary", key == "customers")
            button.clicked.connect(lambda _=False, k=key: services.bus.request_page(k))
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addStretch(1)
        where = QLabel(f"Your data stays on this computer, in {services.data_dir.root}",
                       objectName="muted")
        where.setWordWrap(True)
        layout.addWidget(where)

        services.bus.changed.connect(self._on_data_changed)
        services.settings.updated.connect(self._show_settings)
        self._show_settings()
        self.refresh()

    def _build_banner(self) -> QFrame:
        self.banner = QFrame(objectName="sampleBanner")
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(18, 12, 18, 12)
        text = QVBoxLayout()
        text.addWidget(QLabel("SAMPLE SHOP — demo data", objectName="sampleBannerTitle"))
        body = QLabel("Every customer, order and message here is made up, so you can explore "
                      "safely. Remove it when you are ready to add your own customers.",
                      objectName="sampleBannerText")
        body.setWordWrap(True)
        text.addWidget(body)
        row.addLayout(text, 1)
        self.remove_button = QPushButton("Remove sample data", objectName="removeSample")
        self.remove_button.clicked.connect(self.remove_sample)
        row.addWidget(self.remove_button)
        return self.banner

    # -- data ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-count in the background; a refresh asked for meanwhile runs once this one is done."""
        if self._loading:
            self._stale = True
            return
        self._loading, self._stale = True, False
        job = self.services.jobs.run_in_session(read_stats, title="Counting customers",
                                                on_result=self._show_stats, parent=self,
                                                progress_dialog=False)
        job.finished.connect(self._loaded)

    def _loaded(self) -> None:
        self._loading = False
        if self._stale:
            self.refresh()

    def _show_stats(self, stats: ShopStats) -> None:
        self.stats = stats
        self.numbers["customers"].setText(group_indian(stats.customers))
        self.numbers["orders"].setText(group_indian(stats.orders))
        self.numbers["opted_in"].setText(group_indian(stats.opted_in))
        self.numbers["sales"].setText(rupees(stats.sales))

    def _show_settings(self) -> None:
        settings = self.services.settings
        self.title.setText(settings.shop_name or "Your shop")
        self.banner.setVisible(settings.is_sample)

    def _on_data_changed(self, what: frozenset[str]) -> None:
        if events.touches(what, events.CUSTOMERS, events.ORDERS):
            self.refresh()

    # -- sample shop ---------------------------------------------------------------------------
    def remove_sample(self) -> None:
        if not confirm(self, "Remove the sample shop?",
                       "This deletes the sample customers, orders, events and messages so you "
                       "can start with your own. It cannot be undone.", "Remove sample data"):
            return
        try:
            from wadesk.core.demo import remove_sample_shop
        except ImportError:
            log.exception("wadesk.core.demo is missing")
            show_error(self, "WaDesk", "This version of WaDesk cannot remove the sample shop.")
            return

        self.remove_button.setEnabled(False)
        job = self.services.jobs.run(lambda ctx: remove_sample_shop(ctx.db), title="Removing the sample shop", parent=self,
                                     on_result=lambda _r: self.services.bus.notify(events.EVERYTHING),
                                     cancellable=False)
        job.finished.connect(lambda: self.remove_button.setEnabled(True))

    def on_page_shown(self) -> None:
        if self.stats is None and not self._loading:
            self.refresh()
