"""Conditions in plain words for "Why is this customer in?": "COD share is at least 50%",
"State is one of Assam, Sikkim … (12)", "Orders at any time: at least 1 (order value at least ₹2,500)".
No Qt."""
from __future__ import annotations

from typing import Any

from wadesk.core.segments import Explanation
from wadesk.core.segments.fields import DAYS_OPS, FIELDS, LABELS
from wadesk.core.segments.rules import GROUP_KEYS
from wadesk.ui.numbers import group_indian
from wadesk.ui.segments.window_editors import EVENT_WORDS, FILTER_WORDS

OPS = {"=": "is", "!=": "is not", ">": "is more than", ">=": "is at least", "<": "is less than", "<=": "is at most",
       "at_least": "at least", "at_most": "at most", "exactly": "exactly"}
GROUP_WORDS = {"all": "ALL of these", "any": "ANY of these", "none": "NONE of these"}
MESSAGE_WORDS = {"received": "received", "not_received": "did not receive", "read": "read",
                 "not_read": "did not read", "replied": "replied to", "clicked": "tapped a button in",
                 "failed": "failed to get"}


def value_words(v: Any, unit: str = "") -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (list, tuple)):
        items = [str(x) for x in v]
        return ", ".join(items) if len(items) <= 4 else ", ".join(items[:3]) + f" … ({len(items)})"
    if isinstance(v, (int, float)):
        n = group_indian(int(v)) if float(v).is_integer() else f"{v:g}"
        return {"₹": f"₹{n}", "%": f"{n}%", "days": f"{n} days"}.get(unit, n)
    return str(v)


def _window(c: dict) -> str:
    if c.get("days") is not None:
        return f"in the last {value_words(c['days'])} days"
    if c.get("from") or c.get("to"):
        return f"between {c.get('from', 'the start')} and {c.get('to', 'today')}"
    if c.get("since"):
        return f"since {c['since']}"
    return "at any time"


def _filters(c: dict) -> str:
    parts = []
    for k, v in (c.get("where") or {}).items():
        if k == "payment":
            parts.append("cash on delivery" if v == "cod" else "prepaid")
        elif k == "rto":
            parts.append("returned (RTO)" if v else "not returned")
        elif k == "min_total":
            parts.append(f"order value at least {value_words(v, '₹')}")
        else:
            parts.append(f"{FILTER_WORDS.get(k, k)} {value_words(v)}")
    return f" (only {', '.join(parts)})" if parts else ""


def condition_words(c: dict) -> str:
    f = FIELDS.get(c.get("field"))
    if f is None:
        return str(c)
    label = f.label + (f" “{c['key']}”" if c.get("key") else "")
    op = c.get("op")
    if f.kind == "orders":
        what = "₹ value of orders" if c.get("measure") == "sum" else "Number of orders"
        unit = "₹" if c.get("measure") == "sum" else ""
        return f"{what} {_window(c)} {OPS.get(op, op)} {value_words(c.get('value'), unit)}{_filters(c)}"
    if f.kind == "event":
        did = EVENT_WORDS.get(c.get("event"), str(c.get("event")))
        if op == "not_since":
            return f"Has not {did} {_window(c)}{_filters(c)}"
        times = "time" if c.get("value") == 1 else "times"
        return f"{did.capitalize()} {OPS.get(op, op)} {value_words(c.get('value'))} {times} {_window(c)}{_filters(c)}"
    if f.kind == "message":
        which = f"campaign #{c['campaign']}" if c.get("campaign") else "a campaign message"
        return f"{MESSAGE_WORDS.get(op, op).capitalize()} {which} {_window(c)}"
    words = OPS.get(op) or LABELS.get(op, op)
    if op in DAYS_OPS:
        n = value_words(c.get("value"))
        if op == "yearly_in_next_days":
            return f"{label} comes round in the next {n} days (any year)"
        return f"{label} {'in the last' if op == 'in_last_days' else 'more than'} {n} days{'' if op == 'in_last_days' else ' ago'}"
    if "value" not in c:
        return f"{label} {words}"
    return f"{label} {words} {value_words(c['value'], f.unit)}"


def explain_words(rules: dict, exp: Explanation) -> list[tuple[int, bool, str]]:
    """(depth, met, text) lines walking the rules and the engine's explanation together."""
    out: list[tuple[int, bool, str]] = []

    def walk(node: dict, e: Explanation, depth: int) -> None:
        key = next((k for k in GROUP_KEYS if k in node), None)
        if key is None:
            out.append((depth, e.matched, condition_words(node)))
            return
        kids = node[key]
        if key == "none" and len(kids) == 1 and "field" in kids[0]:
            out.append((depth, e.matched, "NOT: " + condition_words(kids[0])))
            return
        met = sum(k.matched for k in e.children)
        out.append((depth, e.matched, f"{GROUP_WORDS[key]} ({met} of {len(kids)} true)"))
        for child, ce in zip(kids, e.children):
            walk(child, ce, depth + 1)

    walk(rules, exp, 0)
    return out
