"""Tables of messaging: pools of unique discount codes handed out one per recipient.

A shop imports a list of single-use codes (from Shopify, WooCommerce ...) into a named pool; a
campaign freeze assigns one free code per recipient in the same transaction that writes the send
ledger, so a code is never given to two customers and a shortage is known before sending.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wadesk.core.db.models import Base


class DiscountCode(Base):
    __tablename__ = "discount_codes"
    __table_args__ = (
        UniqueConstraint("pool", "code", name="uq_discount_codes_pool_code"),
        # Free codes of a pool, oldest first: (pool, assigned_at IS NULL, id).
        Index("ix_discount_codes_pool_assigned", "pool", "assigned_at"),
        Index("ix_discount_codes_campaign_customer", "campaign_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pool: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    campaign_id: Mapped[Optional[int]] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    assigned_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
