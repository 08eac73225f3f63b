"""The daily connection check: due only for a real account not checked for 20 hours; a failure is
stored in plain words (never the token) for the Home page until a check succeeds."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import FAKE_TOKEN
from wadesk.core.messaging.account import AccountConfig, connect
from wadesk.core.messaging.daily_check import connection_check_due, run_daily_check
from wadesk.core.messaging.sandbox import Fault
from wadesk.core.reports.dashboard import read_dashboard
from wadesk.core.settings import get_setting, set_setting


def _connect(db, server, **kw):
    with db.session() as s:
        connect(s, AccountConfig(phone_number_id=server.phone_number_id, waba_id=server.waba_id,
                                 base_url=server.url, **kw), access_token=FAKE_TOKEN)


def _due(db, now) -> bool:
    with db.session() as s:
        return connection_check_due(s, now)


def _settings(db) -> dict:
    with db.session() as s:
        return {k: get_setting(s, k) for k in ("whatsapp_last_check_at", "whatsapp_last_check_error",
                                                "whatsapp_last_quality")}


def test_due_only_for_a_real_account_not_checked_for_20_hours(fresh_db, memory_keyring, clock, fake_cloud_api):
    now = clock.now()
    assert not _due(fresh_db, now)  # nothing connected: the sandbox
    _connect(fresh_db, fake_cloud_api, sandbox_chosen=True)
    assert not _due(fresh_db, now)  # connected, but the owner chose the sandbox
    _connect(fresh_db, fake_cloud_api)
    assert _due(fresh_db, now)  # real, never checked
    with fresh_db.session() as s:
        set_setting(s, "whatsapp_last_check_at", (now - timedelta(hours=2)).replace(tzinfo=None).isoformat())
    assert not _due(fresh_db, now)
    with fresh_db.session() as s:
        set_setting(s, "whatsapp_last_check_at", (now - timedelta(hours=21)).replace(tzinfo=None).isoformat())
    assert _due(fresh_db, now)
    with fresh_db.session() as s:
        set_setting(s, "whatsapp_last_check_at", "not a time")
    assert _due(fresh_db, now)  # unreadable counts as never


def test_a_failed_check_is_stored_warned_and_cleared_by_a_good_one(fresh_db, memory_keyring, clock, fake_cloud_api):
    now = clock.now()
    _connect(fresh_db, fake_cloud_api)
    fake_cloud_api.faults.append(Fault.token_expired())
    result = run_daily_check(fresh_db, now)
    assert result is not None and result.report is None
    stored = _settings(fresh_db)
    assert stored["whatsapp_last_check_at"] == now.replace(tzinfo=None).isoformat()
    assert stored["whatsapp_last_check_error"].startswith("The WhatsApp access token has expired or is not valid.")
    assert FAKE_TOKEN not in stored["whatsapp_last_check_error"]
    with fresh_db.session() as s:
        set_setting(s, "shop_timezone", "Asia/Kolkata")
        warnings = read_dashboard(s, now).warnings
    assert any(w.startswith("WhatsApp connection check failed on 28 Nov 2026: The WhatsApp access token has expired")
               for w in warnings)

    assert run_daily_check(fresh_db, now + timedelta(hours=2)) is None  # a failed check counts: not due again yet
    assert len([r for r in fake_cloud_api.requests if "debug_token" not in r["path"]]) == 1

    later = now + timedelta(hours=21)
    result = run_daily_check(fresh_db, later)
    assert result is not None and result.error == "" and result.report.info.quality_rating
    stored = _settings(fresh_db)
    assert stored["whatsapp_last_check_error"] == ""
    assert stored["whatsapp_last_check_at"] == later.replace(tzinfo=None).isoformat()
    assert stored["whatsapp_last_quality"] == result.report.info.quality_rating
    with fresh_db.session() as s:
        assert not any("connection check failed" in w for w in read_dashboard(s, later).warnings)


def test_an_unreachable_server_is_stored_in_plain_words(fresh_db, memory_keyring, clock):
    import socket

    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with fresh_db.session() as s:
        connect(s, AccountConfig(phone_number_id="123", waba_id="456", base_url=f"http://127.0.0.1:{port}"),
                access_token=FAKE_TOKEN)
    result = run_daily_check(fresh_db, clock.now(), sleep=lambda s: None, timeout=(0.5, 0.5))
    assert result is not None and result.report is None
    assert _settings(fresh_db)["whatsapp_last_check_error"].startswith("Could not reach WhatsApp's servers.")


def test_the_sandbox_is_never_checked(fresh_db, clock):
    assert run_daily_check(fresh_db, clock.now()) is None
    assert _settings(fresh_db)["whatsapp_last_check_at"] == ""


def test_the_home_warning_says_the_shops_day_and_test_connection_clears_it(fresh_db, memory_keyring, clock,
                                                                         fake_cloud_api):
    from wadesk.core.messaging.connection import check_connection

    now = clock.now()
    _connect(fresh_db, fake_cloud_api)
    with fresh_db.session() as s:
        set_setting(s, "shop_timezone", "Asia/Kolkata")
        set_setting(s, "whatsapp_last_check_at", "2026-11-27T20:00:00")  # 28 Nov, 01:30 in Kolkata
        set_setting(s, "whatsapp_last_check_error", "Could not reach WhatsApp's servers.")
        assert "WhatsApp connection check failed on 28 Nov 2026: Could not reach WhatsApp's servers." \
            in read_dashboard(s, now).warnings
    check_connection(fresh_db, now=now)  # the owner pressed Test connection and it worked
    with fresh_db.session() as s:
        assert not any("connection check failed" in w for w in read_dashboard(s, now).warnings)
    assert not _due(fresh_db, now + timedelta(hours=1))  # a manual check counts as today's


def test_the_warning_without_a_readable_date():
    from wadesk.core.reports.dashboard import failed_check_words

    assert failed_check_words("", "2026-11-27T20:00:00") is None  # a good check: no warning
    assert failed_check_words("Could not reach WhatsApp's servers.", "garbled") == \
        "The last WhatsApp connection check failed: Could not reach WhatsApp's servers."
