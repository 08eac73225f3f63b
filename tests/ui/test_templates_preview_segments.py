"""The Templates page preview steps through a segment's recipients (saved segment or preset), with
Alt+←/→, a search inside the segment, and F8 to jump to the next customer whose message has a problem."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from wadesk.core.crm import consent, customers
from wadesk.core.segments import save_segment
from wadesk.ui import events
from wadesk.ui.templates.page import TemplatesPage
from wadesk.ui.whatsapp_env import SandboxProvider

from customers_helpers import T, make_shop

CITIES = {"all": [{"field": "city", "op": "in", "value": ["Pune", "Mumbai", "Chennai", "Delhi"]}]}


@pytest.fixture
def page(qtbot, services, fake_cloud_api, db):
    ids = make_shop(db)
    with db.session() as s:
        for first in ("Anita", "Meera", "Zoya"):
            consent.record_opt_in(s, ids[first], "checkout", now=T)
        nameless = customers.create_customer(s, dict(phone="+91 91234 56789", city="Pune"), now=T)
        consent.record_opt_in(s, nameless.id, "checkout", now=T)
        save_segment(s, "Metro shoppers", CITIES)
    p = TemplatesPage(services, sandbox=SandboxProvider(server=fake_cloud_api))
    qtbot.addWidget(p)
    p.resize(1400, 1000)
    p.show()
    qtbot.waitExposed(p)
    p.activateWindow()
    qtbot.waitActive(p)  # keyboard shortcuts need the window to have the focus
    qtbot.waitUntil(lambda: p.listing is not None, timeout=3000)
    p.sync_button.click()
    qtbot.waitUntil(lambda: not p.syncing and p.model.rowCount() > 0, timeout=5000)
    assert p.select_template("festive_sale")
    qtbot.waitUntil(lambda: p.detail.picker.audience.findText("   Metro shoppers") > 0, timeout=3000)
    return p


def label(page) -> str:
    return page.detail.picker.label.text()


def focus(qtbot, page, widget):
    """Give `widget` the keyboard focus (a progress dialog may have taken the window's activation)."""
    page.activateWindow()
    qtbot.waitActive(page)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def test_a_saved_segment_is_stepped_with_alt_arrows(qtbot, page):
    picker = page.detail.picker
    assert picker.audience.choose("Metro shoppers")
    # Sharad (Nashik, no number) is not a recipient: Rohan, Anita, Meera, Zoya and the nameless customer
    qtbot.waitUntil(lambda: "Customer 1 of 5 in “Metro shoppers”" in label(page), timeout=5000)
    assert "Rohan Sharma" in label(page) and "Rohan, our" in page.detail.chat.bubble.body.text()
    focus(qtbot, page, picker.search)
    qtbot.keyClick(picker.search, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "Customer 2 of 5" in label(page) and "Anita Desai" in label(page), timeout=3000)
    focus(qtbot, page, page.detail.mapping_editor.row("body.first_name").fallback)
    qtbot.keyClick(page.detail.mapping_editor.row("body.first_name").fallback, Qt.Key.Key_Right,
                   Qt.KeyboardModifier.AltModifier)  # from inside the mapping editor too
    qtbot.waitUntil(lambda: "Customer 3 of 5" in label(page) and "Meera" in label(page), timeout=3000)
    focus(qtbot, page, picker.search)
    qtbot.keyClick(picker.search, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "Anita Desai" in label(page), timeout=3000)
    assert "Anita, our" in page.detail.chat.bubble.body.text()


def test_search_inside_a_segment(qtbot, page):
    picker = page.detail.picker
    picker.audience.choose("Metro shoppers")
    qtbot.waitUntil(lambda: "of 5 in" in label(page), timeout=5000)
    qtbot.keyClicks(picker.search, "zoya")
    qtbot.waitUntil(lambda: "Customer 1 of 1 in “Metro shoppers”" in label(page), timeout=3000)
    picker.search.clear()
    qtbot.keyClicks(picker.search, "sharad")  # a customer, but not a recipient of the segment
    qtbot.waitUntil(lambda: "Nobody in “Metro shoppers” matches that search." in label(page), timeout=3000)
    assert not picker.active and "Neha" in page.detail.chat.bubble.body.text()  # back to example values
    picker.search.clear()
    picker.audience.setCurrentIndex(0)  # all customers again: Sharad is there
    qtbot.keyClicks(picker.search, "sharad")
    qtbot.waitUntil(lambda: "Customer 1 of 1: " in label(page) and "Sharad" in label(page), timeout=3000)
    assert "no WhatsApp number" in label(page) and "no WhatsApp number" in page.detail.problems.text()


def test_f8_jumps_to_the_next_customer_with_a_problem(qtbot, page):
    picker, d = page.detail.picker, page.detail
    picker.audience.choose("Metro shoppers")
    qtbot.waitUntil(lambda: "Customer 1 of 5" in label(page), timeout=5000)
    d.mapping_editor.row("body.first_name").fallback.clear()  # no fallback: the nameless customer fails
    focus(qtbot, page, picker.search)
    qtbot.keyClick(picker.search, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: "Customer 5 of 5" in label(page), timeout=5000)
    assert "no value and no fallback" in d.problems.text() and d.problems.isVisibleTo(d)
    assert not picker.problem_button.isEnabled()  # the last one
    picker.audience.setCurrentIndex(0)  # everyone, in name order: Sharad has no number
    qtbot.waitUntil(lambda: picker.active and "of 6:" in label(page), timeout=3000)
    picker.problem_button.click()
    qtbot.waitUntil(lambda: "Sharad Kulkarni" in label(page), timeout=5000)
    page.grab().save("/tmp/shots/templates_segment_problem.png")
    d.grab().save("/tmp/shots/templates_segment_problem_pane.png")
    d.mapping_editor.row("body.first_name").fallback.setText("there")
    qtbot.waitUntil(lambda: "no WhatsApp number" in d.problems.text() and "fallback" not in d.problems.text(),
                    timeout=3000)
    picker.problem_button.click()  # the nameless customer is fine now, and nobody after Sharad fails
    at = picker.position + 1
    qtbot.waitUntil(lambda: f"No problems after customer {at}: those messages can be sent" in label(page),
                    timeout=5000)
    assert picker.position + 1 == at and "Sharad" in picker.last.name  # still showing Sharad


def test_presets_are_offered_and_new_saved_segments_appear(qtbot, page, db, services):
    combo = page.detail.picker.audience
    assert combo.findText("   Ready-made segments") < 0 and combo.findText("Ready-made segments") > 0
    heading = combo.model().item(combo.findText("Ready-made segments"))
    assert not heading.isEnabled() and not heading.isSelectable()
    assert combo.count() > 10  # every preset
    with db.session() as s:
        save_segment(s, "Pune only", {"all": [{"field": "city", "op": "in", "value": ["Pune"]}]})
    services.bus.notify(events.SEGMENTS)
    qtbot.waitUntil(lambda: combo.findText("   Pune only") > 0, timeout=3000)
    assert combo.choose("Pune only")
    qtbot.waitUntil(lambda: "Customer 1 of 2 in “Pune only”" in label(page), timeout=5000)
