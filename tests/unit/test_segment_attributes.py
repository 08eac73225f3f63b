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


def _ids(engine, op, value=None):
    cond = {"field": "attribute_number", "key": "loyalty_points", "op": op}
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
