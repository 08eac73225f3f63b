"""The Templates page built alone: sync from the real fake Cloud API server, filter, preview, JSON."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from wadesk.core.messaging.sandbox import Fault
from wadesk.ui.templates.page import TemplatesPage
from wadesk.ui.templates.table_model import TemplateTableModel, read_templates
from wadesk.ui.whatsapp_env import SandboxProvider

from customers_helpers import make_shop


@pytest.fixture
def page(qtbot, services, fake_cloud_api):
    p = TemplatesPage(services, sandbox=SandboxProvider(server=fake_cloud_api))
    qtbot.addWidget(p)
    p.resize(1200, 800)
    qtbot.waitUntil(lambda: p.listing is not None, timeout=3000)
    return p


def synced(qtbot, page):
    page.sync_button.click()
    qtbot.waitUntil(lambda: not page.syncing and page.model.rowCount() > 0, timeout=5000)
    return page


def names(page):
    return [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]


def test_empty_page_says_what_to_do(page):
    assert page.model.rowCount() == 0 and page.listing.sandbox
    assert "Sync templates" in page.empty.text() and "sandbox" in page.empty.text()
    assert page.sandbox_badge.isVisibleTo(page) and "nothing reaches real customers" in page.sandbox_note.text()


def test_sync_fills_the_table_with_every_page(qtbot, page, fake_cloud_api):
    synced(qtbot, page)
    assert page.model.rowCount() == 13  # three pages of five from the fake server
    assert len(fake_cloud_api.requests_to("message_templates")) == 3
    assert "Synced 13 templates (10 approved)" in page.status.text()
    row = names(page).index("festive_sale")
    cells = [page.proxy.index(row, c).data() for c in range(5)]
    assert cells == ["festive_sale", "English", "Marketing", "Approved", "High"]
    status = page.proxy.index(names(page).index("flash_sale_old"), 3)
    assert status.data() == "Rejected by Meta" and status.data(Qt.ItemDataRole.ForegroundRole).name() == "#c5221f"


def test_filters_approved_only_and_search(qtbot, page):
    synced(qtbot, page)
    page.approved_only.setChecked(True)
    assert page.proxy.rowCount() == 10 and "flash_sale_old" not in names(page)
    qtbot.keyClicks(page.search, "cart")
    assert set(names(page)) == {"cart_reminder"}


def test_sync_error_is_in_words(qtbot, page, fake_cloud_api):
    fake_cloud_api.faults.append(Fault.error(10, 403, "no permission", path="message_templates"))
    page.sync_button.click()
    qtbot.waitUntil(lambda: not page.syncing, timeout=5000)
    assert page.error.isVisibleTo(page) and "whatsapp_business_management" in page.error.text()
    assert page.model.rowCount() == 0


def test_selecting_shows_components_and_example_bubble(qtbot, page):
    synced(qtbot, page)
    assert page.select_template("festive_sale")
    d = page.detail
    assert "Diwali sale" in d.components.text() and "{{first_name}}" in d.components.text()
    assert d.chat.bubble.media is not None and d.chat.bubble.media.is_placeholder
    assert "<b>Diwali sale</b>" in d.chat.bubble.body.text() and "Neha" in d.chat.bubble.body.text()
    assert [b.text for b in d.chat.buttons] == ["Shop the sale", "Stop promotions"]
    assert "first name, or “there” if missing" in d.picker.mapping.text()


def test_preview_for_a_customer_and_json(qtbot, page, db):
    make_shop(db)
    synced(qtbot, page)
    page.select_template("festive_sale")
    d = page.detail
    qtbot.keyClicks(d.picker.search, "meera")
    qtbot.waitUntil(lambda: d.picker.active, timeout=3000)
    assert "Meera Iyer" in d.picker.label.text() and "Customer 1 of 1" in d.picker.label.text()
    assert "Meera, our <b>Diwali sale</b>" in d.chat.bubble.body.text()
    d.json_toggle.setChecked(True)
    assert d.json.isVisibleTo(d)
    payload = json.loads(d.json.toPlainText())
    assert payload["to"] == "+919988776655" and payload["template"]["name"] == "festive_sale"
    params = payload["template"]["components"][1]["parameters"]
    assert {"type": "text", "parameter_name": "first_name", "text": "Meera"} in params
    assert "utm_source=whatsapp" in json.dumps(payload)

    d.picker.search.clear()  # all customers, in name order: Anita, Meera, Rohan, Sharad, Zoya
    qtbot.waitUntil(lambda: "Customer 1 of 5" in d.picker.label.text(), timeout=3000)
    d.picker.next_button.click()
    qtbot.waitUntil(lambda: "Customer 2 of 5" in d.picker.label.text(), timeout=3000)
    d.picker.prev_button.click()
    qtbot.waitUntil(lambda: "Anita Desai" in d.picker.label.text(), timeout=3000)
    assert "Anita, our" in d.chat.bubble.body.text()
    d.picker.example_button.click()
    assert "Neha" in d.chat.bubble.body.text() and not d.picker.active


def test_model_passes_the_model_tester(qtbot, qtmodeltester, services, page):
    synced(qtbot, page)
    with services.db.session() as s:
        listing = read_templates(s)
    model = TemplateTableModel()
    model.set_items(listing.items)
    qtmodeltester.check(model)
    qtmodeltester.check(page.proxy)
