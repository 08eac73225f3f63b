"""Files under wadesk/resources, loaded with importlib.resources so a frozen build finds them."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

_PACKAGE = "wadesk.resources"


def read_bytes(name: str) -> bytes:
    """A resource file's bytes, e.g. read_bytes("icons/wadesk.svg")."""
    node = resources.files(_PACKAGE)
    for part in name.split("/"):
        node = node.joinpath(part)
    return node.read_bytes()


def read_text(name: str) -> str:
    return read_bytes(name).decode("utf-8")


def stylesheet() -> str:
    return read_text("style.qss")


def svg_pixmap(name: str, size: int) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(read_bytes(name)))
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap


@lru_cache(maxsize=None)
def svg_icon(name: str) -> QIcon:
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        icon.addPixmap(svg_pixmap(name, size))
    return icon


def app_icon() -> QIcon:
    return svg_icon("icons/wadesk.svg")
