"""The WhatsApp connection checked once a day while the app is open: quietly, on the network lane."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import FAKE_TOKEN
from wadesk.core.messaging.account import AccountConfig, connect
from wadesk.core.settings import get_setting
from wadesk.ui.settings.daily_connection import DailyConnectionCheck


def _checks(server) -> int:
    return len([r for r in server.requests if r["path"].endswith(server.phone_number_id)])


def test_checked_when_due_and_not_again_right_after(qtbot, services, db, clock, memory_keyring, fake_cloud_api):
    with db.session() as s:
        connect(s, AccountConfig(phone_number_id=fake_cloud_api.phone_number_id, waba_id=fake_cloud_api.waba_id,
                                 base_url=fake_cloud_api.url), access_token=FAKE_TOKEN)
    daily = DailyConnectionCheck(services, first_check_ms=10, every_ms=3_600_000)
    with qtbot.waitSignal(services.bus.changed, timeout=10_000) as changed:
        daily.start()  # the first check a moment after start: never checked, so due
    assert "settings" in changed.args[0]
    qtbot.waitUntil(lambda: not daily.running, timeout=10_000)
    assert _checks(fake_cloud_api) == 1
    with db.session() as s:
        assert get_setting(s, "whatsapp_last_check_at") == clock.now().replace(tzinfo=None).isoformat()
        assert get_setting(s, "whatsapp_last_quality") == "GREEN"

    def check_and_wait():
        daily.check()
        qtbot.waitUntil(lambda: not daily.running, timeout=10_000)

    check_and_wait()  # the hourly timer's next tick: checked just now, not due
    assert _checks(fake_cloud_api) == 1
    clock.advance(hours=21)
    with qtbot.waitSignal(services.bus.changed, timeout=10_000):
        check_and_wait()
    assert _checks(fake_cloud_api) == 2
    daily.timer.stop()
