"""A widget whose whole content scrolls: the frameless scroll area every long step or view uses."""
from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget


def scroll_body(owner: QWidget) -> QVBoxLayout:
    """Fill `owner` with a frameless, resizable scroll area; returns the layout to add content to."""
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    body = QWidget()
    scroll.setWidget(body)
    outer.addWidget(scroll)
    return QVBoxLayout(body)
