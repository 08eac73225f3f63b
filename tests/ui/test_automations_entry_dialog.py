""""Edit who enters…" on the Automations page: the Segments rule builder on a flow's entry rules, its
live counts equal to the engine's, OK keeps the edit in the flow until Save, Cancel / Esc change
nothing, a problem keeps the dialog open with a sentence naming the condition."""
from __future__ import annotations

from datetime import timedelta

import pytest
import test_automations_page as base
from PySide6.QtCore import Qt
from test_automations_page import add, definition, reload

from wadesk.core.crm.totals import refresh_order_totals
from wadesk.core.db.models import Order
from wadesk.core.profile import refresh_profiles
from wadesk.ui.automations.entry_dialog import EntryDialog
from wadesk.ui.segments.condition_row import ConditionRow

# The page's fixtures (a sandbox shop of 12 customers, the page built on it with injected services).
no_pair_gap, shop, page = base.no_pair_gap, base.shop, base.page

STAGES = ("matched", "reachable", "opted_in", "not_suppressed", "eligible")
WIN_BACK = {"all": [{"field": "orders", "op": ">=", "value": 1},
                    {"field": "days_since_last_order", "op": ">=", "value": 60}]}


@pytest.fixture
def buyers(shop):
    """Customers 1-5 bought once, 1-3 twice (so "at least 1" and "at least 2" orders differ)."""
    now = shop.clock.now().replace(tzinfo=None)
    with shop.db.session() as s:
        for cid in (1, 2, 3, 4, 5, 1, 2, 3):
            s.add(Order(customer_id=cid, source="test", external_id=f"o{cid}-{len(s.new)}",
                        placed_at=now - timedelta(days=70), total=900, created_at=now, updated_at=now))
        s.flush()
        refresh_order_totals(s, [1, 2, 3, 4, 5])  # as every writer of orders does
    refresh_profiles(shop.db, clock=shop.clock)
    shop.segment_engine.invalidate()
    return shop


def open_dialog(qtbot, page) -> EntryDialog:
    page.view.edit_entry_button.click()
    dialog = page.dialog
    assert isinstance(dialog, EntryDialog) and dialog.isVisible()
    settle(qtbot, dialog)
    return dialog


def settle(qtbot, dialog, timeout=5000):
    """Wait until the numbers on screen answer the rules in the builder."""
    qtbot.waitUntil(lambda: dialog.counter.ready and not dialog.counter.busy and dialog.counter.last is not None
                    and dialog.counter.last[0] == dialog.rules(), timeout=timeout)


def shown(dialog) -> tuple:
    return tuple(dialog.funnel.number(s) for s in STAGES)


def expected(engine, rules) -> tuple:
    c = engine.count(rules)
    return tuple(getattr(c, s) for s in STAGES)


def test_edit_a_condition_with_live_counts_then_save_the_flow(qtbot, buyers, page, shop):
    fid = add(shop.db, shop.clock, "win_back")
    reload(qtbot, page, 1)
    view = page.view
    dialog = open_dialog(qtbot, page)
    assert dialog.rules() == WIN_BACK  # pre-filled with the flow's entry rules
    assert shown(dialog) == expected(shop.segment_engine, WIN_BACK)
    row = dialog.builder.rows()[0]
    assert isinstance(row, ConditionRow) and row.picker.key == "orders"
    row.value_editor.spin.setValue(2)  # orders at least 2
    edited = {"all": [{"field": "orders", "op": ">=", "value": 2}, WIN_BACK["all"][1]]}
    assert dialog.rules() == edited
    settle(qtbot, dialog)
    assert shown(dialog) == expected(shop.segment_engine, edited)
    assert shown(dialog) != expected(shop.segment_engine, WIN_BACK)  # the numbers followed the edit
    assert not view.dirty  # nothing reaches the flow before OK
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert "Orders is at least 2" in view.entry.text() and view.dirty and view.save_button.isEnabled()
    assert definition(shop.db, fid)[0].entry == WIN_BACK  # kept in the view until Save
    view.save_button.click()
    qtbot.waitUntil(lambda: definition(shop.db, fid)[0].entry == edited, timeout=5000)
    qtbot.waitUntil(lambda: not view.dirty, timeout=5000)


def test_a_whole_new_rule_built_in_the_dialog_and_applied_with_ctrl_enter(qtbot, buyers, page, shop):
    fid = add(shop.db, shop.clock, "win_back")
    reload(qtbot, page, 1)
    dialog = open_dialog(qtbot, page)
    dialog.builder.load({"all": []})
    row = dialog.builder.add_condition()
    row.picker.choose("orders")
    row.op.setCurrentIndex(row.op.findData(">="))
    row.value_editor.spin.setValue(2)
    rules = {"all": [{"field": "orders", "op": ">=", "value": 2}]}
    settle(qtbot, dialog)
    assert dialog.rules() == rules and shown(dialog) == expected(shop.segment_engine, rules)
    assert shown(dialog)[0] > 0
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()
    assert page.view.entry.text() == "Orders is at least 2"
    page.view.save_button.click()
    qtbot.waitUntil(lambda: definition(shop.db, fid)[0].entry == rules, timeout=5000)


def test_cancel_and_esc_change_nothing(qtbot, page, shop):
    fid = add(shop.db, shop.clock, "win_back")
    reload(qtbot, page, 1)
    view = page.view
    before = view.entry.text()
    for close in ("cancel", "esc"):
        dialog = open_dialog(qtbot, page)
        dialog.builder.rows()[0].value_editor.spin.setValue(5)
        if close == "cancel":
            dialog.cancel_button.click()
        else:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible()
        assert view.entry.text() == before and not view.dirty and not view.save_button.isEnabled()
    ok = open_dialog(qtbot, page)  # an untouched OK is no edit either
    ok.ok_button.click()
    assert not ok.isVisible() and not view.dirty
    assert definition(shop.db, fid)[0].entry == WIN_BACK


def test_a_problem_keeps_the_dialog_open_and_says_which_condition(qtbot, page, shop):
    add(shop.db, shop.clock, "win_back")
    reload(qtbot, page, 1)
    view = page.view
    dialog = open_dialog(qtbot, page)
    row = dialog.builder.add_condition()
    row.picker.choose("category_views")  # needs the category's name
    row.op.setCurrentIndex(row.op.findData(">"))
    row.value_editor.spin.setValue(3)
    qtbot.waitUntil(row.problem.isVisible, timeout=3000)  # marked as it is edited, counts paused
    assert dialog.funnel.number("matched") is None and "Fix the condition" in dialog.funnel.status.text()
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert dialog.message.isVisible()
    assert dialog.message.text() == ("Fix the 3rd condition (“Product views in category”), marked in red: "
                                     "type the category (or attribute) name in the box.")
    assert not view.dirty and "Product views" not in view.entry.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible() and not view.dirty
    row.key.edit.setText("skincare")  # fixed: the message goes, the counts come back
    assert not dialog.message.isVisible() and not row.problem.isVisible()
    settle(qtbot, dialog)
    assert shown(dialog) == expected(shop.segment_engine, dialog.rules())
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert "skincare" in view.entry.text() and view.dirty
