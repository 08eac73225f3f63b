"""The mapping editor on the Templates page: each blank's source, fallback, format and tracking tags,
the preview re-rendered as it is edited, problems in words, and mapping files saved and loaded."""
from __future__ import annotations

import json

import pytest

from wadesk.core.crm import customers
from wadesk.core.messaging.mapping import TemplateMapping
from wadesk.ui.templates import mapping_editor

from templates_helpers import open_templates_page
from customers_helpers import T, make_shop


@pytest.fixture
def page(qtbot, services, fake_cloud_api, db):
    make_shop(db)
    with db.session() as s:
        customers.create_customer(s, dict(phone="+91 91234 56789", city="Jaipur"), now=T)  # no name at all
    return open_templates_page(qtbot, services, fake_cloud_api)


def show_customer(qtbot, detail, search):
    qtbot.keyClicks(detail.picker.search, search)
    qtbot.waitUntil(lambda: detail.picker.active and search in (detail.picker.last.phone or ""), timeout=3000)


def test_one_row_per_variable_with_core_defaults(page):
    editor = page.detail.mapping_editor
    keys = [r.var.key for r in editor.rows]
    assert keys == [v.key for v in page.detail.item.spec.variables()]
    row = editor.row("body.first_name")
    assert row.source.currentData() == "field" and row.name.currentText() == "First name"
    assert row.fallback.text() == "there" and row.format.currentData() == "text"
    assert any(r.utm.isVisibleTo(editor) for r in editor.rows if r.var.kind == "url_suffix")
    assert not editor.problem_words()


def test_fallback_edit_shows_in_the_bubble_for_a_customer_without_a_first_name(qtbot, page):
    d = page.detail
    show_customer(qtbot, d, "+919123456789")
    assert "there, our" in d.chat.bubble.body.text()
    d.mapping_editor.row("body.first_name").fallback.setText("friend")
    qtbot.waitUntil(lambda: "friend, our" in d.chat.bubble.body.text(), timeout=3000)
    d.mapping_editor.row("body.first_name").fallback.clear()
    qtbot.waitUntil(lambda: "no value and no fallback" in d.problems.text(), timeout=3000)
    page.grab().save("/tmp/shots/templates_mapping_problem.png")


def test_fixed_text(qtbot, page):
    d = page.detail
    show_customer(qtbot, d, "+919988776655")  # Meera
    row = d.mapping_editor.row("body.first_name")
    row.source.setCurrentIndex(row.source.findData("fixed"))
    assert not row.fallback.isEnabled()
    row.name.setEditText("Dear shopper")
    qtbot.waitUntil(lambda: "Dear shopper, our" in d.chat.bubble.body.text(), timeout=3000)
    assert d.mapping_editor.mapping().variables["body.first_name"].source == "fixed"
    page.grab().save("/tmp/shots/templates_mapping.png")


def test_mapping_problem_shows_next_to_the_row(page):
    editor = page.detail.mapping_editor
    row = editor.row("body.first_name")
    row.source.setCurrentIndex(row.source.findData("attribute"))
    assert "choose which custom attribute" in row.problem.text() and row.problem.isVisibleTo(editor)
    row.name.setEditText("size")
    assert not row.problem.text() and not row.problem.isVisibleTo(editor)


def test_save_and_load_round_trip(qtbot, page, tmp_path, monkeypatch):
    editor = page.detail.mapping_editor
    row = editor.row("body.first_name")
    row.fallback.setText("friend")
    row.format.setCurrentIndex(row.format.findData("title"))
    url = next(r for r in editor.rows if r.var.kind == "url_suffix")
    url.utm.setChecked(False)
    path = tmp_path / "festive.json"
    monkeypatch.setattr(mapping_editor.QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    editor.save_button.click()
    saved = TemplateMapping.load(path)
    assert saved.template == "festive_sale"
    assert saved.variables["body.first_name"].fallback == "friend"
    assert saved.variables["body.first_name"].format == "title"
    assert json.loads(path.read_text())["variables"][url.var.key]["utm"] is False

    row.fallback.setText("there")
    url.utm.setChecked(True)
    monkeypatch.setattr(mapping_editor.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    editor.load_button.click()
    assert editor.row("body.first_name").fallback.text() == "friend"
    assert editor.row("body.first_name").format.currentData() == "title"
    assert not editor.row(url.var.key).utm.isChecked()
    assert editor.mapping().variables == saved.variables


def test_bad_file_is_explained(page, tmp_path, monkeypatch):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    monkeypatch.setattr(mapping_editor.QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    page.detail.mapping_editor.load_button.click()
    assert "Could not read the mapping file" in page.detail.mapping_editor.message.text()


def test_code_pool_and_short_date_format(qtbot, page, db, services):
    from wadesk.core.messaging.discount_codes import import_codes

    with db.session() as s:
        import_codes(s, "DIWALI", ["DIW-001", "DIW-002"], T)
    d = page.detail
    page.select_template("cod_confirmation")
    page.select_template("festive_sale")  # a fresh look reads the pools again
    editor = d.mapping_editor
    code = editor.row("body.code")
    code.source.setCurrentIndex(code.source.findData("discount_code"))
    qtbot.waitUntil(lambda: editor.row("body.code").name.findData("DIWALI") >= 0, timeout=3000)
    code = editor.row("body.code")
    code.name.setCurrentIndex(code.name.findData("DIWALI"))
    category = editor.row("body.category")
    category.source.setCurrentIndex(category.source.findData("metric"))
    category.name.setCurrentIndex(category.name.findData("last_order_at"))
    category.format.setCurrentIndex(category.format.findData("date"))
    show_customer(qtbot, d, "+919988776655")  # Meera: one order on 4 Feb
    qtbot.waitUntil(lambda: "code DIW-001" in d.chat.bubble.body.text(), timeout=3000)
    assert "off on 4 Feb." in d.chat.bubble.body.text()


def test_a_file_for_another_template_says_what_does_not_fit(page, tmp_path, monkeypatch):
    other = tmp_path / "other.json"
    TemplateMapping.from_json({"template": "winback_offer", "language": "en", "header_media": "https://x.in/a.jpg",
                               "variables": {"body.nope": {"source": "fixed", "name": "hi"}}}).save(other)
    monkeypatch.setattr(mapping_editor.QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    editor = page.detail.mapping_editor
    editor.load_button.click()
    assert "made for the template “winback_offer”" in editor.message.text()
    assert "The template has no variable 'body.nope'" in editor.general.text()
    assert "type the text to send" in editor.row("body.first_name").problem.text()
