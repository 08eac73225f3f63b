"""The one ingestion function behind the webhook receiver, dump imports and the sandbox.

    result = ingest(session, payloads, source="receiver")   # in the caller's transaction
    result = ingest_batch(db, payloads, source="import")     # its own transaction
    result.as_json() -> {"events", "statuses", "messages", "opt_outs", "duplicates", "rejected", ...}

Every status, message and preference is recorded once in `webhook_events` under a dedupe key
(status:<wamid>:<status>, message:<wamid>, preference:<who>:<category>:<value>:<time>); a piece
whose key is already there (Meta retries, overlapping dumps) is a duplicate and changes nothing.
Statuses for no known ledger row are kept with processed_at NULL (not ours, or a row since deleted).
Big batches stay fast because statuses are merged per wamid in memory and written with one driver
executemany per table (1,000,000 statuses: see docs/PERFORMANCE.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy.orm import Session

from wadesk.core.clock import Clock
from wadesk.core.crm.bookkeeping import CHUNK, audit, now_from
from wadesk.core.crm.consent import record_opt_out
from wadesk.core.db.models import Customer
from wadesk.core.webhooks.inbound import apply_inbound
from wadesk.core.webhooks.parse import Pieces, split
from wadesk.core.webhooks.sqlwrite import DriverWrites
from wadesk.core.webhooks.statuses import apply_statuses

SOURCES = ("receiver", "import", "sandbox")
OPT_OUT_131050 = "whatsapp_131050"  # Meta refused marketing: the user stopped it (error 131050)


@dataclass
class IngestResult:
    events: int = 0
    statuses: int = 0
    messages: int = 0
    opt_outs: int = 0
    opt_ins: int = 0
    duplicates: int = 0
    rejected: int = 0
    ignored: int = 0
    unmatched: int = 0
    new_customers: int = 0
    customer_ids: set[int] = field(default_factory=set)  # whose data changed (to rescore)

    def as_json(self) -> dict[str, Any]:
        return {"events": self.events, "statuses": self.statuses, "messages": self.messages,
                "opt_outs": self.opt_outs, "duplicates": self.duplicates, "rejected": self.rejected,
                "opt_ins": self.opt_ins, "ignored": self.ignored, "unmatched": self.unmatched,
                "new_customers": self.new_customers}

    def add(self, other: "IngestResult") -> "IngestResult":
        for k, v in vars(other).items():
            if k == "customer_ids":
                self.customer_ids |= v
            else:
                setattr(self, k, getattr(self, k) + v)
        return self


def _known_keys(session: Session, keys: list[str]) -> set[str]:
    """The keys already in webhook_events (plain driver SQL: compiling 200 IN-lists of 5,000
    parameters through SQLAlchemy cost more than the lookups)."""
    known: set[str] = set()
    w = DriverWrites(session)
    for i in range(0, len(keys), CHUNK):
        chunk = tuple(keys[i:i + CHUNK])
        sql = f"SELECT dedupe_key FROM webhook_events WHERE dedupe_key IN ({', '.join([w.ph] * len(chunk))})"
        known.update(k for (k,) in w.conn.exec_driver_sql(sql, chunk))
    return known


def _fresh(pieces: list[Any], known: set[str], seen: set[str]) -> tuple[list[Any], int]:
    """Pieces not seen before (in the database or earlier in this batch) and how many were dropped."""
    fresh = []
    for p in pieces:
        k = p.key
        if k in known or k in seen:
            continue
        seen.add(k)
        fresh.append(p)
    return fresh, len(pieces) - len(fresh)


def ingest(session: Session, payloads: Iterable[Any], *, source: str, clock: Clock | None = None,
           now: datetime | None = None) -> IngestResult:
    """Apply webhook payloads to the ledger and the CRM inside the session's transaction."""
    if source not in SOURCES:
        raise ValueError(f"unknown webhook source {source!r}")
    stamp = now_from(clock, now)
    pieces: Pieces = split(payloads)
    res = IngestResult(events=pieces.events, rejected=pieces.rejected, ignored=pieces.ignored)
    all_pieces = [*pieces.statuses, *pieces.messages, *pieces.preferences]
    known = _known_keys(session, [p.key for p in all_pieces])
    seen: set[str] = set()
    statuses, d1 = _fresh(pieces.statuses, known, seen)
    messages, d2 = _fresh(pieces.messages, known, seen)
    prefs, d3 = _fresh(pieces.preferences, known, seen)
    res.duplicates = d1 + d2 + d3

    st = apply_statuses(session, statuses, stamp)
    res.statuses, res.unmatched = len(statuses), len(st.unmatched_keys)  # unmatched: for no known row
    res.customer_ids |= st.customer_ids
    for customer_id, at in st.opt_outs:
        if session.get(Customer, customer_id) is not None:
            record_opt_out(session, customer_id, OPT_OUT_131050, at=min(at, stamp), now=stamp, actor="whatsapp",
                           note="WhatsApp said this customer stopped marketing messages from the shop (131050)")
            res.opt_outs += 1

    inbound = apply_inbound(session, messages, prefs, now=stamp, sandbox=source == "sandbox")
    res.messages, res.opt_ins, res.new_customers = inbound.messages, inbound.opt_ins, inbound.new_customers
    res.opt_outs += inbound.opt_outs
    res.rejected += inbound.rejected
    res.customer_ids |= inbound.customer_ids

    # A status that settled its ledger row keeps no copy: the row holds all it said. Failures,
    # statuses for no known row, messages and preferences keep their piece for a person to read.
    unmatched, rejected = st.unmatched_keys, inbound.rejected_keys
    w = DriverWrites(session)
    at, empty = w.time(stamp), w.json({})
    rows = [(p.key, at, source, at, empty if p.status != "failed" else w.json(p.raw))
            for p in statuses if p.key not in unmatched]
    rows += [(p.key, at, source, None, w.json(p.raw)) for p in statuses if p.key in unmatched]
    rows += [(p.key, at, source, at, w.json(p.raw)) for p in (*messages, *prefs) if p.key not in rejected]
    w.insert("webhook_events", ("dedupe_key", "received_at", "source", "processed_at", "payload"), rows)
    if res.events:
        audit(session, stamp, "webhooks.ingested", None, {**res.as_json(), "source": source}, "whatsapp",
              entity="webhook")
    return res


def ingest_batch(db: Any, payloads: Iterable[Any], *, source: str, clock: Clock | None = None,
                 now: datetime | None = None) -> IngestResult:
    """`ingest` in one transaction of its own: all of the batch is stored, or none of it."""
    with db.session() as s:
        return ingest(s, payloads, source=source, clock=clock, now=now)
