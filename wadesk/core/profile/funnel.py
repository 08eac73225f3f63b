"""Funnel stage: where a customer stands, from first touch to repeat buyer (or lost).

Before a purchase: TOFU (lead or visitor, nothing in a cart), MOFU (viewed products or added to
cart, or came back: 2+ visits), BOFU (started a checkout, has only a COD order still waiting to be
paid, or high intent: a product page read for over 2 minutes or two visits within 7 days).
After a purchase: Customer (one order) or Repeat (2+), then At risk and Lost as time passes
without an order.
"""
from __future__ import annotations

import numpy as np

STAGES = ("TOFU", "MOFU", "BOFU", "Customer", "Repeat", "At risk", "Lost")
HIGH_INTENT_PDP_SECONDS = 120
REPEAT_VISIT_DAYS = 7
AT_RISK_DAYS = 90  # no order for this long: at risk
LOST_DAYS = 180  # ... and for this long: lost

WHY = {
    "TOFU": "a lead or visitor who has not looked at products or added to a cart yet",
    "MOFU": "viewed products, added to a cart or came back, but has not bought",
    "BOFU": "close to buying: started a checkout, a COD order waiting, or high intent",
    "Customer": f"one order in the last {AT_RISK_DAYS} days",
    "Repeat": f"2+ orders, the latest in the last {AT_RISK_DAYS} days",
    "At risk": f"no order for {AT_RISK_DAYS}-{LOST_DAYS} days",
    "Lost": f"no order for over {LOST_DAYS} days",
}


def repeat_visit_flags(customer_pos: np.ndarray, times_s: np.ndarray, n: int) -> np.ndarray:
    """True for customers with two sessions within REPEAT_VISIT_DAYS (inputs sorted by
    customer, then time)."""
    out = np.zeros(n, dtype=bool)
    if len(customer_pos) > 1:
        same = customer_pos[1:] == customer_pos[:-1]
        close = (times_s[1:] - times_s[:-1]) <= REPEAT_VISIT_DAYS * 86400
        out[customer_pos[1:][same & close]] = True
    return out


def stages(orders: np.ndarray, days_since_last: np.ndarray, cod_pending_only: np.ndarray,
           views: np.ndarray, carts: np.ndarray, checkouts: np.ndarray, sessions: np.ndarray,
           max_pdp_seconds: np.ndarray, repeat_visit: np.ndarray) -> np.ndarray:
    """Stage names (object array), all inputs per customer (NaN days for non-buyers)."""
    days = np.nan_to_num(np.asarray(days_since_last, dtype=float), nan=0.0)
    high_intent = (np.nan_to_num(max_pdp_seconds) > HIGH_INTENT_PDP_SECONDS) | repeat_visit
    bofu = (checkouts > 0) | high_intent
    mofu = (views > 0) | (carts > 0) | (sessions >= 2)
    pre = np.where(bofu, "BOFU", np.where(mofu, "MOFU", "TOFU"))
    buyer = np.where(orders >= 2, "Repeat", "Customer")
    buyer = np.where(days > LOST_DAYS, "Lost", np.where(days > AT_RISK_DAYS, "At risk", buyer))
    # A COD order not yet delivered is not money in the bank: still the bottom of the funnel.
    buyer = np.where(cod_pending_only, "BOFU", buyer)
    return np.where(orders > 0, buyer, pre).astype(object)
