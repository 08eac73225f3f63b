"""The bulk SQL reads behind the profile metrics: one aggregate per source table.

Aggregating in SQL (GROUP BY customer) moves one row per customer to Python instead of one per
order or event; the arithmetic that follows is pandas/numpy. Times come twice: as the stored value
(written back unchanged, so no datetime formatting per row) and as epoch seconds (for arithmetic).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, cast, distinct, extract, func, Integer, literal_column, select
from sqlalchemy.engine import Connection

from wadesk.core.crm.totals import PENDING_SHIPPING
from wadesk.core.db.models import Customer, Event, Message, Order, OrderItem
from wadesk.core.profile.sqlio import joined_ids, parse_floats, parse_ints, read_chunked, read_joined

Ids = Sequence[int] | None
_COUNTED = Order.cancelled_at.is_(None)


def _flag(cond) -> object:
    return func.sum(case((cond, 1), else_=0))


def _in(col, ids):
    return col.in_(ids) if ids is not None else (col + 0).isnot(None)


def _in_indexed(col, ids):
    """Like _in, but leaves the column bare so an index on it can serve everyone in order."""
    return col.in_(ids) if ids is not None else col.isnot(None)


def _key(col, ids):
    """The customer column to group by. For everyone it is `customer_id + 0`, which no index
    matches: SQLite then scans the table in order and sorts (measured 5x faster at 5M orders
    than walking the customer index and fetching every row from it). The 0 is literal SQL, not a
    bound parameter, so PostgreSQL sees the same expression in SELECT and GROUP BY."""
    return col if ids is not None else (col + literal_column("0"))


def customers(conn: Connection, ids: Ids) -> pd.DataFrame:
    """Id (ascending), channel and whether there is a CTWA click id."""
    cols = ["customer_id", "channel", "has_clid"]
    if ids is None:
        return _customers_all(conn, cols)
    return read_chunked(conn, lambda i: select(
        Customer.id, Customer.channel, cast(Customer.ctwa_clid.isnot(None), Integer),
    ).where(_in(Customer.id, i)).order_by(Customer.id), ids, cols)


def _objects(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _customers_all(conn: Connection, cols: list[str]) -> pd.DataFrame:
    """Everyone's ids per channel from the channel index (0.1 s for 1M customers, against 1.7 s
    for a million rows); the click id matters only where the channel is empty."""
    groups = conn.execute(select(Customer.channel, joined_ids(Customer.id)).group_by(Customer.channel)).all()
    ids = [parse_ints(text) for _, text in groups]
    cids = np.concatenate(ids) if ids else np.empty(0, dtype=np.int64)
    channel = np.repeat(_objects([ch for ch, _ in groups]), [len(a) for a in ids])
    order = np.argsort(cids, kind="stable")
    cids, channel = cids[order], channel[order]
    clid = parse_ints(conn.execute(select(joined_ids(Customer.id)).where(
        Customer.channel.is_(None), Customer.ctwa_clid.isnot(None))).scalar())
    return pd.DataFrame({cols[0]: cids, cols[1]: channel, cols[2]: np.isin(cids, clid).astype(np.int64)})


_ORDER_COLUMNS = ["customer_id", "orders", "total_spent", "first_order_at", "last_order_at", "first_s",
                  "last_s", "cod_orders", "rto_count", "cancelled_orders", "discount_orders", "cod_settled"]
_ORDER_KINDS = ["int", "int", "num", "text", "text", "num", "num", "int", "int", "int", "int", "int"]


def orders(conn: Connection, ids: Ids) -> pd.DataFrame:
    """Per customer with orders: counted orders, money, first and last order, COD, RTO, cancelled,
    discounts, settled. Everyone's come from the figures crm.totals keeps on customers (one scan of
    1M customer rows: ~2 s CPU with parsing, against ~5–6.5 s aggregating 5M orders); some customers' from the orders
    themselves, which also checks those figures (tests compare the two paths)."""
    if ids is None:
        return _order_figures(conn)
    first = func.min(case((_COUNTED, Order.placed_at)))
    last = func.max(case((_COUNTED, Order.placed_at)))
    return _read_aggregate(conn, lambda i: select(
        Order.customer_id, _flag(_COUNTED), func.sum(case((_COUNTED, Order.total), else_=0)),
        first, last, extract("epoch", first), extract("epoch", last),
        _flag(and_(_COUNTED, Order.is_cod)), _flag(and_(_COUNTED, Order.is_rto)), _flag(~_COUNTED),
        _flag(and_(_COUNTED, Order.discount_code.isnot(None), Order.discount_code != "")),
        # counted orders that are not a COD order still on its way (those are paid or delivered)
        _flag(and_(_COUNTED, ~and_(Order.is_cod, Order.shipping_status.in_(PENDING_SHIPPING)))),
    ).where(_in_indexed(Order.customer_id, i)).group_by(Order.customer_id), ids, _ORDER_COLUMNS, _ORDER_KINDS)


def _order_figures(conn: Connection) -> pd.DataFrame:
    """orders() for everyone, from the customers' kept figures. The filter is an expression no
    index serves: SQLite scans the table in id order (through the order_count index it would fetch
    600k rows one by one, ~5x slower)."""
    c = Customer
    return _read_aggregate(conn, lambda _: select(
        c.id, c.order_count, c.total_spent, c.first_order_at, c.last_order_at, extract("epoch", c.first_order_at),
        extract("epoch", c.last_order_at), c.cod_orders, c.rto_orders, c.cancelled_orders, c.discount_orders,
        c.settled_orders,
    ).where(c.order_count + c.cancelled_orders > 0).order_by(c.id), None, _ORDER_COLUMNS, _ORDER_KINDS)


def _read_aggregate(conn: Connection, make_stmt, ids: Ids, columns: list[str], kinds: list[str]) -> pd.DataFrame:
    """read_chunked, but everyone's rows come as joined texts where the database allows (read_joined;
    1M product-page events: 0.9 s CPU against 1.7 s as rows)."""
    if ids is None:
        out = read_joined(conn, make_stmt(None), columns, kinds)
        if out is not None:
            return out
    return read_chunked(conn, make_stmt, ids, columns)


def category_purchases(conn: Connection, ids: Ids) -> pd.DataFrame:
    """Counted orders per (customer, category). For everyone: each category's order ids and every
    counted order's customer as a few long texts (`joined_ids`, from the (category, order_id) and
    the customer order indexes), matched and counted in numpy: 1.8 s for 7.5M items, against
    12 s reading them as rows and 22 s for the SQL join. For some ids: the join, per chunk."""
    if ids is None:
        out = _category_purchases_all(conn)
        if out is not None:
            return out
    return _category_purchases_sql(conn, ids)


MAX_JOINED = 50_000_000  # items or orders; past this one text could pass SQLite's 1e9-byte limit


def counted_orders(conn: Connection) -> tuple[np.ndarray, np.ndarray]:
    """(order id, customer id) of every counted order with a customer, as two aligned arrays."""
    ids, cust = conn.execute(select(joined_ids(Order.id), joined_ids(Order.customer_id))
                             .where(_COUNTED, Order.customer_id.isnot(None))).one()
    return parse_ints(ids), parse_ints(cust)


def _category_purchases_all(conn: Connection) -> pd.DataFrame | None:
    items = conn.execute(select(func.count()).select_from(OrderItem)).scalar() or 0
    if items == 0 or items > MAX_JOINED:
        return None
    order_ids, order_cust = counted_orders(conn)
    if len(order_ids) == 0 or len(order_ids) > MAX_JOINED:
        return None
    groups = conn.execute(select(OrderItem.category, joined_ids(OrderItem.order_id))
                          .where(func.coalesce(OrderItem.category, "") != "").group_by(OrderItem.category)).all()
    owner = id_lookup(order_ids, order_cust)
    names = _objects([name for name, _ in groups])
    ncat = max(len(names), 1)
    keys = []
    for code, (_, text) in enumerate(groups):
        cust = owner(_distinct(parse_ints(text)))  # an order with two skincare items counts once
        keys.append(cust[cust >= 0] * ncat + code)
    key = np.concatenate(keys) if keys else np.empty(0, dtype=np.int64)
    if len(key) and int(key.max()) <= 8 * len(key) + 10_000_000:
        tally = np.bincount(key)
        key = np.flatnonzero(tally)
        counts = tally[key]
    else:
        key, counts = np.unique(key, return_counts=True)
    # categorical: the names are few, and 2.5M strings need not be made or checked one by one
    return pd.DataFrame({"customer_id": key // ncat, "category": pd.Categorical.from_codes(
        key % ncat, categories=pd.Index(names, dtype=object)), "purchases": counts.astype(np.int64)})


def _distinct(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values; the index hands them over sorted already, so usually no sort."""
    if len(a) > 1 and not (a[1:] >= a[:-1]).all():
        a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def id_lookup(ids: np.ndarray, values: np.ndarray):
    """A function: ids -> their values (order ids -> owners, customer ids -> positions; -1 where an
    id is not among `ids`). A dense table indexed by id when ids are compact (as database ids are),
    else a binary search."""
    if len(ids) == 0:
        return lambda q: np.full(len(q), -1, dtype=np.int64)
    top = int(ids.max())
    if int(ids.min()) >= 0 and top < 4 * len(ids) + 1_000_000:
        table = np.full(top + 1, -1, dtype=np.int64)
        table[ids] = values

        def dense(q: np.ndarray) -> np.ndarray:
            out = np.full(len(q), -1, dtype=np.int64)
            ok = (q >= 0) & (q <= top)
            out[ok] = table[q[ok]]
            return out
        return dense
    by_id = np.argsort(ids, kind="stable")
    sorted_ids, sorted_values = ids[by_id], values[by_id]

    def search(q: np.ndarray) -> np.ndarray:
        pos = np.minimum(np.searchsorted(sorted_ids, q), len(sorted_ids) - 1)
        return np.where(sorted_ids[pos] == q, sorted_values[pos], -1)
    return search


