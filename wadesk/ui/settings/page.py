"""The Settings page: the shop's details and the WhatsApp account (sandbox until connected)."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from wadesk.ui.pages.placeholder import heading
from wadesk.ui.settings.backups_section import BackupsSection
from wadesk.ui.settings.database_section import DatabaseSection
from wadesk.ui.settings.sending_section import SendingSection
from wadesk.ui.settings.receive_section import ReceiveSection
from wadesk.ui.settings.shop_section import ShopSection
from wadesk.ui.settings.whatsapp_section import WhatsAppSection


class SettingsPage(QWidget):
    """Built by the main window as `SettingsPage(services)`; a test may pass its own sandbox server."""

    def __init__(self, services, sandbox: Callable[[], Any] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("page_settings")
        self.services = services
        body = QWidget(objectName="settingsBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(36, 28, 36, 28)
        layout.setSpacing(14)
        for label in heading("Settings", "Your shop's details, your WhatsApp connection, how campaigns send, "
                                        "backups, and where the data lives."):
            layout.addWidget(label)
        self.shop = ShopSection(services)
        self.whatsapp = WhatsAppSection(services, sandbox)
        layout.addWidget(self.shop)
        layout.addWidget(self.whatsapp)
        self.receive = ReceiveSection(services, sandbox)
        layout.addWidget(self.receive)
        self.sending = SendingSection(services)
        layout.addWidget(self.sending)
        self.backups = BackupsSection(services)
        layout.addWidget(self.backups)
        self.database = DatabaseSection(services)
        layout.addWidget(self.database)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def on_page_shown(self) -> None:
        self.whatsapp.reload()
        self.sending.reload()
