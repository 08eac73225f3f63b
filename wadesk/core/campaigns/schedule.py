"""When messages may go out: quiet hours in the shop's time zone, and the plan that spreads an
audience larger than the account's 24-hour messaging limit over several days.

Times in and out are timezone-aware. Quiet hours are wall-clock times in the shop's zone
(policy.timezone; "" = this computer's), so they follow daylight saving: 09:00 is 09:00 local on
both sides of a clock change. A window may wrap midnight (21:00 → 09:00) or not (13:00 → 14:00).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from wadesk.core.messaging.formatting import format_number

DAY = timedelta(hours=24)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class QuietHours(Protocol):  # SendPolicy has these
    quiet_start: object
    quiet_end: object
    timezone: str


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{at!r} has no time zone (schedule times must be timezone-aware)")


def _zone(name: str) -> tzinfo | None:
    return ZoneInfo(name) if name else None  # None: this computer's zone


def to_local(at: datetime, zone_name: str) -> datetime:
    """`at` on the shop's wall clock."""
    _require_aware(at)
    zone = _zone(zone_name)
    return at.astimezone(zone) if zone else at.astimezone()


def _wall_to_aware(wall: datetime, zone_name: str, fold: int = 0) -> datetime:
    """A naive wall-clock time in the shop's zone made aware: a time that happens twice is the first
    one (fold=0) or the second (fold=1); one that does not exist comes out shifted (caller checks)."""
    zone = _zone(zone_name)
    wall = wall.replace(fold=fold)
    return wall.replace(tzinfo=zone) if zone else wall.astimezone()


def in_quiet_hours(at: datetime, policy: QuietHours) -> bool:
    start, end = policy.quiet_start, policy.quiet_end
    if start == end:
        return False
    t = to_local(at, policy.timezone).time().replace(tzinfo=None)
    return start <= t < end if start < end else (t >= start or t < end)


def next_send_time(at: datetime, policy: QuietHours) -> datetime:
    """`at` if a message may go out then, else the end of that quiet period; in UTC."""
    t = at
    for _ in range(3):  # a further round only when a clock change skipped the whole open window
        if not in_quiet_hours(t, policy):
            break
        t = _end_of_quiet(t, policy)
    return t.astimezone(timezone.utc)


def _end_of_quiet(at: datetime, policy: QuietHours) -> datetime:
    local = to_local(at, policy.timezone)
    day = local.date()
    if policy.quiet_start > policy.quiet_end and local.time().replace(tzinfo=None) >= policy.quiet_start:
        day += timedelta(days=1)  # evening part of a window that wraps midnight: it ends tomorrow
    wall_end = datetime.combine(day, policy.quiet_end)
    end = _wall_to_aware(wall_end, policy.timezone)
    if end <= at:  # the clocks went back and the end time comes round a second time
        end = _wall_to_aware(wall_end, policy.timezone, fold=1)
    end = end.astimezone(timezone.utc)  # normalised: reading it back shows the wall time it really is
    if to_local(end, policy.timezone).replace(tzinfo=None) == wall_end:
        return max(end, at)
    # The end fell in the hour skipped when clocks go forward (each zone library shifts such a time
    # its own way): the quiet period ends when the clock jumps past it. Find that minute nearby (a gap
    # is at most an hour; offsets are whole minutes).
    t = max(at, end - timedelta(hours=3)).replace(second=0, microsecond=0)
    while t < end + timedelta(hours=3):
        if t >= at and not in_quiet_hours(t, policy):
            return t
        t += timedelta(minutes=1)
    return t


# -- the daily tier plan --------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanBatch:
    start: datetime  # not before this
    count: int


def duration_words(seconds: float) -> str:
    """'about 40 seconds', 'about 5 minutes', 'about 2 hours 10 minutes'."""
    s = max(0, round(seconds))
    if s < 90:
        return f"about {s} second{'s' if s != 1 else ''}" if s else "a moment"
    minutes = round(s / 60)
    if minutes < 90:
        return f"about {minutes} minutes"
    hours, rest = divmod(minutes, 60)
    return f"about {hours} hours" + (f" {rest} minutes" if rest else "")


