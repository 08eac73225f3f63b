"""The Segments page built alone over a small sample shop: presets, building rules with the widgets,
problems next to the condition, live counts equal to the engine's, save / reload, export, why."""
from __future__ import annotations

import csv
import io

import pytest
from PySide6.QtWidgets import QFileDialog

from wadesk.core.demo import build_sample_shop
from wadesk.core.profile import refresh_profiles
from wadesk.core.segments import SegmentEngine, find_preset
from wadesk.ui import dialogs
from wadesk.ui.pages.registry import default_factories
from wadesk.ui.segments import actions
from wadesk.ui.segments.condition_row import ConditionRow
from wadesk.ui.segments.page import SegmentsPage
from wadesk.ui.segments.choice_edit import ChoiceEdit

STAGE_KEYS = ("matched", "reachable", "opted_in", "not_suppressed", "eligible")


@pytest.fixture
def shop(db, clock):
    build_sample_shop(db, customers=300, seed=11, clock=clock)
    refresh_profiles(db, clock=clock)
    return SegmentEngine(db, clock)


@pytest.fixture
def page(qtbot, services, shop):
    p = SegmentsPage(services)
    qtbot.addWidget(p)
    p.resize(1280, 860)
    settle(qtbot, p)
    return p


def settle(qtbot, page, timeout=5000):
    """Wait until the counts on screen answer the rules in the builder."""
    qtbot.waitUntil(lambda: page.counter.ready and not page.counter.busy and page.counter.last is not None
                    and page.counter.last[0] == page.rules(), timeout=timeout)


def shown(page) -> tuple[int, ...]:
    return tuple(page.funnel.number(s) for s in STAGE_KEYS)


def expected(engine, rules) -> tuple[int, ...]:
    c = engine.count(rules)
    return tuple(getattr(c, s) for s in STAGE_KEYS)


def set_op(row: ConditionRow, op: str) -> None:
    row.op.setCurrentIndex(row.op.findData(op))


def test_starts_with_everyone_and_the_registry_builds_it(qtbot, page, services, shop):
    assert page.rules() == {"all": []}
    assert shown(page) == expected(shop, {"all": []}) and shown(page)[0] == 300
    assert "Everyone matches" in page.funnel.status.text()
    built = default_factories()["segments"](services)
    qtbot.addWidget(built)
    assert isinstance(built, SegmentsPage)
    settle(qtbot, built)


def test_preset_loads_and_counts_like_the_engine(qtbot, page, shop):
    preset = find_preset("COD risk users")
    page.library.click_preset("COD risk users")
    assert page.rules() == preset.rules  # the builder holds the preset exactly, editable
    assert page.editing.text() == "COD risk users" and "Preset:" in page.description.text()
    settle(qtbot, page)
    assert shown(page) == expected(shop, preset.rules) and shown(page)[0] > 0
    qtbot.waitUntil(lambda: page.sample.table.rowCount() == min(20, shown(page)[0]))
    # click through to the customers who can be messaged now
    page.funnel.buttons["eligible"].click()
    want = shop.ids(preset.rules, "eligible")[:20].tolist()
    qtbot.waitUntil(lambda: page.sample.ids == want)
    # why is this customer in?
    page.sample.table.selectRow(0)
    page.sample.why_button.click()
    qtbot.waitUntil(lambda: page.sample.why.isVisibleTo(page))
    lines = page.sample.why_lines()
    assert "is in this segment" in lines[0] and lines[1].startswith("✓ ALL of these")
    assert any("COD share is at least 50%" in line for line in lines)


