"""Past imports: an older import can be undone on its own; a blocked one says which import blocks it."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from wadesk.core.db.models import Customer
from wadesk.core.importing import run_import
from wadesk.ui.importing.page import ImportPage


@pytest.fixture
def page(qtbot, services):
    p = ImportPage(services)
    qtbot.addWidget(p)
    p.resize(1180, 560)
    qtbot.waitUntil(lambda: not p.history.loading, timeout=3000)
    return p


def test_older_import_undo_and_the_reason_a_blocked_one_gives(qtbot, page, services, db, tmp_path, monkeypatch):
    monkeypatch.setattr("wadesk.ui.dialogs.confirm", lambda *a: True)
    files = {"list.csv": "Name,Mobile\nAsha,9876543210\n", "other.csv": "Name,Mobile\nRavi,9123456789\n",
             "sales.csv": "Mobile,Amount,Date\n9876543210,500,2026-05-01\n"}
    ids = {}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        ids[name] = run_import(db, tmp_path / name, rejected_dir=tmp_path).import_id
    page.tabs.setCurrentIndex(1)
    h = page.history
    h.refresh()
    qtbot.waitUntil(lambda: len(h.items) == 3 and not h.loading, timeout=3000)
    assert h.select_import(ids["list.csv"]) and not h.undo_button.isEnabled()
    assert f"Undo import {ids['sales.csv']} first" in h.status.text() and "sales.csv" in h.undo_button.toolTip()
    if os.environ.get("WADESK_SHOTS"):
        page.grab().save("/tmp/shots/import-history.png")
    assert h.select_import(ids["other.csv"]) and h.undo_button.isEnabled() and h.status.text() == ""
    h.undo_button.click()
    qtbot.waitUntil(lambda: "Undone: other.csv" in h.status.text(), timeout=5000)
    with db.Session() as s:
        assert sorted(s.scalars(select(Customer.name))) == ["Asha"]
    qtbot.waitUntil(lambda: not h.loading and any(i.status == "rolled_back" for i in h.items), timeout=3000)
