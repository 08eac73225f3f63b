"""Property test: random small shops and random rule trees; the engine (numpy masks over the
in-memory copy) must agree with a tiny reference evaluator written here in plain Python loops
over the raw rows. Profile metrics come from customer_metrics on both sides (they have their own
tests); everything else the reference derives from the rows it generated."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import delete, select

from tests.unit._segments_reference import ref, ref_stages
from tests.unit._shop_builder import NOW, Shop
from wadesk.core.clock import FixedClock
from wadesk.core.db import open_database
from wadesk.core.db.models import (
    Campaign, Customer, CustomerTag, Event, Message, Order, OrderItem, Tag,
)
from wadesk.core.db.profile_models import CustomerCategoryStat, CustomerMetrics, ProfileRefresh
from wadesk.core.paths import DataDir
from wadesk.core.profile import refresh_profiles
from wadesk.core.segments import SegmentEngine, validate

CITIES = ["Mumbai", "mumbai ", "Pune", None, ""]
CATS = ["skincare", "apparel", "Home"]
PRODUCTS = ["Serum", "Kurta", "Lamp"]
TAGS = ["vip", "cod-risk", "VIP2"]
EVENTS = ["product_viewed", "added_to_cart", "session", "pdp_time"]
STATUSES = ["delivered", "shipped", "pending", "rto"]
MSG_STATUS = ["delivered", "read", "failed", "queued", "accepted", "cancelled", "received"]
DAYS = st.sampled_from([0, 0.5, 1, 3, 7, 7.5, 30, 90, 200])

order_st = st.fixed_dictionaries({
    "days": DAYS, "total": st.sampled_from([0, 499, 1000, 2500.5]), "cod": st.booleans(),
    "rto": st.booleans(), "cancelled": st.booleans(), "code": st.sampled_from([None, "", "DIWALI20", "flat200"]),
    "status": st.sampled_from(STATUSES), "items": st.lists(st.tuples(st.sampled_from(PRODUCTS),
                                                                      st.sampled_from(CATS)), min_size=1, max_size=2)})
event_st = st.fixed_dictionaries({
    "type": st.sampled_from(EVENTS), "days": DAYS, "category": st.sampled_from(CATS + [None]),
    "product": st.sampled_from(PRODUCTS + [None]), "value": st.sampled_from([None, 0, 500, 1500]),
    "pdp": st.sampled_from([None, 30, 120, 300]), "sale": st.booleans()})
msg_st = st.fixed_dictionaries({
    "dir": st.sampled_from(["out", "out", "in"]), "days": DAYS, "status": st.sampled_from(MSG_STATUS),
    "campaign": st.sampled_from([None, 1, 2]), "read": st.booleans(),
    "error": st.sampled_from([None, None, 131026, 131050, 131047]),
    "category": st.sampled_from(["MARKETING", "marketing", "UTILITY", None]), "sandbox": st.booleans()})
customer_st = st.fixed_dictionaries({
    "name": st.sampled_from(["Asha Rao", "asha", "Ravi Kumar", ""]), "city": st.sampled_from(CITIES),
    "channel": st.sampled_from(["ctwa", "website", None]), "consent": st.sampled_from([-1, 0, 1]),
    "phone": st.sampled_from(["valid", None, "bad"]), "tags": st.sets(st.sampled_from(TAGS), max_size=2),
    "skin": st.sampled_from([None, "Oily", "dry"]), "orders": st.lists(order_st, max_size=3),
    "events": st.lists(event_st, max_size=4), "messages": st.lists(msg_st, max_size=3)})

NUM = st.sampled_from(["=", "!=", ">", ">=", "<", "<="])
cond_st = st.one_of(
    st.builds(lambda op, v: {"field": "city", "op": op, "value": v}, st.sampled_from(["in", "not_in"]),
              st.lists(st.sampled_from(["MUMBAI", "pune", "Delhi"]), min_size=1, max_size=2)),
    st.builds(lambda op: {"field": "city", "op": op}, st.sampled_from(["is_set", "is_not_set"])),
    st.builds(lambda v: {"field": "consent", "op": "in", "value": v},
              st.lists(st.sampled_from(["opted_in", "opted_out", "unknown"]), min_size=1, max_size=2)),
    st.builds(lambda op, v: {"field": "tags", "op": op, "value": v},
              st.sampled_from(["has_any", "has_all", "has_none"]),
              st.lists(st.sampled_from(["vip", "COD-RISK", "vip2"]), min_size=1, max_size=2)),
    st.builds(lambda op: {"field": "has_whatsapp", "op": op}, st.sampled_from(["is_true", "is_false"])),
    st.builds(lambda op, v: {"field": "name", "op": op, "value": v},
              st.sampled_from(["is", "is_not", "contains", "not_contains", "starts_with"]), st.sampled_from(["asha", "Rao"])),
    st.builds(lambda op, v: {"field": "attribute", "key": "skin", "op": op, "value": v},
              st.sampled_from(["is", "is_not"]), st.sampled_from(["oily", "DRY"])),
    st.builds(lambda f, op, v: {"field": f, "op": op, "value": v},
              st.sampled_from(["orders", "total_spent", "days_since_last_order", "cod_share", "r", "messages_in",
                               "days_since_last_message"]), NUM, st.sampled_from([0, 1, 2, 7, 30, 50, 1000])),
    st.builds(lambda f, op: {"field": f, "op": op}, st.sampled_from(["aov", "days_since_last_order"]),
              st.sampled_from(["is_set", "is_not_set"])),
    st.builds(lambda op, v: {"field": "last_order_at", "op": op, "value": v},
              st.sampled_from(["in_last_days", "more_than_days_ago"]), st.sampled_from([1, 7, 30])),
    st.builds(lambda op, v: {"field": "last_order_at", "op": op, "value": v},
              st.sampled_from(["before", "after"]), st.sampled_from(["2026-11-21", "2026-11-27", "2026-08-30"])),
    st.builds(lambda v: {"field": "rfm_group", "op": "in", "value": v},
              st.lists(st.sampled_from(["Champions", "Prospects", "New", "Dormant"]), min_size=1, max_size=2)),
    st.builds(lambda v: {"field": "funnel_stage", "op": "not_in", "value": [v]},
              st.sampled_from(["TOFU", "MOFU", "BOFU", "Repeat", "Customer"])),
    st.builds(lambda k, op, v: {"field": "category_views", "key": k, "op": op, "value": v},
              st.sampled_from(["skincare", "home"]), NUM, st.sampled_from([0, 1, 2])),
    st.builds(lambda m, op, v, days, where: {"field": "order_activity", "measure": m, "op": op, "value": v,
                                            **({"days": days} if days is not None else {}), "where": where},
              st.sampled_from(["count", "sum"]), NUM, st.sampled_from([0, 1, 1000]), st.sampled_from([None, 1, 7, 30]),
              st.dictionaries(st.sampled_from(["payment", "rto", "discount", "category", "status", "min_total",
                                               "discount_code", "product", "sku"]), st.just(None), max_size=2)),
    st.builds(lambda ev, op, v, days, where: {"field": "event", "event": ev, "op": op, "value": v,
                                             **({"days": days} if days is not None else {}), "where": where},
              st.sampled_from(EVENTS), st.sampled_from(["at_least", "at_most", "exactly"]), st.integers(0, 2),
              st.sampled_from([None, 1, 7, 30]),
              st.dictionaries(st.sampled_from(["category", "product", "min_value", "sale", "min_pdp_seconds"]),
                              st.just(None), max_size=2)),
    st.builds(lambda ev, days: {"field": "event", "event": ev, "op": "not_since", "days": days},
              st.sampled_from(EVENTS), st.sampled_from([1, 7, 30])),
    st.builds(lambda op, camp, days: {"field": "message", "op": op,
                                      **({"campaign": camp} if camp else {}), **({"days": days} if days else {})},
              st.sampled_from(["received", "not_received", "read", "not_read", "replied", "failed"]),
              st.sampled_from([None, 1, 2]), st.sampled_from([None, 1, 7])),
)
_FILTER_VALUES = {"payment": "cod", "rto": True, "discount": True, "category": ["SKINCARE"], "status": ["rto", "cancelled"],
                  "min_total": 1000, "discount_code": ["diwali20"], "product": ["serum"], "sku": ["serum"], "min_value": 500,
                  "sale": True, "min_pdp_seconds": 120}


def _fill(node):
    if "where" in node:
        node["where"] = {k: _FILTER_VALUES[k] for k in node["where"]}
    for k in ("all", "any", "none"):
        for child in node.get(k, []):
            _fill(child)
    return node


tree_st = st.recursive(cond_st, lambda kids: st.builds(lambda k, xs: {k: xs}, st.sampled_from(["all", "any", "none"]),
                                                       st.lists(kids, max_size=3)), max_leaves=6).map(_fill)


# ---- the test -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shared_db(tmp_path_factory):
    database = open_database(DataDir(tmp_path_factory.mktemp("prop") / "shop").ensure())
    yield database
    database.dispose()


def _load(db, customers):
    with db.session() as s:
        for model in (Message, Event, OrderItem, Order, CustomerTag, Tag, CustomerCategoryStat, CustomerMetrics,
                      ProfileRefresh, Campaign, Customer):
            s.execute(delete(model))
        for cid in (1, 2):
            s.add(Campaign(id=cid, name=f"c{cid}", created_at=NOW, updated_at=NOW))
        sh = Shop(s)
        for cid, c in enumerate(customers, 1):
            # "bad": stored as given by an unchecked import, not a WhatsApp number
            c["phone_value"] = {"valid": f"+9198765432{cid:02d}", "bad": f"98765{cid}", None: None}[c["phone"]]
            sh.customer(cid, name=c["name"] or f"x{cid}", city=c["city"], channel=c["channel"], phone=c["phone_value"],
                        consent_state=c["consent"], attributes={"skin": c["skin"]} if c["skin"] else {})
            c["name"] = c["name"] or f"x{cid}"
            for t in sorted(c["tags"]):
                sh.tag(cid, t)
            for o in c["orders"]:
                sh.order(cid, o["days"], total=o["total"], cod=o["cod"], rto=o["rto"], cancelled=o["cancelled"],
                         code=o["code"], status=o["status"], items=[(p, p.upper(), cat) for p, cat in o["items"]])
            for e in c["events"]:
                props = {}
                if e["pdp"] is not None:
                    props["pdp_seconds" if e["type"] == "product_viewed" else "seconds"] = e["pdp"]
                if e["sale"]:
                    props["sale"] = "Diwali Sale"
                sh.event(cid, e["type"], e["days"], category=e["category"], product=e["product"], value=e["value"], **props)
            for x in c["messages"]:
                sh.message(cid, x["days"], direction=x["dir"], status=x["status"], campaign_id=x["campaign"],
                           read=x["read"], error=x["error"], category=x["category"], sandbox=x["sandbox"])
        sh.totals()


@settings(max_examples=45, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(customers=st.lists(customer_st, min_size=1, max_size=6), trees=st.lists(tree_st, min_size=1, max_size=4))
def test_engine_agrees_with_reference(shared_db, customers, trees):
    _load(shared_db, customers)
    clock = FixedClock(NOW)
    refresh_profiles(shared_db, clock=clock)
    engine = SegmentEngine(shared_db, clock)
    with shared_db.session() as s:
        metrics = {m.customer_id: {col.name: getattr(m, col.name) for col in CustomerMetrics.__table__.columns}
                   for m in s.scalars(select(CustomerMetrics))}
    for tree in trees:
        validate(tree)
        masks = engine.stage_masks(tree)
        for i, c in enumerate(customers):
            want = ref_stages(c, ref(tree, c, metrics[i + 1]))
            got = [bool(masks[k][i]) for k in ("matched", "reachable", "opted_in", "not_suppressed", "eligible")]
            assert got == want, (tree, i + 1, c)