def test_build_a_rule_by_driving_the_widgets(qtbot, page, shop):
    page.new_segment()
    page.builder.add_condition_button.click()
    row = page.builder.rows()[0]
    row.picker.search.setText("rto")  # the field search: the RTO fields and nothing else
    visible = [a.data() for a in row.picker.field_actions() if a.isVisible()]
    assert visible == ["rto_count", "rto_rate"]
    assert [c for c, sec in row.picker.sections.items() if sec.isVisible()] == ["Orders"]
    row.picker.search.setText("")
    row.picker.choose("orders")
    set_op(row, ">=")
    row.value_editor.spin.setValue(2)
    settle(qtbot, page)
    rules = {"all": [{"field": "orders", "op": ">=", "value": 2}]}
    assert page.rules() == rules and shown(page) == expected(shop, rules)

    group = page.builder.add_group()  # "any of" alternatives
    assert group.key == "any"
    group.add_condition_button.click()
    state = group.rows()[0]
    state.picker.choose("state")
    assert isinstance(state.value_editor, ChoiceEdit)
    labels = [a.text() for a in state.value_editor.value_actions()]
    assert any(label.startswith("Maharashtra  (") for label in labels)  # filled from the data, with counts
    state.value_editor.search.setText("kar")
    assert [a.data() for a in state.value_editor.value_actions() if a.isVisible()] == ["Karnataka"]
    state.value_editor.choose("Maharashtra", "Karnataka")
    group.add_condition_button.click()
    money = group.rows()[1]
    money.picker.choose("total_spent")
    assert money.value_editor.spin.prefix() == "₹ "
    set_op(money, ">")
    money.value_editor.spin.setValue(5000)
    settle(qtbot, page)
    rules = {"all": [{"field": "orders", "op": ">=", "value": 2},
                     {"any": [{"field": "state", "op": "in", "value": ["Maharashtra", "Karnataka"]},
                              {"field": "total_spent", "op": ">", "value": 5000}]}]}
    assert page.rules() == rules and shown(page) == expected(shop, rules)

    # negate, reorder, duplicate, delete
    money.negate.click()
    assert page.rules()["all"][1]["any"][1] == {"none": [{"field": "total_spent", "op": ">", "value": 5000}]}
    assert money.not_label.isVisibleTo(page)
    money.findChild(type(money.negate), "row_up").click()
    assert page.rules()["all"][1]["any"][0]["none"][0]["field"] == "total_spent"
    group.findChild(type(money.negate), "group_duplicate").click()
    assert page.rules()["all"][1] == page.rules()["all"][2]
    page.builder.items[2].findChild(type(money.negate), "group_delete").click()
    page.builder.items[0].findChild(type(money.negate), "row_down").click()
    assert page.rules()["all"][1]["field"] == "orders"
    settle(qtbot, page)
    assert shown(page) == expected(shop, page.rules())


def test_relative_dates_and_event_windows(qtbot, page, shop):
    page.new_segment()
    row = page.builder.add_condition()
    row.picker.choose("last_order_at")
    set_op(row, "in_last_days")
    row.value_editor.spin.setValue(60)
    ev = page.builder.add_condition()
    ev.picker.choose("event")
    ev.parts[0].event.setCurrentIndex(ev.parts[0].event.findData("added_to_cart"))
    window = ev.parts[1]
    window.mode.setCurrentIndex(window.mode.findData("days"))
    window.days.setValue(90)
    settle(qtbot, page)
    rules = {"all": [{"field": "last_order_at", "op": "in_last_days", "value": 60},
                     {"field": "event", "event": "added_to_cart", "op": "at_least", "value": 1, "days": 90}]}
    assert page.rules() == rules and shown(page) == expected(shop, rules)
    window.mode.setCurrentIndex(window.mode.findData("ever"))
    set_op(ev, "not_since")  # "has not added to cart in the last N days": the window switches to days
    assert ev.value_editor is None and window.mode.currentData() == "days"
    msg = page.builder.add_condition()
    msg.picker.choose("message")
    set_op(msg, "read")
    settle(qtbot, page)
    rules = {"all": [rules["all"][0], {"field": "event", "event": "added_to_cart", "op": "not_since", "days": 90},
                     {"field": "message", "op": "read"}]}
    assert page.rules() == rules and shown(page) == expected(shop, rules)


def test_conditions_in_plain_words():
    from wadesk.ui.segments.words import condition_words

    assert condition_words({"field": "aov", "op": ">", "value": 2000}) == "Average order value is more than ₹2,000"
    assert condition_words({"field": "event", "event": "checkout_started", "op": "at_least", "value": 1,
                            "days": 30}) == "Started checkout at least 1 time in the last 30 days"
    assert condition_words({"field": "order_activity", "measure": "count", "op": ">=", "value": 1, "days": 90,
                            "where": {"payment": "cod", "rto": True}}) == \
        "Number of orders in the last 90 days is at least 1 (only cash on delivery, returned (RTO))"
    assert condition_words({"field": "category_views", "key": "skincare", "op": ">", "value": 3}) == \
        "Product views in category “skincare” is more than 3"


