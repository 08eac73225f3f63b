"""The columnar in-memory copy of the shop that every segment question is answered from.

One row per customer (positions follow sorted customer ids): profile columns as codes, numbers
and epoch seconds; metrics from customer_metrics; tags and per-category counts as (row, code)
pairs; orders, events and messages as compact frames. SQLite stays the source of truth: a
snapshot is rebuilt when the data changes (see SegmentEngine). Rarely used text columns (name,
phone, email) and custom attributes load on first use.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import case, extract, func, select
from sqlalchemy.engine import Connection

from wadesk.core.db import Database
from wadesk.core.db.models import Customer, CustomerTag, Event, Message, Order, OrderItem, Tag
from wadesk.core.db.pipeline_models import LOST, Deal, Pipeline, PipelineStage
from wadesk.core.db.profile_models import CustomerCategoryStat, CustomerMetrics, ProfileRefresh
from wadesk.core.profile.sqlio import read_frame
from wadesk.core.segments.columns import Coded, epoch, positions
from wadesk.core.segments.frames import (
    EventFrame, MessageFrame, OrderFrame, load_events, load_messages, load_orders,
)

E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
NOT_DIGITS = re.compile(r"[,\s₹]|^rs\.?", re.IGNORECASE)  # thousands commas, spaces, ₹ / Rs
M = CustomerMetrics
# Sales pipeline (issue 9): each customer's current deal — their open one, else the latest closed —
# found per customer through ix_deals_customer. Deal changes touch customers.updated_at, so a
# patch re-reads the customer.
_DEAL = (select(Deal.id).where(Deal.customer_id == Customer.id)
         .order_by(Deal.closed_at.is_not(None), Deal.updated_at.desc(), Deal.id.desc())
         .limit(1).correlate(Customer).scalar_subquery())
# (field, column, is a 0..1 share shown as %)
_NUMBERS = (("orders", Customer.order_count), ("total_spent", Customer.total_spent), ("aov", M.aov),
            ("avg_days_between_orders", M.avg_days_between_orders), ("cod_orders", M.cod_orders),
            ("cod_share", M.cod_share), ("rto_count", M.rto_count), ("rto_rate", M.rto_rate),
            ("cancelled_orders", M.cancelled_orders), ("discount_share", M.discount_share),
            ("product_views", M.product_views), ("r", M.r), ("f", M.f), ("m", M.m), ("deal_value", Deal.value))
_PERCENT = ("cod_share", "rto_rate", "discount_share")
_ZERO = ("orders", "total_spent", "cod_orders", "rto_count", "cancelled_orders", "product_views", "r", "f", "m")
_DATES = (("created_at", Customer.created_at), ("last_order_at", Customer.last_order_at),
          ("first_order_at", M.first_order_at), ("last_seen_at", M.last_seen_at),
          ("last_read_at", M.last_read_at), ("last_replied_at", M.last_replied_at),
          ("stage_entered_at", Deal.stage_entered_at))
_CODED = (("city", Customer.city), ("state", Customer.state), ("pincode", Customer.pincode),
          ("language", Customer.language), ("channel", Customer.channel),
          ("favourite_category", M.favourite_category), ("funnel_stage", M.funnel_stage),
          ("rfm_group", M.rfm_group), ("lead_status", Customer.lead_status),
          ("owner", func.coalesce(Customer.owner, Deal.owner)), ("pipeline", Pipeline.name),
          ("stage", PipelineStage.name), ("lost_reason", case((PipelineStage.outcome == LOST, Deal.lost_reason))))
TEXT = {"name": Customer.name, "phone": Customer.phone, "email": Customer.email}


@dataclass
class Pairs:
    """Per-customer sets (tags; categories with counts) as parallel arrays."""

    pos: np.ndarray
    code: Coded
    counts: dict[str, np.ndarray] = field(default_factory=dict)


def signature(conn: Connection) -> tuple:
    """Cheap fingerprint of the data: changes whenever a snapshot would."""
    def one(stmt):
        return conn.execute(stmt).scalar()
    return (one(select(func.max(Customer.id))), one(select(func.count()).select_from(Customer)),
            one(select(func.max(Customer.updated_at))), one(select(func.max(Order.id))),
            one(select(func.max(Event.id))), one(select(func.max(Message.id))),
            one(select(func.max(ProfileRefresh.id))), one(select(func.count()).select_from(CustomerTag)))


def _in(col, only):
    """All rows, or only those of some customers (a patch)."""
    return col.in_(only) if only is not None else col.isnot(None)


def customer_frame(conn: Connection, only: list[int] | None = None) -> pd.DataFrame:
    cols = [Customer.id, Customer.phone, Customer.consent_state, *[c for _, c in _NUMBERS],
            *[extract("epoch", c) for _, c in _DATES], *[c for _, c in _CODED]]
    names = ["id", "phone", "consent", *[k for k, _ in _NUMBERS], *[k for k, _ in _DATES], *[k for k, _ in _CODED]]
    stmt = (select(*cols).outerjoin(M, M.customer_id == Customer.id).outerjoin(Deal, Deal.id == _DEAL)
            .outerjoin(PipelineStage, PipelineStage.id == Deal.stage_id)
            .outerjoin(Pipeline, Pipeline.id == Deal.pipeline_id).order_by(Customer.id))
    if only is not None:
        stmt = stmt.where(Customer.id.in_(only))
    return read_frame(conn, stmt, names, categories=[k for k, _ in _CODED])


def customer_columns(df: pd.DataFrame) -> dict:
    """The per-customer arrays of a snapshot from `customer_frame` rows."""
    num: dict[str, np.ndarray] = {}
    for k, _ in _NUMBERS:
        v = epoch(df[k])
        num[k] = np.nan_to_num(v) if k in _ZERO else (v * 100 if k in _PERCENT else v)
    for k, _ in _DATES:
        num[k] = epoch(df[k])
    return {"ids": df["id"].to_numpy(dtype=np.int64), "num": num,
            "coded": {k: Coded.of(df[k]) for k, _ in _CODED},
            "consent": pd.to_numeric(df["consent"], errors="coerce").fillna(0).to_numpy(dtype=np.int8),
            "has_whatsapp": df["phone"].astype(object).str.fullmatch(E164.pattern.strip("^$"), na=False)
            .to_numpy(dtype=bool)}


def load_tags(conn: Connection, ids: np.ndarray, only: list[int] | None = None) -> Pairs:
    t = read_frame(conn, select(CustomerTag.customer_id, Tag.name).join(Tag, Tag.id == CustomerTag.tag_id)
                   .where(_in(CustomerTag.customer_id, only)), ["cid", "name"])
    pos, ok = positions(ids, t["cid"].to_numpy(dtype=np.int64))
    return Pairs(pos[ok], Coded.of(t["name"][ok]))


def load_categories(conn: Connection, ids: np.ndarray, only: list[int] | None = None) -> Pairs:
    c = read_frame(conn, select(CustomerCategoryStat.customer_id, CustomerCategoryStat.category,
                                CustomerCategoryStat.purchases, CustomerCategoryStat.views)
                   .where(_in(CustomerCategoryStat.customer_id, only)), ["cid", "category", "purchases", "views"])
    pos, ok = positions(ids, c["cid"].to_numpy(dtype=np.int64))
    c = c[ok]
    return Pairs(pos[ok], Coded.of(c["category"]), {
        "category_purchases": c["purchases"].to_numpy(dtype=np.int64),
        "category_views": c["views"].to_numpy(dtype=np.int64)})


class Snapshot:
    def __init__(self, db: Database, conn: Connection):
        started = time.perf_counter()
        self.db = db
        self.signature = signature(conn)
        self._set_customers(customer_columns(customer_frame(conn)))
        self.tags = load_tags(conn, self.ids)
        self.categories = load_categories(conn, self.ids)
        self.orders: OrderFrame = load_orders(conn, self.ids)
        self.events: EventFrame = load_events(conn, self.ids)
        self.messages: MessageFrame = load_messages(conn, self.ids)
        self._reset_caches()
        self.load_ms = int((time.perf_counter() - started) * 1000)

    def _set_customers(self, cols: dict) -> None:
        self.ids = cols["ids"]
        self.n = len(self.ids)
        self.num: dict[str, np.ndarray] = cols["num"]
        self.coded: dict[str, Coded] = cols["coded"]
        self.consent = cols["consent"]
        self.has_whatsapp = cols["has_whatsapp"]

    def _reset_caches(self) -> None:
        """Columns loaded on first use (text, custom attributes, item and event strings)."""
        self._text: dict[str, np.ndarray] = {}
        self._attrs: dict[str, np.ndarray] = {}
        self._attr_numbers: dict[str, np.ndarray] = {}
        self._attr_dates: dict[str, np.ndarray] = {}
        self._lazy: dict[str, Coded] = {}
        self._lock = threading.Lock()

    def text(self, key: str) -> np.ndarray:
        """Lower-case text of a profile column (object array, None = no value); loaded once."""
        with self._lock:
            if key not in self._text:
                with self.db.engine.connect() as conn:
                    t = read_frame(conn, select(Customer.id, TEXT[key]).order_by(Customer.id), ["id", "v"])
                vals = t.set_index("id")["v"].reindex(self.ids)
                low = vals.astype(object).where(vals.notna(), None).map(
                    lambda v: str(v).strip().lower() or None, na_action="ignore")
                self._text[key] = low.to_numpy(dtype=object, na_value=None)
            return self._text[key]

    def _attribute_raw(self, key: str) -> pd.Series:
        """A custom attribute's stored values by row: the import's `custom` section first, then a
        top-level key (portable JSON access with bound paths, never SQL text)."""
        value = func.coalesce(Customer.attributes[("custom", key)].as_string(), Customer.attributes[key].as_string())
        with self.db.engine.connect() as conn:
            t = read_frame(conn, select(Customer.id, value).order_by(Customer.id), ["id", "v"])
        return t.set_index("id")["v"].reindex(self.ids)

    def attribute(self, key: str) -> np.ndarray:
        """Lower-case text of a custom attribute (object array, None = no value); loaded once."""
        with self._lock:
            if key not in self._attrs:
                self._attrs[key] = self._attribute_raw(key).map(
                    lambda v: str(v).strip().lower() or None, na_action="ignore").to_numpy(dtype=object, na_value=None)
            return self._attrs[key]

    def attribute_number(self, key: str) -> np.ndarray:
        """A custom attribute read as a number (NaN = none or not a number); "1,200" and "₹ 500"
        count as 1200 and 500, as shops write them in spreadsheets."""
        with self._lock:
            if key not in self._attr_numbers:
                raw = self._attribute_raw(key).astype(object).map(
                    lambda v: NOT_DIGITS.sub("", str(v)), na_action="ignore")
                self._attr_numbers[key] = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
            return self._attr_numbers[key]

    def attribute_date(self, key: str) -> np.ndarray:
        """A custom attribute read as a calendar date: epoch seconds of 00:00 UTC on it (NaN = none
        or not a date). Read as imports read dates (ISO, dd/mm/yyyy or the shop's mm/dd setting,
        '24 Jun 1990', Excel serials); each distinct text is parsed once."""
        from wadesk.core.importing.values import parse_datetime

        with self._lock:
            if key not in self._attr_dates:
                dayfirst = self._dayfirst()
                raw = self._attribute_raw(key)
                seconds: dict[Any, float] = {}
                for text in raw.dropna().unique():
                    try:
                        d = parse_datetime(str(text), dayfirst=dayfirst, local_offset=timedelta(0))
                    except ValueError:
                        d = None
                    seconds[text] = float("nan") if d is None else (
                        datetime(d.year, d.month, d.day) - datetime(1970, 1, 1)).total_seconds()
                self._attr_dates[key] = raw.map(seconds).to_numpy(dtype=np.float64, na_value=np.nan)
            return self._attr_dates[key]

    def _dayfirst(self) -> bool:
        from wadesk.core.importing.dates import MDY
        from wadesk.core.settings import get_setting

        with self.db.session() as s:
            return get_setting(s, "import_date_order") != MDY

    def lazy(self, key: str) -> Coded:
        """Rarely used strings of orders and events (item sku / product, event product), loaded
        on first use and lined up by row id, so rows added since the snapshot are ignored."""
        with self._lock:
            if key not in self._lazy:
                col, id_col, ids = {"sku": (OrderItem.sku, OrderItem.id, self.orders.item_id),
                                    "product": (OrderItem.product, OrderItem.id, self.orders.item_id),
                                    "event_product": (Event.product, Event.id, self.events.id)}[key]
                with self.db.engine.connect() as conn:
                    t = read_frame(conn, select(id_col, col), ["id", "v"])
                vals = t.drop_duplicates("id").set_index("id")["v"].reindex(ids)
                self._lazy[key] = Coded.of(vals)
            return self._lazy[key]

    def nbytes(self) -> int:
        """Memory of the copy (numpy buffers plus an estimate for code tables)."""
        total = self.ids.nbytes + self.consent.nbytes + self.has_whatsapp.nbytes
        total += sum(v.nbytes for v in self.num.values()) + sum(c.nbytes() for c in self.coded.values())
        for p in (self.tags, self.categories):
            total += p.pos.nbytes + p.code.nbytes() + sum(v.nbytes for v in p.counts.values())
        total += self.orders.nbytes() + self.events.nbytes() + self.messages.nbytes()
        total += sum(a.nbytes + 60 * len(a) for a in (*self._text.values(), *self._attrs.values()))
        total += sum(a.nbytes for a in (*self._attr_numbers.values(), *self._attr_dates.values()))
        total += sum(c.nbytes() for c in self._lazy.values())
        return int(total)
