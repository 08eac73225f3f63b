"""Quiet hours on the shop's wall clock (wrapping, not wrapping, DST, the computer's zone) and the
daily tier plan that spreads a large audience over moving 24-hour windows."""
from __future__ import annotations

import time as time_module
from dataclasses import replace
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from wadesk.core.campaigns.policy import SendPolicy
from wadesk.core.campaigns.schedule import (assign_slots, duration_words, eta_seconds, in_quiet_hours,
                                            next_send_time, plan_days)

UTC = timezone.utc
KOLKATA = ZoneInfo("Asia/Kolkata")
NY = ZoneInfo("America/New_York")
NIGHT = SendPolicy(timezone="Asia/Kolkata")  # default quiet hours 21:00 → 09:00
LUNCH = replace(NIGHT, quiet_start=time(13, 0), quiet_end=time(14, 0))


def local(zone, *args):
    return datetime(*args, tzinfo=zone)


@pytest.mark.parametrize("hh, mm, quiet", [
    (8, 59, True), (9, 0, False), (12, 0, False), (20, 59, False), (21, 0, True), (23, 30, True), (0, 0, True),
])
def test_wrapping_window(hh, mm, quiet):
    assert in_quiet_hours(local(KOLKATA, 2026, 11, 28, hh, mm), NIGHT) is quiet


@pytest.mark.parametrize("hh, mm, quiet", [(12, 59, False), (13, 0, True), (13, 59, True), (14, 0, False)])
def test_window_within_a_day(hh, mm, quiet):
    assert in_quiet_hours(local(KOLKATA, 2026, 11, 28, hh, mm), LUNCH) is quiet


def test_same_start_and_end_means_no_quiet_hours():
    always = replace(NIGHT, quiet_start=time(21, 0), quiet_end=time(21, 0))
    at = local(KOLKATA, 2026, 11, 28, 23, 0)
    assert not in_quiet_hours(at, always) and next_send_time(at, always) == at


def test_quiet_hours_are_read_in_the_shop_zone_not_the_input_zone():
    at = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)  # 21:30 in Kolkata, 11:00 in New York
    assert in_quiet_hours(at, NIGHT)
    assert not in_quiet_hours(at, replace(NIGHT, timezone="America/New_York"))


def test_next_send_time_moves_to_the_end_of_the_window():
    evening = local(KOLKATA, 2026, 11, 28, 22, 15)
    assert next_send_time(evening, NIGHT) == local(KOLKATA, 2026, 11, 29, 9, 0)
    early = local(KOLKATA, 2026, 11, 29, 6, 0)
    assert next_send_time(early, NIGHT) == local(KOLKATA, 2026, 11, 29, 9, 0)
    lunch = local(KOLKATA, 2026, 11, 28, 13, 20)
    assert next_send_time(lunch, LUNCH) == local(KOLKATA, 2026, 11, 28, 14, 0)
    open_ = local(KOLKATA, 2026, 11, 28, 10, 0)
    assert next_send_time(open_, NIGHT) == open_
    for at in (evening, early, lunch, open_):
        out = next_send_time(at, NIGHT)
        assert out.utcoffset() == timedelta(0) and out >= at and not in_quiet_hours(out, NIGHT)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        in_quiet_hours(datetime(2026, 11, 28, 22, 0), NIGHT)


