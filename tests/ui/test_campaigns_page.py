"""The Campaigns page built alone, sending through the real fake Cloud API server on 127.0.0.1:
the wizard end to end, pre-flight exclusions, GST, schedules, pause / resume / cancel, unknown
messages, stop reasons and test sends."""
from __future__ import annotations


import pytest
from PySide6.QtCore import Qt

from wadesk.core.campaigns import ledger as L
from wadesk.core.db.models import Campaign, Customer, Message
from wadesk.ui.campaigns.page import CampaignsPage
from wadesk.ui.whatsapp_env import SandboxProvider

from campaign_helpers import counts, freeze, make_shop, set_rows, state


@pytest.fixture(autouse=True)
def no_pair_gap(monkeypatch):
    """The 6-second same-number gap is process-wide and every test messages the same numbers."""
    from wadesk.core.campaigns import pacing

    monkeypatch.setattr(pacing.PAIR_GAP, "gap", 0.0)
    monkeypatch.setattr(pacing.PAIR_GAP, "_next", {})


@pytest.fixture
def shop(services, fake_cloud_api, clock):
    make_shop(services.db, fake_cloud_api, clock)
    return services.db


@pytest.fixture
def page(qtbot, services, shop, fake_cloud_api):
    p = CampaignsPage(services, sandbox=SandboxProvider(server=fake_cloud_api))
    qtbot.addWidget(p)
    p.resize(1200, 800)
    p.show()
    qtbot.waitUntil(lambda: p.rows_loaded, timeout=3000)
    return p


def wizard_to(qtbot, page, step: int, template: str = "cart_reminder"):
    """Open the wizard (Ctrl+N) and walk to step `step` (0-based) with all customers and `template`."""
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    wz = page.wizard
    assert page.stack.currentWidget() is wz
    qtbot.waitUntil(lambda: wz.state.setup is not None and wz.state.counts is not None, timeout=5000)
    if step >= 1:
        wz.next()
        assert wz.steps[1].choose(template)
    if step >= 2:
        wz.next()
        qtbot.waitUntil(lambda: wz.state.preflight is not None, timeout=5000)
    for i in range(3, step + 1):
        assert wz.next_button.isEnabled(), wz.problem.text()
        wz.next()
    if step >= 5:
        qtbot.waitUntil(lambda: wz.state.review is not None, timeout=5000)
    return wz


def wait_idle(qtbot, page, timeout=10_000):
    qtbot.waitUntil(lambda: not page.runner.sending, timeout=timeout)
    qtbot.wait(50)  # the refresh after the run


def test_empty_list_says_what_to_do(page):
    assert page.model.rowCount() == 0 and page.empty.isVisibleTo(page)
    assert "New campaign" in page.empty.text()
    assert not page.send_button.isEnabled() and not page.cancel_button.isEnabled()


def test_wizard_creates_and_sends_to_everyone(qtbot, page, shop, fake_cloud_api):
    wz = wizard_to(qtbot, page, 0)
    assert wz.sandbox_badge.isVisibleTo(wz)
    assert wz.state.counts["eligible"] == 12 and "12" in wz.steps[0].count.text()
    wz.next()
    assert wz.steps[1].choose("cart_reminder") and wz.state.spec.name == "cart_reminder"
    assert wz.steps[1].list.count() >= 5  # only approved templates
    wz.next()
    qtbot.waitUntil(lambda: wz.state.preflight is not None, timeout=5000)
    assert "All 12 messages are ready" in wz.steps[2].result.text()
    wz.next()
    wz.steps[3].spin.setValue(0)
    assert "Everyone gets the message" in wz.steps[3].words.text()
    wz.next()
    assert "No quiet hours" in wz.steps[4].quiet.text()
    wz.next()
    qtbot.waitUntil(lambda: wz.state.review is not None, timeout=5000)
    review = wz.steps[5]
    assert review.funnel.values["after_holdout"] == 12 and review.funnel.values["matched"] == 12
    assert "₹" in review.rows["cost"].text() and "GST" in review.rows["cost"].text()
    assert "All 12 today" in review.rows["plan"].text()
    assert wz.finish_button.text() == "Create and send" and wz.finish_button.isEnabled()
    review.name.setText("Cart push")
    wz.finish()
    qtbot.waitUntil(lambda: page.open_id is not None, timeout=5000)
    assert page.stack.currentWidget() is page.view
    wait_idle(qtbot, page)
    cid = page.open_id
    assert counts(shop, cid)["accepted"] == 12 and state(shop, cid) == L.DONE
    assert len(fake_cloud_api.sent) == 12
    with shop.session() as s:
        c = s.get(Campaign, cid)
        assert c.name == "Cart push" and c.is_sandbox and c.settings["policy"]["holdout_pct"] == 0
    qtbot.waitUntil(lambda: page.view.numbers["accepted"].text() == "12", timeout=3000)
    assert page.view.state.text() == "Finished" and page.view.sandbox_badge.isVisibleTo(page.view)
    page.show_list()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    row = page.model.rows[0]
    assert [page.model.index(0, c).data() for c in (0, 1, 2, 3, 6)] == ["Cart push", "Finished", "12", "12",
                                                                          "Sandbox"]
    assert row.accepted == 12


