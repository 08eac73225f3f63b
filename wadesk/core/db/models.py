"""The CRM's tables (SQLAlchemy 2.0, typed).

Portable SQL only: the same models must run on PostgreSQL later. Times are naive UTC.
Customer rows carry a few denormalised figures (order_count, total_spent, last_order_at and the
other order figures, tag_list, consent_state) so that the customer table can sort and page 1,000,000 rows in SQL;
`wadesk.core.crm.totals` keeps them in step with orders, tags and consent.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(14, 2)

# consent_state values on customers: the latest marketing consent decision.
CONSENT_UNKNOWN = 0
CONSENT_OPTED_IN = 1
CONSENT_OPTED_OUT = -1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, Decimal: Money}


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        # Search by last name or email, sorted by name, reads only these indexes (migration 0005).
        Index("ix_customers_last_name_key_name_key", "last_name_key", "name_key"),
        Index("ix_customers_email_name_key", "email", "name_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # E.164 ("+919876543210"); optional because WhatsApp username/BSUID users may have none.
    phone: Mapped[Optional[str]] = mapped_column(String(20), unique=True)
    # National significant number ("9876543210") so a search for "98765" is an index prefix scan.
    phone_national: Mapped[Optional[str]] = mapped_column(String(20), index=True)
    email: Mapped[Optional[str]] = mapped_column(String(254), index=True)
    first_name: Mapped[Optional[str]] = mapped_column(String(100))
    last_name: Mapped[Optional[str]] = mapped_column(String(100))
    # Display name and its lower-case key (sort and prefix search).
    name: Mapped[str] = mapped_column(String(200), default="")
    name_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    last_name_key: Mapped[Optional[str]] = mapped_column(String(100))
    city: Mapped[Optional[str]] = mapped_column(String(100), index=True)
    state: Mapped[Optional[str]] = mapped_column(String(100), index=True)
    pincode: Mapped[Optional[str]] = mapped_column(String(12), index=True)
    country: Mapped[Optional[str]] = mapped_column(String(2))
    language: Mapped[Optional[str]] = mapped_column(String(16))
    # Acquisition channel: ctwa, website, import, shopify, newsletter, contest, walk_in ...
    channel: Mapped[Optional[str]] = mapped_column(String(32), index=True)
    # Sales pipeline (issue 9): New | Qualified | Unqualified | Customer, and the staff member responsible.
    lead_status: Mapped[Optional[str]] = mapped_column(String(16))
    owner: Mapped[Optional[str]] = mapped_column(String(100))
    ctwa_clid: Mapped[Optional[str]] = mapped_column(String(128))
    wa_user_id: Mapped[Optional[str]] = mapped_column(String(128), unique=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Latest marketing consent (see ConsentEvent for the history).
    consent_state: Mapped[int] = mapped_column(Integer, default=CONSENT_UNKNOWN, index=True)
    consent_source: Mapped[Optional[str]] = mapped_column(String(64))
    consent_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    # Denormalised figures for the table (kept by crm.totals).
    order_count: Mapped[int] = mapped_column(Integer, default=0, index=True)
    total_spent: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), index=True)
    last_order_at: Mapped[Optional[datetime]] = mapped_column(DateTime, index=True)
    # The rest of the order figures the profile refresh needs (counted = not cancelled), so a full
    # refresh reads 1M customer rows instead of aggregating 5M orders (migration 0012).
    first_order_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    cod_orders: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rto_orders: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cancelled_orders: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    discount_orders: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # counted orders that are not a COD order still on its way (paid or delivered)
    settled_orders: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tag_list: Mapped[str] = mapped_column(String(500), default="", index=True)
    # Record bookkeeping; version is for optimistic locking in team mode.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    tags: Mapped[list["Tag"]] = relationship(secondary="customer_tags", back_populates="customers")
    orders: Mapped[list["Order"]] = relationship(back_populates="customer", passive_deletes=True)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    customers: Mapped[list[Customer]] = relationship(secondary="customer_tags", back_populates="tags")


class CustomerTag(Base):
    __tablename__ = "customer_tags"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)


class CustomerNote(Base):
    __tablename__ = "customer_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[Optional[str]] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ConsentEvent(Base):
    """Every opt-in and opt-out, with where it came from: the audit trail Meta asks shops to keep."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32), default="marketing")
    action: Mapped[str] = mapped_column(String(16))  # opt_in | opt_out
    source: Mapped[Optional[str]] = mapped_column(String(64))  # import, checkout, whatsapp_stop, manual ...
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[Optional[str]] = mapped_column(Text)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_orders_source_external_id"),
        # Covers the profile refresh's per-customer order figures (migration 0011); its
        # (customer_id, placed_at) prefix serves a customer's orders by date.
        Index("ix_orders_customer_profile", "customer_id", "placed_at", "cancelled_at", "total", "is_cod",
              "is_rto", "shipping_status", "discount_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(32))  # shopify, woocommerce, razorpay, manual, demo ...
    external_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[Optional[str]] = mapped_column(String(64))
    placed_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    subtotal: Mapped[Optional[Decimal]] = mapped_column(Money)
    discount_total: Mapped[Optional[Decimal]] = mapped_column(Money)
    shipping_total: Mapped[Optional[Decimal]] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="INR")
    payment_method: Mapped[Optional[str]] = mapped_column(String(64))
    is_cod: Mapped[bool] = mapped_column(Boolean, default=False)
    financial_status: Mapped[Optional[str]] = mapped_column(String(32))  # paid, pending, refunded ...
    fulfillment_status: Mapped[Optional[str]] = mapped_column(String(32))  # fulfilled, unfulfilled ...
    # Courier status, normalised: pending, shipped, delivered, rto, cancelled, lost.
    shipping_status: Mapped[Optional[str]] = mapped_column(String(32))
    is_rto: Mapped[bool] = mapped_column(Boolean, default=False)
    delivered_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    rto_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    cancelled_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    discount_code: Mapped[Optional[str]] = mapped_column(String(64))
    utm_source: Mapped[Optional[str]] = mapped_column(String(100))
    utm_medium: Mapped[Optional[str]] = mapped_column(String(100))
    utm_campaign: Mapped[Optional[str]] = mapped_column(String(100))
    utm_content: Mapped[Optional[str]] = mapped_column(String(100))
    utm_term: Mapped[Optional[str]] = mapped_column(String(100))
    ship_city: Mapped[Optional[str]] = mapped_column(String(100))
    ship_state: Mapped[Optional[str]] = mapped_column(String(100))
    ship_pincode: Mapped[Optional[str]] = mapped_column(String(12))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    customer: Mapped[Optional[Customer]] = relationship(back_populates="orders")
    items: Mapped[list["OrderItem"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", passive_deletes=True
    )


class OrderItem(Base):
    __tablename__ = "order_items"
    # (category, order_id): a category's orders from the index alone (profile refresh, 0011)
    __table_args__ = (Index("ix_order_items_category_order", "category", "order_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product: Mapped[str] = mapped_column(String(255))
    sku: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    category: Mapped[Optional[str]] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))

    order: Mapped[Order] = relationship(back_populates="items")


class Event(Base):
    """Behaviour: product_viewed, added_to_cart, checkout_started, session, offer_clicked,
    wishlisted, size_guide_viewed, pdp_time, lead_created ..."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_customer_type_time", "customer_id", "type", "occurred_at"),
        Index("ix_events_type_time", "type", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    product: Mapped[Optional[str]] = mapped_column(String(255))
    category: Mapped[Optional[str]] = mapped_column(String(64))
    value: Mapped[Optional[Decimal]] = mapped_column(Money)
    properties: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source: Mapped[Optional[str]] = mapped_column(String(32))


class ImportRun(Base):
    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    format: Mapped[Optional[str]] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="running")  # running, done, failed, cancelled
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime)


class Segment(Base):
    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[Optional[str]] = mapped_column(Text)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # Members when last saved or viewed (segments.changes encoding), for "N entered, M left since …"
    last_members: Mapped[Optional[bytes]] = mapped_column(LargeBinary)
    last_members_at: Mapped[Optional[datetime]] = mapped_column(DateTime)


class Template(Base):
    __tablename__ = "templates"
    __table_args__ = (UniqueConstraint("name", "language", name="uq_templates_name_language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meta_id: Mapped[Optional[str]] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(512))
    language: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16))  # MARKETING, UTILITY, AUTHENTICATION
    status: Mapped[str] = mapped_column(String(32))
    components: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_sandbox: Mapped[bool] = mapped_column(Boolean, default=False)
    synced_at: Mapped[Optional[datetime]] = mapped_column(DateTime)


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    segment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("segments.id", ondelete="SET NULL"))
    rules_snapshot: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    template_id: Mapped[Optional[int]] = mapped_column(ForeignKey("templates.id", ondelete="SET NULL"))
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    holdout_pct: Mapped[int] = mapped_column(Integer, default=10)
    # Sent through the built-in sandbox: labelled SANDBOX and never counted as real.
    is_sandbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Frozen with the audience: holdout, quiet hours, rate, cap, rate card ... (campaigns.settings).
    settings: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    stop_reason: Mapped[Optional[str]] = mapped_column(Text)  # why sending stopped, in plain words
    estimated_cost: Mapped[Optional[Decimal]] = mapped_column(Money)
    scheduled_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    frozen_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Message(Base):
    """The send ledger and the conversation log: one row per WhatsApp message, out or in."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_customer_time", "customer_id", "created_at"),
        # The sender's claim: the next due rows of one campaign in one range scan.
        Index("ix_messages_campaign_status_next", "campaign_id", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String(3), default="out")  # out | in
    customer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    campaign_id: Mapped[Optional[int]] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    flow_id: Mapped[Optional[int]] = mapped_column(Integer)
    # campaign | test | automation | reply: one ledger for every send.
    purpose: Mapped[str] = mapped_column(String(12), default="campaign", server_default="campaign")
    # Unique per intended send: the guard against ever sending the same message twice.
    idempotency_key: Mapped[Optional[str]] = mapped_column(String(128), unique=True)
    to_phone: Mapped[Optional[str]] = mapped_column(String(20))
    template_name: Mapped[Optional[str]] = mapped_column(String(512))
    category: Mapped[Optional[str]] = mapped_column(String(16))
    body: Mapped[Optional[str]] = mapped_column(Text)
    payload: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    is_holdout: Mapped[bool] = mapped_column(Boolean, default=False)
    is_sandbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    wamid: Mapped[Optional[str]] = mapped_column(String(128), unique=True)
    error_code: Mapped[Optional[int]] = mapped_column(Integer)
    error_title: Mapped[Optional[str]] = mapped_column(String(255))
    error_detail: Mapped[Optional[str]] = mapped_column(Text)  # Meta's details + fbtrace_id
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Not before: retry backoff, a 24 h deferral, the daily-tier plan or the schedule.
    next_attempt_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    cost: Mapped[Optional[Decimal]] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    delivered_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    read_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    failed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)


class WebhookEvent(Base):
    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(16))  # receiver, import, sandbox
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    processed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[Optional[str]] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[Optional[str]] = mapped_column(String(32))
    entity_id: Mapped[Optional[int]] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# The import engine's tables live in their own module; importing it here puts them in Base.metadata.
import wadesk.core.db.import_models  # noqa: E402,F401
import wadesk.core.db.messaging_models  # noqa: E402,F401  (discount code pools)
import wadesk.core.db.profile_models  # noqa: E402,F401  (customer metrics, issue 4)
import wadesk.core.db.automation_models  # noqa: E402,F401  (flows, issue 8)
import wadesk.core.db.pipeline_models  # noqa: E402,F401  (pipelines and deals, issue 9)
