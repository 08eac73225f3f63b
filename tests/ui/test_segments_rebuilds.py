"""A manual edit on the Customers page announces `customers`, then rescoring announces `profiles`:
the Segments page must update its in-memory copy once for the pair (a patch for that customer, not
a rebuild), and count the new data."""
from __future__ import annotations

import time

import pytest

from tests.ui.test_segments_page import page, settle, shop  # noqa: F401 (fixtures)
from wadesk.core.crm import tags
from wadesk.ui import events
from wadesk.ui.customers.rescore import refresh_scores

VIP = {"all": [{"field": "tags", "op": "has_any", "value": ["rebuild-test"]}]}


@pytest.mark.parametrize("rescore_s", [0.0, 0.8])  # rescoring quicker / slower than the debounce
def test_a_manual_edit_updates_the_copy_once(qtbot, page, services, db, clock, monkeypatch, rescore_s):
    import wadesk.core.profile as profile

    real = profile.refresh_profiles

    def slow_refresh(*args, **kw):
        time.sleep(rescore_s)
        return real(*args, **kw)

    monkeypatch.setattr(profile, "refresh_profiles", slow_refresh)
    page.load_rules(VIP)
    settle(qtbot, page)
    assert page.funnel.number("matched") == 0
    builds, patches = page.engine.builds, page.engine.patches

    with db.session() as s:  # what the detail pane's "add tag" does, then its two announcements
        tags.add_tag(s, [1], "rebuild-test", now=clock.now())
        s.commit()
    services.bus.notify(events.CUSTOMERS, events.TAGS)
    refresh_scores(services, [1], page)

    qtbot.waitUntil(lambda: page.funnel.number("matched") == 1, timeout=10_000)
    qtbot.wait(1500)  # let every late announcement and check run out
    settle(qtbot, page)
    assert (page.engine.builds, page.engine.patches) == (builds, patches + 1)  # one patch, no rebuild
    assert page.funnel.number("matched") == 1
