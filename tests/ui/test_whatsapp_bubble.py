"""The WhatsApp-style chat bubble: what it shows for core previews (header, media, body markup, buttons)."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage

from wadesk.core.messaging.preview import preview_values
from wadesk.core.messaging.sandbox.catalog import sandbox_templates
from wadesk.core.messaging.template_spec import TemplateSpec
from wadesk.ui.widgets.whatsapp_bubble import WALLPAPER, BubbleContent, WhatsAppChat


def spec(name: str, language: str = "en") -> TemplateSpec:
    raw = next(t for t in sandbox_templates() if (t["name"], t["language"]) == (name, language))
    return TemplateSpec.from_meta(raw)


@pytest.fixture
def chat(qtbot):
    c = WhatsAppChat("Tara Jewels")
    qtbot.addWidget(c)
    c.resize(420, 620)
    c.show()
    qtbot.waitExposed(c)
    return c


def test_text_header_body_markup_footer_and_buttons(chat, qtbot):
    s = spec("winback_offer")
    chat.show_preview(preview_values(s), s.media_header, time_text="18:05")
    b = chat.bubble
    assert b.header.text() == "We miss you, Priya!" and b.header.font().bold()
    assert "COMEBACK15" in b.body.text() and b.footer.text() == "Tap 'Stop promotions' to opt out"
    assert b.time.text() == "18:05" and b.media is None
    assert [(r.kind, r.text) for r in chat.buttons] == [("COPY_CODE", "Copy code"), ("URL", "Shop now"),
                                                        ("QUICK_REPLY", "Stop promotions")]
    # Every line of the body fits: the label is as tall as its wrapped text needs.
    assert b.body.height() >= b.body.heightForWidth(b.body.width())
    assert "Tara Jewels" in chat.top_bar.text()


def test_whatsapp_formatting_reaches_the_bubble(chat):
    from wadesk.core.messaging.formatting import whatsapp_to_html

    chat.set_content(BubbleContent(body_html=whatsapp_to_html("*bold* _it_ ~gone~ ```code``` <b>x</b>")))
    out = chat.bubble.body.text()
    assert "<b>bold</b>" in out and "<i>it</i>" in out and "<s>gone</s>" in out and "<tt>code</tt>" in out
    assert "&lt;b&gt;x" in out  # the customer's own text is never taken as markup
    assert chat.bubble.footer is None and chat.buttons == []


def test_image_link_shows_a_placeholder_and_a_file_shows_the_picture(chat, tmp_path):
    s = spec("festive_sale")
    chat.show_preview(preview_values(s), s.media_header)
    assert chat.bubble.media.is_placeholder and chat.bubble.header is None
    assert "shop.example.in" in chat.bubble.media.toolTip()
    image = QImage(400, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#ff9933"))
    path = tmp_path / "banner.png"
    image.save(str(path))
    chat.show_preview(preview_values(s, header_media=str(path)), s.media_header)
    assert not chat.bubble.media.is_placeholder
    assert chat.bubble.media.pixmap().toImage().pixelColor(100, 80).name() == "#ff9933"


def test_looks_like_whatsapp(chat, qtbot):
    s = spec("festive_sale")
    chat.show_preview(preview_values(s), s.media_header)
    qtbot.wait(10)
    shot = chat.grab().toImage()
    corner = shot.pixelColor(chat.width() - 20, chat.height() - 33)  # between the texture's dots
    assert corner.name().upper() == WALLPAPER  # the beige chat wallpaper
    bubble = chat.bubble
    inside = bubble.mapTo(chat, bubble.rect().center())
    footer = bubble.footer.mapTo(chat, bubble.footer.rect().topLeft())
    assert shot.pixelColor(footer.x() - 2, footer.y()).name() == "#ffffff"  # white bubble
    assert inside.x() > 0
    row = chat.buttons[0]
    label = row.label.mapTo(chat, row.label.rect().center())
    blue = [shot.pixelColor(x, label.y()) for x in range(label.x() - 30, label.x() + 30)]
    assert any(c.blue() > 200 and c.red() < 80 for c in blue)  # blue button text


def test_clear_leaves_only_a_note(chat):
    s = spec("order_shipped")
    chat.show_preview(preview_values(s))
    chat.clear("Choose a template")
    assert chat.bubble is None and chat.buttons == [] and chat.note.text() == "Choose a template"


def test_document_header_is_a_file_card(chat):
    s = spec("invoice_ready")
    chat.show_preview(preview_values(s), s.media_header)
    media = chat.bubble.media
    assert media.kind == "DOCUMENT" and media.height() == 64 and "invoice-sample.pdf" in media.toolTip()


@pytest.mark.parametrize("name", ["new_arrivals_hi", "order_confirmed_hi", "cart_reminder"])
def test_hindi_messages_keep_every_line_and_button_whole(chat, name):
    """Devanagari (taller than Latin, with marks above and below) is never cut off: whatever font
    the machine falls back to, each label is as tall as its wrapped text and buttons as wide."""
    s = spec(name, "hi")
    chat.show_preview(preview_values(s), s.media_header)
    b = chat.bubble
    assert "\u0900" <= b.body.text()[0] <= "\u097f" or "अदिति" in b.body.text()
    for label in (b.body, b.footer):
        if label is not None:
            assert label.height() >= label.heightForWidth(label.width())
    for row in chat.buttons:
        assert row.label.width() >= row.label.sizeHint().width() and row.width() <= b.width()
    assert b.height() >= b.sizeHint().height() - 1