def test_cancelling_the_wizard_asks_and_saves_nothing(qtbot, page, shop, monkeypatch):
    from wadesk.ui import dialogs

    wz = wizard_to(qtbot, page, 5)
    monkeypatch.setattr(dialogs, "confirm", lambda *a: False)
    qtbot.keyClick(wz, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is wz  # "Keep it"
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    wz.cancel_button.click()
    assert page.stack.currentWidget() is page.list_view
    with shop.session() as s:
        assert s.query(Campaign).count() == 0 and s.query(Message).count() == 0


def test_preflight_problems_must_be_fixed_or_left_out(qtbot, page, shop):
    with shop.session() as s:
        c = s.get(Customer, 3)
        c.first_name, c.name = None, ""  # no name at all: {{1}} has nothing to show
    wz = wizard_to(qtbot, page, 1)
    wz.next()
    step = wz.steps[2]
    step.editor.row("body.1").fallback.setText("")  # no fallback: customer 3's message can't be made
    assert wz.state.preflight is None and "Check every message first" in wz.problem.text()
    step.check_button.click()
    qtbot.waitUntil(lambda: wz.state.preflight is not None, timeout=5000)
    assert "11" in step.result.text() and "would fail" in step.result.text()
    # "who?" after a reason lists the customers behind it.
    assert "href='reason:missing_value'" in step.result.text()
    step.result.linkActivated.emit("reason:missing_value")
    qtbot.waitUntil(lambda: step.failing_dialog.list.count() == 1
                    and step.failing_dialog.list.item(0).text() != "Loading…", timeout=5000)
    assert step.failing_dialog.list.item(0).text().startswith("No name — +91")
    step.failing_dialog.reject()
    assert not wz.next_button.isEnabled() and "Leave them out" in wz.problem.text()
    step.exclude_button.click()
    assert wz.state.exclude_ids == frozenset({3}) and wz.next_button.isEnabled()
    wz.next(), wz.next(), wz.next()
    qtbot.waitUntil(lambda: wz.state.review is not None, timeout=5000)
    assert wz.state.review.plan.send_ids and 3 not in wz.state.review.plan.send_ids
    assert wz.steps[5].funnel.values["preflight_ok"] == 11


def test_gst_toggle_recomputes_the_cost(qtbot, page):
    wz = wizard_to(qtbot, page, 5)
    review = wz.steps[5]
    with_gst = review.cost.total
    review.gst.setChecked(False)
    assert review.cost.total < with_gst and review.cost.gst == 0 and "GST not included" in review.rows["cost"].text()
    assert wz.state.request().policy.include_gst is False
    review.rate_link.linkActivated.emit("settings")  # opens Settings → Sending (the page keeps the wizard)


def test_scheduled_campaign_waits_for_its_time(qtbot, page, shop, services, clock):
    wz = wizard_to(qtbot, page, 4)
    sched = wz.steps[4]
    sched.later.setChecked(True)
    wz.next()
    qtbot.waitUntil(lambda: wz.state.review is not None, timeout=5000)
    assert wz.finish_button.text() == "Schedule" and wz.steps[5].rows["start"].text() != "Now"
    wz.finish()
    qtbot.waitUntil(lambda: page.open_id is not None, timeout=5000)
    cid = page.open_id
    assert state(shop, cid) == L.SCHEDULED and not page.runner.sending
    from wadesk.ui.campaigns.app_hooks import CampaignHooks

    hooks = CampaignHooks(page, services, page.runner)
    hooks.check_due()
    qtbot.waitUntil(lambda: not hooks.checking, timeout=3000)
    assert not page.runner.sending and counts(shop, cid)["accepted"] == 0
    clock.advance(hours=3)
    hooks.check_due()
    qtbot.waitUntil(lambda: state(shop, cid) == L.DONE, timeout=10_000)
    c = counts(shop, cid)
    assert c["accepted"] + c["holdout"] == 12 and c["queued"] == 0
    wait_idle(qtbot, page)


def test_pause_resume_and_cancel(qtbot, page, shop, monkeypatch):
    from wadesk.core.settings import set_setting
    from wadesk.ui import dialogs

    with shop.session() as s:
        set_setting(s, "send_rate_per_second", 4)  # slow enough to pause half-way
    cid = freeze(shop, page.services.clock)
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    page.open_campaign(cid)
    page.view.send_button.click()
    qtbot.waitUntil(lambda: counts(shop, cid)["accepted"] >= 2, timeout=5000)
    assert page.view.pause_button.isEnabled() and not page.view.send_button.isVisibleTo(page.view)
    page.view.pause_button.click()
    wait_idle(qtbot, page)
    c = counts(shop, cid)
    assert state(shop, cid) == L.PAUSED and 0 < c["accepted"] < 12 and c["sending"] == 0
    qtbot.waitUntil(lambda: page.view.send_button.text() == "Resume", timeout=3000)
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda *a: asked.append(a) or False)
    page.view.cancel_button.click()
    assert asked and state(shop, cid) == L.PAUSED  # "Keep it": nothing changed
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    page.view.cancel_button.click()
    qtbot.waitUntil(lambda: state(shop, cid) == L.CAMPAIGN_CANCELLED, timeout=3000)
    after = counts(shop, cid)
    assert after["accepted"] == c["accepted"] and after["cancelled"] == 12 - c["accepted"] - c["failed"]
    assert after["queued"] == after["sending"] == 0


