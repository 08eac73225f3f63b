"""Rule trees as numpy masks over the snapshot: one boolean per customer row.

The only evaluator: counts, samples, exports and campaign audiences all come from `mask()`.
Semantics (the property test's reference evaluator spells out the same): a customer without a
value matches only the negative operators (is_not, not_in, !=, not_contains, is_not_set,
has_none); text and choices compare trimmed and case-insensitively; dates are whole UTC days.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np

from wadesk.core.segments import windows
from wadesk.core.segments.fields import FIELDS
from wadesk.core.segments.rules import parse_date
from wadesk.core.segments.snapshot import TEXT, Snapshot

DAY = 86400.0
_EPOCH = datetime(1970, 1, 1)


def day_start(value: Any) -> float:
    """Epoch seconds of 00:00 UTC on the value's date."""
    d = parse_date(value)
    return (datetime(d.year, d.month, d.day) - _EPOCH).total_seconds()


def mask(s: Snapshot, rules: dict, now_s: float) -> np.ndarray:
    for key in ("all", "any", "none"):
        if key in rules:
            kids = [mask(s, child, now_s) for child in rules[key]]
            if key == "all":
                return np.logical_and.reduce(kids) if kids else np.ones(s.n, dtype=bool)
            hit = np.logical_or.reduce(kids) if kids else np.zeros(s.n, dtype=bool)
            return hit if key == "any" else ~hit
    return condition(s, rules, now_s)


def condition(s: Snapshot, c: dict, now_s: float) -> np.ndarray:
    f = FIELDS[c["field"]]
    op, v = c["op"], c.get("value")
    if f.kind == "orders":
        return windows.orders(s, c, now_s)
    if f.kind == "event":
        return windows.events(s, c, now_s)
    if f.kind == "message":
        return windows.messages(s, c, now_s)
    if f.kind == "attribute":
        if f.type == "number":
            return _numeric(s.attribute_number(c["key"].strip()), op, v)
        if f.type == "date":
            return _date(s.attribute_date(c["key"].strip()), op, v, now_s)
        return _text(s.attribute(c["key"].strip()), op, v)
    if f.key in TEXT:
        return _text(s.text(f.key), op, v)
    if f.type == "tags":
        return _tags(s, op, v)
    if f.key == "consent":
        states = {"opted_in": 1, "unknown": 0, "opted_out": -1}
        if op in ("is_set", "is_not_set"):
            return np.full(s.n, op == "is_set")
        hit = np.isin(s.consent, [states.get(str(x).strip().lower(), 9) for x in _list(v)])
        return hit if op == "in" else ~hit
    if f.key == "has_whatsapp":
        return s.has_whatsapp.copy() if op == "is_true" else ~s.has_whatsapp
    if f.key in s.coded:
        col = s.coded[f.key]
        if op == "is_set":
            return col.present()
        if op == "is_not_set":
            return ~col.present()
        hit = col.matches(_list(v))
        return hit if op == "in" else ~hit
    if f.keyed:  # category_purchases / category_views
        return _numeric(_keyed(s, f.key, c["key"]), op, v)
    if f.type == "date":
        return _date(s.num[f.key], op, v, now_s)
    return _numeric(number(s, f.key, now_s), op, v)


def number(s: Snapshot, key: str, now_s: float) -> np.ndarray:
    """A numeric column, computing the ones relative to now (days since ...)."""
    if key == "days_since_last_order":
        return np.floor((now_s - s.num["last_order_at"]) / DAY)
    if key == "days_in_stage":  # the current deal's (issue 9)
        return np.floor((now_s - s.num["stage_entered_at"]) / DAY)
    if key == "days_since_last_message":
        return np.floor((now_s - windows.last_received(s)) / DAY)
    if key == "messages_in":
        m = s.messages
        return np.bincount(m.pos[m.inbound], minlength=s.n).astype(float)
    return s.num[key]


def _list(v: Any) -> list[str]:
    return [v] if isinstance(v, (str, int)) else list(v)


def _keyed(s: Snapshot, key: str, category: str) -> np.ndarray:
    p = s.categories
    sel = p.code.matches([category])
    return np.bincount(p.pos[sel], weights=p.counts[key][sel], minlength=s.n).astype(float)


