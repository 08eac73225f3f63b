"""Pacing: how fast the sender may call Meta.

- `Pacer`: slots at the account's throughput (80/s default, up to 1,000/s). A 130429
  ("sending faster than this number's throughput") halves the rate; every `recover_every`
  seconds after that it climbs back by a tenth of the target. App/account request limits (4, 80007) pause
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
    """Each caller books the next free slot (1/rate apart) and sleeps once until it: no polling, so
    64 waiting workers cost nothing, and the long-run rate is exact. Up to `burst` slots may be
    taken at once after a quiet spell."""

    def __init__(self, rate: float, *, burst: float | None = None, recover_every: float = 5.0,
                 monotonic: Callable[[], float] = time.monotonic):
        self.target = float(rate)
        self.rate = float(rate)
        self.burst = burst if burst is not None else max(1.0, min(self.target / 10, 50.0))
        self.recover_every = recover_every
        self._now = monotonic
        self._next = monotonic()  # the next free slot
        self._since_change = self._next  # last throttle or recovery step
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Book a slot; returns how long to wait for it (0 = go now)."""
        with self._lock:
            now = self._now()
            if self.rate < self.target and now >= self._since_change + self.recover_every:
                self.rate = min(self.target, self.rate + self.target / 10)
                self._since_change = now
            interval = 1.0 / self.rate
            slot = max(self._next, now - (self.burst - 1) * interval)
            self._next = slot + interval
            return max(0.0, slot - now)

    def acquire(self, stop: threading.Event | None = None, sleep: Callable[[float], None] | None = None) -> bool:
        """Wait for a slot: True when it is time to send, False when `stop` was set meanwhile."""
        delay = self.reserve()
        if delay > 0:
            if sleep is not None:
                sleep(delay)
            elif stop is not None:
                return not stop.wait(delay)
            else:
                time.sleep(delay)
        return not (stop is not None and stop.is_set())

    def throttled(self) -> None:
        """Meta said 130429: halve the rate (never below one a second)."""
        with self._lock:
            now = self._now()
            self.rate = max(1.0, self.rate / 2)
            self._next = max(self._next, now + 1.0 / self.rate)
            self._since_change = now

    def pause_for(self, seconds: float) -> None:
        """Meta's app/account request limit: nobody sends for `seconds`."""
        with self._lock:
            self._next = max(self._next, self._now() + seconds)


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