def test_cancel_while_sending_never_leaves_half_sent(qtbot, page, shop, monkeypatch):
    from wadesk.core.settings import set_setting
    from wadesk.ui import dialogs

    with shop.session() as s:
        set_setting(s, "send_rate_per_second", 4)
    cid = freeze(shop, page.services.clock)
    page.open_campaign(cid)
    page.send(cid)
    qtbot.waitUntil(lambda: counts(shop, cid)["accepted"] >= 1, timeout=5000)
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    page.cancel(cid)
    wait_idle(qtbot, page)
    c = counts(shop, cid)
    assert state(shop, cid) == L.CAMPAIGN_CANCELLED and c["sending"] == c["queued"] == 0
    assert c["accepted"] + c["cancelled"] + c["failed"] == 12


def test_unknown_messages_send_again_or_mark_failed(qtbot, page, shop, fake_cloud_api, monkeypatch):
    from wadesk.ui import dialogs

    cid = freeze(shop, page.services.clock)
    page.send(cid)
    wait_idle(qtbot, page)
    assert counts(shop, cid)["accepted"] == 12
    with shop.session() as s:  # as after a crash: three rows in doubt
        for m in s.query(Message).filter(Message.campaign_id == cid).order_by(Message.id).limit(3):
            m.status = L.UNKNOWN
        s.get(Campaign, cid).status = L.DONE
    page.open_campaign(cid)
    qtbot.waitUntil(lambda: page.view.unknown_box.isVisibleTo(page.view), timeout=3000)
    assert "3 messages may or may not have gone out" in page.view.unknown_text.text()
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    page.view.resend_button.click()
    qtbot.waitUntil(lambda: counts(shop, cid)["queued"] == 3, timeout=3000)
    assert state(shop, cid) == L.READY
    page.send(cid)
    wait_idle(qtbot, page, 5000)
    assert counts(shop, cid)["accepted"] == 12 and len(fake_cloud_api.sent) == 15 and state(shop, cid) == L.DONE
    set_rows(shop, cid, L.UNKNOWN, 0)
    with shop.session() as s:
        s.query(Message).filter(Message.campaign_id == cid, Message.id.in_(
            [m.id for m in s.query(Message).filter(Message.campaign_id == cid).limit(2)])).update(
            {"status": L.UNKNOWN}, synchronize_session=False)
    page.open_campaign(cid)
    qtbot.waitUntil(lambda: page.view.unknown_box.isVisibleTo(page.view), timeout=3000)
    page.view.give_up_button.click()
    qtbot.waitUntil(lambda: counts(shop, cid)["failed"] == 2, timeout=3000)
    qtbot.waitUntil(lambda: not page.view.unknown_box.isVisibleTo(page.view), timeout=3000)