def _category_purchases_sql(conn: Connection, ids: Ids) -> pd.DataFrame:
    return read_chunked(conn, lambda i: select(
        _key(Order.customer_id, i), OrderItem.category, func.count(distinct(Order.id)),
    ).join(Order, OrderItem.order_id == Order.id)
        .where(_COUNTED, func.coalesce(OrderItem.category, "") != "", _in(Order.customer_id, i))
        .group_by(_key(Order.customer_id, i), OrderItem.category), ids, ["customer_id", "category", "purchases"])


def event_totals(conn: Connection, ids: Ids) -> pd.DataFrame:
    """Per customer: product views, carts, checkouts, visits and the latest event (stored value and
    epoch). Every column is in the (customer_id, type, occurred_at) index, so SQLite walks that
    index in customer order: no table rows read, no sort (for 3.5M events: 2.7 s CPU, against
    14 s for the old per-(customer, type, category) group-by that also read every row)."""
    t = Event.type
    latest = func.max(Event.occurred_at)
    cols = ["customer_id", "views", "carts", "checkouts", "sessions", "last_seen_at", "last_s"]
    return _read_aggregate(conn, lambda i: select(
        Event.customer_id, _flag(t == "product_viewed"), _flag(t == "added_to_cart"), _flag(t == "checkout_started"),
        _flag(t == "session"), latest, extract("epoch", latest),
    ).where(_in_indexed(Event.customer_id, i)).group_by(Event.customer_id), ids, cols,
        ["int", "int", "int", "int", "int", "text", "num"])


