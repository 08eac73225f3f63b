"""SegmentEngine: the one evaluator behind live counts, samples, exports and campaign audiences.

    engine = SegmentEngine(db, clock)
    engine.count(rules)            -> Counts(matched, reachable, opted_in, not_suppressed, eligible, ms)
    engine.ids(rules, stage)       -> customer ids at a reachability stage (click-through, export)
    engine.audience(rules)         -> the ids a campaign sends to (= count().eligible)
    engine.sample(rules, n)        -> a few matching customers for the builder
    engine.explain(rules, id)      -> which conditions this customer meets ("why is this customer in?")

Thread-safe for readers: a snapshot is immutable once built; `refresh()` swaps in a new one.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sqlalchemy import select

from wadesk.core.clock import Clock, SystemClock
from wadesk.core.db import Database
from wadesk.core.db.models import Campaign, Customer
from wadesk.core.segments import windows
from wadesk.core.segments.evaluate import condition, mask, relative_now
from wadesk.core.segments.fields import FIELDS, LABELS
from wadesk.core.segments.rules import GROUP_KEYS, validate
from wadesk.core.segments.snapshot import Snapshot, signature

# Attributes the importers keep for themselves (identity, data-quality flags), not for segments.
INTERNAL_ATTRIBUTES = frozenset({"custom", "external_ids", "invalid_email", "email_flag", "invalid_phones",
                                 "other_emails"})
STAGES = ("matched", "reachable", "opted_in", "not_suppressed", "eligible")


@dataclass(frozen=True)
class ReachPolicy:
    """How reachability is decided; campaigns may change these (issue 6)."""

    require_opt_in: bool = True  # off for shops that collected consent elsewhere (with a warning)
    cap_messages: int = 2  # marketing messages per customer ...
    cap_days: float = 7  # ... per this many days


@dataclass(frozen=True)
class Counts:
    matched: int
    reachable: int
    opted_in: int
    not_suppressed: int
    eligible: int
    ms: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Explanation:
    """One node of the rule tree for one customer: did it match, and in words what it asks."""

    matched: bool
    text: str
    children: tuple["Explanation", ...] = ()


class SegmentEngine:
    def __init__(self, db: Database, clock: Clock | None = None, policy: ReachPolicy | None = None):
        self.db = db
        self.clock = clock or SystemClock()
        self.policy = policy or ReachPolicy()
        self._snap: Snapshot | None = None
        self._lock = threading.Lock()
        self.builds = 0  # in-memory copies built (tests check that one edit costs one rebuild)
        self.patches = 0  # ... and patched for a few changed customers

    # -- the in-memory copy --------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        snap = self._snap
        if snap is None:
            with self._lock:
                if self._snap is None:
                    with self.db.engine.connect() as conn:
                        self._snap = Snapshot(self.db, conn)
                    self.builds += 1
                snap = self._snap
        return snap

    def refresh(self) -> Snapshot:
        """Rebuild the copy now (after an import, an edit, a profile refresh)."""
        with self.db.engine.connect() as conn:
            snap = Snapshot(self.db, conn)
        with self._lock:
            self._snap = snap
            self.builds += 1
        return snap

    def refresh_changed(self) -> str:
        """Bring the copy up to date by re-reading only the customers that changed since it was
        built (a manual edit: milliseconds at 1M instead of a ~40 s rebuild); falls back to a full
        rebuild when a patch can't be trusted (see segments.patch). Returns "unchanged",
        "patched" or "rebuilt". In-place order / message updates are invisible here: after those,
        call refresh()."""
        from wadesk.core.segments.patch import refresh_changed

        snap = self._snap
        if snap is None:
            self.snapshot()
            return "rebuilt"
        with self.db.engine.connect() as conn:
            outcome, new = refresh_changed(snap, conn)
        if outcome == "rebuild":
            self.refresh()
            return "rebuilt"
        with self._lock:
            self._snap = new
            self.patches += outcome == "patched"
        return outcome

    def invalidate(self) -> None:
        """Forget the copy; the next question rebuilds it ("data changed" broadcast)."""
        with self._lock:
            self._snap = None

    def is_stale(self) -> bool:
        if self._snap is None:
            return True
        with self.db.engine.connect() as conn:
            return signature(conn) != self._snap.signature

    def ensure_fresh(self) -> Snapshot:
        return self.refresh() if self.is_stale() else self.snapshot()

    # -- questions -----------------------------------------------------------------------------
    def _now_s(self) -> float:
        return relative_now(self.clock.now())

    def match_mask(self, rules: dict) -> np.ndarray:
        validate(rules)
        return mask(self.snapshot(), rules, self._now_s())

    def stage_masks(self, rules: dict, policy: ReachPolicy | None = None) -> dict[str, np.ndarray]:
        """Masks per reachability stage; `policy` overrides the engine's (a campaign's own cap)."""
        s, now_s = self.snapshot(), self._now_s()
        policy = policy or self.policy
        validate(rules)
        matched = mask(s, rules, now_s)
        reachable = matched & s.has_whatsapp
        opted = reachable & (s.consent == 1) if policy.require_opt_in else reachable
        clean = opted & ~windows.suppressed(s)
        under = windows.marketing_sent(s, now_s, policy.cap_days) < policy.cap_messages
        return {"matched": matched, "reachable": reachable, "opted_in": opted, "not_suppressed": clean,
                "eligible": clean & under}

    def count(self, rules: dict) -> Counts:
        self.snapshot()  # "ms" is the evaluation; loading the copy is a one-off per data change
        started = time.perf_counter()
        m = self.stage_masks(rules)
        ms = int(round((time.perf_counter() - started) * 1000))
        return Counts(*(int(m[k].sum()) for k in STAGES), ms=ms)

    def ids(self, rules: dict, stage: str = "matched", dropped: bool = False) -> np.ndarray:
        """Customer ids at a stage; with dropped=True the ones the stage removed (e.g. the
        matched customers without a WhatsApp number, for stage "reachable")."""
        if stage not in STAGES:
            raise ValueError(f"Unknown stage '{stage}'; use one of {', '.join(STAGES)}.")
        masks = self.stage_masks(rules) if stage != "matched" else {"matched": self.match_mask(rules)}
        mask = masks[stage]
        if dropped:
            before = STAGES[max(STAGES.index(stage) - 1, 0)]
            mask = masks[before] & ~mask if stage != "matched" else ~mask
        return self.snapshot().ids[mask]

    def audience(self, rules: dict) -> np.ndarray:
        """Customer ids a campaign sends to: eligible, on fresh data (one engine, one answer)."""
        self.ensure_fresh()
        return self.ids(rules, "eligible")

    def sample(self, rules: dict, n: int = 20, stage: str = "matched") -> list[dict[str, Any]]:
        """The first `n` matching customers (by id) with the columns the builder shows."""
        ids = self.ids(rules, stage)[:n].tolist()
        if not ids:
            return []
        with self.db.Session() as session:
            rows = session.execute(select(Customer.id, Customer.name, Customer.phone, Customer.city,
                                          Customer.order_count, Customer.total_spent, Customer.last_order_at)
                                   .where(Customer.id.in_(ids)).order_by(Customer.id)).all()
        return [{"id": r[0], "name": r[1], "phone": r[2], "city": r[3], "orders": r[4],
                 "total_spent": float(r[5] or 0), "last_order_at": r[6]} for r in rows]

    def explain(self, rules: dict, customer_id: int) -> Explanation:
        """Which conditions and groups this customer meets."""
        validate(rules)
        s, now_s = self.snapshot(), self._now_s()
        at = int(np.searchsorted(s.ids, customer_id))
        if at >= s.n or s.ids[at] != customer_id:
            raise ValueError(f"Customer {customer_id} is not in the data (deleted, or not refreshed yet).")
        return _explain(s, rules, now_s, at)

    def choices(self, field: str, limit: int = 200) -> list[tuple[str, int]]:
        """Values of a choice/list field present in the data, most common first, with counts."""
        f = FIELDS[field]
        if f.choices:
            m = {c: int(self.match_mask({"field": field, "op": "in", "value": [c]}).sum()) for c in f.choices}
            return sorted(m.items(), key=lambda kv: -kv[1])
        s = self.snapshot()
        if field != "tags" and field not in s.coded:
            return []  # free text, numbers, dates: nothing to pick from
        col = s.tags.code if field == "tags" else s.coded[field]
        counts = np.bincount(col.codes[col.codes >= 0], minlength=len(col.values))
        order = np.argsort(-counts, kind="stable")[:limit]
        return [(str(col.values[i]), int(counts[i])) for i in order if counts[i]]

    def attribute_names(self, recent: int = 5000) -> list[tuple[str, int]]:
        """Custom attribute names of the most recent customers, with how many have each (for the
        builder's name box; a full scan of the JSON would cost seconds at 1M customers)."""
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(Customer.attributes).order_by(Customer.id.desc()).limit(recent)).scalars()
            seen: Counter[str] = Counter()
            for attrs in rows:
                if not isinstance(attrs, dict):
                    continue
                custom = attrs.get("custom")
                seen.update(k for k, v in (custom.items() if isinstance(custom, dict) else ()) if v not in (None, ""))
                seen.update(k for k, v in attrs.items() if k not in INTERNAL_ATTRIBUTES
                            and isinstance(v, (str, int, float)) and not isinstance(v, bool) and v != "")
        return seen.most_common()

    def campaign_names(self, limit: int = 500) -> list[tuple[str, int]]:
        """(name, id) of campaigns, newest first, for "received / read / clicked campaign X"."""
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(Campaign.name, Campaign.id).order_by(Campaign.id.desc()).limit(limit)).all()
        return [(name, cid) for name, cid in rows]


def describe(c: dict) -> str:
    f = FIELDS[c["field"]]
    parts = [f.label + (f" [{c['key']}]" if c.get("key") else ""), c.get("event") or "",
             LABELS.get(c["op"], c["op"].replace("_", " "))]
    if c.get("value") is not None:
        parts.append(str(c["value"]))
    if c.get("days") is not None:
        parts.append(f"in the last {c['days']:g} days")
    if c.get("where"):
        parts.append("where " + ", ".join(f"{k}={v}" for k, v in c["where"].items()))
    return " ".join(p for p in parts if p)


def _explain(s: Snapshot, node: dict, now_s: float, at: int) -> Explanation:
    for key in GROUP_KEYS:
        if key in node:
            kids = tuple(_explain(s, child, now_s, at) for child in node[key])
            hits = [k.matched for k in kids]
            ok = all(hits) if key == "all" else (any(hits) if key == "any" else not any(hits))
            words = {"all": "all of", "any": "any of", "none": "none of"}[key]
            return Explanation(ok, f"{words} ({sum(hits)} of {len(hits)} met)", kids)
    return Explanation(bool(condition(s, node, now_s)[at]), describe(node))
