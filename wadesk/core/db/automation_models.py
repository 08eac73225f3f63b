"""Tables of automations (issue 8): flows and the customers enrolled in them.

A flow's definition (entry rules, steps with template + mapping + wait, exit rules, re-entry,
holdout) is one JSON document: it is edited as a whole and frozen per enrolment step into the
ledger row it produces. `active_key` is set only while an enrolment is active and is unique, so two
automation passes running at once can never enrol one customer twice in the same flow.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wadesk.core.db.models import Base


class Flow(Base):
    __tablename__ = "flows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    recipe: Mapped[Optional[str]] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_sandbox: Mapped[bool] = mapped_column(Boolean, default=False)
    # Entry-segment members at the last pass (segments.changes encoding): who is *newly* matching.
    last_members: Mapped[Optional[bytes]] = mapped_column(LargeBinary)
    last_run_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class FlowEnrolment(Base):
    __tablename__ = "flow_enrolments"
    __table_args__ = (
        Index("ix_flow_enrolments_flow_customer", "flow_id", "customer_id"),
        Index("ix_flow_enrolments_state_due", "state", "next_step_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flow_id: Mapped[int] = mapped_column(ForeignKey("flows.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(12))  # active | holdout | completed | exited
    active_key: Mapped[Optional[str]] = mapped_column(String(40), unique=True)  # "flow:customer" while active
    step: Mapped[int] = mapped_column(Integer, default=0)  # the next step to send
    next_step_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    entered_at: Mapped[datetime] = mapped_column(DateTime)
    exited_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    exit_reason: Mapped[Optional[str]] = mapped_column(Text)
