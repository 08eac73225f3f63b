"""The customer table's queries: count, sorted pages of ids and row fields, instant search.

CONTRACT (used by wadesk/ui/customers/table_model.py). Implemented by the CRM core work.
Must stay fast at 1,000,000 customers: every call below <= 100 ms there (see tests/perf).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Sequence

from sqlalchemy.orm import Session

# Table columns, in display order: key -> (header, sortable column on customers).
COLUMNS: list[tuple[str, str]] = [
    ("name", "Name"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("city", "City"),
    ("tags", "Tags"),
    ("orders", "Orders"),
    ("total_spent", "Total spent"),
    ("last_order", "Last order"),
    ("consent", "Consent"),
]


@dataclass(frozen=True)
class CustomerRow:
    id: int
    name: str
    phone: str | None  # E.164
    email: str | None
    city: str | None
    tags: str  # "cod, vip"
    orders: int
    total_spent: Decimal
    last_order: datetime | None
    consent: int  # CONSENT_* from models


@dataclass(frozen=True)
class CustomerQuery:
    """What the table shows: an optional search text and a sort."""

    search: str = ""
    sort_key: str = "name"  # one of COLUMNS keys
    descending: bool = False
    default_region: str = "IN"  # how to read a phone typed without +country


def count(session: Session, query: CustomerQuery) -> int:
    """Number of customers matching the query."""
    raise NotImplementedError


def page_ids(session: Session, query: CustomerQuery, offset: int, limit: int) -> list[int]:
    """Ids of rows offset..offset+limit-1 in the query's order (ties broken by id)."""
    raise NotImplementedError


def fetch_rows(session: Session, ids: Sequence[int]) -> list[CustomerRow]:
    """Row fields for these ids, in the same order as given (missing ids are skipped)."""
    raise NotImplementedError
