"""Keeps the denormalised figures on customers (order_count, total_spent, last_order_at,
tag_list) in step with orders and tags. Portable SQL (correlated subqueries), in chunks of ids."""
from __future__ import annotations

from typing import Iterable, Sequence

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.orm import Session

from wadesk.core.db.models import Customer, CustomerTag, Order, Tag

CHUNK = 5000
# Cancelled orders do not count as purchases.
_counted = and_(Order.customer_id == Customer.id, Order.cancelled_at.is_(None))


_customers = Customer.__table__
_SET_TAG_LIST = _customers.update().where(_customers.c.id == bindparam("_id")).values(tag_list=bindparam("_tl"))


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _order_values():
    return {
        Customer.order_count: select(func.count(Order.id)).where(_counted).scalar_subquery(),
        Customer.total_spent: select(func.coalesce(func.sum(Order.total), 0)).where(_counted).scalar_subquery(),
        Customer.last_order_at: select(func.max(Order.placed_at)).where(_counted).scalar_subquery(),
    }


def refresh_order_totals(session: Session, customer_ids: Sequence[int] | None = None) -> None:
    """Recompute order figures for the given customers (all customers when None)."""
    if customer_ids is None:
        session.execute(update(Customer).values(_order_values()).execution_options(synchronize_session=False))
        return
    for chunk in _chunks(sorted(set(customer_ids))):
        session.execute(
            update(Customer)
            .where(Customer.id.in_(chunk))
            .values(_order_values())
            .execution_options(synchronize_session=False)
        )


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
