"""Keeps the denormalised figures on customers (order_count, total_spent, first/last_order_at, the
COD / RTO / cancelled / discount / settled counts, tag_list) in step with orders and tags. Portable
SQL (UPDATE ... FROM one grouped aggregate, SQLite >= 3.33 and PostgreSQL), in chunks of ids."""
from __future__ import annotations

from typing import Iterable, Sequence

from sqlalchemy import and_, bindparam, case, func, select, update
from sqlalchemy.orm import Session

from wadesk.core.db.models import Customer, CustomerTag, Order, Tag

CHUNK = 5000
PENDING_SHIPPING = ("pending", "shipped")  # a COD order in these states is not paid yet

_customers = Customer.__table__
_SET_TAG_LIST = _customers.update().where(_customers.c.id == bindparam("_id")).values(tag_list=bindparam("_tl"))


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _figures(ids: Sequence[int] | None):
    """One row per customer (every customer in `ids`, or all): the order figures. Cancelled orders
    do not count as purchases; the outer join gives customers without orders their zeros."""
    has = Order.id.isnot(None)
    counted = and_(has, Order.cancelled_at.is_(None))

    def n(cond):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)
    q = select(
        Customer.id.label("cid"),
        n(counted).label("order_count"),
        func.coalesce(func.sum(case((counted, Order.total), else_=0)), 0).label("total_spent"),
        func.min(case((counted, Order.placed_at))).label("first_order_at"),
        func.max(case((counted, Order.placed_at))).label("last_order_at"),
        n(and_(counted, Order.is_cod)).label("cod_orders"),
        n(and_(counted, Order.is_rto)).label("rto_orders"),
        n(and_(has, Order.cancelled_at.isnot(None))).label("cancelled_orders"),
        n(and_(counted, Order.discount_code.isnot(None), Order.discount_code != "")).label("discount_orders"),
        n(and_(counted, ~and_(Order.is_cod, Order.shipping_status.in_(PENDING_SHIPPING)))).label("settled_orders"),
    ).outerjoin(Order, Order.customer_id == Customer.id).group_by(Customer.id)
    return (q.where(Customer.id.in_(ids)) if ids is not None else q).subquery()


FIGURES = ("order_count", "total_spent", "first_order_at", "last_order_at", "cod_orders", "rto_orders",
           "cancelled_orders", "discount_orders", "settled_orders")
NO_ORDERS = (0, 0, None, None, 0, 0, 0, 0, 0)  # the FIGURES of a customer without orders


def _and(a: bool | None, b: bool | None) -> bool | None:
    """SQL's AND with NULL as None."""
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def tally_order(fig: list | None, total, placed_at, cancelled: bool, is_cod: bool | None, is_rto: bool | None,
                discount_code: str | None, shipping_status: str | None) -> list:
    """Add one order to a customer's FIGURES as `_figures` counts them, NULLs included; -> the
    figures (new when fig is None). An import adds up the orders it creates for the customers it
    creates instead of asking the query. total: a number or None; placed_at: None or any value
    that orders like the times (datetimes, or their stored texts)."""
    if fig is None:
        fig = list(NO_ORDERS)
    if cancelled:
        fig[6] += 1
        return fig
    fig[0] += 1
    if total is not None:
        fig[1] += total
    if placed_at is not None:
        fig[2] = placed_at if fig[2] is None or placed_at < fig[2] else fig[2]
        fig[3] = placed_at if fig[3] is None or placed_at > fig[3] else fig[3]
    fig[4] += bool(is_cod)
    fig[5] += bool(is_rto)
    fig[7] += discount_code is not None and discount_code != ""
    fig[8] += _and(None if is_cod is None else bool(is_cod),
                   None if shipping_status is None else shipping_status in PENDING_SHIPPING) is False
    return fig


def refresh_order_totals(session: Session, customer_ids: Sequence[int] | None = None) -> None:
    """Recompute order figures for the given customers (all customers when None)."""
    chunks = [None] if customer_ids is None else _chunks(sorted(set(customer_ids)))
    for chunk in chunks:
        f = _figures(chunk)
        session.execute(update(Customer).where(Customer.id == f.c.cid)
                        .values({name: f.c[name] for name in FIGURES})
                        .execution_options(synchronize_session=False))


def refresh_tag_lists(session: Session, customer_ids: Sequence[int] | None = None) -> None:
    """Rebuild tag_list (what the table shows and sorts by) from the tags tables.

    Grouped in Python rather than with group_concat/string_agg so it runs on any database."""
    if customer_ids is None:
        customer_ids = session.scalars(select(Customer.id)).all()
    for chunk in _chunks(sorted(set(customer_ids))):
        names: dict[int, list[str]] = {cid: [] for cid in chunk}
        rows = session.execute(
            select(CustomerTag.customer_id, Tag.name)
            .join(Tag, Tag.id == CustomerTag.tag_id)
            .where(CustomerTag.customer_id.in_(chunk))
            .order_by(CustomerTag.customer_id, Tag.name)
        )
        for cid, name in rows:
            names[cid].append(name)
        # A Core UPDATE ... WHERE id = ? executemany: the same rows as the ORM's bulk update by
        # primary key, without its per-row bookkeeping (no objects are synchronised either way).
        session.execute(
            _SET_TAG_LIST,
            [{"_id": cid, "_tl": ", ".join(tags)[:500]} for cid, tags in names.items()],
        )
