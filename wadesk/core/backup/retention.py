"""Which backups to keep: the newest of each of the last N days, weeks and months that have one.

Counting periods that *have* backups (not calendar periods back from today) means a laptop left off
for a year still keeps its old backups: time passing never deletes anything, only new backups do.
Days, weeks (ISO) and months are taken in UTC.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable, Iterable, Protocol, TypeVar

from wadesk.core.backup.config import Retention


class _Dated(Protocol):
    created_at: datetime


B = TypeVar("B", bound=_Dated)


def _day(t: datetime) -> tuple:
    return (t.year, t.month, t.day)


def _week(t: datetime) -> tuple:
    return tuple(t.isocalendar())[:2]


def _month(t: datetime) -> tuple:
    return (t.year, t.month)


def choose_to_keep(backups: Iterable[B], rule: Retention) -> list[B]:
    newest_first = sorted(backups, key=lambda b: b.created_at, reverse=True)
    keep: dict[int, B] = {}
    if newest_first:
        keep[id(newest_first[0])] = newest_first[0]  # the newest backup is always kept
    periods: list[tuple[int, Callable[[datetime], tuple]]] = [
        (rule.daily, _day), (rule.weekly, _week), (rule.monthly, _month)]
    for how_many, period in periods:
        seen: set[tuple] = set()
        for b in newest_first:
            key = period(b.created_at)
            if key in seen:
                continue
            if len(seen) >= how_many:
                break
            seen.add(key)
            keep[id(b)] = b
    return [b for b in newest_first if id(b) in keep]


def choose_to_delete(backups: Iterable[B], rule: Retention) -> list[B]:
    items = list(backups)
    kept = {id(b) for b in choose_to_keep(items, rule)}
    return [b for b in items if id(b) not in kept]
