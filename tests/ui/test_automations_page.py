"""The Automations page against the fake Cloud API (sandbox mode): recipes, on/off with a refusal in
words, editing a step and the rules, Save's checks, Run now with results, the dry run; the app-wide
runner (one pass at a time) and the hooks (after an import, on a timer)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QTime, Qt
from PySide6.QtWidgets import QWidget
from sqlalchemy import func, select

from wadesk.core.automations.definition import FlowDefinition
from wadesk.core.automations.flows import add_flow, set_enabled
from wadesk.core.automations.runner import run_pass
from wadesk.core.db.automation_models import Flow
from wadesk.core.db.models import Customer, Message, Order
from wadesk.ui import events
from wadesk.ui.automations import page as page_module
from wadesk.ui.automations.app_hooks import AutomationHooks
from wadesk.ui.automations.page import AutomationsPage
from wadesk.ui.automations.runner import automation_runner
from wadesk.ui.whatsapp_env import SandboxProvider

from campaign_helpers import make_shop


@pytest.fixture(autouse=True)
def no_pair_gap(monkeypatch):
    from wadesk.core.campaigns import pacing

    monkeypatch.setattr(pacing.PAIR_GAP, "gap", 0.0)
    monkeypatch.setattr(pacing.PAIR_GAP, "_next", {})


@pytest.fixture
def shop(services, fake_cloud_api, clock):
    make_shop(services.db, fake_cloud_api, clock)
    return services


@pytest.fixture
def page(qtbot, shop, fake_cloud_api):
    p = AutomationsPage(shop, SandboxProvider(server=fake_cloud_api))
    qtbot.addWidget(p)
    p.resize(1280, 860)
    p.show()
    qtbot.waitUntil(lambda: p.loaded, timeout=5000)
    return p


def add(db, clock, recipe, on=False, **changes):
    import dataclasses

    from wadesk.core.automations.recipes import find_recipe

    d = dataclasses.replace(find_recipe(recipe).definition, **changes)
    with db.session() as s:
        f = add_flow(s, now=clock.now(), sandbox=True, recipe=recipe, definition=d)
        if on:
            set_enabled(s, f.id, True, now=clock.now())
        return f.id


def definition(db, flow_id) -> tuple[FlowDefinition, bool, str]:
    with db.session() as s:
        f = s.get(Flow, flow_id)
        return FlowDefinition.from_json(f.definition), f.enabled, f.name


def reload(qtbot, p, n_flows):
    p.refresh()
    qtbot.waitUntil(lambda: p.page_data is not None and len(p.page_data.flows) == n_flows, timeout=5000)


def become_ad_leads(services, *ids):
    with services.db.session() as s:
        for cid in ids:
            c = s.get(Customer, cid)
            c.channel = "ctwa"
            c.updated_at = services.clock.now().replace(tzinfo=None)
    services.segment_engine.invalidate()


def automation_messages(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Message).where(Message.purpose == "automation")) or 0


def test_empty_page_then_a_flow_from_a_recipe(qtbot, page):
    assert page.empty.isVisible() and not page.table.isVisible()
    page.run_now()
    qtbot.waitUntil(lambda: page.runner.last is not None, timeout=5000)
    assert "no flow is switched on" in page.pass_status.text()
    page.new_flow()
    dialog = page.dialog
    assert dialog.list.count() == 7
    assert "Abandoned cart" in dialog.labels[0][1].text() and "1 hour" in dialog.labels[0][1].text()
    dialog.list.setCurrentRow(0)
    dialog.accept()
    qtbot.waitUntil(lambda: page.page_data is not None and len(page.page_data.flows) == 1, timeout=5000)
    assert page.table.item(0, 1).text() == "Abandoned cart"
    assert page.table.item(0, 0).checkState() == Qt.CheckState.Unchecked  # added switched off
    view = page.view
    assert "Added to cart at least 1 time in the last 2 days" in view.entry.text()
    assert [c.findChild(QWidget, "stepWhen").text().split("· ")[1] for c in view.cards] == [
        "1 hour after entering", "23 hours later"]
    # each step's message in a WhatsApp bubble, for a real customer
    qtbot.waitUntil(lambda: all(c.chat.bubble is not None for c in view.cards), timeout=10_000)
    assert "Name" in view.cards[0].chat.bubble.body.text()
    assert view.exit_boxes["purchased"].isChecked() and not view.exit_boxes["left_segment"].isChecked()
    assert view.after.isChecked() and view.after_days.value() == 14 and view.holdout.value() == 10
    assert not view.save_button.isEnabled()  # nothing edited yet


def test_switching_on_a_step_without_template_is_refused_in_words(qtbot, page, shop):
    fid = add(shop.db, shop.clock, "review_request")
    reload(qtbot, page, 1)
    assert "No template yet" in page.view.cards[0].template_label.text()
    page.table.item(0, 0).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: page.banner.isVisible(), timeout=5000)
    assert "Choose a template for step 1" in page.banner.text()
    assert definition(shop.db, fid)[1] is False
    qtbot.waitUntil(lambda: page.table.item(0, 0).checkState() == Qt.CheckState.Unchecked, timeout=5000)


def test_edit_a_step_and_the_rules_then_save_and_switch_on(qtbot, page, shop):
    fid = add(shop.db, shop.clock, "review_request")
    reload(qtbot, page, 1)
    view = page.view
    page.edit_step(0)
    dialog = page.dialog
    assert dialog.template.count() > 1  # the approved, synced templates
    dialog.template.setCurrentIndex(dialog.template.findText("cart_reminder (en) · Marketing"))
    qtbot.waitUntil(lambda: bool(dialog.editor.rows), timeout=5000)
    qtbot.waitUntil(lambda: dialog.chat.bubble is not None, timeout=10_000)  # a customer's message
    dialog.wait.days.setValue(3)
    dialog.wait.at_box.setChecked(True)
    dialog.wait.at.setTime(QTime(9, 30))
    assert dialog.wait.words.text() == "→ 3 days after entering, at 09:30"
    dialog.accept()
    assert not dialog.isVisible()
    assert "cart_reminder" in view.cards[0].template_label.text() and view.save_button.isEnabled()
    view.exit_boxes["purchased"].setChecked(True)
    view.never.setChecked(True)
    view.holdout.setValue(20)
    view.name.setText("Reminder after delivery")
    view.name.textEdited.emit("Reminder after delivery")
    view.save_button.click()
    qtbot.waitUntil(lambda: definition(shop.db, fid)[2] == "Reminder after delivery", timeout=5000)
    d, enabled, _name = definition(shop.db, fid)
    step = d.steps[0]
    assert (step.template, step.language, step.wait.days, step.wait.at) == ("cart_reminder", "en", 3, "09:30")
    assert step.mapping["variables"]["body.1"]["source"] == "field"
    assert (set(d.exits), d.reentry_days, d.holdout_pct) == ({"purchased", "replied", "opted_out"}, None, 20)
    qtbot.waitUntil(lambda: not view.save_button.isEnabled(), timeout=5000)
    page.table.item(0, 0).setCheckState(Qt.CheckState.Checked)  # now it has a template: it goes on
    qtbot.waitUntil(lambda: definition(shop.db, fid)[1], timeout=5000)
    assert not page.banner.isVisible()


def test_save_checks_in_words_and_changes_nothing(qtbot, page, shop):
    fid = add(shop.db, shop.clock, "abandoned_cart", on=True)
    reload(qtbot, page, 1)
    before = definition(shop.db, fid)
    view = page.view
    view.name.setText("")
    view.name.textEdited.emit("")
    view.save_button.click()
    assert view.problem.text() == "Give the flow a name."
    view.name.setText("Abandoned cart")
    view.name.textEdited.emit("Abandoned cart")
    from wadesk.core.automations.definition import Step

    view.replace_step(1, Step(None))  # the flow is on: every step needs a template
    view.save_button.click()
    assert "Choose a template for step 2" in view.problem.text()
    qtbot.wait(100)
    assert definition(shop.db, fid) == before
    view.revert_button.click()
    assert not view.dirty and "cart_reminder" in view.cards[1].template_label.text()


def test_run_now_sends_what_is_due_and_shows_results(qtbot, page, shop, fake_cloud_api):
    fid = add(shop.db, shop.clock, "ctwa_welcome", on=True, holdout_pct=0)
    page.run_now()  # the starting point: today's members are not messaged
    qtbot.waitUntil(lambda: page.runner.last is not None and not page.runner.running, timeout=10_000)
    assert page.runner.last.result.enrolled == 0
    become_ad_leads(shop, 3, 4)
    page.run_now()
    assert page.progress.isVisible() and page.stop_button.isVisible() and not page.run_button.isEnabled()
    qtbot.waitUntil(lambda: not page.runner.running, timeout=15_000)
    r = page.runner.last.result
    assert (r.enrolled, r.sent) == (2, 2), r.as_json()
    assert "2 entered · 2 sent" in page.pass_status.text()
    assert not page.progress.isVisible() and page.run_button.isEnabled()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1 and page.table.item(0, 4).text() == "2", timeout=5000)
    assert page.table.item(0, 3).text() == "2"
    with shop.db.session() as s:  # customer 3 buys: a conversion for the flow
        now = shop.clock.now().replace(tzinfo=None)
        s.add(Order(customer_id=3, source="test", external_id="o3", placed_at=now, total=1500, created_at=now,
                    updated_at=now))
    shop.bus.notify(events.ORDERS)
    qtbot.waitUntil(lambda: "<b>1</b> bought within 7 days" in page.view.results.text(), timeout=5000)
    assert "₹1,500" in page.view.results.text() and "2</b> sent" in page.view.results.text()
    page.run_now()  # nobody gets a step twice
    qtbot.waitUntil(lambda: not page.runner.running, timeout=10_000)
    assert automation_messages(shop.db) == 2 and definition(shop.db, fid)[1]


def test_dry_run_lists_who_would_get_what(qtbot, page, shop, fake_cloud_api):
    add(shop.db, shop.clock, "ctwa_welcome", on=True, holdout_pct=0)
    run_pass(shop.db, None, sandbox=True, engine=shop.segment_engine, clock=shop.clock)  # the starting point
    become_ad_leads(shop, 5, 6)
    page.dry_run()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.objectName() == "dryRunDialog", timeout=10_000)
    table = page.dialog.table
    assert table.rowCount() == 2
    assert {table.item(i, 1).text() for i in range(2)} == {"Customer 5 (new)", "Customer 6 (new)"}
    assert table.item(0, 4).text() == "back_in_stock"
    assert automation_messages(shop.db) == 0  # a dry run sends and saves nothing


def test_unsaved_changes_are_asked_about_when_another_flow_is_chosen(qtbot, page, shop, monkeypatch):
    add(shop.db, shop.clock, "abandoned_cart")
    add(shop.db, shop.clock, "win_back")
    reload(qtbot, page, 2)
    page.view.holdout.setValue(30)
    asked = []
    monkeypatch.setattr(page_module, "ask", lambda *a: asked.append(a[2]) or False)
    page.table.selectRow(1)
    assert asked and "Abandoned cart" in asked[0]
    assert page.view.saved_name == "Abandoned cart" and page.view.holdout.value() == 30  # kept editing
    monkeypatch.setattr(page_module, "ask", lambda *a: True)
    page.table.selectRow(1)
    assert page.view.saved_name.startswith("Win-back") and not page.view.dirty


def test_the_runner_never_runs_two_passes_at_once(qtbot, shop, fake_cloud_api):
    runner = automation_runner(shop, SandboxProvider(server=fake_cloud_api))
    add(shop.db, shop.clock, "ctwa_welcome", on=True, holdout_pct=0)
    started: list[str] = []
    runner.started.connect(started.append)
    assert runner.run("now") is True
    assert runner.run("import") is False  # remembered, run once the first ends
    assert runner.run("timer") is False
    qtbot.waitUntil(lambda: len(started) == 2 and not runner.running, timeout=15_000)
    assert started == ["now", "import"]


def test_hooks_run_a_pass_after_an_import_and_on_a_timer(qtbot, shop, fake_cloud_api):
    window = QWidget()
    qtbot.addWidget(window)
    runner = automation_runner(shop, SandboxProvider(server=fake_cloud_api))
    started: list[str] = []
    runner.started.connect(started.append)
    hooks = AutomationHooks(window, shop, runner, every_ms=60_000, after_change_ms=30)
    shop.bus.notify(events.EVERYTHING)  # a sample shop or a restore is not customer activity
    shop.bus.notify(events.SETTINGS)
    qtbot.wait(150)
    assert started == []
    shop.bus.notify(events.CUSTOMERS, events.ORDERS, events.EVENTS, events.TAGS)  # what an import says
    shop.bus.notify(events.PROFILES)
    qtbot.waitUntil(lambda: started == ["import"], timeout=3000)  # two announcements, one pass
    qtbot.waitUntil(lambda: not runner.running, timeout=10_000)
    hooks.timer.setInterval(50)
    hooks.start(delay_ms=60_000)
    qtbot.waitUntil(lambda: "timer" in started, timeout=3000)
    hooks.stop()


def test_entry_rules_from_a_saved_segment_or_a_preset(qtbot, page, shop):
    from wadesk.core.segments import PRESETS, save_segment

    with shop.db.session() as s:
        save_segment(s, "VIP buyers", {"all": [{"field": "orders", "op": ">=", "value": 3}]})
    fid = add(shop.db, shop.clock, "win_back", on=True)
    run_pass(shop.db, None, sandbox=True, engine=shop.segment_engine, clock=shop.clock)  # the starting point
    reload(qtbot, page, 1)
    view = page.view
    view._fill_entry_menu()
    names = [a.text() for a in view.entry_menu.actions() if not a.isSeparator()]
    assert "VIP buyers" in names and PRESETS[0].name in names
    next(a for a in view.entry_menu.actions() if a.text() == "VIP buyers").trigger()
    assert view.entry.text() == "Orders is at least 3" and view.dirty
    view.save_button.click()
    qtbot.waitUntil(lambda: definition(shop.db, fid)[0].entry["all"][0]["value"] == 3, timeout=5000)
    with shop.db.session() as s:  # new rules start afresh: today's members are not "newly matching"
        assert s.get(Flow, fid).last_members is None


def test_removing_a_step_completes_who_waited_for_it(qtbot, page, shop, fake_cloud_api):
    from wadesk.core.db.automation_models import FlowEnrolment

    fid = add(shop.db, shop.clock, "abandoned_cart", on=True, holdout_pct=0)
    with shop.db.session() as s:  # one customer had step 1 and waits for step 2
        s.add(FlowEnrolment(flow_id=fid, customer_id=2, state="active", active_key=f"{fid}:2", step=1,
                            next_step_at=shop.clock.now().replace(tzinfo=None),
                            entered_at=shop.clock.now().replace(tzinfo=None)))
    reload(qtbot, page, 1)
    page.view.remove_step(1)
    page.view.save_button.click()
    qtbot.waitUntil(lambda: len(definition(shop.db, fid)[0].steps) == 1, timeout=5000)
    with shop.db.session() as s:
        e = s.scalars(select(FlowEnrolment).where(FlowEnrolment.flow_id == fid)).one()
        assert (e.state, e.active_key, e.next_step_at) == ("completed", None, None)
    r = run_pass(shop.db, None, sandbox=True, engine=shop.segment_engine, clock=shop.clock)
    assert r.notes == [] and r.queued == 0  # the pass does not trip over the missing step


def test_delete_a_flow_after_asking(qtbot, page, shop, monkeypatch):
    from wadesk.ui import dialogs

    keep = add(shop.db, shop.clock, "abandoned_cart")
    gone = add(shop.db, shop.clock, "ctwa_welcome")
    reload(qtbot, page, 2)
    page.select(gone)
    qtbot.waitUntil(lambda: page.view.flow_id == gone, timeout=5000)
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda *a: asked.append(a) or False)
    page.view.delete_button.click()
    assert asked and "Delete the flow" in asked[0][2] and definition(shop.db, gone)
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    page.activateWindow()
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus, timeout=3000)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)  # the Delete key in the list does the same
    qtbot.waitUntil(lambda: page.page_data is not None and len(page.page_data.flows) == 1, timeout=5000)
    with shop.db.session() as s:
        assert s.get(Flow, gone) is None and s.get(Flow, keep) is not None
    assert page.table.item(0, 1).text() == "Abandoned cart"