def test_daylight_saving_starts_in_new_york():
    ny = replace(NIGHT, timezone="America/New_York")
    # Clocks go forward at 02:00 on Sun 8 Mar 2026: the night is an hour shorter, 09:00 is EDT.
    saturday_night = local(NY, 2026, 3, 7, 22, 0)  # EST, 03:00 UTC
    assert in_quiet_hours(saturday_night, ny)
    assert next_send_time(saturday_night, ny) == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)  # 09:00 EDT
    # A window ending in the skipped hour (02:30 does not exist) ends when the clock jumps to 03:00.
    gap = replace(ny, quiet_start=time(1, 0), quiet_end=time(2, 30))
    at = datetime(2026, 3, 8, 6, 45, tzinfo=UTC)  # 01:45 EST
    out = next_send_time(at, gap)
    assert out == datetime(2026, 3, 8, 7, 0, tzinfo=UTC) and not in_quiet_hours(out, gap)
    # Found by a random search: a 23-hour window ending in the gap must not end at its own start.
    st_johns = replace(NIGHT, quiet_start=time(3, 45), quiet_end=time(2, 45), timezone="America/St_Johns")
    out = next_send_time(datetime(2026, 3, 7, 8, 47, 51, tzinfo=UTC), st_johns)
    assert out == datetime(2026, 3, 8, 5, 30, tzinfo=UTC) and not in_quiet_hours(out, st_johns)
    # Open only 02:15-03:00: on the day clocks jump from 02:00 to 03:00 there is no open time at all.
    narrow = replace(ny, quiet_start=time(3, 0), quiet_end=time(2, 15))
    out = next_send_time(datetime(2026, 3, 7, 23, 21, tzinfo=UTC), narrow)
    assert out == datetime(2026, 3, 9, 6, 15, tzinfo=UTC)  # 02:15 EDT the day after


def test_daylight_saving_ends_in_new_york():
    ny = replace(NIGHT, timezone="America/New_York")
    # Clocks go back at 02:00 on Sun 1 Nov 2026: the night is an hour longer, 09:00 is EST.
    saturday_night = local(NY, 2026, 10, 31, 22, 0)  # EDT, 02:00 UTC
    assert next_send_time(saturday_night, ny) == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)
    # A window ending at 01:30, which happens twice: during the second 01:00-01:30 it is still quiet
    # and ends at the second 01:30.
    twice = replace(ny, quiet_start=time(0, 0), quiet_end=time(1, 30))
    second_0110 = datetime(2026, 11, 1, 6, 10, tzinfo=UTC)  # 01:10 EST (the repeated hour)
    assert in_quiet_hours(second_0110, twice)
    assert next_send_time(second_0110, twice) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    first_0110 = datetime(2026, 11, 1, 5, 10, tzinfo=UTC)  # 01:10 EDT
    assert next_send_time(first_0110, twice) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


@pytest.fixture
def computer_in_new_york(monkeypatch):
    if not hasattr(time_module, "tzset"):
        pytest.skip("needs time.tzset (not on Windows)")
    monkeypatch.setenv("TZ", "America/New_York")
    time_module.tzset()
    yield
    monkeypatch.undo()
    time_module.tzset()


def test_empty_zone_means_this_computers_zone(computer_in_new_york):
    here = SendPolicy(timezone="")
    at = datetime(2026, 3, 8, 4, 0, tzinfo=UTC)  # 23:00 EST on Saturday on this computer
    assert in_quiet_hours(at, here)
    assert not in_quiet_hours(at, NIGHT)  # 09:30 in Kolkata
    assert next_send_time(at, here) == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)  # 09:00 EDT, DST included
    # The computer's clock shifts a skipped time the other way from zoneinfo: same answer regardless.
    gap = replace(here, quiet_start=time(1, 0), quiet_end=time(2, 30))
    assert next_send_time(datetime(2026, 3, 8, 6, 45, tzinfo=UTC), gap) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    back = replace(here, quiet_start=time(0, 0), quiet_end=time(1, 30))  # 01:30 happens twice on 1 Nov
    assert next_send_time(datetime(2026, 11, 1, 6, 10, tzinfo=UTC), back) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


# -- the tier plan ---------------------------------------------------------------------------------
START = datetime(2026, 11, 28, 4, 30, tzinfo=UTC)  # Sat 28 Nov, 10:00 in Kolkata


def test_plan_spreads_over_moving_days():
    plan = plan_days(4600, 2000, 0, START, 80)
    assert [(b.start, b.count) for b in plan.batches] == [
        (START, 2000), (START + timedelta(hours=24), 2000), (START + timedelta(hours=48), 600)]
    assert plan.days == 3 and plan.duration_s == pytest.approx(4600 / 80)
    assert plan.sentence() == "2,000 today, 2,000 tomorrow, 600 on Mon 30 Nov"


