"""The per-recipient context a mapping reads: "<source>.<name>" -> raw value.

This builds it for ONE customer (the preview bubble, a test send) straight from the CRM tables.
Pre-flight over a whole segment needs the same keys for 100,000 customers and will build them in
bulk from the segment engine's columns; `FIELDS` and `METRICS` are the shared catalogue of keys.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import desc, func, select
from sqlalchemy.orm import Session

from wadesk.core.clock import utc_naive
from wadesk.core.db.models import Customer, Event, Order, OrderItem

# Key -> label, for the mapping editor's drop-downs.
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


def customer_context(session: Session, customer: Customer, now: datetime | None = None) -> dict[str, Any]:
    ctx: dict[str, Any] = {f"field.{k}": getattr(customer, k, None) for k in FIELDS}
    if not ctx["field.first_name"] and customer.name:
        ctx["field.first_name"] = customer.name.split()[0]
    for k, v in (customer.attributes or {}).items():
        ctx[f"attribute.{k}"] = v
    orders = customer.order_count or 0
    spent = Decimal(customer.total_spent or 0)
    ctx.update({"metric.order_count": orders, "metric.total_spent": spent,
                "metric.aov": (spent / orders).quantize(Decimal("0.01")) if orders else None,
                "metric.last_order_at": customer.last_order_at})
    last = session.scalars(select(Order).where(Order.customer_id == customer.id)
                           .order_by(desc(Order.placed_at)).limit(1)).first()
    if last is not None:
        ctx["metric.last_order_total"] = last.total
        ctx["metric.last_order_number"] = last.number or last.external_id
    fav = session.execute(
        select(OrderItem.category, func.sum(OrderItem.quantity).label("n")).join(Order)
        .where(Order.customer_id == customer.id, OrderItem.category.is_not(None))
        .group_by(OrderItem.category).order_by(desc("n"), OrderItem.category).limit(1)).first()
    ctx["metric.favourite_category"] = fav[0] if fav else None
    cutoff = utc_naive(now) if now else None
    for key, etype in (("last_viewed", "product_viewed"), ("last_carted", "added_to_cart")):
        q = select(Event).where(Event.customer_id == customer.id, Event.type == etype, Event.product.is_not(None))
        if cutoff is not None:
            q = q.where(Event.occurred_at <= cutoff)
        ev = session.scalars(q.order_by(desc(Event.occurred_at)).limit(1)).first()
        ctx[f"product.{key}"] = ev.product if ev else None
        if key == "last_carted":
            ctx["metric.cart_value"] = ev.value if ev else None
    ctx["recommendation.top_in_favourite_category"] = (
        _top_unbought(session, customer.id, fav[0]) if fav else None)
    return ctx


def _top_unbought(session: Session, customer_id: int, category: str) -> str | None:
    bought = select(OrderItem.product).join(Order).where(Order.customer_id == customer_id)
    row = session.execute(
        select(OrderItem.product, func.sum(OrderItem.quantity).label("n"))
        .where(OrderItem.category == category, OrderItem.product.not_in(bought))
        .group_by(OrderItem.product).order_by(desc("n"), OrderItem.product).limit(1)).first()
    return row[0] if row else None
