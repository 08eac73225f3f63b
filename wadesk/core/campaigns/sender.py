"""The send engine: drains a frozen campaign's ledger through the Cloud API, paced, at most once.

One run = one thread that owns the database (claims rows, records results, decides when to stop)
and a pool of workers that only wait for a token and make the HTTP call:

    claim k due rows: status queued → sending, attempts+1, COMMIT (synchronous=FULL)
    workers: pair gap → token → POST /messages (biz_opaque_callback_data = "wadesk:<row id>")
    results, every ~50 ms in one transaction: accepted + wamid | retry later | deferred | failed

Rows are claimed only as fast as workers can start them, so a crash leaves at most a handful in
`sending` (→ `unknown`, never resent automatically). Pause, cancel and stop conditions stop claiming,
let in-flight calls finish, and put claimed-but-never-sent rows back. The CampaignLease makes sure
only one process sends a campaign.
"""
from __future__ import annotations

import logging
import queue
import random
import threading
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.exc import OperationalError

from wadesk.core.campaigns import ledger as L
from wadesk.core.campaigns.lease import SendLease
from wadesk.core.campaigns.pacing import PAIR_GAP, Pacer, PairGap
from wadesk.core.campaigns.policy import SendPolicy
from wadesk.core.campaigns.schedule import next_send_time
from wadesk.core.campaigns.send_progress import RunOutcome, SendControl, SendProgress
from wadesk.core.clock import Clock, SystemClock, utc_naive
from wadesk.core.db.engine import BUSY_TIMEOUT_MS
from wadesk.core.db.models import Campaign, Customer, Message
from wadesk.core.messaging import errors as E
from wadesk.core.messaging.cloud_client import CloudClient, SendResult

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6  # transient errors and pair-rate retries per recipient
DEFER_HOURS = 24  # 131049: Meta asks not to retry within 24 h
NETWORK_BREAKER = 20  # consecutive transient failures: stop hammering and wait
TEMPLATE_BREAKER = 10  # consecutive template errors: the mapping is wrong for everyone
_NOT_ATTEMPTED = object()
LOCK_WAIT_MS = 1000  # the sender's own SQLite wait for the write lock before it looks around again


def _locked(exc: OperationalError) -> bool:
    """SQLite's "database is locked / busy": another connection holds the write lock (an import
    or a full score refresh may hold it for a minute)."""
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


class _DatabaseBusy(Exception):
    """Nothing could be claimed now: another connection is writing. Claims wait; results wait too."""


@dataclass
class _Job:
    id: int
    customer_id: int | None
    phone: str
    payload: dict[str, Any]
    attempts: int
    category: str | None = None


def _aware(dt: datetime | None) -> datetime | None:
    return dt.replace(tzinfo=timezone.utc) if dt is not None and dt.tzinfo is None else dt


