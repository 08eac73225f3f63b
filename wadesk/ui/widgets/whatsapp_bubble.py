"""A WhatsApp-style chat preview: the message exactly as a customer will see it on their phone.

    chat = WhatsAppChat(shop_name="Tara Jewels")
    chat.show_preview(preview, media_kind=spec.media_header)     # a core `Preview`
    chat.set_content(BubbleContent(body_html="Hi <b>Aditi</b>", footer="…", buttons=[("URL", "Shop")]))

Beige wallpaper, a white bubble with a tail, a bold header or a media thumbnail, the body with
WhatsApp's formatting (already HTML: core's whatsapp_to_html), a grey footer, the time bottom-right,
and each button as its own white row below with an icon and blue text.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from wadesk.ui.widgets.wa_icons import BUTTON_ICONS, icon_pixmap
from wadesk.ui.widgets.wa_media import MediaThumb

WALLPAPER, WALLPAPER_DOT = "#ECE5DD", "#E2D9CE"
TOP_BAR, BUBBLE, TEXT, MUTED, BLUE = "#008069", "#FFFFFF", "#111B21", "#667781", "#00A5F4"
BUBBLE_WIDTH, RADIUS, TAIL = 330, 8.0, 8


@dataclass
class BubbleContent:
    body_html: str = ""
    header_text: str | None = None  # plain text, shown bold
    media_kind: str | None = None  # IMAGE, VIDEO or DOCUMENT: a thumbnail instead of header text
    media_path: str | None = None  # a local file to show (else a grey placeholder)
    media_link: str | None = None  # a link (only its file name / site is shown)
    footer: str | None = None
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (type, text): URL, QUICK_REPLY ...
    time_text: str = "10:00"


def content_from_preview(preview, media_kind: str | None = None, time_text: str = "10:00") -> BubbleContent:
    """A core `Preview` (wadesk.core.messaging.preview) as bubble content."""
    r = preview.rendered
    media = r.header_media or {}
    return BubbleContent(body_html=preview.body_html, header_text=r.header_text, media_kind=media_kind,
                         media_path=preview.header_media_path, media_link=media.get("link"),
                         footer=r.footer, buttons=[(b.type, b.text) for b in r.buttons], time_text=time_text)


def _label(text: str, colour: str, px: int, name: str, rich: bool = False, bold: bool = False) -> QLabel:
    label = QLabel(text, objectName=name)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet(f"QLabel {{ background: transparent; border: none; padding: 0; color: {colour}; }}")
    font = QFont(label.font())  # a real font, not a style sheet size: word-wrap heights stay right
    font.setPixelSize(px)
    font.setBold(bold)
    label.setFont(font)
    return label


class MessageBubble(QFrame):
    """The white message bubble with a tail at the top left (a message the customer receives)."""

    def __init__(self, content: BubbleContent, width: int = BUBBLE_WIDTH, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("waBubble")
        self.setFixedWidth(width)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(TAIL + 4, 4, 4, 5)
        layout.setSpacing(3)
        inner = width - TAIL - 8
        self.media = self.header = None
        if content.media_kind:
            self.media = MediaThumb(content.media_kind, content.media_path, content.media_link, inner)
            layout.addWidget(self.media)
        text_box = QVBoxLayout()
        text_box.setContentsMargins(5, 4 if content.media_kind else 2, 4, 0)
        text_box.setSpacing(4)
        if content.header_text and not content.media_kind:
            self.header = _label(content.header_text, TEXT, 15, "waHeader", bold=True)
            text_box.addWidget(self.header)
        self.body = _label(content.body_html, TEXT, 14, "waBody", rich=True)
        text_box.addWidget(self.body)
        bottom = QHBoxLayout()
        bottom.setSpacing(8)
        self.footer = None
        if content.footer:
            self.footer = _label(content.footer, MUTED, 12, "waFooter")
            bottom.addWidget(self.footer, 1, Qt.AlignmentFlag.AlignBottom)
        else:
            bottom.addStretch(1)
        self.time = _label(content.time_text, MUTED, 11, "waTime")
        self.time.setWordWrap(False)
        bottom.addWidget(self.time, 0, Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignRight)
        text_box.addLayout(bottom)
        layout.addLayout(text_box)
        # A fixed text width gives word-wrapped labels their true height (else the last line is cut).
        text_width = inner - 9
        widths = [(self.header, text_width), (self.body, text_width)]
        if self.footer is not None:
            widths.append((self.footer, text_width - self.time.sizeHint().width() - 8))
        for label, w in widths:
            if label is not None:  # fixed size: no height-for-width guessing by the layouts
                label.setFixedSize(w, label.heightForWidth(w))

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = bubble_path(QRectF(self.rect()).adjusted(0, 0, 0, -1))
        painter.fillPath(path.translated(0, 1), QColor(0, 0, 0, 28))  # WhatsApp's faint shadow
        painter.fillPath(path, QColor(BUBBLE))
        painter.end()


def bubble_path(rect: QRectF) -> QPainterPath:
    """A rounded rectangle whose top-left corner grows into WhatsApp's little tail."""
    body = QPainterPath()
    body.addRoundedRect(rect.adjusted(TAIL, 0, 0, 0), RADIUS, RADIUS)
    tail = QPainterPath()
    x, y = rect.left(), rect.top()
    tail.moveTo(x + 1.5, y)
    tail.lineTo(x + TAIL + RADIUS, y)
    tail.lineTo(x + TAIL + RADIUS, y + 14)
    tail.lineTo(x + TAIL, y + 11)
    tail.lineTo(x + 0.6, y + 1.8)
    tail.quadTo(QPointF(x, y + 0.4), QPointF(x + 1.5, y))
    return body.united(tail)


