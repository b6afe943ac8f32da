"""The clock (``governance.clock``) on its own: pure functions over a CalendarSpec, no database.

Calendar of SCENARIOS.md: Asia/Shanghai, 08:30–12:00 and 14:00–17:30 Monday to Friday, public
holiday 2026-10-01..07, make-up working day Saturday 2026-10-10.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.clock import CalendarSpec, add_working_time, fraction_point, working_seconds_between

SH = ZoneInfo("Asia/Shanghai")
CAL = CalendarSpec(
    tz_name="Asia/Shanghai",
    holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
    workdays=frozenset({date(2026, 10, 10)}),
)


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


def inside_office_hours(moment: datetime, cal: CalendarSpec = CAL) -> bool:
    """True when ``moment`` lies within an office period of a working day (period end included)."""
    local = moment.astimezone(cal.tz)
    if not cal.is_working_day(local.date()):
        return False
    return any(a <= local.time() <= b for a, b in cal.periods)


# --- SCENARIOS §5, exactly ---------------------------------------------------------------------------


def test_one_working_day_from_the_eve_of_the_national_holiday_ends_after_the_holiday():
    assert add_working_time(at(2026, 9, 30, 17, 0), 1, "working_days", CAL) == at(2026, 10, 8, 17, 0)


def test_three_working_days_count_the_make_up_saturday():
    assert add_working_time(at(2026, 9, 30, 17, 0), 3, "working_days", CAL) == at(2026, 10, 10, 17, 0)


def test_five_working_hours_from_friday_afternoon_end_monday_at_noon_not_after_lunch():
    assert add_working_time(at(2026, 11, 20, 16, 0), 5, "working_hours", CAL) == at(2026, 11, 23, 12, 0)


# --- the calendar's parts ------------------------------------------------------------------------------


def test_working_hours_skip_the_whole_holiday_week():
    # 30 min left on 09-30, then nothing until Thursday 10-08 08:30: 1.5 h more → 10:00.
    assert add_working_time(at(2026, 9, 30, 17, 0), 2, "working_hours", CAL) == at(2026, 10, 8, 10, 0)


def test_a_weekend_does_not_count():
    # Scenario 2: 0102 filed Friday 16:00 with two working days → Tuesday 16:00.
    assert add_working_time(at(2026, 11, 20, 16, 0), 2, "working_days", CAL) == at(2026, 11, 24, 16, 0)
    assert working_seconds_between(at(2026, 11, 20, 17, 30), at(2026, 11, 23, 8, 30), CAL) == 0


def test_the_make_up_saturday_is_a_working_day_for_working_hours():
    # Friday 10-09 17:00 + 1 h: 30 min on Friday, 30 min on Saturday 10-10 (make-up day), not Monday.
    assert add_working_time(at(2026, 10, 9, 17, 0), 1, "working_hours", CAL) == at(2026, 10, 10, 9, 0)
    # An ordinary Saturday is not.
    assert add_working_time(at(2026, 10, 16, 17, 0), 1, "working_hours", CAL) == at(2026, 10, 19, 9, 0)


def test_a_working_hours_limit_spanning_two_days_uses_both_office_periods():
    # Monday 15:00 + 9 working hours: 2.5 h Monday, 7 h is a full Tuesday → 6.5 h Tuesday ends at 17:00.
    assert add_working_time(at(2026, 11, 16, 15, 0), 9, "working_hours", CAL) == at(2026, 11, 17, 17, 0)
    # + 3 h: 2.5 h Monday, 0.5 h Tuesday morning.
    assert add_working_time(at(2026, 11, 16, 15, 0), 3, "working_hours", CAL) == at(2026, 11, 17, 9, 0)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(2026, 11, 16, 6, 0), at(2026, 11, 16, 10, 30)),  # before opening: counts from 08:30
        (at(2026, 11, 16, 12, 30), at(2026, 11, 16, 16, 0)),  # lunch break: counts from 14:00
        (at(2026, 11, 16, 19, 0), at(2026, 11, 17, 10, 30)),  # evening: next morning
        (at(2026, 11, 21, 10, 0), at(2026, 11, 23, 10, 30)),  # Saturday: Monday
        (at(2026, 10, 3, 10, 0), at(2026, 10, 8, 10, 30)),  # holiday: first day after it
    ],
)
def test_a_start_outside_office_hours_counts_from_the_next_opening(start, expected):
    assert add_working_time(start, 2, "working_hours", CAL) == expected


def test_working_days_from_outside_office_hours_start_at_the_next_opening():
    # Saturday evening + 1 working day → Tuesday 08:30 (Monday 08:30 is the normalised start).
    assert add_working_time(at(2026, 11, 21, 20, 0), 1, "working_days", CAL) == at(2026, 11, 24, 8, 30)


def test_a_limit_ending_exactly_at_a_period_end_ends_then_not_at_the_next_opening():
    assert add_working_time(at(2026, 11, 16, 8, 30), 3.5, "working_hours", CAL) == at(2026, 11, 16, 12, 0)
    assert add_working_time(at(2026, 11, 16, 8, 30), 7, "working_hours", CAL) == at(2026, 11, 16, 17, 30)


def test_calendar_units_ignore_the_calendar():
    start = at(2026, 9, 30, 17, 0)
    assert add_working_time(start, 90, "minutes", CAL) == start + timedelta(minutes=90)
    assert add_working_time(start, 24, "hours", CAL) == at(2026, 10, 1, 17, 0)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        add_working_time(datetime(2026, 11, 16, 9, 0), 1, "hours", CAL)  # naive
    with pytest.raises(ValueError):
        add_working_time(at(2026, 11, 16, 9), -1, "hours", CAL)
    with pytest.raises(ValueError):
        add_working_time(at(2026, 11, 16, 9), 1.5, "working_days", CAL)
    with pytest.raises(ValueError):
        add_working_time(at(2026, 11, 16, 9), 1, "fortnights", CAL)


# --- yellow: the 80 % point ---------------------------------------------------------------------------


def test_yellow_point_is_eighty_percent_of_the_working_time_not_of_the_weekend():
    # Friday 16:00 → Tuesday 16:00 is 14 working hours; 80 % = 11.2 h: 1.5 Fri + 7 Mon + 2.7 Tue → Tue 11:12.
    start, due = at(2026, 11, 20, 16, 0), at(2026, 11, 24, 16, 0)
    assert fraction_point(start, due, 0.8, "working_days", CAL) == at(2026, 11, 24, 11, 12)


def test_yellow_point_in_calendar_hours_is_plain_arithmetic():
    start = at(2026, 11, 20, 16, 0)
    assert fraction_point(start, start + timedelta(hours=2), 0.8, "hours", CAL) == at(2026, 11, 20, 17, 36)


def test_yellow_point_never_falls_on_a_holiday():
    start = at(2026, 9, 30, 17, 0)
    due = add_working_time(start, 3, "working_days", CAL)
    yellow = fraction_point(start, due, 0.8, "working_days", CAL)
    assert start < yellow < due
    assert inside_office_hours(yellow)


# --- properties ----------------------------------------------------------------------------------------

starts = st.datetimes(min_value=datetime(2026, 9, 1), max_value=datetime(2027, 3, 1), timezones=st.just(SH)).map(
    lambda d: d.replace(second=0, microsecond=0)
)


@settings(max_examples=200, deadline=None)
@given(start=starts, a=st.integers(min_value=0, max_value=60), b=st.integers(min_value=0, max_value=60))
def test_working_hours_are_monotonic_in_the_amount(start, a, b):
    lo, hi = sorted((a, b))
    assert add_working_time(start, lo, "working_hours", CAL) <= add_working_time(start, hi, "working_hours", CAL)


@settings(max_examples=200, deadline=None)
@given(start=starts, a=st.integers(min_value=0, max_value=20), b=st.integers(min_value=0, max_value=20))
def test_working_days_are_monotonic_in_the_amount(start, a, b):
    lo, hi = sorted((a, b))
    assert add_working_time(start, lo, "working_days", CAL) <= add_working_time(start, hi, "working_days", CAL)


@settings(max_examples=200, deadline=None)
@given(
    start=starts,
    amount=st.integers(min_value=1, max_value=60),
    unit=st.sampled_from(["working_hours", "working_days"]),
)
def test_a_working_time_deadline_always_falls_inside_office_hours(start, amount, unit):
    due = add_working_time(start, amount, unit, CAL)
    assert due > start
    assert inside_office_hours(due), due


@settings(max_examples=100, deadline=None)
@given(start=starts, amount=st.integers(min_value=1, max_value=40))
def test_working_hours_added_are_the_working_hours_between(start, amount):
    due = add_working_time(start, amount, "working_hours", CAL)
    assert working_seconds_between(start, due, CAL) == pytest.approx(amount * 3600)


def test_a_zero_limit_is_due_at_the_next_opening_in_working_units_and_at_once_in_calendar_units():
    start = at(2026, 11, 21, 23, 0)  # Saturday night
    assert add_working_time(start, 0, "working_hours", CAL) == at(2026, 11, 23, 8, 30)
    assert add_working_time(start, 0, "working_days", CAL) == at(2026, 11, 23, 8, 30)
    assert add_working_time(start, 0, "hours", CAL) == start
    inside = at(2026, 11, 23, 9, 15)
    assert add_working_time(inside, 0, "working_hours", CAL) == inside
