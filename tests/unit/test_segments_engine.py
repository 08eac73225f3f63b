"""The segment engine: validation errors, reachability, windows, explain, saved segments, export,
and presets with members in the sample shop."""
from __future__ import annotations

import csv
import io

import pytest

from tests.unit._shop_builder import NOW, Shop
from wadesk.core.db.models import Campaign
from wadesk.core.demo import build_sample_shop
from wadesk.core.profile import refresh_profiles
from wadesk.core.segments import (
    FIELDS, PRESETS, ReachPolicy, RuleError, SegmentEngine, catalogue, delete_segment, duplicate_segment,
    export_segment, find_preset, find_segment, list_segments, problems, validate, rename_segment, save_segment,
)


def test_catalogue_is_complete_for_the_builder():
    cat = catalogue()
    assert {f["category"] for f in cat} == {"Profile", "Orders", "Behaviour", "Messages", "Scores", "Pipeline"}
    assert {f["type"] for f in cat} >= {"text", "number", "money", "date", "boolean", "choice", "tags", "list"}
    assert all(f["operators"] for f in cat)
    assert next(f for f in cat if f["key"] == "rfm_group")["choices"][0] == "Champions"


@pytest.mark.parametrize("rules, message", [
    ({"all": [{"field": "nope", "op": "=", "value": 1}]}, "all › 1st: unknown field 'nope'"),
    ({"any": [{"field": "orders", "op": ">=", "value": 1}, {"field": "orders", "op": "contains", "value": "x"}]},
     "any › 2nd (Orders): 'contains' is not an operator for Orders (number)"),
    ({"all": [{"none": [{"field": "total_spent", "op": ">", "value": "lots"}]}]},
     "all › 1st › none › 1st (Total spent >): the value must be a number, not 'lots'"),
    ({"all": [{"field": "last_order_at", "op": "before", "value": "31/01/2026"}]}, "must be a date like 2026-01-31"),
    ({"all": [{"field": "category_views", "op": ">", "value": 3}]}, "name the category or attribute in 'key'"),
    ({"all": [{"field": "event", "event": "session", "op": "not_since"}]}, "'not_since' needs 'since'"),
    ({"all": [{"field": "order_activity", "op": ">=", "value": 1, "where": {"colour": "red"}}]}, "unknown filter 'colour'"),
    ({"all": [], "any": []}, "exactly one of all / any / none"),
    ([1, 2], "expected a group"),
])
def test_invalid_rules_name_the_condition(rules, message):
    found = problems(rules)
    assert found and message in str(found[0]), found
    with pytest.raises(RuleError):
        validate(rules)


@pytest.fixture
def small(db, clock):
    with db.session() as s:
        sh = Shop(s)
        s.add(Campaign(id=7, name="Diwali", created_at=NOW, updated_at=NOW))
        for cid in range(1, 7):
            sh.customer(cid, phone=f"+91987654320{cid}" if cid != 2 else None, consent_state=1 if cid != 3 else -1,
                        city="Guwahati" if cid % 2 else "Mumbai", state="Assam" if cid % 2 else "Maharashtra")
            sh.order(cid, 10 * cid, total=1000 * cid, cod=cid % 2 == 1)
        sh.message(4, 1, error=131026, status="failed", campaign_id=7)  # undeliverable: suppressed
        sh.message(5, 1, campaign_id=7, read=True)  # two marketing sends this week: capped
        sh.message(5, 3)
        sh.message(5, 0.5, direction="in", status="received")  # ... and replied
        sh.message(6, 10, campaign_id=7)
        sh.tag(1, "vip")
        sh.totals()
    refresh_profiles(db, clock=clock)
    return SegmentEngine(db, clock)


def test_counts_break_down_by_reachability(small):
    c = small.count({"all": []})
    assert (c.matched, c.reachable, c.opted_in, c.not_suppressed, c.eligible) == (6, 5, 4, 3, 2)
    assert list(c.as_dict()) == ["matched", "reachable", "opted_in", "not_suppressed", "eligible", "ms"]
    assert small.ids({"all": []}, "eligible").tolist() == [1, 6]
    assert small.ids({"all": []}, "reachable", dropped=True).tolist() == [2]  # no number
    assert small.ids({"all": []}, "not_suppressed", dropped=True).tolist() == [4]  # undeliverable
    assert small.ids({"all": []}, "eligible", dropped=True).tolist() == [5]  # capped
    relaxed = SegmentEngine(small.db, small.clock, ReachPolicy(require_opt_in=False, cap_messages=3))
    c = relaxed.count({"all": []})
    assert (c.opted_in, c.not_suppressed, c.eligible) == (5, 3, 3)  # opted-out 3 is still suppressed


