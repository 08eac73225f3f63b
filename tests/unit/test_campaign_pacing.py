"""Pacing with a fake monotonic clock: exact long-run rate, bursts, throttling and recovery, pair gap."""
from __future__ import annotations

import threading

from wadesk.core.campaigns.pacing import Pacer, PairGap


class FakeTime:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t

    def sleep(self, s):
        self.t += s


def test_rate_is_exact_over_time_and_bursts_are_bounded():
    ft = FakeTime()
    p = Pacer(80, monotonic=ft)
    for _ in range(800):
        assert p.acquire(sleep=ft.sleep)
    # 800 messages at 80/s: 10 s minus the initial burst of 8 slots.
    assert 9.8 <= ft.t - 100.0 <= 10.0
    ft.t += 60  # a quiet minute does not bank more than the burst
    start = ft.t
    for _ in range(8):
        p.acquire(sleep=ft.sleep)
    assert ft.t == start
    p.acquire(sleep=ft.sleep)
    assert ft.t > start


def test_throttle_halves_then_recovers_gradually():
    ft = FakeTime()
    p = Pacer(80, monotonic=ft, recover_every=5)
    p.throttled()
    assert p.rate == 40
    p.throttled()
    assert p.rate == 20
    seen = []
    for _ in range(2000):
        p.acquire(sleep=ft.sleep)
        seen.append(p.rate)
    assert seen[-1] == 80 and sorted(set(seen)) == [20, 28, 36, 44, 52, 60, 68, 76, 80]


def test_pause_for_holds_everyone_and_stop_interrupts():
    ft = FakeTime()
    p = Pacer(1000, monotonic=ft)
    p.pause_for(60)
    p.acquire(sleep=ft.sleep)
    assert ft.t >= 160
    real = Pacer(1)
    real.pause_for(30)
    stop = threading.Event()
    threading.Timer(0.05, stop.set).start()
    assert real.acquire(stop) is False  # returns promptly when stopped


def test_pair_gap_spaces_one_phone_only():
    ft = FakeTime()
    g = PairGap(6, monotonic=ft)
    assert g.reserve("+911") == 0 and g.reserve("+912") == 0
    assert g.reserve("+911") == 6 and g.reserve("+911") == 12