class ButtonRow(QWidget):
    """One template button: its own white row under the bubble, icon + blue text, centred."""

    def __init__(self, kind: str, text: str, width: int):
        super().__init__(objectName="waButton")
        self.kind, self.text = kind, text
        self.setFixedSize(width - TAIL, 38)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 0, 10, 0)
        row.setSpacing(7)
        row.addStretch(1)
        icon = QLabel()
        icon.setPixmap(icon_pixmap(BUTTON_ICONS.get(kind, "reply"), BLUE, 17, self.devicePixelRatioF()))
        icon.setStyleSheet("background: transparent;")
        row.addWidget(icon)
        self.label = QLabel(text or "Button")
        self.label.setStyleSheet(f"background: transparent; color: {BLUE}; font-size: 14px; font-weight: 500;")
        row.addWidget(self.label)
        row.addStretch(1)
        self.setToolTip({"URL": "Opens a link", "QUICK_REPLY": "The customer taps to reply",
                         "COPY_CODE": "Copies the discount code", "PHONE_NUMBER": "Calls the shop"}.get(kind, ""))

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRoundedRect(QRectF(self.rect()).adjusted(0, 0, 0, -1), RADIUS, RADIUS)
        painter.fillPath(path.translated(0, 1), QColor(0, 0, 0, 22))
        painter.fillPath(path, QColor(BUBBLE))
        painter.end()


class WhatsAppChat(QWidget):
    """A phone-like chat: a green top bar with the shop's name, the wallpaper, the bubble."""

    def __init__(self, shop_name: str = "", parent: QWidget | None = None, bubble_width: int = BUBBLE_WIDTH):
        super().__init__(parent)
        self.setObjectName("whatsAppChat")
        self.bubble_width = bubble_width
        self.message: QWidget | None = None
        self.bubble: MessageBubble | None = None
        self.buttons: list[ButtonRow] = []
        self.setMinimumWidth(bubble_width + 36)
        self.setMaximumWidth(bubble_width + 130)  # about a phone's width
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.top_bar = QLabel(objectName="waTopBar")
        self.top_bar.setStyleSheet(f"QLabel#waTopBar {{ background: {TOP_BAR}; color: white; padding: 9px 14px;"
                                   " font-size: 14px; font-weight: bold; border-top-left-radius: 8px;"
                                   " border-top-right-radius: 8px; }")
        outer.addWidget(self.top_bar)
        self.set_shop_name(shop_name)
        self.column = QVBoxLayout()
        self.column.setContentsMargins(14, 14, 14, 14)
        self.column.setSpacing(3)
        outer.addLayout(self.column)
        outer.addStretch(1)
        self.note = _label("", MUTED, 13, "waNote")
        self.column.addWidget(self.note)
        self.note.hide()

    def set_shop_name(self, name: str) -> None:
        self.top_bar.setText(f"{name or 'Your shop'}  ✓")
        self.top_bar.setToolTip("How your business name appears at the top of the customer's chat")

    def clear(self, note: str = "") -> None:
        if self.message is not None:
            self.column.removeWidget(self.message)
            self.message.hide()  # deleted later: it must not linger on screen meanwhile
            self.message.deleteLater()
        self.message, self.bubble, self.buttons = None, None, []
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def set_content(self, content: BubbleContent) -> None:
        self.clear()
        self.message = QWidget(self, objectName="waMessage")
        box = QVBoxLayout(self.message)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(3)
        self.bubble = MessageBubble(content, self.bubble_width)
        box.addWidget(self.bubble, 0, Qt.AlignmentFlag.AlignLeft)
        for kind, text in content.buttons:
            row = ButtonRow(kind, text, self.bubble_width)
            self.buttons.append(row)
            line = QHBoxLayout()
            line.setContentsMargins(TAIL, 0, 0, 0)  # rows line up with the bubble, not its tail
            line.addWidget(row, 0, Qt.AlignmentFlag.AlignLeft)
            line.addStretch(1)
            box.addLayout(line)
        self.column.insertWidget(0, self.message, 0, Qt.AlignmentFlag.AlignLeft)

    def show_preview(self, preview, media_kind: str | None = None, time_text: str = "10:00") -> None:
        self.set_content(content_from_preview(preview, media_kind, time_text))

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRoundedRect(QRectF(self.rect()), 8, 8)
        painter.fillPath(path, QColor(WALLPAPER))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(WALLPAPER_DOT))
        for y in range(46, self.height(), 26):  # WhatsApp's faint doodle texture, as a quiet dot grid
            for x in range(10 + (y // 26 % 2) * 13, self.width(), 26):
                painter.drawEllipse(QPointF(x, y), 1.3, 1.3)
        painter.end()
