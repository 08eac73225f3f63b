"""App-level campaign hooks: the resume offer at start, the 30-second schedule check, and
"Pause sending and quit?" when the window closes during a send."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from wadesk.core.campaigns import ledger as L
from wadesk.core.db.models import Campaign
from wadesk.ui.campaigns import app_hooks
from wadesk.ui.campaigns.app_hooks import CampaignHooks
from wadesk.ui.campaigns.runner import campaign_runner
from wadesk.ui.whatsapp_env import SandboxProvider

from campaign_helpers import counts, freeze, make_shop, state


@pytest.fixture(autouse=True)
def no_pair_gap(monkeypatch):
    from wadesk.core.campaigns import pacing

    monkeypatch.setattr(pacing.PAIR_GAP, "gap", 0.0)
    monkeypatch.setattr(pacing.PAIR_GAP, "_next", {})


@pytest.fixture
def window(qtbot):
    w = QWidget()
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def runner(services, fake_cloud_api, clock):
    make_shop(services.db, fake_cloud_api, clock)
    return campaign_runner(services, SandboxProvider(server=fake_cloud_api))


def set_state(db, cid, status):
    with db.session() as s:
        s.get(Campaign, cid).status = status


def answer(monkeypatch, yes: bool) -> list[str]:
    asked: list[str] = []
    monkeypatch.setattr(app_hooks, "ask", lambda _p, _t, text, *_a: asked.append(text) or yes)
    return asked


def test_unfinished_campaigns_are_offered_at_start(qtbot, window, services, runner, monkeypatch):
    db = services.db
    first = freeze(db, services.clock, name="Diwali offer")
    set_state(db, first, L.RUNNING)  # the app was killed while it sent
    asked = answer(monkeypatch, True)
    hooks = CampaignHooks(window, services, runner)
    hooks.offer_resume()
    qtbot.waitUntil(lambda: hooks.offered, timeout=3000)
    assert len(asked) == 1 and "Diwali offer" in asked[0] and "sending" in asked[0]
    qtbot.waitUntil(lambda: state(db, first) == L.DONE, timeout=10_000)
    assert counts(db, first)["accepted"] == 12


def test_not_now_is_respected_by_the_schedule_check(qtbot, window, services, runner, monkeypatch):
    db = services.db
    cid = freeze(db, services.clock)
    set_state(db, cid, L.WAITING_STATE)  # e.g. after quiet hours: due now
    answer(monkeypatch, False)
    hooks = CampaignHooks(window, services, runner)
    hooks.offer_resume()
    qtbot.waitUntil(lambda: hooks.offered and not hooks.checking, timeout=3000)
    assert hooks.declined == {cid}
    hooks.check_due()
    qtbot.waitUntil(lambda: not hooks.checking, timeout=3000)
    assert not runner.sending and state(db, cid) == L.WAITING_STATE
    hooks.declined.clear()  # another day: the schedule check picks it up by itself
    hooks.check_due()
    qtbot.waitUntil(lambda: state(db, cid) == L.DONE, timeout=10_000)


def test_nothing_unfinished_asks_nothing(qtbot, window, services, runner, monkeypatch):
    asked = answer(monkeypatch, True)
    hooks = CampaignHooks(window, services, runner)
    hooks.offer_resume()
    qtbot.waitUntil(lambda: hooks.offered, timeout=3000)
    assert asked == []


def test_closing_while_sending_asks_then_pauses_cleanly(qtbot, window, services, runner, monkeypatch):
    from wadesk.core.settings import set_setting

    db = services.db
    with db.session() as s:
        set_setting(s, "send_rate_per_second", 3)
    cid = freeze(db, services.clock)
    hooks = CampaignHooks(window, services, runner)
    runner.start(cid)
    qtbot.waitUntil(lambda: counts(db, cid)["accepted"] >= 1, timeout=5000)
    asked = answer(monkeypatch, False)
    assert window.close() is False and window.isVisible() and runner.sending  # "Keep sending"
    assert "Pause sending and quit?" in asked[0]
    answer(monkeypatch, True)
    assert window.close() is True and not runner.sending
    c = counts(db, cid)
    assert c["sending"] == 0 and 0 < c["accepted"] < 12 and c["queued"] == 12 - c["accepted"] - c["failed"]
    assert state(db, cid) == L.READY  # offered again at the next start
    assert hooks.timer.isActive() is False


def test_closing_when_idle_asks_nothing(window, services, runner, monkeypatch):
    asked = answer(monkeypatch, False)
    CampaignHooks(window, services, runner)
    assert window.close() is True and asked == []


def test_quitting_through_the_job_runner_pauses_a_send_cleanly(qtbot, services, runner):
    """app.py's last step (jobs.shutdown) cancels jobs: for a send that means a clean pause."""
    from wadesk.core.settings import set_setting

    db = services.db
    with db.session() as s:
        set_setting(s, "send_rate_per_second", 3)
    cid = freeze(db, services.clock)
    runner.start(cid)
    qtbot.waitUntil(lambda: counts(db, cid)["accepted"] >= 1, timeout=5000)
    assert services.jobs.shutdown(timeout_ms=10_000)
    c = counts(db, cid)
    assert state(db, cid) == L.PAUSED and c["sending"] == 0 and c["accepted"] < 12
    assert c["queued"] == 12 - c["accepted"] - c["failed"]
