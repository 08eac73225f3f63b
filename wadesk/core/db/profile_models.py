"""Tables of the customer profile: derived metrics, per-category counts, refresh history.

Everything here is derived from customers, orders, events and messages, so it can be rebuilt at
any time (`wadesk profile refresh`). One row per customer in `customer_metrics`; per-category
counts live in a narrow table (one row per customer and category) so they are written in bulk
and queried with plain SQL, without JSON. No secondary indexes: segments are answered from the
in-memory copy, and a million-row refresh writes several times faster without them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from wadesk.core.db.models import Base, Money


class CustomerMetrics(Base):
    __tablename__ = "customer_metrics"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    # Orders that count: not cancelled (as wadesk.core.crm.totals counts them).
    orders: Mapped[int] = mapped_column(Integer, default=0)
    total_spent: Mapped[float] = mapped_column(Money, default=0)
    aov: Mapped[Optional[float]] = mapped_column(Money)
    first_order_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    last_order_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    days_since_last_order: Mapped[Optional[int]] = mapped_column(Integer)  # as of refreshed_at
    avg_days_between_orders: Mapped[Optional[float]] = mapped_column(Float)
    cod_orders: Mapped[int] = mapped_column(Integer, default=0)
    cod_share: Mapped[Optional[float]] = mapped_column(Float)  # 0..1 of counted orders
    rto_count: Mapped[int] = mapped_column(Integer, default=0)
    rto_rate: Mapped[Optional[float]] = mapped_column(Float)  # 0..1 of counted orders
    cancelled_orders: Mapped[int] = mapped_column(Integer, default=0)
    discount_orders: Mapped[int] = mapped_column(Integer, default=0)
    discount_share: Mapped[Optional[float]] = mapped_column(Float)  # 0..1 of counted orders
    favourite_category: Mapped[Optional[str]] = mapped_column(String(64))
    product_views: Mapped[int] = mapped_column(Integer, default=0)
    last_seen_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    last_read_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    last_replied_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    channel: Mapped[Optional[str]] = mapped_column(String(32))
    funnel_stage: Mapped[str] = mapped_column(String(16))
    # RFM: 1..5, 0 for customers who have not bought; pct_* is the share (0..100) of buyers this
    # customer beats on that measure, which the one-line "why" quotes.
    r: Mapped[int] = mapped_column(SmallInteger, default=0)
    f: Mapped[int] = mapped_column(SmallInteger, default=0)
    m: Mapped[int] = mapped_column(SmallInteger, default=0)
    r_pct: Mapped[Optional[float]] = mapped_column(Float)
    f_pct: Mapped[Optional[float]] = mapped_column(Float)
    m_pct: Mapped[Optional[float]] = mapped_column(Float)
    rfm_group: Mapped[str] = mapped_column(String(24))
    refreshed_at: Mapped[datetime] = mapped_column(DateTime)


class CustomerCategoryStat(Base):
    __tablename__ = "customer_category_stats"
    # SQLite: rows live in their primary key's b-tree, not a table plus an index (migration 0011)
    __table_args__ = {"sqlite_with_rowid": False}

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    purchases: Mapped[int] = mapped_column(Integer, default=0)  # counted orders with the category
    views: Mapped[int] = mapped_column(Integer, default=0)  # product_viewed events in it


class ProfileRefresh(Base):
    """One row per refresh; the latest full one holds the RFM thresholds incremental refreshes use."""

    __tablename__ = "profile_refreshes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # full | incremental
    refreshed_at: Mapped[datetime] = mapped_column(DateTime)
    customers: Mapped[int] = mapped_column(Integer, default=0)
    ms: Mapped[int] = mapped_column(Integer, default=0)
    thresholds: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