def test_first_day_is_limited_by_what_is_left():
    plan = plan_days(3000, 2000, 1500, START, 80)
    assert [b.count for b in plan.batches] == [500, 2000, 500]
    full = plan_days(300, 2000, 2000, START, 80)  # today's limit is used up: all tomorrow
    assert [(b.start, b.count) for b in full.batches] == [(START + timedelta(hours=24), 300)]
    assert full.days == 2 and full.sentence() == "All 300 tomorrow, about 4 seconds at 80 messages a second"
    over = plan_days(10, 250, 400, START, 80)  # used more than the (lowered) limit
    assert [b.count for b in over.batches] == [10] and over.days == 2


def test_one_day_plan_says_how_long():
    plan = plan_days(3200, None, 999_999, START, 80)  # unlimited: used does not matter
    assert len(plan.batches) == 1 and plan.days == 1
    assert plan.sentence() == "All 3,200 today, about 40 seconds at 80 messages a second"
    assert plan_days(150_000, 100_000, 0, START, 1000).sentence() == "1,00,000 today, 50,000 tomorrow"
    assert plan_days(0, 2000, 0, START, 80).batches == []


def test_sentence_reads_days_on_the_shop_clock_relative_to_now():
    late = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)  # Sat 23:30 in Kolkata
    plan = plan_days(2500, 2000, 0, late, 80)
    assert plan.sentence(zone_name="Asia/Kolkata") == "2,000 today, 500 tomorrow"
    scheduled = plan_days(2500, 2000, 0, late + timedelta(days=3), 80)
    assert scheduled.sentence(now=late, zone_name="Asia/Kolkata") == "2,000 on Tue 1 Dec, 500 on Wed 2 Dec"


def test_assign_slots_follow_the_batches():
    plan = plan_days(4600, 2000, 0, START, 80)
    slots = assign_slots(4600, plan)
    assert len(slots) == 4600
    assert slots[0] == slots[1999] == START
    assert slots[2000] == slots[3999] == START + timedelta(hours=24)
    assert slots[4000] == slots[-1] == START + timedelta(hours=48)
    assert assign_slots(3, plan) == [START] * 3
    with pytest.raises(ValueError, match="room for 4600"):
        assign_slots(4601, plan)


def test_eta_and_duration_words():
    assert eta_seconds(800, 80) == 10 and eta_seconds(-5, 80) == 0
    with pytest.raises(ValueError):
        eta_seconds(1, 0)
    assert duration_words(1) == "about 1 second"
    assert duration_words(40) == "about 40 seconds"
    assert duration_words(125) == "about 2 minutes"
    assert duration_words(3 * 3600 + 600) == "about 3 hours 10 minutes"
    assert duration_words(0) == "a moment"


# -- any window, any zone, any moment ---------------------------------------------------------------
from hypothesis import given, settings, strategies as st  # noqa: E402

ZONES = ["Asia/Kolkata", "America/New_York", "Europe/London", "Australia/Lord_Howe", "America/St_Johns",
         "Pacific/Chatham", "Asia/Kathmandu", "UTC"]


@settings(max_examples=400, deadline=None)
@given(zone=st.sampled_from(ZONES),
       start=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
       end=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
       at=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)))
def test_next_send_time_is_never_quiet_and_never_early(zone, start, end, at):
    policy = replace(NIGHT, quiet_start=start, quiet_end=end, timezone=zone)
    at = at.replace(tzinfo=UTC)
    out = next_send_time(at, policy)
    assert out >= at and out.utcoffset() == timedelta(0)
    assert not in_quiet_hours(out, policy)
    if not in_quiet_hours(at, policy):
        assert out == at
    else:  # and no earlier minute would do: the minute before is still quiet (or before `at`) ...
        assert out - timedelta(hours=50) < at  # 26 h, or 50 when a clock change skipped the open window
        before = out - timedelta(minutes=1)
        assert before < at or in_quiet_hours(before, policy)
