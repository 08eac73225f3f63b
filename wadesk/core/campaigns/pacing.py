"""Pacing: how fast the sender may call Meta.

- `Pacer`: a token bucket at the account's throughput (80/s default, up to 1,000/s). A 130429
  ("sending faster than this number's throughput") halves the rate; each quiet `recover_every`
  seconds it climbs back by a tenth of the target. App/account request limits (4, 80007) pause
  everything for the time Meta asks.
- `PairGap`: at most one message to the same phone every 6 s (Meta's pair rate, 131056); shared by
  every sender in the process, so a campaign and an automation don't hit one customer together.
Both take an injectable monotonic clock and sleep so tests can run them without waiting.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

PAIR_GAP_S = 6.0


class Pacer:
    def __init__(self, rate: float, *, burst: float | None = None, recover_every: float = 5.0,
                 monotonic: Callable[[], float] = time.monotonic):
        self.target = float(rate)
        self.rate = float(rate)
        # A small burst keeps concurrent workers busy without overshooting a one-second window.
        self.burst = burst if burst is not None else max(1.0, min(self.target / 10, 50.0))
        self.recover_every = recover_every
        self._now = monotonic
        self._tokens = self.burst
        self._last = monotonic()
        self._paused_until = 0.0
        self._last_throttle = -1e9
        self._last_recover = self._last
        self._cond = threading.Condition()

    def _refill(self, now: float) -> None:
        if now >= self._last_throttle + self.recover_every and self.rate < self.target \
                and now >= self._last_recover + self.recover_every:
            self.rate = min(self.target, self.rate + self.target / 10)
            self._last_recover = now
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def wait_time(self) -> float:
        """Take a token if one is free (returns 0), else how long to wait before asking again."""
        with self._cond:
            now = self._now()
            if now < self._paused_until:
                return self._paused_until - now
            self._refill(now)
            if self._tokens >= 1:
                self._tokens -= 1
                return 0.0
            return (1 - self._tokens) / self.rate

    def acquire(self, stop: threading.Event | None = None, sleep: Callable[[float], None] | None = None) -> bool:
        """Block until a token is taken (True) or `stop` is set (False)."""
        while True:
            if stop is not None and stop.is_set():
                return False
            wait = self.wait_time()
            if wait <= 0:
                return True
            if sleep is not None:
                sleep(wait)
            elif stop is not None:
                stop.wait(min(wait, 0.25))
            else:
                time.sleep(wait)

    def throttled(self) -> None:
        """Meta said 130429: halve the rate (never below one a second)."""
        with self._cond:
            now = self._now()
            self.rate = max(1.0, self.rate / 2)
            self._tokens = min(self._tokens, 0.0)
            self._last_throttle = self._last_recover = now

    def pause_for(self, seconds: float) -> None:
        """Meta's app/account request limit: nobody sends for `seconds`."""
        with self._cond:
            self._paused_until = max(self._paused_until, self._now() + seconds)


class PairGap:
    """The earliest moment each phone may get its next message."""

    def __init__(self, gap: float = PAIR_GAP_S, monotonic: Callable[[], float] = time.monotonic):
        self.gap = gap
        self._now = monotonic
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, phone: str) -> float:
        """Book the phone's next slot; returns how long to wait before sending (0 = now)."""
        with self._lock:
            now = self._now()
            at = max(now, self._next.get(phone, 0.0))
            self._next[phone] = at + self.gap
            if len(self._next) > 100_000:  # forget slots long past
                self._next = {p: t for p, t in self._next.items() if t > now}
            return at - now


# One per process: every sender shares the per-customer gap.
PAIR_GAP = PairGap()
