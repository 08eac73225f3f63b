"""Unique discount codes: import a list into a pool, see what is left, hand one to each recipient.

Assignment runs inside the caller's transaction (the campaign freeze), is idempotent per
(campaign, customer) and all-or-nothing: a shortage raises before anything is handed out, and
`shortage()` lets pre-flight report it before the owner presses Send.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wadesk.core.clock import utc_naive
from wadesk.core.db.messaging_models import DiscountCode
from wadesk.core.messaging.render import Problem

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,63}")
_HEADER_WORDS = {"code", "codes", "discount code", "coupon", "coupon code", "name"}


class CodeShortage(ValueError):
    """Not enough free codes in a pool; nothing was assigned."""


@dataclass(frozen=True)
class ImportCodesResult:
    pool: str
    added: int
    duplicates: int
    invalid: list[str]


@dataclass(frozen=True)
class PoolStatus:
    pool: str
    total: int
    available: int

    @property
    def assigned(self) -> int:
        return self.total - self.available


def read_codes_file(path: str | Path) -> list[str]:
    """Codes from a .txt/.csv export: the first column, a header row skipped."""
    text = Path(path).read_bytes().decode("utf-8-sig", errors="replace")
    rows = [r[0].strip() for r in csv.reader(io.StringIO(text)) if r and r[0].strip()]
    return rows[1:] if rows and rows[0].lower() in _HEADER_WORDS else rows


def import_codes(session: Session, pool: str, codes: Iterable[str], now: datetime) -> ImportCodesResult:
    pool = pool.strip()
    if not pool or len(pool) > 64:
        raise ValueError("Give the code pool a name (up to 64 characters), e.g. DIWALI15.")
    existing = set(session.scalars(select(DiscountCode.code).where(DiscountCode.pool == pool)))
    added, dupes, invalid = 0, 0, []
    for raw in codes:
        code = str(raw).strip()
        if not _CODE.fullmatch(code):
            invalid.append(code)
        elif code in existing:
            dupes += 1
        else:
            existing.add(code)
            session.add(DiscountCode(pool=pool, code=code, imported_at=utc_naive(now)))
            added += 1
    session.flush()
    return ImportCodesResult(pool, added, dupes, invalid)


def pools(session: Session) -> list[PoolStatus]:
    rows = session.execute(select(DiscountCode.pool, func.count(), func.count(DiscountCode.assigned_at))
                           .group_by(DiscountCode.pool).order_by(DiscountCode.pool))
    return [PoolStatus(p, total, total - used) for p, total, used in rows]


def available(session: Session, pool: str) -> int:
    return session.scalar(select(func.count()).where(DiscountCode.pool == pool,
                                                     DiscountCode.assigned_at.is_(None))) or 0


def shortage(session: Session, pool: str, needed: int) -> Problem | None:
    left = available(session, pool)
    if left >= needed:
        return None
    return Problem("no_discount_code", f"Only {left} unused codes are left in '{pool}' for {needed} recipients: "
                                       f"import {needed - left} more or exclude recipients.")


def peek_code(session: Session, pool: str) -> str | None:
    """The code the next recipient would get (for the preview); nothing is assigned."""
    return session.scalar(select(DiscountCode.code).where(DiscountCode.pool == pool, DiscountCode.assigned_at.is_(None))
                          .order_by(DiscountCode.id).limit(1))


def assign_codes(session: Session, pool: str, customer_ids: Iterable[int], *, campaign_id: int | None,
                 now: datetime) -> dict[int, str]:
    """One code per customer (re-using codes this campaign already gave them). All or nothing."""
    wanted = list(dict.fromkeys(customer_ids))
    have: dict[int, str] = {}
    if campaign_id is not None and wanted:
        for cid, code in session.execute(select(DiscountCode.customer_id, DiscountCode.code).where(
                DiscountCode.pool == pool, DiscountCode.campaign_id == campaign_id)):
            have[cid] = code
    missing = [c for c in wanted if c not in have]
    if not missing:
        return {c: have[c] for c in wanted}
    free = list(session.scalars(select(DiscountCode).where(DiscountCode.pool == pool, DiscountCode.assigned_at.is_(None))
                                .order_by(DiscountCode.id).limit(len(missing))))
    if len(free) < len(missing):
        raise CodeShortage(f"Only {len(free)} unused codes are left in '{pool}' for {len(missing)} recipients.")
    stamp = utc_naive(now)
    for cid, row in zip(missing, free):
        row.customer_id, row.campaign_id, row.assigned_at = cid, campaign_id, stamp
        have[cid] = row.code
    session.flush()
    return {c: have[c] for c in wanted}
