"""The header media row of the mapping editor: a link or a file from disk (checked like a send), a
thumbnail for images, the picture in the bubble, and the request showing where the upload goes."""
from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QColor, QImage

from wadesk.core.messaging.mapping import TemplateMapping
from wadesk.ui.templates import header_media_picker, mapping_editor

from templates_helpers import open_templates_page


@pytest.fixture
def page(qtbot, services, fake_cloud_api):
    return open_templates_page(qtbot, services, fake_cloud_api)


@pytest.fixture
def photo(tmp_path):
    image = QImage(640, 400, QImage.Format.Format_RGB32)
    image.fill(QColor("#d9480f"))
    path = tmp_path / "diwali banner.png"
    assert image.save(str(path))
    return path


def pick(monkeypatch, media, path):
    monkeypatch.setattr(header_media_picker.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    media.browse.click()


def test_starts_with_the_templates_example_link(page):
    editor = page.detail.mapping_editor
    media = editor.media
    assert media.isVisibleTo(editor) and "Header image" in media.title.text()
    assert media.edit.text() == page.detail.item.spec.header.example
    assert "fetches the file from this link" in media.note.text() and "header_media" not in editor.problem_words()


def test_a_file_from_disk_shows_as_thumbnail_and_in_the_bubble(qtbot, page, photo, monkeypatch):
    d = page.detail
    media = d.mapping_editor.media
    with qtbot.waitSignal(d.mapping_editor.changed):
        pick(monkeypatch, media, photo)
    assert media.edit.text() == str(photo) and d.mapping_editor.mapping().header_media == str(photo)
    assert not media.thumb.pixmap().isNull() and media.thumb.pixmap().width() <= 72
    assert "diwali banner.png" in media.note.text() and "uploaded to WhatsApp when the campaign is sent" in media.note.text()
    assert not d.chat.bubble.media.is_placeholder  # the example bubble shows the picture itself
    d.json_toggle.setChecked(True)
    header = json.loads(d.json.toPlainText())["template"]["components"][0]
    assert header["parameters"][0] == {"type": "image", "image": {"id": "<uploaded when sending>"}}
    d.grab().save("/tmp/shots/templates_header_media_file.png")


def test_files_and_links_whatsapp_would_refuse_are_explained(qtbot, page, tmp_path, monkeypatch):
    editor = page.detail.mapping_editor
    media = editor.media
    pdf = tmp_path / "price list.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    pick(monkeypatch, media, pdf)
    assert "does not accept price list.pdf as a header image" in media.note.text()
    assert editor.problem_words()["header_media"] == media.note.text() and media.thumb.pixmap().isNull()
    assert page.detail.chat.bubble.media.is_placeholder
    media.edit.setText("http://shop.example.in/banner.jpg")
    assert "only from https:// links" in media.note.text()
    media.edit.setText(str(tmp_path / "gone.png"))
    assert "does not exist" in media.note.text()
    media.edit.clear()
    assert "needs a header image" in media.note.text()
    assert not editor.general.isVisibleTo(editor)  # said once, in the media row


def test_the_file_is_kept_in_the_mapping_file(qtbot, page, photo, tmp_path, monkeypatch):
    editor = page.detail.mapping_editor
    pick(monkeypatch, editor.media, photo)
    out = tmp_path / "festive.json"
    monkeypatch.setattr(mapping_editor.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    editor.save_file()
    assert TemplateMapping.load(out).header_media == str(photo)
    # a mapping already prepared for sending (uploaded) keeps its media id
    prepared = TemplateMapping.load(out)
    prepared.header_media = {"id": "1234567"}
    prepared.save(out)
    monkeypatch.setattr(mapping_editor.QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    editor.load_file()
    assert editor.media.edit.text() == "Uploaded to WhatsApp (media id 1234567)"
    assert editor.mapping().header_media == {"id": "1234567"} and "header_media" not in editor.problem_words()


def test_templates_without_media_have_no_media_row(page):
    assert page.select_template("order_shipped")
    editor = page.detail.mapping_editor
    assert not editor.media.isVisibleTo(editor) and editor.mapping().header_media is None
    assert page.select_template("invoice_ready")
    assert editor.media.isVisibleTo(editor) and "Header document" in editor.media.title.text()
    assert not editor.media.thumb.isVisibleTo(editor)
