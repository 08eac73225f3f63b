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
