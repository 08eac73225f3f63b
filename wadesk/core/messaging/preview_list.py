"""Who the Templates page preview steps through, and "the next customer whose message has a problem".

A `PreviewList` is either every customer (optionally a search, in the Customers page's order) or a
segment's campaign recipients (the segment engine's `audience`: eligible, on fresh data), optionally
narrowed by a search. Finding the next problem reuses the pre-flight's bulk check, chunk by chunk,
so a 100,000-customer segment is scanned in seconds, not one preview at a time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from wadesk.core.crm import customer_query as cq
from wadesk.core.db.models import Customer
from wadesk.core.jobs import CancelledFn, ProgressFn, check_cancelled, never_cancelled, no_progress
from wadesk.core.messaging.mapping import TemplateMapping
from wadesk.core.messaging.preview import Preview, preview_for_customer
from wadesk.core.messaging.template_spec import TemplateSpec

SCAN_CHUNK = 500  # customers in the first bulk check when looking for the next problem: it is usually near
SCAN_CHUNK_MAX = 16_000  # chunks double up to this: a long clean stretch costs about one pre-flight


@dataclass(frozen=True)
class PreviewList:
    search: str = ""
    region: str = "IN"
    ids: tuple[int, ...] | None = None  # a segment's recipients (searched already); None: all customers
    segment: str = ""  # the segment's name, for the owner

    def _query(self) -> cq.CustomerQuery:
        return cq.CustomerQuery(search=self.search, default_region=self.region)

    def count(self, session: Session) -> int:
        return len(self.ids) if self.ids is not None else cq.count(session, self._query())

    def ids_at(self, session: Session, offset: int, limit: int) -> list[int]:
        if self.ids is not None:
            return list(self.ids[offset:offset + limit])
        return cq.page_ids(session, self._query(), offset, limit)


def segment_list(session: Session, engine: Any, rules: dict, name: str, search: str = "",
                 region: str = "IN") -> PreviewList:
    """A segment's campaign recipients, narrowed to those the search finds (name, phone, email)."""
    ids = [int(i) for i in engine.audience(rules)]
    if search.strip():
        query = cq.CustomerQuery(search=search, default_region=region)
        found = set(cq.page_ids(session, query, 0, cq.count(session, query)))
        ids = [i for i in ids if i in found]
    return PreviewList(search, region, tuple(ids), name)


@dataclass(frozen=True)
class CustomerPreview:
    position: int  # 0-based in the list
    total: int
    name: str
    phone: str | None
    preview: Preview | None  # None when the list is empty
    customer_id: int | None = None


def render_at(session: Session, spec: TemplateSpec, mapping: TemplateMapping, people: PreviewList,
              position: int, now: datetime | None = None) -> CustomerPreview:
    """The message of the customer at `position` (clamped to the list)."""
    total = people.count(session)
    if total == 0:
        return CustomerPreview(0, 0, "", None, None)
    position = min(max(position, 0), total - 1)
    ids = people.ids_at(session, position, 1)
    customer = session.get(Customer, ids[0]) if ids else None
    if customer is None:  # deleted since the list was made
        return CustomerPreview(position, total, "(deleted customer)", None, None)
    preview = preview_for_customer(session, spec, mapping, customer, now=now)
    return CustomerPreview(position, total, customer.name or "(no name)", customer.phone, preview, customer.id)


def next_with_problem(session: Session, spec: TemplateSpec, mapping: TemplateMapping, people: PreviewList,
                      start: int, now: datetime | None = None, *, progress: ProgressFn = no_progress,
                      cancelled: CancelledFn = never_cancelled) -> int | None:
    """The position of the first customer at or after `start` whose message has a problem, or None.

    Judged like the preview judges one customer: a discount code counts as available to everyone
    while the pool has any left (the shortage for a whole campaign is the pre-flight's to report)."""
    from wadesk.core.messaging.context import bulk_contexts, context_keys
    from wadesk.core.messaging.discount_codes import available
    from wadesk.core.messaging.preflight import run_preflight

    total = people.count(session)
    pools = {m.name for m in mapping.variables.values() if m.source == "discount_code"}
    has_codes = {pool: available(session, pool) > 0 for pool in pools}
    keys = context_keys(mapping)
    position, size = max(start, 0), SCAN_CHUNK
    while position < total:
        check_cancelled(cancelled)
        progress(position, total, "Looking for a message with a problem")
        chunk = people.ids_at(session, position, size)
        size = min(size * 2, max(SCAN_CHUNK_MAX, SCAN_CHUNK))
        if not chunk:
            break
        codes = {pool: len(chunk) if free else 0 for pool, free in has_codes.items()}
        failing = run_preflight(spec, mapping, bulk_contexts(session, chunk, now, keys=keys),
                                codes_available=codes).failing_ids
        for i, cid in enumerate(chunk):
            if cid in failing:
                return position + i
        position += len(chunk)
    return None