def page_views(conn: Connection, ids: Ids) -> pd.DataFrame:
    """Product-page events (product_viewed, pdp_time), one row each: the customer, whether it is a
    product view, its category and the seconds on the page. Per-category views and the longest
    page read are counted from these in numpy. For everyone it is a plain table scan: going
    through the type index would fetch a million rows one by one (3x the CPU)."""
    t = Event.type
    pdp = case((t == "product_viewed", Event.properties["pdp_seconds"].as_float()),
               (t == "pdp_time", Event.properties["seconds"].as_float()))
    kinds = ("product_viewed", "pdp_time")
    return _read_aggregate(conn, lambda i: select(
        Event.customer_id, cast(t == "product_viewed", Integer), Event.category, pdp,
    ).where(_in(Event.customer_id, i), (t.in_(kinds) if i is not None else (t + "").in_(kinds))),
        ids, ["customer_id", "viewed", "category", "pdp"], ["int", "int", "text", "num"])


def sessions(conn: Connection, ids: Ids) -> pd.DataFrame:
    """Visit times. For everyone, `type || ''` keeps SQLite off the (type, time) index, which would
    fetch each visit's row for its customer; it scans the covering (customer, type, time) index
    instead (less than half the CPU). Everyone's come as two joined texts (`joined_ids`): 0.3 s
    for 500k visits against 0.8 s as rows."""
    cols = ["customer_id", "at_s"]

    def make(i):
        return select(Event.customer_id, extract("epoch", Event.occurred_at)).where(
            (Event.type if i is not None else Event.type + "") == "session", _in(Event.customer_id, i))
    if ids is None:
        who, at = conn.execute(select(*(joined_ids(c) for c in make(None).subquery().c))).one()
        who, at = parse_ints(who), parse_floats(at)
        if len(who) == len(at):  # else a time SQLite could not read (NULL, left out): rows below
            return pd.DataFrame({cols[0]: who, cols[1]: at})
    return read_chunked(conn, make, ids, cols)


def messages(conn: Connection, ids: Ids) -> pd.DataFrame:
    inbound = Message.direction == "in"
    replied = func.max(case((inbound, Message.created_at)))
    return read_chunked(conn, lambda i: select(
        _key(Message.customer_id, i), func.max(case((~inbound, Message.read_at))), replied,
        extract("epoch", replied),
    ).where(_in(Message.customer_id, i)).group_by(_key(Message.customer_id, i)),
        ids, ["customer_id", "last_read_at", "last_replied_at", "replied_s"])
