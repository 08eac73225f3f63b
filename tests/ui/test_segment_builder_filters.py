"""Every condition the engine supports can be edited in the builder: each order and event filter,
dated windows (between / since / before), and numbers in custom attributes."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.ui.test_segments_page import expected, page, set_op, settle, shop, shown  # noqa: F401 (fixtures)
from wadesk.core.db.models import Customer
from wadesk.core.segments.fields import EVENT_FILTERS, ORDER_FILTERS
from wadesk.ui.segments.choice_edit import ChoiceEdit
from wadesk.ui.segments.filter_editors import ComboEdit, FiltersPart
from wadesk.ui.segments.value_editors import NumberEdit, TextEdit
from wadesk.ui.segments.window_editors import WindowPart

# A value for each filter, set through its widget.
VALUES = {"payment": "cod", "payment_method": ["COD"], "status": ["delivered", "rto"], "rto": False,
          "category": ["skincare"], "sku": ["SKU-1"], "product": ["Serum"], "discount": True,
          "discount_code": ["DIWALI20"], "min_total": 500, "max_total": 5000,
          "min_value": 100, "max_value": 9000, "sale": True, "min_pdp_seconds": 90}


def _part(row, cls):
    return next(p for p in row.parts if isinstance(p, cls))


def _set(editor, value):
    if isinstance(editor, ChoiceEdit):
        editor.choose(*value)
    elif isinstance(editor, ComboEdit):
        editor.combo.setCurrentIndex(editor.combo.findData(value))
    elif isinstance(editor, NumberEdit):
        editor.spin.setValue(value)
    else:
        assert isinstance(editor, TextEdit)
        editor.edit.setText(", ".join(value))


@pytest.mark.parametrize("field, filters", [("order_activity", ORDER_FILTERS), ("event", EVENT_FILTERS)])
def test_every_filter_is_offered_and_editable(qtbot, page, shop, field, filters):
    page.new_segment()
    row = page.builder.add_condition()
    row.picker.choose(field)
    part = _part(row, FiltersPart)
    part.menu.aboutToShow.emit()  # what opening "+ Filter" does
    offered = {a.data() for a in part.menu.actions() if a.isEnabled()}
    assert offered == set(filters)  # every filter the engine knows, nothing it doesn't
    for key in filters:
        action = next(a for a in part.menu.actions() if a.data() == key)
        action.trigger()
        _set(part.chip(key).editor, VALUES[key])
    part.menu.aboutToShow.emit()
    assert not any(a.isEnabled() for a in part.menu.actions())  # each filter once
    where = page.rules()["all"][0]["where"]
    assert where == {k: VALUES[k] for k in filters}
    settle(qtbot, page)
    assert not page.problems and shown(page) == expected(shop, page.rules())
    # remove one: it leaves the rule
    part.chip("category").findChild(type(part.add_button), "removeFilter").click()
    assert "category" not in page.rules()["all"][0]["where"]


def test_a_filter_without_a_value_says_so_beside_the_condition(qtbot, page, shop):
    page.new_segment()
    row = page.builder.add_condition()
    row.picker.choose("order_activity")
    _part(row, FiltersPart).add_filter("sku")
    assert page.problems and row.problem.isVisibleTo(page)
    assert "needs at least one value" in row.problem.text()
    _set(_part(row, FiltersPart).chip("sku").editor, ["SKU-1"])
    assert not page.problems and not row.problem.isVisibleTo(page)


def _dates(window: WindowPart, start: str | None = None, end: str | None = None) -> None:
    if start:
        window.start.set_value(start)
    if end:
        window.end.set_value(end)


def test_dated_windows_are_editable(qtbot, page, shop):
    page.new_segment()
    orders = page.builder.add_condition()
    orders.picker.choose("order_activity")
    w = _part(orders, WindowPart)
    w.mode.setCurrentIndex(w.mode.findData("between"))
    _dates(w, "2026-11-01", "2026-09-01")  # the wrong way round is put right
    assert {k: page.rules()["all"][0].get(k) for k in ("from", "to")} == {"from": "2026-09-01", "to": "2026-11-01"}
    w.mode.setCurrentIndex(w.mode.findData("since"))
    assert page.rules()["all"][0]["from"] == "2026-11-01" and "to" not in page.rules()["all"][0]
    w.mode.setCurrentIndex(w.mode.findData("before"))
    _dates(w, end="2026-10-01")
    assert page.rules()["all"][0]["to"] == "2026-09-30" and "from" not in page.rules()["all"][0]

    ev = page.builder.add_condition()
    ev.picker.choose("event")
    set_op(ev, "not_since")  # "has not …": only "in the last N days" or "since a date"
    w = _part(ev, WindowPart)
    assert [w.mode.itemData(i) for i in range(w.mode.count())] == ["days", "since"]
    w.mode.setCurrentIndex(w.mode.findData("since"))
    _dates(w, "2026-10-15")
    assert page.rules()["all"][1] == {"field": "event", "event": "product_viewed", "op": "not_since",
                                      "since": "2026-10-15"}
    set_op(ev, "at_least")
    assert w.mode.count() == 5 and page.rules()["all"][1]["from"] == "2026-10-15"
    settle(qtbot, page)
    assert not page.problems and shown(page) == expected(shop, page.rules())


def test_rules_with_every_filter_and_dated_windows_load_unchanged(qtbot, page):
    rules = {"all": [
        {"field": "order_activity", "measure": "sum", "op": ">=", "value": 1000, "from": "2026-01-01",
         "to": "2026-06-30", "where": {k: VALUES[k] for k in ORDER_FILTERS}},
        {"field": "event", "event": "pdp_time", "op": "at_most", "value": 2, "days": 14,
         "where": {k: VALUES[k] for k in EVENT_FILTERS}},
        {"field": "event", "event": "session", "op": "not_since", "since": "2026-10-01"},
        {"field": "order_activity", "measure": "count", "op": ">=", "value": 1, "to": "2026-03-31"},
        {"field": "message", "op": "clicked", "campaign": 3, "from": "2026-11-01"},
    ]}
    page.load_rules(rules)
    assert page.rules() == rules


def attribute_condition(qtbot, services, db, key, value_of, field):
    """The first 40 customers get custom attribute `key` = value_of(i); a new segment with one
    condition on `field` (the page and its row)."""
    from wadesk.ui.segments.page import SegmentsPage

    with db.session() as s:
        for i, c in enumerate(s.scalars(select(Customer).order_by(Customer.id).limit(40))):
            c.attributes = {**(c.attributes or {}), "custom": {key: value_of(i)}}
        s.commit()
    p = SegmentsPage(services)
    qtbot.addWidget(p)
    settle(qtbot, p)
    p.new_segment()
    row = p.builder.add_condition()
    row.picker.choose(field)
    return p, row


def test_a_number_in_a_custom_attribute(qtbot, services, db, clock, shop):
    p, row = attribute_condition(qtbot, services, db, "loyalty_points", lambda i: f"{i * 50:,}", "attribute_number")
    assert row.key.isVisibleTo(p)
    assert "loyalty_points" in row.key.edit.completer().model().stringList()  # names from the data
    row.key.edit.setText("loyalty_points")
    set_op(row, ">")
    row.value_editor.spin.setValue(500)
    settle(qtbot, p)
    rules = {"all": [{"field": "attribute_number", "key": "loyalty_points", "op": ">", "value": 500}]}
    assert p.rules() == rules and shown(p)[0] == 29 == expected(shop, rules)[0]  # 550 … 1,950


def test_birthdays_this_week_from_a_date_attribute(qtbot, services, db, clock, shop):
    from wadesk.ui.segments.words import condition_words

    # the test clock says 28 November: every fifth customer's birthday is in 3 days
    p, row = attribute_condition(qtbot, services, db, "birthday", lambda i: "01/12/1990" if i % 5 == 0 else "15/06/1990",
                                 "attribute_date")
    row.key.edit.setText("birthday")
    set_op(row, "yearly_in_next_days")
    row.value_editor.spin.setValue(7)
    settle(qtbot, p)
    rules = {"all": [{"field": "attribute_date", "key": "birthday", "op": "yearly_in_next_days", "value": 7}]}
    assert p.rules() == rules and shown(p)[0] == 8 == expected(shop, rules)[0]
    assert "comes round in the next 7 days (any year)" in condition_words(rules["all"][0])


def test_campaigns_are_picked_by_name(qtbot, services, db, clock, shop):
    from wadesk.core.db.models import Campaign
    from wadesk.ui.segments.page import SegmentsPage
    from wadesk.ui.segments.window_editors import CampaignPart

    with db.session() as s:
        for cid, name in ((41, "Diwali sale"), (42, "Winter launch")):
            s.add(Campaign(id=cid, name=name, created_at=clock.now(), updated_at=clock.now()))
        s.commit()
    p = SegmentsPage(services)
    qtbot.addWidget(p)
    p.load_rules({"all": [{"field": "message", "op": "read", "campaign": 41}]})  # before the data is read
    settle(qtbot, p)
    part = _part(p.builder.rows()[0], CampaignPart)
    names = [part.campaign.itemText(i) for i in range(part.campaign.count())]
    assert names == ["any campaign", "Winter launch", "Diwali sale"] and part.campaign.currentText() == "Diwali sale"
    part.campaign.setCurrentIndex(part.campaign.findText("Winter launch"))
    set_op(p.builder.rows()[0], "clicked")
    settle(qtbot, p)
    assert p.rules() == {"all": [{"field": "message", "op": "clicked", "campaign": 42}]}
    assert shown(p) == expected(shop, p.rules())
