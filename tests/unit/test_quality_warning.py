"""The Home page warns when the number's quality rating dropped (read at the last connection check)."""
from __future__ import annotations

from wadesk.core.messaging.account import AccountConfig, connect
from wadesk.core.messaging.connection import check_connection
from wadesk.core.messaging.sandbox import SandboxServer
from wadesk.core.reports.dashboard import read_dashboard
from wadesk.core.settings import get_setting


def test_a_yellow_quality_rating_is_remembered_and_warned(fresh_db, memory_keyring, clock):
    with SandboxServer(token="tok-quality-1", quality="YELLOW", tier="TIER_10K") as server:
        with fresh_db.session() as s:
            connect(s, AccountConfig(phone_number_id=server.phone_number_id, waba_id=server.waba_id,
                                     base_url=server.url), access_token="tok-quality-1")
        report = check_connection(fresh_db)
    assert not report.sandbox and report.info.quality_rating == "YELLOW"
    with fresh_db.session() as s:
        assert get_setting(s, "whatsapp_last_tier") == "TIER_10K"
        warnings = read_dashboard(s, clock.now()).warnings
    assert any("quality rating is yellow" in w for w in warnings)


def test_the_sandbox_never_sets_the_real_numbers_rating(fresh_db, clock):
    with SandboxServer(quality="RED") as server:
        check_connection(fresh_db, sandbox=server)
    with fresh_db.session() as s:
        assert get_setting(s, "whatsapp_last_quality") == ""
        assert not any("quality" in w for w in read_dashboard(s, clock.now()).warnings)


def _connected(db, server, token):
    with db.session() as s:
        connect(s, AccountConfig(phone_number_id=server.phone_number_id, waba_id=server.waba_id,
                                 base_url=server.url), access_token=token)


def test_a_token_that_expires_soon_is_warned_about(fresh_db, memory_keyring, clock):
    from datetime import timedelta

    from wadesk.core.messaging.sandbox import Fault

    from wadesk.core.settings import set_setting

    now = clock.now()
    with fresh_db.session() as s:
        set_setting(s, "shop_timezone", "Asia/Kolkata")  # the warning says the shop's time
    with SandboxServer(token="tok-expiry-1") as server:
        _connected(fresh_db, server, "tok-expiry-1")
        server.token_expires_at = int((now + timedelta(days=3, hours=2)).timestamp())
        report = check_connection(fresh_db)
        assert report.token_expires_at == (now + timedelta(days=3, hours=2)).replace(tzinfo=None)
        assert report.as_json()["token_expires_at"].startswith("2026-12-01T12:00")
        assert all(r["query"].get("input_token") in (None, "***") for r in server.requests)  # never recorded
        with fresh_db.session() as s:
            warnings = read_dashboard(s, now).warnings
        assert any("access token expires in 3 days (01 Dec 2026, 17:30)" in w and "System User" in w
                   for w in warnings)
        with fresh_db.session() as s:  # after it lapsed
            assert any("access token expired on 01 Dec 2026" in w
                       for w in read_dashboard(s, now + timedelta(days=4)).warnings)

        # Meta won't say (a token that can't debug itself): the connection is still fine, nothing changes
        server.faults.append(Fault.error(10, 403, "Application does not have permission", path="debug_token"))
        assert check_connection(fresh_db).token_expires_at is None
        with fresh_db.session() as s:
            assert get_setting(s, "whatsapp_token_expires_at").startswith("2026-12-01T12:00")

        server.token_expires_at = 0  # a System User token: never expires
        check_connection(fresh_db)
        with fresh_db.session() as s:
            assert get_setting(s, "whatsapp_token_expires_at") == ""
            assert not any("access token" in w for w in read_dashboard(s, now).warnings)

        server.token_expires_at = int((now + timedelta(days=1)).timestamp())
        check_connection(fresh_db)
        _connected(fresh_db, server, "tok-expiry-1")  # a new token pasted: unknown until checked
        with fresh_db.session() as s:
            assert get_setting(s, "whatsapp_token_expires_at") == ""
