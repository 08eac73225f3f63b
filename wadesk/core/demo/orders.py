"""Orders and line items for one sample customer, and the figures the customer row caches.

Totals follow wadesk.core.crm.totals: cancelled orders do not count; RTO orders do (they were
placed; the RTO shows in the order's status).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from wadesk.core.crm.totals import PENDING_SHIPPING
from wadesk.core.demo.catalog import (
    BY_CATEGORY, CATEGORIES, COD_METHOD, DISCOUNT_CODE_LIST, FESTIVE_CODES, PREPAID_METHODS, UTMS,
    Product, discount_for,
)
from wadesk.core.demo.geography import City
from wadesk.core.demo.personas import Persona
from wadesk.core.demo.state import DAY, HISTORY_DAYS, ShopState

HIGH_VALUE = 2500  # the COD-risk persona always has one order at least this big
_UTM_CONTENT = ("reel_15s", "carousel_1", "story_swipe", None, None)
_UTM_TERM = {"cpc": ("kesar serum", "cotton kurta women", "wireless earbuds")}


@dataclass
class OrderSummary:
    count: int = 0  # orders that count (not cancelled)
    spent: int = 0  # rupees
    first_at: datetime | None = None  # of any order, a cancelled one too
    last_at: datetime | None = None
    festive: bool = False
    rto: bool = False
    # the rest of crm.totals' figures
    first_counted_at: datetime | None = None
    cod: int = 0
    rto_count: int = 0
    cancelled: int = 0
    discounted: int = 0
    settled: int = 0

    def figures(self) -> list:
        """The customer row's order figures, in state.CUSTOMER_COLS order."""
        return [self.count, self.spent, self.last_at, self.first_counted_at, self.cod, self.rto_count,
                self.cancelled, self.discounted, self.settled]


def _basket(st: ShopState, fav: str, min_total: int, code: str | None) -> tuple[list[tuple[Product, int]], int, int]:
    items: list[tuple[Product, int]] = []
    subtotal = 0
    k = 1 + (st.random() < 0.4) + (st.random() < 0.15)
    while True:
        for _ in range(k):
            cat = fav if st.random() < 0.7 else st.pick(CATEGORIES)
            products = BY_CATEGORY[cat]
            p = st.pick(products)
            qty = 2 if cat == "skincare" and st.random() < 0.2 else 1
            items.append((p, qty))
            subtotal += p.price * qty
        discount = discount_for(code, subtotal) if code else 0
        if subtotal - discount >= min_total:
            return items, subtotal, discount
        k = 1  # keep adding single items until the order is big enough


def _order_times(st: ShopState, persona: Persona, n: int) -> list[datetime]:
    lo, hi = persona.last_order_days
    latest = st.ago(lo, min(hi + 1, HISTORY_DAYS))  # within the 18 months of history
    earlier = [st.between(st.history_start, latest) for _ in range(n - 1)]
    return sorted(earlier + [latest])


def add_orders(st: ShopState, cid: int, persona: Persona, city: City, pincode: str, fav: str, channel: str) -> OrderSummary:
    summary = OrderSummary()
    n = st.randint(*persona.orders)
    if n == 0:
        return summary
    times = _order_times(st, persona, n)
    summary.first_at = times[0]  # even a cancelled first order shows when the customer came
    # COD-risk customers: one old COD order came back, one order was high-value.
    forced_rto = int(st.random() * n) if persona.key == "cod_risk" else -1
    forced_big = int(st.random() * n) if persona.key == "cod_risk" else -1
    long_zone = city.long_delivery
    source = "pos" if channel == "walk_in" else "shopify"
    for i, placed in enumerate(times):
        oid = st.new_id("orders")
        is_cod = st.random() < persona.cod_share
        code = st.pick(DISCOUNT_CODE_LIST) if st.random() < persona.discount_share else None
        min_total = max(persona.min_order, HIGH_VALUE if i == forced_big else 0)
        items, subtotal, discount = _basket(st, fav, min_total, code)
        shipping = 0 if subtotal >= 499 else 49
        total = subtotal - discount + shipping
        age = (st.now - placed).total_seconds()
        transit = (st.randint(6, 12) if long_zone else st.randint(2, 6)) * DAY + int(st.random() * DAY)
        cancelled = i != forced_rto and st.random() < persona.cancel_share
        rto = is_cod and not cancelled and age > 25 * DAY and (i == forced_rto or st.random() < persona.rto_share)
        delivered_at = rto_at = cancelled_at = None
        updated = placed
        if cancelled:
            cancelled_at = placed + timedelta(seconds=st.randint(3600, 30 * 3600))
            status, fulfil, fin, updated = "cancelled", "unfulfilled", "voided" if is_cod else "refunded", cancelled_at
        elif rto:
            rto_at = placed + timedelta(seconds=transit + st.randint(4, 8) * DAY)
            status, fulfil, fin, updated = "rto", "fulfilled", "voided", rto_at
        elif age < 1.5 * DAY:
            status, fulfil, fin = "pending", "unfulfilled", "pending" if is_cod else "paid"
        elif age < transit:
            status, fulfil, fin = "shipped", "fulfilled", "pending" if is_cod else "paid"
        else:
            delivered_at = placed + timedelta(seconds=transit)
            status, fulfil, fin, updated = "delivered", "fulfilled", "paid", delivered_at
        utm = st.pick(UTMS) if source == "shopify" and st.random() < 0.55 else (None, None, None)
        content = st.pick(_UTM_CONTENT) if utm[1] == "paid_social" else None
        terms = _UTM_TERM.get(utm[1] or "")
        term = st.pick(terms) if terms else None
        st.add("orders", [
            oid, cid, source, str(4_500_000_000 + oid), f"#{1000 + oid}", placed, total, subtotal,
            discount, shipping, "INR", COD_METHOD if is_cod else st.pick(PREPAID_METHODS),
            is_cod, fin, fulfil, status, rto, delivered_at, rto_at, cancelled_at, code,
            utm[0], utm[1], utm[2], content, term, city.name, city.state, pincode, {}, placed, updated,
        ])
        for product, qty in items:
            st.add("order_items", [st.new_id("order_items"), oid, product.name, product.sku, product.category, qty, product.price])
        if cancelled:
            summary.cancelled += 1
            continue
        summary.count += 1
        summary.spent += total
        summary.first_counted_at = summary.first_counted_at or placed
        summary.last_at = placed
        summary.cod += is_cod
        summary.rto_count += rto
        summary.discounted += bool(code)
        summary.settled += not (is_cod and status in PENDING_SHIPPING)
        summary.festive = summary.festive or code in FESTIVE_CODES
        summary.rto = summary.rto or rto
    return summary
