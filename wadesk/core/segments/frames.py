"""Compact frames of orders (with their items), events and messages for window conditions.

Each frame keeps only numbers: the customer's row position (int32), epoch seconds, codes for
strings. Orders are sorted by time, and events by (type, time), so "in the last N days" is a
binary search and a slice rather than a scan.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Integer, case, cast, extract, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from wadesk.core.db.models import Event, Message, Order, OrderItem
from wadesk.core.messaging.template_spec import STOP_PAYLOAD, is_stop_button
from wadesk.core.profile.sqlio import read_frame
from wadesk.core.segments.columns import Coded, epoch, positions


def _nbytes(obj) -> int:
    return sum(v.nbytes() if isinstance(v, Coded) else getattr(v, "nbytes", 0) for v in vars(obj).values())


@dataclass
class OrderFrame:
    pos: np.ndarray  # customer row
    at: np.ndarray  # placed_at, epoch s (sorted)
    total: np.ndarray
    cod: np.ndarray
    rto: np.ndarray
    cancelled: np.ndarray
    status: Coded  # shipping status; "cancelled" when cancelled
    method: Coded
    code: Coded  # discount code
    item_order: np.ndarray  # order row of each item
    item_id: np.ndarray  # order_items.id, to attach sku / product when a rule first needs them
    item_category: Coded

    nbytes = _nbytes


@dataclass
class EventFrame:
    type: Coded  # sorted by type, then time
    starts: np.ndarray  # slice start of each type code (len = types + 1)
    pos: np.ndarray
    at: np.ndarray
    id: np.ndarray  # events.id, to attach the product name when a rule first needs it
    category: Coded
    value: np.ndarray
    pdp: np.ndarray  # product-page seconds (NaN = not a page read)
    sale: np.ndarray  # happened during a sale (properties.sale)

    nbytes = _nbytes

    def slice(self, type_name: str) -> slice:
        hit = np.flatnonzero(self.type.keys == type_name.strip().lower())
        if not len(hit):
            return slice(0, 0)
        return slice(int(self.starts[hit[0]]), int(self.starts[hit[0] + 1]))


@dataclass
class MessageFrame:
    pos: np.ndarray
    inbound: np.ndarray
    campaign: np.ndarray  # campaign id, -1 = none
    status: Coded
    at: np.ndarray  # created_at, epoch s
    read: np.ndarray
    error: np.ndarray  # error code, 0 = none
    marketing: np.ndarray
    counted: np.ndarray  # real (not sandbox) and not a holdout placeholder
    clicked: np.ndarray  # the customer tapped one of its buttons (not "Stop promotions")

    nbytes = _nbytes


def _only(col, only: list[int] | None):
    """Rows of every customer (the `+ 0` keeps SQLite scanning the table), or of a few (a patch)."""
    return col.in_(only) if only is not None else (col + 0).isnot(None)


def load_orders(conn: Connection, ids: np.ndarray, only: list[int] | None = None) -> OrderFrame:
    status = case((Order.cancelled_at.isnot(None), "cancelled"), else_=Order.shipping_status)
    o = read_frame(conn, select(
        Order.id, Order.customer_id, extract("epoch", Order.placed_at), Order.total, cast(Order.is_cod, Integer),
        cast(Order.is_rto, Integer), cast(Order.cancelled_at.isnot(None), Integer), status,
        Order.payment_method, Order.discount_code,
    ).where(_only(Order.customer_id, only)), ["id", "cid", "at", "total", "cod", "rto", "cancelled", "status",
                                               "method", "code"], categories=("status", "method", "code"))
    pos, ok = positions(ids, o["cid"].to_numpy(dtype=np.int64))
    at = epoch(o["at"])
    # Sort plain arrays (numpy), not the frame with its string columns.
    order = np.flatnonzero(ok)[np.argsort(at[ok], kind="stable")]
    items = select(OrderItem.id, OrderItem.order_id, OrderItem.category)
    if only is not None:
        items = items.join(Order, Order.id == OrderItem.order_id).where(Order.customer_id.in_(only))
    it = read_frame(conn, items, ["id", "order_id", "category"], categories=("category",))
    oid = o["id"].to_numpy(dtype=np.int64)[order]
    order_sort = np.argsort(oid, kind="stable")
    item_oid = it["order_id"].to_numpy(dtype=np.int64)
    found = np.minimum(np.searchsorted(oid, item_oid, sorter=order_sort), max(len(oid) - 1, 0))
    row = order_sort[found] if len(oid) else found
    keep = (oid[row] == item_oid) if len(oid) else np.zeros(len(it), bool)
    return OrderFrame(
        pos=pos[order], at=at[order], total=epoch(o["total"])[order],
        cod=o["cod"].to_numpy(dtype=bool)[order], rto=o["rto"].to_numpy(dtype=bool)[order],
        cancelled=o["cancelled"].to_numpy(dtype=bool)[order], status=Coded.of(o["status"]).take(order),
        method=Coded.of(o["method"]).take(order), code=Coded.of(o["code"]).take(order),
        item_order=row[keep].astype(np.int32), item_id=it["id"].to_numpy(dtype=np.int64)[keep],
        item_category=Coded.of(it["category"]).take(np.flatnonzero(keep)),
    )


def load_events(conn: Connection, ids: np.ndarray, only: list[int] | None = None) -> EventFrame:
    pdp = case((Event.type == "product_viewed", Event.properties["pdp_seconds"].as_float()),
               (Event.type == "pdp_time", Event.properties["seconds"].as_float()))
    sale = cast(Event.properties["sale"].as_string().isnot(None), Integer)
    e = read_frame(conn, select(Event.id, Event.customer_id, Event.type, extract("epoch", Event.occurred_at),
                                Event.category, Event.value, pdp, sale).where(_only(Event.customer_id, only)),
                   ["id", "cid", "type", "at", "category", "value", "pdp", "sale"], categories=("type", "category"))
    pos, ok = positions(ids, e["cid"].to_numpy(dtype=np.int64))
    kind = Coded.lowered(e["type"])
    at = epoch(e["at"])
    sel = np.flatnonzero(ok)
    order = sel[np.lexsort((at[sel], kind.codes[sel]))]  # by type, then time
    kind = kind.take(order)
    starts = np.searchsorted(kind.codes, np.arange(len(kind.values) + 1), side="left")
    return EventFrame(kind, starts, pos[order], at[order], e["id"].to_numpy(dtype=np.int64)[order],
                      Coded.of(e["category"]).take(order), epoch(e["value"])[order], epoch(e["pdp"])[order],
                      pd.to_numeric(e["sale"], errors="coerce").fillna(0).to_numpy(dtype=bool)[order])


TAP_TYPES = ("button", "interactive")
_OURS, _TAP = aliased(Message), aliased(Message)  # made once: an alias sets itself up on first use (~0.3 s)


def tapped_message_ids(conn: Connection, only: list[int] | None = None) -> np.ndarray:
    """Ids of our messages whose buttons the customer tapped. A tap arrives as an inbound message
    whose `payload` is the Cloud API message: type "button" (template quick reply) or "interactive"
    (reply button / list), with `context.id` = the wamid of our message. "Stop promotions" taps are
    opt-outs, not clicks. (Meta does not report taps on URL buttons.)"""
    ours, tap = _OURS, _TAP
    p = tap.payload
    rows = conn.execute(select(ours.id, p[("button", "payload")].as_string(), p[("button", "text")].as_string(),
                               p[("interactive", "button_reply", "title")].as_string())
                        .join(ours, ours.wamid == p[("context", "id")].as_string())
                        .where(tap.direction == "in", p["type"].as_string().in_(TAP_TYPES), ours.direction == "out",
                               _only(ours.customer_id, only)))
    return np.array(sorted({mid for mid, payload, text, title in rows
                            if payload != STOP_PAYLOAD and not is_stop_button(text) and not is_stop_button(title)}),
                    dtype=np.int64)


def load_messages(conn: Connection, ids: np.ndarray, only: list[int] | None = None) -> MessageFrame:
    m = read_frame(conn, select(
        Message.id, Message.customer_id, cast(Message.direction == "in", Integer), Message.campaign_id, Message.status,
        extract("epoch", Message.created_at), cast(Message.read_at.isnot(None), Integer), Message.error_code,
        Message.category, cast(Message.is_sandbox, Integer), cast(Message.is_holdout, Integer),
    ).where(_only(Message.customer_id, only)),
        ["id", "cid", "inbound", "campaign", "status", "at", "read", "error", "category", "sandbox", "holdout"])
    pos, ok = positions(ids, m["cid"].to_numpy(dtype=np.int64))
    m = m[ok]
    status = Coded.of(m["status"])
    return MessageFrame(
        pos=pos[ok], inbound=m["inbound"].to_numpy(dtype=bool),
        campaign=pd.to_numeric(m["campaign"], errors="coerce").fillna(-1).to_numpy(dtype=np.int64),
        status=status, at=epoch(m["at"]),
        read=m["read"].to_numpy(dtype=bool) | status.matches(["read"]),
        error=pd.to_numeric(m["error"], errors="coerce").fillna(0).to_numpy(dtype=np.int64),
        marketing=m["category"].astype(str).str.upper().eq("MARKETING").to_numpy(),
        counted=~(m["sandbox"].fillna(0).astype(bool) | m["holdout"].fillna(0).astype(bool)).to_numpy(),
        clicked=np.isin(m["id"].to_numpy(dtype=np.int64), tapped_message_ids(conn, only)),
    )