def _rate_words(rate: float) -> str:
    return f"{rate:g} message{'s' if rate != 1 else ''} a second"


def _day_words(when: date, today: date) -> str:
    if when == today:
        return "today"
    if when == today + timedelta(days=1):
        return "tomorrow"
    return f"on {_WEEKDAYS[when.weekday()]} {when.day} {_MONTHS[when.month - 1]}"


@dataclass(frozen=True)
class SendPlan:
    batches: list[PlanBatch] = field(default_factory=list)  # count > 0 each, in time order
    days: int = 0  # 24-hour windows the send spans (1: all in the first)
    duration_s: float = 0.0  # time at the rate, not counting the waits between days
    rate_per_second: float = 80.0
    start: datetime | None = None  # when the send was planned to begin ("today" in the sentence)

    @property
    def total(self) -> int:
        return sum(b.count for b in self.batches)

    def sentence(self, now: datetime | None = None, zone_name: str | None = None) -> str:
        """'2,000 today, 2,000 tomorrow, 600 on Mon 30 Nov' or 'All 3,200 today, about 40 seconds at
        80 messages a second'. Days are read on the wall clock of `zone_name` ("" = this computer's;
        None = the zone the plan's start was given in), relative to `now` (default: the start)."""
        if not self.batches:
            return "Nobody to send to."

        def local(at: datetime) -> datetime:
            return at if zone_name is None else to_local(at, zone_name)

        today = local(now or self.start or self.batches[0].start).date()
        words = [_day_words(local(b.start).date(), today) for b in self.batches]
        if len(self.batches) == 1:
            return (f"All {format_number(self.total)} {words[0]}, {duration_words(self.duration_s)} "
                    f"at {_rate_words(self.rate_per_second)}")
        return ", ".join(f"{format_number(b.count)} {w}" for b, w in zip(self.batches, words))


def plan_days(recipients: int, daily_limit: int | None, used_last_24h: int, start: datetime,
              rate_per_second: float) -> SendPlan:
    """Spread `recipients` over 24-hour windows of the account's messaging limit.

    Batch k may start at start + k×24h; the first is limited by what is left of today's limit
    (limit − used), later ones by the whole limit (the earlier messages have left the moving window
    by then). daily_limit None = unlimited. The sender must still count the live 24-hour window
    (a late first batch leaves fewer slots free at the next one)."""
    _require_aware(start)
    if recipients < 0 or used_last_24h < 0:
        raise ValueError("recipients and used_last_24h cannot be negative")
    if rate_per_second <= 0:
        raise ValueError("rate_per_second must be above 0")
    if daily_limit is not None and daily_limit <= 0:
        raise ValueError("daily_limit must be above 0 (None = unlimited)")
    batches: list[PlanBatch] = []
    left, k = recipients, 0
    while left > 0:
        if daily_limit is None:
            room = left
        else:
            room = daily_limit - used_last_24h if k == 0 else daily_limit
        count = min(left, max(room, 0))
        if count:
            batches.append(PlanBatch(start + k * DAY, count))
        left -= count
        k += 1
    return SendPlan(batches=batches, days=k, duration_s=eta_seconds(recipients, rate_per_second),
                    rate_per_second=rate_per_second, start=start)


def assign_slots(n: int, plan: SendPlan) -> list[datetime]:
    """Each recipient index's not-before time (messages.next_attempt_at): the first batch's count
    get its start, the next ones the next start, and so on."""
    if n > plan.total:
        raise ValueError(f"the plan has room for {plan.total} recipients, not {n}")
    slots: list[datetime] = []
    for b in plan.batches:
        slots.extend([b.start] * min(b.count, n - len(slots)))
    return slots


def eta_seconds(remaining: int, rate_per_second: float) -> float:
    """Seconds to send `remaining` messages at the rate (waits for quiet hours or the tier not counted)."""
    if rate_per_second <= 0:
        raise ValueError("rate_per_second must be above 0")
    return max(remaining, 0) / rate_per_second