def test_stopped_campaign_says_why_and_what_to_do(qtbot, page, shop):
    cid = freeze(shop, page.services.clock)
    with shop.session() as s:
        c = s.get(Campaign, cid)
        c.status, c.stop_reason = L.STOPPED, "Your WhatsApp access token has expired (Meta error 190)."
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    assert page.model.index(0, 1).data() == "Stopped — needs you"
    assert "access token has expired" in page.model.index(0, 7).data()
    page.select(cid)
    assert page.send_button.text() == "Resume"
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter opens the selected campaign
    assert page.stack.currentWidget() is page.view
    qtbot.waitUntil(lambda: page.view.stop_box.isVisibleTo(page.view), timeout=3000)
    assert "access token has expired" in page.view.stop_text.text()
    assert "Settings → WhatsApp" in page.view.stop_text.text() and page.view.send_button.text() == "Resume"
    qtbot.keyClick(page.view, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.list_view


def test_test_send_goes_to_my_number_and_is_remembered(qtbot, page, shop, fake_cloud_api):
    from wadesk.ui.campaigns.test_send import remembered_numbers

    cid = freeze(shop, page.services.clock)
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    page.select(cid)
    page.test_button.click()
    dlg = page.test_dialog
    dlg.numbers.setText("98765 43210, 12")
    dlg.send_button.click()
    qtbot.waitUntil(lambda: dlg.results is not None, timeout=5000)
    assert [r.ok for r in dlg.results] == [True, False]
    assert "+919876543210" in dlg.result.text() and fake_cloud_api.sent[-1]["to"] == "+919876543210"
    assert remembered_numbers() == "98765 43210, 12"
    assert counts(shop, cid)["accepted"] == 0  # a test is not part of the campaign's numbers
    dlg.close()


def test_a_campaign_the_command_line_is_sending_gives_a_plain_error(qtbot, page, shop):
    from PySide6.QtWidgets import QMessageBox

    from wadesk.core.campaigns.lease import CampaignLease

    cid = freeze(shop, page.services.clock)
    with CampaignLease(shop, cid):  # as `wadesk campaign send` would hold it
        page.send(cid)
        qtbot.waitUntil(lambda: page.findChild(QMessageBox, "errorBox") is not None, timeout=5000)
    box = page.findChild(QMessageBox, "errorBox")
    assert "already being sent by another WaDesk" in box.text() and "Wait for it to finish" in box.text()
    assert counts(shop, cid)["accepted"] == 0 and state(shop, cid) == L.READY
    box.close()


def test_a_scheduled_campaign_starts_now_after_asking(qtbot, page, shop, monkeypatch):
    from datetime import timedelta

    from sqlalchemy import update

    from wadesk.core.clock import utc_naive
    from wadesk.ui import dialogs

    cid = freeze(shop, page.services.clock)
    later = utc_naive(page.services.clock.now()) + timedelta(hours=3)
    with shop.session() as s:
        c = s.get(Campaign, cid)
        c.status, c.scheduled_at = L.SCHEDULED, later
        s.execute(update(Message).where(Message.campaign_id == cid, Message.status == "queued")
                  .values(next_attempt_at=later))
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    page.select(cid)
    assert page.send_button.isEnabled() and page.send_button.text() == "Start now…"
    page.open_campaign(cid)
    qtbot.waitUntil(lambda: page.view.state.text() == "Scheduled", timeout=3000)
    assert page.view.send_button.text() == "Start now…" and "Starts by itself at" in page.view.meaning.text()
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda *a: asked.append(a) or False)
    page.view.send_button.click()
    assert asked and "instead of at" in asked[0][2] and state(shop, cid) == L.SCHEDULED  # "No": unchanged
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    page.view.send_button.click()
    qtbot.waitUntil(lambda: state(shop, cid) == L.DONE, timeout=10_000)
    c = counts(shop, cid)
    assert c["accepted"] + c["holdout"] == 12 and c["queued"] == 0
    wait_idle(qtbot, page)


def test_review_follows_settings_changed_meanwhile(qtbot, page, shop, services):
    from wadesk.core.settings import set_setting
    from wadesk.ui import events

    wz = wizard_to(qtbot, page, 5)
    assert "at 200 messages a second" in wz.steps[5].rows["plan"].text()
    with shop.session() as s:  # the owner followed "Rate card: Settings → Sending" and saved
        set_setting(s, "send_rate_per_second", 50)
    services.bus.notify(events.SETTINGS)
    qtbot.waitUntil(lambda: "at 50 messages a second" in wz.steps[5].rows["plan"].text(), timeout=5000)
    assert wz.state.request().policy.rate_per_second == 50