class LedgerSender:
    """Sends the due rows of one part of the ledger (`scope`: SQL filters). Subclasses say which
    rows, which policy, and where the run's state is shown: `CampaignSender` for a campaign; the
    automations pass uses the same engine for its flows' rows (never a second sender)."""

    def __init__(
        self,
        db: Any,
        client: CloudClient,
        *,
        scope: list[Any],
        lease_key: str,
        policy: SendPolicy | None = None,
        sandbox: bool = False,
        clock: Clock | None = None,
        control: SendControl | None = None,
        progress: Callable[[SendProgress], None] | None = None,
        workers: int | None = None,
        max_idle_s: float = 120.0,
        pair_gap: PairGap = PAIR_GAP,
        sleep: Callable[[float], None] | None = None,
        rate: float | None = None,
        daily_limit: int | None = None,
        marketing_endpoint: bool = False,
    ):
        self.db, self.client, self.sandbox = db, client, sandbox
        self.scope, self.lease_key = list(scope), lease_key
        self.policy = policy or SendPolicy()
        self.daily_limit = daily_limit  # the account's unique-customer tier; None = not limited here
        self.marketing_endpoint = marketing_endpoint
        self.final_state: str | None = None
        self.total = 0
        self.clock = clock or SystemClock()
        self.control = control or SendControl()
        self._report = progress or (lambda p: None)
        self.max_idle_s = max_idle_s
        self.pair_gap = pair_gap
        self._sleep = sleep
        self._rate_override = rate
        self._workers = workers
        self._stop = threading.Event()  # tells workers not to start new calls
        self._results: queue.Queue = queue.Queue()
        self._accept_times: deque[float] = deque()
        self._stop_reason: str | None = None
        self._stop_state = L.STOPPED
        self._consecutive = Counter()
        # Live figures kept in memory while running (the ledger is only re-read at the end).
        self._tally: Counter = Counter()
        self._used = 0  # customers messaged in the moving 24 h window (the tier limit)
        self._reasons: Counter = Counter()
        self._db_waits = 0  # times another connection held the write lock (an import, a score refresh)

    # ---- public ------------------------------------------------------------------------------
    def run(self) -> RunOutcome:
        with SendLease(self.db, self.lease_key):
            return self._run_locked()

    def _write(self, fn: Callable[[Any], Any]) -> Any:
        """`fn(session)` in a transaction of its own, again while another connection holds SQLite's
        write lock (an import or a full score refresh may hold it for a minute): a send must not
        fail half-way because the shop imported a list meanwhile."""
        while True:
            try:
                with self.db.session() as s:
                    return fn(s)
            except OperationalError as exc:
                if not _locked(exc):
                    raise
                self._db_waits += 1
                time.sleep(0.2)

    # ---- hooks ---------------------------------------------------------------------------------
    def _load(self) -> None:
        """Read what the run needs (subclasses: policy, limits, whether it is finished)."""
        with self.db.session() as s:
            self.total = s.scalar(select(func.count()).select_from(Message).where(
                *self.scope, Message.status != L.HOLDOUT)) or 0

    def _set_state(self, state: str, reason: str | None = None, finished: bool = False) -> None:
        """Show the run's state (a campaign keeps it on its row)."""

    def _setup_pacing(self) -> None:
        rate = self._rate_override or self.policy.rate_per_second
        # With an injected sleep (tests, a moved clock) the pacer's waits move that clock too.
        self.pacer = Pacer(rate, monotonic=(lambda: self.clock.now().timestamp()) if self._sleep else time.monotonic)
        self.n_workers = self._workers or int(max(4, min(64, rate // 8)))

    def _endpoint(self, category: str | None) -> str:
        marketing = str(category or "").upper() == "MARKETING"
        return "marketing_messages" if self.marketing_endpoint and marketing else "messages"


    # ---- the loop ------------------------------------------------------------------------------
    def _run_locked(self) -> RunOutcome:
        self._load()
        self._setup_pacing()
        if self.final_state:
            return RunOutcome(self.final_state, self._progress(self.final_state))
        recovered = self._write(lambda s: L.recover_in_flight(s, self.scope))
        if recovered:
            log.warning("%s: %d message(s) were in flight at a crash; marked unknown", self.lease_key, recovered)
        self._set_state(L.RUNNING)
        self._load_tally()
        self._used = self._count_used(self.clock.now()) if self.daily_limit is not None else 0
        conn = self.db.engine.connect()
        if self.db.engine.dialect.name == "sqlite":
            # A claim must survive a power cut too: a lost `sending` row would be sent again.
            conn.exec_driver_sql("PRAGMA synchronous=FULL")
            conn.exec_driver_sql(f"PRAGMA busy_timeout={LOCK_WAIT_MS}")  # then the loop waits its own way
        pool = ThreadPoolExecutor(self.n_workers, thread_name_prefix=f"wadesk-send-{self.lease_key}")
        inflight = 0
        outcome: RunOutcome | None = None
        last_report = 0.0
        try:
            while outcome is None:
                inflight -= self._drain(conn, block=inflight > 0)
                now = self.clock.now()
                if time.monotonic() - last_report > 0.25:
                    self._report(self._progress(L.RUNNING, live=True))
                    last_report = time.monotonic()
                stopping = self._stop_reason is not None or self.control.pause.is_set() or self.control.cancel.is_set()
                if stopping:
                    self._stop.set()
                    if inflight:
                        continue
                    outcome = self._finish_stopped(conn)
                    break
                # Claim in batches (one durable commit each) once half the pipeline has drained.
                if inflight > self.n_workers:
                    continue
                hold = self._hold(conn, now, inflight)
                room = self.n_workers * 2 - inflight
                if self.daily_limit is not None:
                    room = min(room, self.daily_limit - self._used - inflight)
                try:
                    claimed = self._claim(conn, now, room) if hold is None and room > 0 else []
                except _DatabaseBusy:
                    time.sleep(0.2)  # results keep being recorded meanwhile; pause and cancel still work
                    continue
                for job in claimed:
                    pool.submit(self._work, job)
                inflight += len(claimed)
                if inflight or claimed:
                    continue
                outcome = self._idle(conn, now, hold)
        finally:
            self._stop.set()
            pool.shutdown(wait=True)
            # Results of calls that finished while shutting down must not be lost.
            self._drain(conn, block=False)
            if self.db.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
                conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # the pool's setting again
            conn.close()
        self._report(outcome.progress)
        return outcome

    def _hold(self, conn: Any, now: datetime, inflight: int) -> tuple[datetime, str, str] | None:
        """Why nothing may be claimed now: (until when, plain words, "quiet" | "tier")."""
        nxt = next_send_time(now, self.policy)
        if nxt > now:
            return nxt, "Quiet hours: sending resumes at the end of them.", "quiet"
        if self.daily_limit is not None and self._used + inflight >= self.daily_limit and not inflight:
            oldest = conn.execute(select(func.min(Message.sent_at)).where(*self._window(now))).scalar()
            conn.rollback()
            until = (_aware(oldest) or now) + timedelta(hours=24)
            return until, (f"Your WhatsApp number has reached its limit of {self.daily_limit:,} new customers in "
                           "24 hours; the rest go as the limit frees up."), "tier"
        return None

    def _window(self, now: datetime) -> list[Any]:
        """Messages that count toward the moving 24-hour tier window."""
        return [Message.direction == "out", Message.is_sandbox == self.sandbox, Message.status.in_(L.TAKEN),
                Message.sent_at >= utc_naive(now) - timedelta(hours=24)]

    def _idle(self, conn: Any, now: datetime, hold: tuple[datetime, str, str] | None) -> RunOutcome | None:
        """Nothing in flight and nothing claimable now: finished, or wait (in process when soon)."""
        with self.db.session() as s:
            due = _aware(L.next_due(s, self.scope))
        if due is None:
            self._set_state(L.DONE, finished=True)
            return RunOutcome(L.DONE, self._progress(L.DONE))
        reason = self._stop_reason
        if hold is not None and hold[0] >= due:
            due, reason = hold[0], reason or hold[1]
        wait = (due - now).total_seconds()
        if wait <= self.max_idle_s and not self.control.pause.is_set() and not self.control.cancel.is_set():
            self._wait(max(wait, 0.01))
            if hold is not None and hold[2] == "tier":  # the window moved on while waiting
                self._used = self._count_used(self.clock.now())
            return None
        self._set_state(L.WAITING_STATE, reason)
        return RunOutcome(L.WAITING_STATE, self._progress(L.WAITING_STATE, next_due=due), reason, due)

    def _count_used(self, now: datetime) -> int:
        with self.db.session() as s:
            return s.scalar(select(func.count(func.distinct(Message.to_phone))).where(*self._window(now))) or 0

    def _wait(self, seconds: float) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
            return
        end = time.monotonic() + seconds
        while time.monotonic() < end and not (self.control.pause.is_set() or self.control.cancel.is_set()):
            time.sleep(min(0.1, end - time.monotonic()))

    def _finish_stopped(self, conn: Any) -> RunOutcome:
        if self.control.cancel.is_set():
            self._write(lambda s: L.cancel_waiting(s, self.scope))
            self._set_state(L.CAMPAIGN_CANCELLED, finished=True)
            return RunOutcome(L.CAMPAIGN_CANCELLED, self._progress(L.CAMPAIGN_CANCELLED))
        if self._stop_reason is not None:
            self._set_state(self._stop_state, self._stop_reason)
            with self.db.session() as s:
                due = _aware(L.next_due(s, self.scope))
            return RunOutcome(self._stop_state, self._progress(self._stop_state, next_due=due),
                              self._stop_reason, due if self._stop_state == L.WAITING_STATE else None)
        self._set_state(L.PAUSED)
        return RunOutcome(L.PAUSED, self._progress(L.PAUSED))

    # ---- claiming ------------------------------------------------------------------------------
    def _claim(self, conn: Any, now: datetime, limit: int) -> list[_Job]:
        stamp = utc_naive(now)
        was: dict[int, str] = {}  # id -> queued | deferred (for the live tally)
        for status in (L.QUEUED, L.DEFERRED):
            if len(was) >= limit:
                break
            q = (select(Message.id).where(*self.scope, Message.status == status,
                                          or_(Message.next_attempt_at <= stamp, Message.next_attempt_at.is_(None)))
                 .order_by(Message.next_attempt_at, Message.id).limit(limit - len(was)))
            if conn.dialect.name == "postgresql":  # belt and braces beside the lease (team mode)
                q = q.with_for_update(skip_locked=True)
            for mid in conn.execute(q).scalars():
                was[mid] = status
        if not was:
            conn.rollback()
            return []
        rows = conn.execute(
            select(Message.id, Message.customer_id, Message.to_phone, Message.payload, Message.attempts,
                   Message.category, Customer.consent_state)
            .outerjoin(Customer, Customer.id == Message.customer_id).where(Message.id.in_(list(was)))).all()
        blocked = self._blocked_customers(conn, [r.customer_id for r in rows if r.customer_id is not None])
        jobs, skipped = [], []
        for r in rows:
            reason = self._skip_reason(r, blocked)
            if reason:
                skipped.append({"mid": r.id, "reason": reason})
            else:
                jobs.append(_Job(r.id, r.customer_id, r.to_phone, dict(r.payload or {}), r.attempts + 1, r.category))
        try:
            if skipped:
                conn.execute(update(Message).where(Message.id == bindparam("mid")).values(
                    status=L.SKIPPED, error_title=bindparam("reason"), next_attempt_at=None), skipped)
            if jobs:
                res = conn.execute(update(Message).where(
                    Message.id.in_([j.id for j in jobs]), Message.status.in_(L.WAITING))
                    .values(status=L.SENDING, attempts=Message.attempts + 1))
                if res.rowcount != len(jobs):  # cannot happen under the lease; never send on doubt
                    conn.rollback()
                    raise RuntimeError("The send ledger changed under the sender; sending stopped to be safe.")
            conn.commit()  # `sending` is on disk before any HTTP call
        except OperationalError as exc:
            conn.rollback()  # nothing claimed: no call is made for these rows
            if not _locked(exc):
                raise
            self._db_waits += 1
            raise _DatabaseBusy() from None
        self._tally.subtract(was.values())
        self._tally[L.SKIPPED] += len(skipped)
        self._tally[L.SENDING] += len(jobs)
        return jobs

    def _blocked_customers(self, conn: Any, customer_ids: list[int]) -> dict[int, set[int]]:
        """What sends have told us since the rows were written: undeliverable (131026) or
        stopped marketing (131050), per customer."""
        if not customer_ids:
            return {}
        out: dict[int, set[int]] = {}
        for cid, code in conn.execute(select(Message.customer_id, Message.error_code).where(
                Message.customer_id.in_(customer_ids), Message.direction == "out",
                Message.error_code.in_([131026, 131050])).distinct()):
            out.setdefault(cid, set()).add(code)
        return out

    def _skip_reason(self, row: Any, blocked: dict[int, set[int]]) -> str | None:
        marketing = str(row.category or "").upper() == "MARKETING"
        codes = blocked.get(row.customer_id, set())
        if not row.to_phone:
            return "No WhatsApp number."
        if 131026 in codes:
            return "WhatsApp said this number can't receive messages."
        if marketing and 131050 in codes:
            return "The customer stopped marketing messages in WhatsApp."
        if marketing and row.consent_state == -1:
            return "The customer opted out after the message was prepared."
        if marketing and self.policy.require_opt_in and row.consent_state is not None and row.consent_state != 1:
            return "The customer's marketing opt-in was withdrawn after the message was prepared."
        return None

    # ---- the workers ---------------------------------------------------------------------------
    def _work(self, job: _Job) -> None:
        try:
            if self._stop.is_set():
                self._results.put((job, _NOT_ATTEMPTED))
                return
            gap = self.pair_gap.reserve(job.phone)
            if gap > 0 and self._stop.wait(gap):
                self._results.put((job, _NOT_ATTEMPTED))
                return
            if not self.pacer.acquire(self._stop, sleep=self._sleep):
                self._results.put((job, _NOT_ATTEMPTED))
                return
            payload = dict(job.payload, biz_opaque_callback_data=L.callback_data(job.id))
            try:
                self._results.put((job, self.client.send_template(payload, endpoint=self._endpoint(job.category))))
            except E.CloudApiError as exc:
                self._results.put((job, exc))
        except BaseException as exc:  # noqa: BLE001 - anything after the call started: outcome unknown
            log.exception("Unexpected error sending message %s", job.id)
            self._results.put((job, E.OutcomeUnknown(f"WaDesk hit an unexpected error while sending ({exc!r}).")))

    # ---- results -------------------------------------------------------------------------------
    def _drain(self, conn: Any, block: bool) -> int:
        """Record every finished call in one transaction; returns how many were recorded."""
        got: list[tuple[_Job, Any]] = []
        try:
            got.append(self._results.get(timeout=0.05) if block else self._results.get_nowait())
            while len(got) < 500:
                got.append(self._results.get_nowait())
        except queue.Empty:
            pass
        if not got:
            return 0
        now = self.clock.now()
        stamp = utc_naive(now)
        opt_outs: list[int] = []
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}  # one executemany per kind of outcome
        for job, result in got:
            values = self._outcome(job, result, now, opt_outs)
            shapes.setdefault(tuple(sorted(values)), []).append({"_id": job.id, **values})
            self._tally[L.SENDING] -= 1
            self._tally[L.ACCEPTED if values["status"] == L.ACCEPTED else values["status"]] += 1
            if values["status"] == L.FAILED:
                self._reasons[values.get("error_title") or "Other"] += 1
        while True:  # these calls went out: their results are recorded before anything else happens
            try:
                for keys, params in shapes.items():
                    # Guarded: a status webhook may already have settled the row through its callback
                    # data (it can arrive before this commit); never move such a row back to `accepted`.
                    conn.execute(update(Message).where(Message.id == bindparam("_id"), Message.status == L.SENDING)
                                 .values({k: bindparam(k) for k in keys}), params)
                if opt_outs:
                    self._record_opt_outs(conn, opt_outs, stamp)
                conn.commit()
                return len(got)
            except OperationalError as exc:
                conn.rollback()
                if not _locked(exc):
                    raise
                self._db_waits += 1
                time.sleep(0.2)

    def _outcome(self, job: _Job, result: Any, now: datetime, opt_outs: list[int]) -> dict[str, Any]:
        stamp = utc_naive(now)
        if result is _NOT_ATTEMPTED:
            return {"status": L.QUEUED, "attempts": job.attempts - 1}
        if isinstance(result, SendResult):
            self._consecutive.clear()
            self._accept_times.append(time.monotonic())
            self._used += 1
            return {"status": L.ACCEPTED, "wamid": result.wamid, "sent_at": stamp, "next_attempt_at": None,
                    "error_code": None, "error_title": None, "error_detail": None}
        err: E.CloudApiError = result
        detail = " ".join(x for x in (err.details or "", f"fbtrace_id {err.fbtrace_id}" if err.fbtrace_id else "") if x)
        failed = {"status": L.FAILED, "failed_at": stamp, "error_code": err.code, "error_title": err.plain,
                  "error_detail": detail or None, "next_attempt_at": None}
        if isinstance(err, E.OutcomeUnknown):
            return {"status": L.UNKNOWN, "error_title": err.plain, "error_detail": detail or None}
        action = err.action
        if action != E.RETRY:
            self._consecutive["network"] = 0
        if action == E.RETRY:
            self._consecutive["network"] += 1
            if self._consecutive["network"] >= NETWORK_BREAKER and self._stop_reason is None:
                self._stop_state = L.WAITING_STATE
                self._stop_reason = ("WhatsApp's servers are not answering (or the internet is down). "
                                     "Sending will be tried again in a few minutes.")
                return {"status": L.QUEUED, "attempts": job.attempts - 1,
                        "next_attempt_at": stamp + timedelta(minutes=5)}
            if job.attempts >= MAX_ATTEMPTS:
                return dict(failed, error_title=f"Gave up after {job.attempts} tries: {err.plain}")
            delay = min(300.0, 2.0 * 2 ** (job.attempts - 1)) * (0.5 + random.random() / 2)
            return {"status": L.QUEUED, "next_attempt_at": stamp + timedelta(seconds=delay),
                    "error_title": err.plain}
        if action == E.RATE_LIMIT:
            wait = err.retry_after or 1.0
            if err.code == 130429:
                self.pacer.throttled()
            else:
                self.pacer.pause_for(wait)
            return {"status": L.QUEUED, "attempts": job.attempts - 1,
                    "next_attempt_at": stamp + timedelta(seconds=wait)}
        if action == E.PAIR_LIMIT:
            if job.attempts >= MAX_ATTEMPTS:
                return failed
            return {"status": L.QUEUED, "next_attempt_at": stamp + timedelta(seconds=4 ** job.attempts)}
        if action == E.DEFER:
            if self.policy.time_sensitive:
                return dict(failed, error_title=err.plain + " This campaign is time-sensitive, so WaDesk gave up.")
            return {"status": L.DEFERRED, "error_code": err.code, "error_title": err.plain,
                    "next_attempt_at": stamp + timedelta(hours=DEFER_HOURS, minutes=random.randint(0, 30))}
        if action == E.OPT_OUT:
            if job.customer_id is not None:
                opt_outs.append(job.customer_id)
            return failed
        if action == E.STOP:
            if self._stop_reason is None:
                self._stop_state = L.STOPPED
                self._stop_reason = str(err)
            return {"status": L.QUEUED, "attempts": job.attempts - 1, "error_title": None}
        if action == E.TEMPLATE:
            self._consecutive["template"] += 1
            if self._consecutive["template"] >= TEMPLATE_BREAKER and self._stop_reason is None:
                self._stop_state = L.STOPPED
                self._stop_reason = (f"{TEMPLATE_BREAKER} messages in a row were refused for a template problem: "
                                     f"{err.plain} Fix the template or the mapping, then resume.")
        return failed

    def _record_opt_outs(self, conn: Any, customer_ids: list[int], stamp: datetime) -> None:
        from sqlalchemy.orm import Session

        from wadesk.core.crm.consent import record_opt_out

        with Session(bind=conn) as s:  # joins the results transaction: one commit for both
            for cid in dict.fromkeys(customer_ids):
                try:
                    record_opt_out(s, cid, source="whatsapp_131050", at=stamp, now=stamp,
                                   note=f"Meta refused a marketing message ({self.lease_key}, 131050).")
                except ValueError:  # the customer was deleted meanwhile; the failed row says enough
                    log.info("Opt-out for deleted customer %s not recorded", cid)
            s.flush()

    # ---- progress ------------------------------------------------------------------------------
    def _load_tally(self) -> None:
        with self.db.session() as s:
            counts = L.status_counts(s, self.scope)
            reasons = s.execute(select(Message.error_title, func.count()).where(
                *self.scope, Message.status == L.FAILED).group_by(Message.error_title)).all()
        self._tally = Counter({k: counts[k] for k in L.STATUS_KEYS})
        self._reasons = Counter({r or "Other": n for r, n in reasons})

    def _progress(self, state: str, next_due: datetime | None = None, live: bool = False) -> SendProgress:
        """Figures for the screen: from memory while running, re-read from the ledger at the end."""
        if not live:
            self._load_tally()
        t = self._tally
        now = time.monotonic()
        while self._accept_times and self._accept_times[0] < now - 5:
            self._accept_times.popleft()
        rate = len(self._accept_times) / 5.0
        remaining = t[L.QUEUED] + t[L.DEFERRED] + t[L.SENDING]
        return SendProgress(
            state=state, total=self.total, accepted=t[L.ACCEPTED], failed=t[L.FAILED], deferred=t[L.DEFERRED],
            unknown=t[L.UNKNOWN], cancelled=t[L.CANCELLED], skipped=t[L.SKIPPED], remaining=remaining,
            failures=dict(self._reasons), rate=rate, target_rate=self.pacer.rate,
            eta_s=remaining / max(rate, self.pacer.rate * 0.5) if remaining else 0.0,
            next_due=next_due, stop_reason=self._stop_reason)


class CampaignSender(LedgerSender):
    def __init__(self, db: Any, client: CloudClient, campaign_id: int, **kw: Any):
        super().__init__(db, client, scope=L.scope_filters(campaign_id), lease_key=f"campaign-{campaign_id}", **kw)
        self.campaign_id = campaign_id

    def _load(self) -> None:
        super()._load()
        with self.db.session() as s:
            c = s.get(Campaign, self.campaign_id)
            if c is None:
                raise LookupError(f"There is no campaign {self.campaign_id}.")
            if c.frozen_at is None:
                raise ValueError(f"Campaign '{c.name}' has no recipients yet; create it again.")
            if bool(c.is_sandbox) != bool(self.sandbox):
                where = "the sandbox" if c.is_sandbox else "your real WhatsApp account"
                raise ValueError(f"Campaign '{c.name}' was prepared for {where}; switch WhatsApp back to it "
                                 "(Settings → WhatsApp) or create the campaign again.")
            settings = c.settings or {}
            self.policy = SendPolicy.from_json(settings.get("policy") or {})
            self.marketing_endpoint = settings.get("endpoint") == "marketing_messages"
            self.daily_limit = settings.get("daily_limit")  # the account's tier when frozen
            self.final_state = c.status if c.status in (L.DONE, L.CAMPAIGN_CANCELLED) else None

    def _set_state(self, state: str, reason: str | None = None, finished: bool = False) -> None:
        def write(s: Any) -> None:
            c = s.get(Campaign, self.campaign_id)
            c.status, c.stop_reason = state, reason
            c.updated_at = utc_naive(self.clock.now())
            if finished:
                c.finished_at = c.updated_at
        self._write(write)
