"""A page that is not built yet: it says, in plain words, what it will let the owner do."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from wadesk.ui.pages.registry import PageInfo
from wadesk.ui.services import AppServices


def heading(title: str, subtitle: str = "") -> list[QLabel]:
    """A page title and an optional one-line subtitle, styled by style.qss."""
    labels = [QLabel(title, objectName="pageTitle")]
    if subtitle:
        sub = QLabel(subtitle, objectName="pageSubtitle")
        sub.setWordWrap(True)
        labels.append(sub)
    return labels


class PlaceholderPage(QWidget):
    def __init__(self, services: AppServices, info: PageInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.info = info
        self.setObjectName(f"page_{info.key}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(36, 28, 36, 28)
        layout.setSpacing(10)
        for label in heading(info.title, info.headline):
            layout.addWidget(label)

        card = QFrame(objectName="card")
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(22, 18, 22, 18)
        card_layout.setSpacing(10)
        items = "".join(f"<li style='margin-bottom:6px'>{html.escape(t)}</li>" for t in info.bullets)
        bullets = QLabel("<p><b>What you'll be able to do here</b></p>"
                         f"<ul style='margin-left:-18px'>{items}</ul>", objectName="bullets")
        bullets.setTextFormat(Qt.TextFormat.RichText)
        bullets.setWordWrap(True)
        card_layout.addWidget(bullets)
        layout.addSpacing(8)
        layout.addWidget(card)

        soon = QLabel("This page is coming in a later update of WaDesk. Nothing here changes "
                      "your data.", objectName="muted")
        soon.setWordWrap(True)
        layout.addWidget(soon)
        layout.addStretch(1)
        self.bullet_texts = list(info.bullets)
