"""The media header of a WhatsApp bubble: the image itself, a grey placeholder for a link, or a
document card."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import QLabel

from wadesk.ui.widgets.wa_icons import icon_pixmap

TEXT, MUTED, MEDIA_HEIGHT = "#111B21", "#667781", 168


def _rounded(pixmap: QPixmap, size: QSize, radius: float) -> QPixmap:
    """`pixmap` cropped to fill `size`, with rounded corners (like WhatsApp's image headers)."""
    scaled = pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                           Qt.TransformationMode.SmoothTransformation)
    out = QPixmap(size)
    out.fill(Qt.GlobalColor.transparent)
    painter = QPainter(out)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = QPainterPath()
    path.addRoundedRect(QRectF(0, 0, size.width(), size.height()), radius, radius)
    painter.setClipPath(path)
    painter.drawPixmap((size.width() - scaled.width()) // 2, (size.height() - scaled.height()) // 2, scaled)
    painter.end()
    return out


def _document_card(name: str, size: QSize, ratio: float) -> QPixmap:
    """WhatsApp's document header: a light grey card with a file icon, the file name and its type."""
    out = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
    out.setDevicePixelRatio(ratio)
    out.fill(Qt.GlobalColor.transparent)
    painter = QPainter(out)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = QPainterPath()
    path.addRoundedRect(QRectF(0, 0, size.width(), size.height()), 6, 6)
    painter.fillPath(path, QColor("#F0F2F5"))
    painter.drawPixmap(12, (size.height() - 34) // 2, icon_pixmap("document", "#E0544B", 34, ratio))
    font = QFont()
    font.setPixelSize(14)
    painter.setFont(font)
    painter.setPen(QColor(TEXT))
    text_rect = QRectF(54, 12, size.width() - 64, 20)
    painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     painter.fontMetrics().elidedText(name, Qt.TextElideMode.ElideMiddle, int(text_rect.width())))
    font.setPixelSize(12)
    painter.setFont(font)
    painter.setPen(QColor(MUTED))
    kind = Path(name).suffix.lstrip(".").upper() or "FILE"
    painter.drawText(QRectF(54, 33, size.width() - 64, 18), Qt.AlignmentFlag.AlignLeft, kind)
    painter.end()
    return out


class MediaThumb(QLabel):
    """The header image: the file itself, or a grey box with an image icon for a link."""

    def __init__(self, kind: str, path: str | None, link: str | None, width: int):
        super().__init__(objectName="waMedia")
        self.kind, self.is_placeholder = kind, True
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        height = MEDIA_HEIGHT if kind != "DOCUMENT" else 64
        self.setFixedSize(width, height)
        pixmap = QPixmap(path) if path and kind == "IMAGE" and Path(path).is_file() else QPixmap()
        if not pixmap.isNull():
            self.is_placeholder = False
            self.setPixmap(_rounded(pixmap, QSize(width, height), 6))
            return
        name = Path(urlsplit(link).path).name if link else ""
        if kind == "DOCUMENT":
            self.setPixmap(_document_card(name or "Document", QSize(width, height), self.devicePixelRatioF()))
        else:
            self.setStyleSheet("QLabel#waMedia { background: #D1D7DB; border-radius: 6px; }")
            self.setPixmap(icon_pixmap("image" if kind == "IMAGE" else "video", "#FFFFFF", 56,
                                       self.devicePixelRatioF()))
        tip = {"IMAGE": "image", "VIDEO": "video", "DOCUMENT": "document"}.get(kind, "file")
        self.setToolTip(f"The {tip} from {urlsplit(link).netloc}: {name}" if link else f"No {tip} chosen yet")
