"""The per-recipient context a mapping reads: "<source>.<name>" -> raw value.

`bulk_contexts` builds it for many customers with a handful of set-based queries per chunk (no
per-customer queries), for pre-flight and the campaign freeze; `customer_context` is the same for
one customer (the preview bubble). `FIELDS`, `METRICS`, `PRODUCTS` and `RECOMMENDATIONS` are the
catalogue the mapping editor offers.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any, Iterable, Iterator

from sqlalchemy import Column, Integer, MetaData, Table, desc, func, insert, select
from sqlalchemy.orm import Session

from wadesk.core.clock import utc_naive
from wadesk.core.db.models import Customer, Event, Order, OrderItem

FIELDS = {
    "first_name": "First name", "last_name": "Last name", "name": "Full name", "phone": "Phone",
    "email": "Email", "city": "City", "state": "State", "pincode": "PIN code",
}
METRICS = {
    "order_count": "Orders", "total_spent": "Total spent", "aov": "Average order value",
    "last_order_at": "Last order date", "last_order_total": "Last order value",
    "last_order_number": "Last order number", "favourite_category": "Favourite category",
    "cart_value": "Cart value (last cart)",
}
PRODUCTS = {"last_viewed": "Last viewed product", "last_carted": "Last carted product"}
RECOMMENDATIONS = {"top_in_favourite_category": "Top seller in their favourite category, not yet bought"}
_EVENT_TYPES = {"product_viewed": "last_viewed", "added_to_cart": "last_carted"}
_FIELD_COLS = [getattr(Customer, f) for f in FIELDS]
_PHONE_AT = 4 + list(FIELDS).index("phone")  # row: id, order_count, total_spent, last_order_at, *fields


def context_keys(mapping: Any) -> set[str]:
    """The context keys a mapping reads: lets bulk_contexts skip queries nobody needs."""
    return {m.context_key for m in mapping.variables.values() if m.source not in ("fixed", "discount_code")}


def _latest(partition: Any, order: Any, *cols: Any, where: Any, join: Any) -> Any:
    """Latest row per partition via ROW_NUMBER (portable: SQLite ≥ 3.25 and PostgreSQL)."""
    rn = func.row_number().over(partition_by=partition, order_by=desc(order)).label("rn")
    sub = select(*cols, rn).join(*join).where(*where).subquery()
    return select(*[sub.c[c.key] for c in cols]).where(sub.c.rn == 1)


def _top_sellers(conn: Any) -> dict[str, list[str]]:
    rows = conn.execute(select(OrderItem.category, OrderItem.product, func.sum(OrderItem.quantity).label("n"))
                           .where(OrderItem.category.is_not(None)).group_by(OrderItem.category, OrderItem.product)
                           .order_by(OrderItem.category, desc("n"), OrderItem.product))
    out: dict[str, list[str]] = defaultdict(list)
    for category, product, _n in rows:
        if len(out[category]) < 50:
            out[category].append(product)
    return out


def bulk_contexts(session: Session, customer_ids: Iterable[int], now: datetime | None = None,
                  keys: set[str] | None = None) -> Iterator[tuple[int, str | None, dict[str, Any]]]:
    """(customer_id, phone, context) for each id, in the order given (unknown ids are skipped).

    The ids go into a temporary table joined by every query (one query per kind of data, however
    many customers). With `keys` (see context_keys) only the data those keys need is read."""
    ids = list(dict.fromkeys(customer_ids))
    want = (lambda *prefixes: True) if keys is None else (lambda *prefixes: any(k.startswith(prefixes) for k in keys))
    tmp = Table(f"wadesk_ids_{uuid.uuid4().hex[:8]}", MetaData(), Column("id", Integer, primary_key=True),
                prefixes=["TEMPORARY"])
    conn = session.connection()  # Core rows: no ORM result processing for 100,000 customers
    tmp.create(conn)
    try:
        if ids:
            conn.execute(insert(tmp), [{"id": i} for i in ids])
        on_customer = (tmp, tmp.c.id == Customer.id)
        attrs = [Customer.attributes] if want("attribute.") else []
        customers = {r[0]: r for r in conn.execute(
            select(Customer.id, Customer.order_count, Customer.total_spent, Customer.last_order_at, *_FIELD_COLS,
                   *attrs).join(*on_customer)).all()}
        last_order: dict[int, Any] = {}
        if want("metric.last_order_total", "metric.last_order_number"):
            last_order = {r[0]: r for r in conn.execute(_latest(
                Order.customer_id, Order.placed_at, Order.customer_id, Order.total, Order.number, Order.external_id,
                where=[], join=(tmp, tmp.c.id == Order.customer_id))).all()}
        fav: dict[int, dict[str, int]] = defaultdict(dict)
        bought: dict[int, set[str]] = defaultdict(set)
        top: dict[str, list[str]] = {}
        if want("metric.favourite_category", "recommendation."):
            for cid, category, product, qty in conn.execute(
                    select(Order.customer_id, OrderItem.category, OrderItem.product, func.sum(OrderItem.quantity))
                    .select_from(OrderItem).join(Order, OrderItem.order_id == Order.id)
                    .join(tmp, tmp.c.id == Order.customer_id)
                    .group_by(Order.customer_id, OrderItem.category, OrderItem.product)).all():
                bought[cid].add(product)
                if category is not None:
                    fav[cid][category] = fav[cid].get(category, 0) + (qty or 0)
            top = _top_sellers(conn) if want("recommendation.") else {}
        events: dict[tuple[int, str], Any] = {}
        if want("product.", "metric.cart_value"):
            where = [Event.type.in_(list(_EVENT_TYPES)), Event.product.is_not(None)]
            if now is not None:
                where.append(Event.occurred_at <= utc_naive(now))
            events = {(r[0], r[1]): r for r in conn.execute(_latest(
                (Event.customer_id, Event.type), Event.occurred_at, Event.customer_id, Event.type, Event.product,
                Event.value, where=where, join=(tmp, tmp.c.id == Event.customer_id))).all()}
        for cid in ids:
            c = customers.get(cid)
            if c is None:
                continue
            yield cid, c[_PHONE_AT], _assemble(c, attrs, last_order.get(cid), fav.get(cid), bought.get(cid, set()),
                                           top, events.get((cid, "product_viewed")), events.get((cid, "added_to_cart")))
    finally:
        tmp.drop(conn)


def _assemble(c: Any, attrs: list[Any], lo: Any, cats: dict[str, int] | None, bought: set[str],
              top: dict[str, list[str]], viewed: Any, carted: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = dict(zip(_FIELD_KEYS, c[4:4 + len(FIELDS)]))
    if not ctx["field.first_name"] and ctx["field.name"]:
        ctx["field.first_name"] = ctx["field.name"].split()[0]
    if attrs:
        for k, v in (c[-1] or {}).items():
            ctx[f"attribute.{k}"] = v
    orders, spent = c[1] or 0, Decimal(c[2] or 0)
    favourite = min(cats, key=lambda k: (-cats[k], k)) if cats else None
    ctx.update({
        "metric.order_count": orders, "metric.total_spent": spent,
        "metric.aov": (spent / orders).quantize(Decimal("0.01")) if orders else None,
        "metric.last_order_at": c[3],
        "metric.last_order_total": lo[1] if lo else None,
        "metric.last_order_number": (lo[2] or lo[3]) if lo else None,
        "metric.favourite_category": favourite,
        "product.last_viewed": viewed[2] if viewed else None,
        "product.last_carted": carted[2] if carted else None,
        "metric.cart_value": carted[3] if carted else None,
        "recommendation.top_in_favourite_category": next(
            (p for p in top.get(favourite, []) if p not in bought), None) if favourite else None,
    })
    return ctx


_FIELD_KEYS = [f"field.{f}" for f in FIELDS]


def customer_context(session: Session, customer: Customer, now: datetime | None = None) -> dict[str, Any]:
    """The context of one customer (the preview): exactly what pre-flight would use."""
    session.flush()
    for _cid, _phone, ctx in bulk_contexts(session, [customer.id], now):
        return ctx
    raise ValueError(f"Customer {customer.id} is not in the database.")