def test_message_conditions_and_relative_windows(small):
    ids = lambda rules: small.ids(rules).tolist()  # noqa: E731
    assert ids({"all": [{"field": "message", "op": "received", "campaign": 7}]}) == [5, 6]
    assert ids({"all": [{"field": "message", "op": "read", "campaign": 7}]}) == [5]
    assert ids({"all": [{"field": "message", "op": "not_read", "campaign": 7}]}) == [6]
    assert ids({"all": [{"field": "message", "op": "replied"}]}) == [5]
    assert ids({"all": [{"field": "message", "op": "failed"}]}) == [4]
    assert ids({"all": [{"field": "message", "op": "received", "days": 5}]}) == [5]
    assert ids({"all": [{"field": "days_since_last_message", "op": ">=", "value": 5}]}) == [6]
    rule = {"all": [{"field": "order_activity", "op": ">=", "value": 1, "days": 25, "where": {"payment": "cod"}}]}
    assert ids(rule) == [1]
    small.clock.advance(days=-10)  # ten days earlier, customer 2's order (20 days ago) was in the future
    assert ids({"all": [{"field": "days_since_last_order", "op": "=", "value": 0}]}) == [1]


def test_explain_shows_which_conditions_matched(small):
    rules = {"all": [{"field": "state", "op": "in", "value": ["assam"]},
                     {"none": [{"field": "tags", "op": "has_any", "value": ["VIP"]}]}]}
    assert small.ids(rules).tolist() == [3, 5]
    why = small.explain(rules, 1)
    assert not why.matched and [k.matched for k in why.children] == [True, False]
    assert why.children[0].text == "State is one of ['assam']"
    assert small.sample(rules, 1)[0]["id"] == 3
    assert small.choices("state") == [("Assam", 3), ("Maharashtra", 3)]
    assert small.choices("tags") == [("vip", 1)] and small.choices("orders") == []
    assert dict(small.choices("consent")) == {"opted_in": 5, "opted_out": 1, "unknown": 0}


def test_snapshot_staleness_and_refresh(small, db):
    assert small.count({"all": []}).matched == 6 and not small.is_stale()
    with db.session() as s:
        Shop(s).customer(99)
    assert small.is_stale()
    assert small.ensure_fresh().n == 7 and small.count({"all": []}).matched == 7


def test_saved_segments(db, clock):
    rules = {"all": [{"field": "orders", "op": ">=", "value": 1}]}
    with db.session() as s:
        seg = save_segment(s, "  Buyers ", rules, clock=clock)
        assert seg.name == "Buyers"
        with pytest.raises(ValueError, match="already a segment"):
            save_segment(s, "buyers", rules)
        with pytest.raises(RuleError):
            save_segment(s, "Bad", {"all": [{"field": "x", "op": "=", "value": 1}]})
        copy = duplicate_segment(s, seg.id, clock=clock)
        assert copy.name == "Buyers (copy)"
        rename_segment(s, copy.id, "Repeat", clock=clock)
        assert find_segment(s, "repeat").id == copy.id and find_segment(s, str(seg.id)).name == "Buyers"
        delete_segment(s, seg.id)
        assert [x.as_dict() for x in list_segments(s)] == [{"id": copy.id, "name": "Repeat", "rules": rules}]


def test_export_csv(small, tmp_path):
    out = tmp_path / "members.csv"
    assert export_segment(small, {"all": []}, out, "eligible") == 2
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["id"] for r in rows] == ["1", "6"] and rows[0]["consent"] == "opted in"
    with pytest.raises(ValueError, match=".csv or .xlsx"):
        export_segment(small, {"all": []}, tmp_path / "x.pdf")


def test_every_preset_has_members_in_the_sample_shop(db, clock):
    build_sample_shop(db, customers=2000, seed=42, clock=clock)
    refresh_profiles(db, clock=clock)
    engine = SegmentEngine(db, clock)
    empty = [p.name for p in PRESETS if engine.count(p.rules).matched == 0]
    assert empty == []
    assert len({p.slug for p in PRESETS}) == len(PRESETS)
    assert find_preset("high-value-repeat-buyers").name == "High-value repeat buyers"
    with pytest.raises(KeyError, match="no preset called 'nope'"):
        find_preset("nope")
    assert {p.name for p in PRESETS} >= {f"RFM: {g}" for g in FIELDS["rfm_group"].choices}
    assert engine.count(find_preset("Win-back: no order in 90+ days").rules).matched > 100
