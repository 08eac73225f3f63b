""""Import codes…" in the mapping editor: a list of unique codes into a pool, offered at once as a
blank's source, with what was skipped said in words; a bad file changes nothing."""
from __future__ import annotations

import pytest

from wadesk.core.messaging.discount_codes import pools
from wadesk.ui.templates import code_import

from templates_helpers import open_templates_page


@pytest.fixture
def page(qtbot, services, fake_cloud_api):
    return open_templates_page(qtbot, services, fake_cloud_api)


def answer(monkeypatch, path, pool, ok=True):
    monkeypatch.setattr(code_import.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    asked = {}

    def get_text(_parent, _title, _label, text=""):
        asked["suggested"] = text
        return pool if pool is not None else text, ok
    monkeypatch.setattr(code_import.QInputDialog, "getText", get_text)
    return asked


def test_imported_codes_become_a_pool_to_choose(qtbot, page, db, tmp_path, monkeypatch):
    editor = page.detail.mapping_editor
    f = tmp_path / "diwali-15 codes.csv"
    f.write_text("code\nDIW-001\nDIW-002\nDIW-002\nnot a code\nDIW-003\n", encoding="utf-8")
    asked = answer(monkeypatch, f, None)
    editor.codes_button.click()
    assert asked["suggested"] == "DIWALI15CODES"
    qtbot.waitUntil(lambda: "Added 3 codes to the pool DIWALI15CODES" in editor.message.text(), timeout=3000)
    assert "1 were already there" in editor.message.text() and "“not a code”" in editor.message.text()
    with db.session() as s:
        assert [(p.pool, p.available) for p in pools(s)] == [("DIWALI15CODES", 3)]
    row = editor.row("body.code")
    row.source.setCurrentIndex(row.source.findData("discount_code"))
    qtbot.waitUntil(lambda: editor.row("body.code").name.findData("DIWALI15CODES") >= 0, timeout=3000)
    name = editor.row("body.code").name
    assert name.itemText(name.findData("DIWALI15CODES")) == "DIWALI15CODES · 3 left"
    name.setCurrentIndex(name.findData("DIWALI15CODES"))
    assert editor.mapping().variables["body.code"].name == "DIWALI15CODES"


def test_an_empty_or_cancelled_import_changes_nothing(qtbot, page, db, tmp_path, monkeypatch):
    editor = page.detail.mapping_editor
    empty = tmp_path / "empty.txt"
    empty.write_text("code\n", encoding="utf-8")
    answer(monkeypatch, empty, "EMPTY")
    editor.codes_button.click()
    qtbot.waitUntil(lambda: "has no codes in it" in editor.message.text(), timeout=3000)
    good = tmp_path / "good.txt"
    good.write_text("A1\nA2\n", encoding="utf-8")
    answer(monkeypatch, good, "GOOD", ok=False)  # the owner pressed Cancel at the name
    editor.codes_button.click()
    answer(monkeypatch, good, "   ")  # no name
    editor.codes_button.click()
    qtbot.waitUntil(lambda: "Give the code pool a name" in editor.message.text(), timeout=3000)
    with db.session() as s:
        assert pools(s) == []
