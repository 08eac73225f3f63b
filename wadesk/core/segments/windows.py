"""Conditions over orders, events and messages in a time window, as per-customer masks.

Orders are sorted by time and events by (type, time), so a window is found by binary search;
the matching rows are then filtered and counted per customer with np.bincount.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from wadesk.core.segments.snapshot import Snapshot

DAY = 86400.0
REPLY_WINDOW_S = 3 * DAY  # an inbound message this soon after ours counts as a reply
RECEIVED = ("accepted", "sent", "delivered", "read")
UNDELIVERABLE = 131026
MARKETING_OPT_OUT = 131050


def _start(v: Any) -> float:
    from wadesk.core.segments.evaluate import day_start
    return day_start(v)


def window(c: dict, now_s: float) -> tuple[float, float]:
    """[lo, hi) in epoch seconds from "days" or "from"/"to" (whole days); open when absent."""
    lo, hi = -np.inf, np.inf
    if c.get("days") is not None:
        lo = now_s - float(c["days"]) * DAY
    if c.get("from") is not None:
        lo = max(lo, _start(c["from"]))
    if c.get("to") is not None:
        hi = _start(c["to"]) + DAY
    return lo, hi


def _compare(counts: np.ndarray, op: str, v: Any) -> np.ndarray:
    from wadesk.core.segments.evaluate import _numeric
    return _numeric(counts.astype(float), op, v)


def orders(s: Snapshot, c: dict, now_s: float) -> np.ndarray:
    o = s.orders
    lo, hi = window(c, now_s)
    a, b = np.searchsorted(o.at, lo, side="left"), np.searchsorted(o.at, hi, side="left")
    w = c.get("where") or {}
    keep = o.status.matches(w["status"], slice(a, b)) if "status" in w else ~o.cancelled[a:b]
    if "payment" in w:
        keep &= o.cod[a:b] if w["payment"] == "cod" else ~o.cod[a:b]
    if "payment_method" in w:
        keep &= o.method.matches(w["payment_method"], slice(a, b))
    if "rto" in w:
        keep &= o.rto[a:b] == bool(w["rto"])
    if "discount" in w:
        keep &= (o.code.codes[a:b] >= 0) == bool(w["discount"])
    if "discount_code" in w:
        keep &= o.code.matches(w["discount_code"], slice(a, b))
    if "min_total" in w:
        keep &= o.total[a:b] >= float(w["min_total"])
    if "max_total" in w:
        keep &= o.total[a:b] <= float(w["max_total"])
    for key in ("category", "sku", "product"):
        if key in w:
            col = o.item_category if key == "category" else s.lazy(key)
            has = np.zeros(len(o.at), dtype=bool)
            has[o.item_order[col.matches(w[key])]] = True
            keep &= has[a:b]
    pos = o.pos[a:b][keep]
    if c.get("measure", "count") == "sum":
        per = np.bincount(pos, weights=o.total[a:b][keep], minlength=s.n)
    else:
        per = np.bincount(pos, minlength=s.n)
    return _compare(per, c["op"], c["value"])


def events(s: Snapshot, c: dict, now_s: float) -> np.ndarray:
    e = s.events
    sl = e.slice(c["event"])
    at = e.at[sl]
    if c["op"] == "not_since":
        lo = _start(c["since"]) if c.get("since") is not None else now_s - float(c["days"]) * DAY
        hi = np.inf
    else:
        lo, hi = window(c, now_s)
    a = sl.start + np.searchsorted(at, lo, side="left")
    b = sl.start + np.searchsorted(at, hi, side="left")
    keep = np.ones(b - a, dtype=bool)
    w = c.get("where") or {}
    if "category" in w:
        keep &= e.category.matches(w["category"], slice(a, b))
    if "product" in w:
        keep &= s.lazy("event_product").matches(w["product"], slice(a, b))
    with np.errstate(invalid="ignore"):
        if "min_value" in w:
            keep &= e.value[a:b] >= float(w["min_value"])
        if "max_value" in w:
            keep &= e.value[a:b] <= float(w["max_value"])
        if "min_pdp_seconds" in w:
            keep &= e.pdp[a:b] >= float(w["min_pdp_seconds"])
    if "sale" in w:
        keep &= e.sale[a:b] == bool(w["sale"])
    per = np.bincount(e.pos[a:b][keep], minlength=s.n)
    op, v = c["op"], c.get("value")
    if op == "not_since":
        return per == 0
    return {"at_least": per >= v, "at_most": per <= v, "exactly": per == v}[op]


def _received(s: Snapshot) -> np.ndarray:
    m = s.messages
    return ~m.inbound & m.counted & m.status.matches(list(RECEIVED))


def last_received(s: Snapshot) -> np.ndarray:
    m = s.messages
    out = np.full(s.n, np.nan)
    sel = _received(s) & ~np.isnan(m.at)
    np.fmax.at(out, m.pos[sel], m.at[sel])
    return out


def messages(s: Snapshot, c: dict, now_s: float) -> np.ndarray:
    m = s.messages
    lo, hi = window(c, now_s)
    with np.errstate(invalid="ignore"):
        scope = ~m.inbound & m.counted & (m.at >= lo) & (m.at < hi)
    if c.get("campaign") is not None:
        scope &= m.campaign == int(c["campaign"])
    received = scope & m.status.matches(list(RECEIVED))
    op = c["op"]

    def anyof(sel: np.ndarray) -> np.ndarray:
        out = np.zeros(s.n, dtype=bool)
        out[m.pos[sel]] = True
        return out

    if op == "failed":
        return anyof(scope & m.status.matches(["failed"]))
    got = anyof(received)
    if op == "received":
        return got
    if op == "not_received":
        return ~got
    if op == "read":
        return anyof(received & m.read)
    if op == "clicked":
        return anyof(received & m.clicked)
    if op == "not_read":
        return got & ~anyof(received & m.read)
    return anyof(received & _replied(s, received))  # replied


def _replied(s: Snapshot, sent: np.ndarray) -> np.ndarray:
    """For each message, whether the customer wrote back within REPLY_WINDOW_S after it."""
    m = s.messages
    out = np.zeros(len(m.pos), dtype=bool)
    inb = m.inbound & ~np.isnan(m.at)
    idx = np.flatnonzero(sent & ~np.isnan(m.at))
    if not inb.any() or not len(idx):
        return out
    shift = np.int64(1) << np.int64(34)  # epoch seconds fit in 34 bits until the year 2514
    key_in = np.sort(m.pos[inb].astype(np.int64) * shift + m.at[inb].astype(np.int64))
    key_out = m.pos[idx].astype(np.int64) * shift + m.at[idx].astype(np.int64)
    nxt = np.searchsorted(key_in, key_out, side="right")  # first inbound strictly after
    ok = nxt < len(key_in)
    found = key_in[np.minimum(nxt, len(key_in) - 1)]
    out[idx] = ok & (found // shift == key_out // shift) & (found - key_out <= REPLY_WINDOW_S)
    return out


def suppressed(s: Snapshot) -> np.ndarray:
    """Opted out, or a send told us the number can't get messages / the user stopped marketing."""
    m = s.messages
    bad = ~m.inbound & np.isin(m.error, [UNDELIVERABLE, MARKETING_OPT_OUT])
    out = s.consent == -1
    out[m.pos[bad]] = True
    return out


def marketing_sent(s: Snapshot, now_s: float, days: float) -> np.ndarray:
    """Marketing messages per customer in the last `days` (real sends, not failed or cancelled;
    queued ones count: they are already promised to another campaign)."""
    m = s.messages
    with np.errstate(invalid="ignore"):
        sel = (~m.inbound & m.counted & m.marketing & (m.at >= now_s - days * DAY)
               & ~m.status.matches(["failed", "cancelled", "skipped"]))
    return np.bincount(m.pos[sel], minlength=s.n)
