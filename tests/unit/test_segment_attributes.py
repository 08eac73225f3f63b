"""Custom attributes from imports in rules: compared as text or as numbers ("loyalty_points > 500")."""
from __future__ import annotations

import pytest

from tests.unit._shop_builder import Shop
from wadesk.core.segments import SegmentEngine, problems


@pytest.fixture
def shop(db, clock):
    values = {1: "1,200", 2: "500", 3: "₹ 750", 4: "lots", 5: None, 6: 900}
    with db.session() as s:
        sh = Shop(s)
        for cid, points in values.items():
            attrs = {"custom": {"loyalty_points": points, "skin": "Oily" if cid % 2 else "dry"}} if points else {}
            if cid == 6:  # a number stored as a JSON number, at the top level (older data)
                attrs = {"loyalty_points": points}
            sh.customer(cid, attributes=attrs)
        s.commit()
    return SegmentEngine(db, clock)


def _ids(engine, op, value=None, field="attribute_number", key="loyalty_points"):
    cond = {"field": field, "key": key, "op": op}
    if value is not None:
        cond["value"] = value
    return sorted(engine.ids({"all": [cond]}).tolist())


def test_numeric_comparisons_on_a_custom_attribute(shop):
    assert _ids(shop, ">", 500) == [1, 3, 6]
    assert _ids(shop, ">=", 500) == [1, 2, 3, 6]
    assert _ids(shop, "<", 800) == [2, 3]
    assert _ids(shop, "=", 1200) == [1]
    assert _ids(shop, "between", [600, 1000]) == [3, 6]
    # "lots" is not a number and 5 has none: only the negative operators take them
    assert _ids(shop, "is_set") == [1, 2, 3, 6]
    assert _ids(shop, "is_not_set") == [4, 5]
    assert _ids(shop, "!=", 500) == [1, 3, 4, 5, 6]


def test_text_attribute_reads_the_imported_custom_section(shop):
    rules = {"all": [{"field": "attribute", "key": "skin", "op": "is", "value": "oily"}]}
    assert sorted(shop.ids(rules).tolist()) == [1, 3]


def test_attribute_names_for_the_builder(shop):
    names = dict(shop.attribute_names())
    assert names["loyalty_points"] == 5 and names["skin"] == 4


def test_bad_numeric_attribute_rules_name_the_condition():
    found = problems({"all": [{"field": "attribute_number", "key": "loyalty_points", "op": ">", "value": "many"}]})
    assert "all › 1st (Custom attribute (number) >): the value must be a number, not 'many'" in str(found[0])
    found = problems({"all": [{"field": "attribute_number", "op": ">", "value": 5}]})
    assert "name the category or attribute" in str(found[0])
    found = problems({"all": [{"field": "attribute_number", "key": "x", "op": "contains", "value": "5"}]})
    assert "'contains' is not an operator" in str(found[0])


@pytest.fixture
def birthdays(db, clock):
    """Today is 2026-11-28 (the test clock). Birthdays written as shops write them."""
    values = {1: "1990-11-28", 2: "30/11/1985", 3: "05 Dec 2001", 4: "1992-02-29", 5: "27/11/1990",
              6: "soon", 7: None, 8: "1988-12-31 00:00:00", 9: "03/12/1999"}
    with db.session() as s:
        sh = Shop(s)
        for cid, born in values.items():
            sh.customer(cid, attributes={"custom": {"birthday": born}} if born else {})
        s.commit()
    return SegmentEngine(db, clock)


def _born(engine, op, value=None):
    return _ids(engine, op, value, field="attribute_date", key="birthday")


def test_a_date_attribute_is_read_as_imports_read_dates(birthdays):
    assert _born(birthdays, "is_set") == [1, 2, 3, 4, 5, 8, 9]  # "soon" is not a date
    assert _born(birthdays, "before", "1990-01-01") == [2, 8]
    assert _born(birthdays, "between", ["1990-11-27", "1990-11-28"]) == [1, 5]
    assert _born(birthdays, "after", "1999-12-02") == [3, 9]  # 03/12/1999 is 3 December (day first)


def test_birthdays_coming_round_ignore_the_year(birthdays):
    assert _born(birthdays, "yearly_in_next_days", 0) == [1]  # today
    assert _born(birthdays, "yearly_in_next_days", 7) == [1, 2, 3, 9]  # 27 Nov was yesterday: next year
    assert _born(birthdays, "yearly_in_next_days", 33) == [1, 2, 3, 8, 9]
    assert _born(birthdays, "yearly_in_next_days", 92) == [1, 2, 3, 4, 8, 9]  # 29 Feb comes round on 28 Feb 2027
    assert _born(birthdays, "yearly_in_next_days", 364) == [1, 2, 3, 4, 5, 8, 9]


def test_the_shops_month_first_setting_reads_slash_dates_month_first(db, clock):
    from wadesk.core.settings import set_setting

    with db.session() as s:
        Shop(s).customer(1, attributes={"custom": {"birthday": "12/03/1999"}})
        set_setting(s, "import_date_order", "mdy")
        s.commit()
    engine = SegmentEngine(db, clock)
    assert engine.ids({"all": [{"field": "attribute_date", "key": "birthday", "op": "yearly_in_next_days",
                                "value": 5}]}).tolist() == [1]  # 3 December


def test_bad_date_attribute_rules_name_the_condition():
    found = problems({"all": [{"field": "attribute_date", "key": "birthday", "op": "yearly_in_next_days",
                               "value": -1}]})
    assert "the number of days can't be negative" in str(found[0])
    found = problems({"all": [{"field": "attribute_date", "key": "birthday", "op": "before", "value": "someday"}]})
    assert "must be a date" in str(found[0])