def test_an_invalid_value_shows_the_engines_problem_next_to_the_condition(qtbot, page, shop):
    page.new_segment()
    page.builder.add_condition_button.click()
    row = page.builder.rows()[0]
    assert "Choose what this condition checks" in row.problem.text()
    row.picker.choose("category_views")  # needs a category
    set_op(row, ">")
    row.value_editor.spin.setValue(3)
    assert row.problem.isVisibleTo(page)
    assert "all › 1st (Product views in category >): name the category" in row.problem.toolTip()  # the engine's words
    assert row.problem.text() == "⚠ Type the category (or attribute) name in the box"
    assert page.sample.table.rowCount() == 0
    assert page.funnel.number("matched") is None and "Fix the condition" in page.funnel.status.text()
    assert not page.export_button.isEnabled()
    row.key.edit.setText("skincare")  # (typing would open the completer popup offscreen)
    assert not row.problem.isVisibleTo(page)
    settle(qtbot, page)
    rules = {"all": [{"field": "category_views", "key": "skincare", "op": ">", "value": 3}]}
    assert page.rules() == rules and shown(page) == expected(shop, rules)
    state = page.builder.add_condition()
    state.picker.choose("state")  # nothing ticked yet
    assert "2nd (State is one of): the value must be a non-empty list" in state.problem.toolTip()
    assert "tick one or more" in state.problem.text()


def test_save_reload_rename_duplicate_delete(qtbot, page, shop, monkeypatch):
    monkeypatch.setattr(actions, "ask_text", lambda *a, **k: "North-east COD")
    page.library.click_preset("COD risk users")
    page.builder.rows()[0].value_editor.spin.setValue(60)  # edit the preset, then save our version
    edited = page.rules()
    page.library.buttons["save"].click()
    qtbot.waitUntil(lambda: page.library.list.count() == 1)
    assert page.library.list.item(0).text() == "North-east COD" and page.segment_id is not None

    page.new_segment()
    assert page.rules() == {"all": []}
    item = page.library.list.item(0)
    page.library.list.setCurrentItem(item)
    page.library.list.itemClicked.emit(item)
    assert page.rules() == edited and page.editing.text() == "North-east COD"
    page.builder.rows()[0].value_editor.spin.setValue(70)
    assert page.editing.text() == "North-east COD  — changes not saved yet"
    page.builder.rows()[0].value_editor.spin.setValue(60)
    assert page.editing.text() == "North-east COD"
    settle(qtbot, page)
    assert shown(page) == expected(shop, edited)

    monkeypatch.setattr(actions, "ask_text", lambda *a, **k: "COD watch list")
    page.library.buttons["rename"].click()
    qtbot.waitUntil(lambda: page.library.list.count() == 1 and page.library.list.item(0).text() == "COD watch list")
    page.library.list.setCurrentRow(0)
    page.library.buttons["duplicate"].click()
    qtbot.waitUntil(lambda: page.library.list.count() == 2)
    assert page.editing.text() == "COD watch list (copy)"
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    page.library.list.setCurrentRow(0)
    page.library.buttons["delete"].click()
    qtbot.waitUntil(lambda: page.library.list.count() == 1)
    monkeypatch.setattr(actions, "ask_text", lambda *a, **k: "COD watch list (copy)")
    page.new_segment()
    page.library.buttons["save"].click()  # a name that is taken: said in plain words, nothing saved
    qtbot.waitUntil(lambda: "already a segment called" in page.message.text())


def test_export_members_to_csv(qtbot, page, shop, tmp_path, monkeypatch):
    out = tmp_path / "cod risk"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "CSV file (*.csv)"))
    page.library.click_preset("COD risk users")
    settle(qtbot, page)
    page.funnel.buttons["reachable"].click()
    page.export_button.click()
    qtbot.waitUntil(lambda: "Exported" in page.message.text())
    rows = list(csv.DictReader(io.StringIO((tmp_path / "cod risk.csv").read_text(encoding="utf-8-sig"))))
    want = shop.ids(find_preset("COD risk users").rules, "reachable").tolist()
    assert [int(r["id"]) for r in rows] == want


def test_stale_answers_are_dropped_and_data_changes_rebuild(qtbot, page, shop, services):
    page.new_segment()
    row = page.builder.add_condition()
    row.picker.choose("orders")
    set_op(row, ">=")
    for n in range(1, 6):  # typing fast: only the last value counts
        row.value_editor.spin.setValue(n)
    settle(qtbot, page)
    assert page.rules()["all"][0]["value"] == 5
    assert shown(page) == expected(shop, page.rules())
    page.counter._done(page.counter.generation - 1, {"all": []}, shop.count({"all": []}))
    assert page.counter.stale_dropped >= 1 and shown(page) == expected(shop, page.rules())
    builds = page.engine.builds
    services.bus.notify("orders")  # orders can change in place: always a rebuild (after a short pause)
    qtbot.waitUntil(lambda: page.engine.builds == builds + 1)
    settle(qtbot, page)
    assert shown(page) == expected(shop, page.rules())


