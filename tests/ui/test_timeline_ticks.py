"""The customer page's conversation log draws WhatsApp's delivery ticks (issue 9)."""
from __future__ import annotations

from tests.unit.test_crm_timeline import _shop
from wadesk.core.crm.timeline import timeline


def test_the_customer_page_draws_blue_ticks_for_read(qtbot, db, clock):
    from PySide6.QtWidgets import QLabel

    from wadesk.ui.customers.timeline_view import TimelineView

    cid = _shop(db, clock)
    with db.Session() as s:
        entries = timeline(s, cid)
    view = TimelineView()
    qtbot.addWidget(view)
    view.append(entries, has_more=False)
    texts = [w.text() for w in view.findChildren(QLabel)]
    assert any("diwali_offer" in t and "#34b7f1" in t and "✓✓" in t for t in texts)
