"""The layout every Settings card starts with: padding, spacing and its bold title."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


def card_layout(card: QWidget, title: str) -> QVBoxLayout:
    layout = QVBoxLayout(card)
    layout.setContentsMargins(22, 18, 22, 18)
    layout.setSpacing(10)
    label = QLabel(title)
    label.setStyleSheet("font-size: 16px; font-weight: bold;")
    layout.addWidget(label)
    return layout