def _numeric(x: np.ndarray, op: str, v: Any) -> np.ndarray:
    known = ~np.isnan(x)
    if op == "is_set":
        return known
    if op == "is_not_set":
        return ~known
    with np.errstate(invalid="ignore"):
        if op == "between":
            lo, hi = sorted(float(a) for a in v)
            return (x >= lo) & (x <= hi)
        v = float(v)
        return {"=": x == v, "!=": ~(x == v), ">": x > v, ">=": x >= v, "<": x < v, "<=": x <= v}[op]


def _date(x: np.ndarray, op: str, v: Any, now_s: float) -> np.ndarray:
    known = ~np.isnan(x)
    with np.errstate(invalid="ignore"):
        if op == "is_set":
            return known
        if op == "is_not_set":
            return ~known
        if op == "in_last_days":
            return x >= now_s - float(v) * DAY
        if op == "more_than_days_ago":
            return x < now_s - float(v) * DAY
        if op == "yearly_in_next_days":
            return known & (_days_to_next_anniversary(x, known, now_s) <= float(v))
        if op == "before":
            return x < day_start(v)
        if op == "after":
            return x >= day_start(v) + DAY
        lo, hi = sorted(day_start(a) for a in v)  # between, whole days inclusive
        return (x >= lo) & (x < hi + DAY)


def _days_to_next_anniversary(x: np.ndarray, known: np.ndarray, now_s: float) -> np.ndarray:
    """Days from today (UTC, as every day rule) to the date's next return, ignoring its year; a
    29 February comes round on the 28th in other years."""
    day = np.where(known, x, 0).astype("datetime64[s]").astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    month_no = month - month.astype("datetime64[Y]").astype("datetime64[M]")  # 0..11 months
    day_no = day - month.astype("datetime64[D]")  # 0-based day of the month
    today = np.datetime64(int(now_s), "s").astype("datetime64[D]")

    def in_year(year: np.datetime64) -> np.ndarray:
        start = year.astype("datetime64[M]") + month_no
        last = (start + 1).astype("datetime64[D]") - 1
        return np.minimum(start.astype("datetime64[D]") + day_no, last)

    this_year = today.astype("datetime64[Y]")
    when = in_year(this_year)
    when = np.where(when < today, in_year(this_year + 1), when)
    return (when - today).astype(np.int64)


def _text(col: np.ndarray, op: str, v: Any) -> np.ndarray:
    known = np.fromiter((t is not None for t in col), dtype=bool, count=len(col))
    if op == "is_set":
        return known
    if op == "is_not_set":
        return ~known
    if op in ("in", "not_in"):
        want = {str(x).strip().lower() for x in _list(v)}
        hit = np.fromiter((t in want for t in col), dtype=bool, count=len(col))
        return hit if op == "in" else ~hit
    w = str(v).strip().lower()
    if op in ("is", "is_not"):
        hit = col == w
    elif op in ("contains", "not_contains"):
        hit = np.fromiter((t is not None and w in t for t in col), dtype=bool, count=len(col))
    else:  # starts_with
        hit = np.fromiter((t is not None and t.startswith(w) for t in col), dtype=bool, count=len(col))
    hit = np.asarray(hit, dtype=bool)
    return ~hit if op in ("is_not", "not_contains") else hit


def _tags(s: Snapshot, op: str, v: Any) -> np.ndarray:
    wanted = _list(v)
    p = s.tags
    if op == "has_all":
        out = np.ones(s.n, dtype=bool)
        for w in {str(x).strip().lower() for x in wanted}:
            one = np.zeros(s.n, dtype=bool)
            one[p.pos[p.code.matches([w])]] = True
            out &= one
        return out
    hit = np.zeros(s.n, dtype=bool)
    hit[p.pos[p.code.matches(wanted)]] = True
    return hit if op == "has_any" else ~hit


def relative_now(now: datetime) -> float:
    if now.tzinfo is not None:
        now = now.replace(tzinfo=None) - (now.utcoffset() or timedelta(0))
    return (now - _EPOCH).total_seconds()
