"""The property test's reference evaluator: plain Python loops over the rows the test generated
(no numpy, no engine code), spelling out the documented semantics of every operator."""
from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from tests.unit._shop_builder import NOW

DAY = 86400

def _low(v):
    return None if v is None or not str(v).strip() else str(v).strip().lower()


def _cmp(x, op, v):
    if x is None:
        return op == "!="
    return {"=": x == v, "!=": x != v, ">": x > v, ">=": x >= v, "<": x < v, "<=": x <= v}[op]


def _ts(days):
    return NOW - timedelta(days=days)


def _in_window(t, c):
    if c.get("days") is not None and t < NOW - timedelta(days=c["days"]):
        return False
    return True


RECEIVED = {"accepted", "sent", "delivered", "read"}


def ref(node, c, m):
    for k in ("all", "any", "none"):
        if k in node:
            hits = [ref(x, c, m) for x in node[k]]
            return all(hits) if k == "all" else (any(hits) if k == "any" else not any(hits))
    f, op, v = node["field"], node["op"], node.get("value")
    if f == "city":
        x = _low(c["city"])
        if op in ("is_set", "is_not_set"):
            return (x is not None) == (op == "is_set")
        hit = x is not None and x in {w.lower() for w in v}
        return hit if op == "in" else not hit
    if f == "consent":
        return {1: "opted_in", 0: "unknown", -1: "opted_out"}[c["consent"]] in v
    if f == "tags":
        mine = {t.lower() for t in c["tags"]}
        want = {w.lower() for w in v}
        return {"has_any": bool(mine & want), "has_all": want <= mine, "has_none": not (mine & want)}[op]
    if f == "has_whatsapp":
        ok = c["phone_value"] is not None and re.match(r"^\+[1-9][0-9]{7,14}$", c["phone_value"]) is not None
        return ok if op == "is_true" else not ok
    if f in ("name", "attribute"):
        x = _low(c["name"] if f == "name" else c["skin"])
        w = v.strip().lower()
        hit = x is not None and {"is": x == w, "is_not": x == w, "contains": w in x, "not_contains": w in x,
                                 "starts_with": x.startswith(w)}[op]
        return not hit if op in ("is_not", "not_contains") else hit
    if f in ("rfm_group", "funnel_stage"):
        hit = m[f].lower() in {w.lower() for w in v}
        return hit if op == "in" else not hit
    if f == "category_views":
        x = sum(1 for e in c["events"] if e["type"] == "product_viewed" and _low(e["category"]) == node["key"])
        return _cmp(x, op, v)
    if f == "last_order_at":
        last = m["last_order_at"]
        if last is None:
            return False
        if op == "in_last_days":
            return last >= NOW - timedelta(days=v)
        if op == "more_than_days_ago":
            return last < NOW - timedelta(days=v)
        day = datetime.fromisoformat(v)
        return last < day if op == "before" else last >= day + timedelta(days=1)
    if f == "order_activity":
        return _cmp(_orders(node, c), op, v)
    if f == "event":
        return _events(node, c)
    if f == "message":
        return _messages(node, c)
    x = _number(f, c, m)
    if op in ("is_set", "is_not_set"):
        return (x is not None) == (op == "is_set")
    return _cmp(x, op, v)


def _number(f, c, m):
    if f == "days_since_last_order":
        last = m["last_order_at"]
        return None if last is None else math.floor((NOW - last).total_seconds() / DAY)
    if f == "days_since_last_message":
        got = [_ts(x["days"]) for x in c["messages"] if x["dir"] == "out" and not x["sandbox"] and x["status"] in RECEIVED]
        return math.floor((NOW - max(got)).total_seconds() / DAY) if got else None
    if f == "messages_in":
        return sum(1 for x in c["messages"] if x["dir"] == "in")
    if f == "cod_share":
        return None if m["cod_share"] is None else m["cod_share"] * 100
    val = m[f]
    return None if val is None else float(val)


def _orders(node, c):
    w, total = node.get("where") or {}, 0
    for o in c["orders"]:
        if not _in_window(_ts(o["days"]), node):
            continue
        status = "cancelled" if o["cancelled"] else ("rto" if o["rto"] else o["status"])
        if ("status" in w and status not in w["status"]) or ("status" not in w and o["cancelled"]):
            continue
        if ("payment" in w and not o["cod"]) or ("rto" in w and not o["rto"]):
            continue
        if "discount" in w and not (o["code"] or "").strip():
            continue
        if "discount_code" in w and (o["code"] or "").lower() not in w["discount_code"]:
            continue
        if "min_total" in w and o["total"] < w["min_total"]:
            continue
        if "category" in w and not any(cat.lower() == "skincare" for _, cat in o["items"]):
            continue
        if ("product" in w or "sku" in w) and not any(p.lower() == "serum" for p, _ in o["items"]):
            continue
        total += o["total"] if node["measure"] == "sum" else 1
    return total


def _events(node, c):
    w, n = node.get("where") or {}, 0
    for e in c["events"]:
        if e["type"] != node["event"]:
            continue
        t = _ts(e["days"])
        if node["op"] == "not_since":
            n += t >= NOW - timedelta(days=node["days"])
            continue
        if not _in_window(t, node):
            continue
        pdp = e["pdp"] if e["type"] in ("product_viewed", "pdp_time") else None
        if ("category" in w and _low(e["category"]) != "skincare") or ("product" in w and _low(e["product"]) != "serum"):
            continue
        if ("min_value" in w and (e["value"] is None or e["value"] < 500)) or ("sale" in w and not e["sale"]):
            continue
        if "min_pdp_seconds" in w and (pdp is None or pdp < 120):
            continue
        n += 1
    op, v = node["op"], node.get("value")
    return {"not_since": n == 0, "at_least": n >= (v or 0), "at_most": n <= (v or 0), "exactly": n == v}[op]


def _messages(node, c):
    scope = [x for x in c["messages"] if x["dir"] == "out" and not x["sandbox"] and _in_window(_ts(x["days"]), node)
             and (node.get("campaign") is None or x["campaign"] == node["campaign"])]
    got = [x for x in scope if x["status"] in RECEIVED]
    read = [x for x in got if x["read"] or x["status"] == "read"]
    inbound = [_ts(x["days"]) for x in c["messages"] if x["dir"] == "in"]
    op = node["op"]
    if op == "failed":
        return any(x["status"] == "failed" for x in scope)
    if op == "replied":
        return any(any(_ts(x["days"]) < t <= _ts(x["days"]) + timedelta(days=3) for t in inbound) for x in got)
    return {"received": bool(got), "not_received": not got, "read": bool(read), "not_read": bool(got) and not read}[op]


def ref_stages(c, matched):
    reach = matched and c["phone"] == "valid"
    opted = reach and c["consent"] == 1
    bad = c["consent"] == -1 or any(x["dir"] == "out" and x["error"] in (131026, 131050) for x in c["messages"])
    clean = opted and not bad
    recent = sum(1 for x in c["messages"] if x["dir"] == "out" and not x["sandbox"] and (x["category"] or "").upper()
                 == "MARKETING" and _ts(x["days"]) >= NOW - timedelta(days=7) and x["status"] not in ("failed", "cancelled"))
    return [matched, reach, opted, clean, clean and recent < 2]