def test_data_changed_elsewhere_is_noticed_when_the_page_is_shown(qtbot, page, db, clock):
    from wadesk.core.crm import customers

    assert page.funnel.number("matched") == 300
    with db.session() as s:  # e.g. the command line, with no broadcast to this window
        customers.create_customer(s, dict(first_name="Asha", phone="98765 00001"), now=clock.now())
    page.on_page_shown()
    qtbot.waitUntil(lambda: page.funnel.number("matched") == 301, timeout=5000)


def test_unsaved_changes_are_not_thrown_away_without_asking(qtbot, page, monkeypatch):
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: asked.append(a[2]) or False)
    page.library.click_preset("Funnel: TOFU")
    assert page.editing.text() == "New leads and visitors (TOFU)" and not asked  # nothing to lose yet
    page.builder.add_condition().picker.choose("orders")
    edited = page.rules()
    page.library.click_preset("COD risk users")
    assert asked and "not saved" in asked[0] and page.rules() == edited  # kept
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    page.new_segment()
    assert page.rules() == {"all": []}


def test_drag_moves_conditions_between_groups(qtbot, page, shop):
    from PySide6.QtCore import QMimeData

    from wadesk.ui.segments import drag

    page.load_rules({"all": [{"field": "orders", "op": ">=", "value": 2},
                             {"any": [{"field": "aov", "op": ">", "value": 2000}]}]})
    orders, group = page.builder.items
    mime = QMimeData()
    mime.setData(drag.MIME, b"1")
    drag.dragging[:] = [group]
    assert not drag.can_drop(group, mime)  # not into itself
    assert drag.can_drop(page.builder, mime)
    drag.dragging[:] = [orders]
    assert drag.can_drop(group, mime)
    drag.dragging.clear()
    assert drag.drop_index(group, 10_000) == 1  # below its only condition
    group.move_here(orders, 1)  # what dropping it there does
    assert page.rules() == {"all": [{"any": [{"field": "aov", "op": ">", "value": 2000},
                                             {"field": "orders", "op": ">=", "value": 2}]}]}
    orders.value_editor.spin.setValue(3)  # a moved row still reports its edits
    settle(qtbot, page)
    assert page.rules()["all"][0]["any"][1]["value"] == 3 and shown(page) == expected(shop, page.rules())
    inner = group.add_group()
    page.builder.move_here(inner, 0)  # a group dragged out takes the colours of its new depth
    assert inner.depth == 1
    page.builder.items[0].findChild(type(orders.negate), "group_delete").click()
    page.builder.move_here(orders, 0)  # and back out
    orders.findChild(type(orders.negate), "row_delete").click()  # its buttons act in its new group
    assert page.rules() == {"all": [{"any": [{"field": "aov", "op": ">", "value": 2000}]}]}


def test_one_segment_engine_per_app(qtbot, services, shop):
    assert services._segment_engine is None  # start-up does not pay for it
    engine = services.segment_engine
    assert services.segment_engine is engine and engine.db is services.db
    first, second = SegmentsPage(services), SegmentsPage(services)
    qtbot.addWidget(first)
    qtbot.addWidget(second)
    assert first.engine is engine and second.engine is engine
    settle(qtbot, first)
    settle(qtbot, second)


def test_saved_segment_tells_who_entered_and_left_since_last_time(qtbot, page, db, clock, services, monkeypatch):
    from wadesk.core.crm import customers as crm
    from wadesk.ui import events

    monkeypatch.setattr(actions, "ask_text", lambda *a, **k: "Everyone we know")
    page.new_segment()
    settle(qtbot, page)
    page.library.buttons["save"].click()
    qtbot.waitUntil(lambda: page.members_checked == 1, timeout=5000)
    assert "next time" in page.changes.text() and page.changes.isVisibleTo(page)

    with db.session() as s:  # someone new joins the shop
        crm.create_customer(s, {"first_name": "Newcomer", "phone": "+919847011111"}, now=clock.now(),
                            source="manual")
    updates = page.engine.builds + page.engine.patches
    services.bus.notify(events.CUSTOMERS)
    qtbot.waitUntil(lambda: page.engine.builds + page.engine.patches == updates + 1, timeout=5000)  # after a pause
    settle(qtbot, page)
    page.new_segment()
    assert not page.changes.isVisibleTo(page)
    item = page.library.list.item(0)
    page.library.list.setCurrentItem(item)
    page.library.list.itemClicked.emit(item)
    qtbot.waitUntil(lambda: page.members_checked == 2, timeout=5000)
    assert page.changes.text() == f"1 entered, 0 left since {clock.now():%d %b %Y}"
    assert page.changes.isVisibleTo(page)
