"""Home's WhatsApp row: reachable customers, WhatsApp revenue of the last 30 days, the uplift figure
only with enough data, and warnings WaDesk can see (a paused template)."""
from __future__ import annotations

import pytest

from tests.conftest import FAKE_TOKEN
from tests.unit._report_shop import sent_campaign
from wadesk.core.messaging.cloud_client import CloudClient
from wadesk.ui import events
from wadesk.ui.pages.home import HomePage


@pytest.fixture
def sent(db, clock, fake_cloud_api):
    with CloudClient(access_token=FAKE_TOKEN, phone_number_id=fake_cloud_api.phone_number_id,
                     waba_id=fake_cloud_api.waba_id, base_url=fake_cloud_api.url, timeout=(2.0, 10.0),
                     max_retries=0, sleep=lambda s: None) as client:
        return sent_campaign(db, clock, client)


def test_home_whatsapp_tiles(qtbot, services, sent, clock):
    clock.advance(days=25)  # every attributed order is in the past now, within 30 days
    page = HomePage(services)
    qtbot.addWidget(page)
    page.show()
    w = page.whatsapp
    qtbot.waitUntil(lambda: w.dashboard is not None, timeout=10000)
    assert w.numbers["reachable"].text() == "80"
    assert w.numbers["revenue"].text() == "₹3,000"
    assert w.numbers["incremental"].text() == "not yet"  # 40 vs 40: the holdout can't say yet
    assert w.next_sends.text() == "No campaign is scheduled."
    assert w.warnings.isVisible() and "summer_sale" in w.warnings.text()

    first = w.dashboard
    services.bus.notify(events.ORDERS)
    qtbot.waitUntil(lambda: w.dashboard is not first, timeout=10000)
    with qtbot.waitSignal(services.bus.page_requested, timeout=2000) as sig:
        page.findChild(type(page.remove_button), "go_reports").click()
    assert sig.args == ["reports"]


def test_home_warns_before_the_access_token_expires(qtbot, services, db, clock):
    from datetime import timedelta

    import wadesk.core.messaging.account  # noqa: F401  (registers the WhatsApp settings)
    from wadesk.core.settings import set_setting

    with db.session() as s:
        set_setting(s, "whatsapp_token_expires_at", (clock.now() + timedelta(days=2, hours=3)).replace(tzinfo=None)
                    .isoformat())
    page = HomePage(services)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    w = page.whatsapp
    qtbot.waitUntil(lambda: w.dashboard is not None, timeout=10000)
    assert w.warnings.isVisible() and "access token expires in 2 days" in w.warnings.text()
