"""The clock: deadlines in calendar time or in working time, following a work calendar.

Pure functions over a frozen ``CalendarSpec`` (no database): they are tested on their own and
used by cases (due times) and escalation (warnings). Time on hold is handled by the callers: on resume
they move each deadline on by the held time (``shift_past_pause``).

Conventions, the ones street centres use:
- ``minutes`` / ``hours`` are calendar time: the clock never stops.
- ``working_hours`` count only office periods of working days (08:30–12:00 and 14:00–17:30 give
  seven hours a day). A limit that ends exactly when a period closes ends then (12:00), not when
  the next one opens.
- ``working_days``: the same time of day on the N-th following working day. A start outside
  office hours (night, weekend, holiday) counts from the opening of the next working period.
- A working day is a weekday of the calendar's pattern that is not a holiday, or any make-up
  day (调休, e.g. a Saturday that is worked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, overload
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # pragma: no cover
    from .models import WorkCalendar

DEFAULT_PERIODS = ((time(8, 30), time(12, 0)), (time(14, 0), time(17, 30)))
_MAX_DAYS_SCANNED = 3660  # ten years: a calendar with no working day at all must not loop forever


class CalendarCannotPlace(ValueError):
    """The deadline cannot be placed: the calendar has no working time far enough ahead (ten years are looked at),
    or the instant would leave the years a datetime can hold. The caller's refusal, never a 500: a rule or a
    request asked for too long a time."""


@dataclass(frozen=True)
class CalendarSpec:
    """Everything the clock needs to know about a work calendar, as plain immutable data."""

    tz_name: str = "Asia/Shanghai"
    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # ISO: 1 = Monday
    periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)  # make-up working days (调休)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.isoweekday() in self.weekdays and day not in self.holidays

    @property
    def seconds_per_day(self) -> float:
        return sum(_seconds(a, b) for a, b in self.periods)

    @classmethod
    def from_model(cls, calendar: WorkCalendar) -> CalendarSpec:
        from django.conf import settings

        from .choices import DayKind

        periods = tuple((p.start, p.end) for p in calendar.periods.all()) or DEFAULT_PERIODS
        days = list(calendar.days.all())
        return cls(
            tz_name=settings.TIME_ZONE,
            weekdays=frozenset(int(c) for c in calendar.weekdays if c.isdigit()),
            periods=tuple(sorted(periods)),
            holidays=frozenset(d.date for d in days if d.kind == DayKind.HOLIDAY),
            workdays=frozenset(d.date for d in days if d.kind == DayKind.WORKDAY),
        )


def default_spec() -> CalendarSpec:
    """Monday to Friday, 08:30–12:00 and 14:00–17:30, Asia/Shanghai, no holidays configured."""
    return CalendarSpec()


def _seconds(a: time, b: time) -> float:
    return (datetime.combine(date.min, b) - datetime.combine(date.min, a)).total_seconds()


def _periods_on(day: date, cal: CalendarSpec) -> list[tuple[datetime, datetime]]:
    if not cal.is_working_day(day):
        return []
    tz = cal.tz
    return [(datetime.combine(day, a, tzinfo=tz), datetime.combine(day, b, tzinfo=tz)) for a, b in cal.periods]


def next_working_instant(moment: datetime, cal: CalendarSpec) -> datetime:
    """``moment`` if it falls inside office hours, else the opening of the next office period."""
    local = moment.astimezone(cal.tz)
    day = local.date()
    for _ in range(_MAX_DAYS_SCANNED):
        for start, end in _periods_on(day, cal):
            if local < end:
                return max(local, start)
        day += timedelta(days=1)
    raise CalendarCannotPlace("the work calendar has no working time in the next ten years")


def add_working_seconds(start: datetime, seconds: float, cal: CalendarSpec) -> datetime:
    """Walk forward through office periods from ``start`` until ``seconds`` of working time are used.

    Step by step: take the period that contains ``start`` (or the next one); if what is left of
    it covers the remaining time, the answer is inside it; otherwise use it up and move on to the
    next period, day by day, skipping days that are not working days.
    """
    if seconds < 0:
        raise ValueError("working time to add must not be negative")
    local = start.astimezone(cal.tz)
    if seconds == 0:
        return local
    remaining = float(seconds)
    day = local.date()
    for _ in range(_MAX_DAYS_SCANNED):
        for p_start, p_end in _periods_on(day, cal):
            if local >= p_end:
                continue
            cursor = max(local, p_start)
            available = (p_end - cursor).total_seconds()
            if remaining <= available:
                return cursor + timedelta(seconds=remaining)
            remaining -= available
            local = p_end
        day += timedelta(days=1)
    raise CalendarCannotPlace("the work calendar has no working time in the next ten years")


def add_working_days(start: datetime, days: int, cal: CalendarSpec) -> datetime:
    """The same time of day on the ``days``-th working day after the (normalised) start."""
    if days < 0:
        raise ValueError("working days to add must not be negative")
    begin = next_working_instant(start, cal)
    day = begin.date()
    counted = 0
    for _ in range(_MAX_DAYS_SCANNED):
        if counted == days:
            return datetime.combine(day, begin.timetz().replace(tzinfo=None), tzinfo=cal.tz)
        day += timedelta(days=1)
        if cal.is_working_day(day):
            counted += 1
    raise CalendarCannotPlace("the work calendar has no working time in the next ten years")


def add_working_time(start: datetime, amount: float, unit: str, calendar: CalendarSpec) -> datetime:
    """The deadline ``amount`` ``unit``s after ``start`` (aware datetime in, aware datetime out)."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    if amount < 0:
        raise ValueError("amount must not be negative")
    try:
        if unit == "minutes":
            return start + timedelta(minutes=amount)
        if unit == "hours":
            return start + timedelta(hours=amount)
    except OverflowError:  # past year 9999 (or past what a timedelta holds)
        raise CalendarCannotPlace(f"{amount} {unit} after {start} is beyond any date") from None
    if unit == "working_hours":
        return add_working_seconds(next_working_instant(start, calendar), amount * 3600, calendar)
    if unit == "working_days":
        whole = int(amount)
        if whole != amount:
            raise ValueError("working days must be a whole number")
        return add_working_days(start, whole, calendar)
    raise ValueError(f"unknown time unit: {unit!r}")


def working_seconds_between(start: datetime, end: datetime, cal: CalendarSpec) -> float:
    """Office time between two instants (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0.0
    local_start, local_end = start.astimezone(cal.tz), end.astimezone(cal.tz)
    total = 0.0
    day = local_start.date()
    while day <= local_end.date():
        for p_start, p_end in _periods_on(day, cal):
            lo, hi = max(p_start, local_start), min(p_end, local_end)
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return total


def is_working_unit(unit: str) -> bool:
    return unit in ("working_hours", "working_days")


def fraction_point(start: datetime, due: datetime, fraction: float, unit: str, cal: CalendarSpec) -> datetime:
    """The instant when ``fraction`` of the time between ``start`` and ``due`` is used (for the yellow light).

    In working units the fraction is of working time, so a limit that spans a weekend turns
    yellow on a working day, not on Sunday.
    """
    if not is_working_unit(unit):
        return start + (due - start) * fraction
    total = working_seconds_between(start, due, cal)
    if total <= 0:
        return start + (due - start) * fraction
    return add_working_seconds(next_working_instant(start, cal), total * fraction, cal)


@overload
def shift_past_pause(
    moment: datetime, paused_at: datetime, resumed_at: datetime, unit: str, cal: CalendarSpec
) -> datetime: ...
@overload
def shift_past_pause(moment: None, paused_at: datetime, resumed_at: datetime, unit: str, cal: CalendarSpec) -> None: ...
@overload
def shift_past_pause(
    moment: datetime | None, paused_at: datetime, resumed_at: datetime, unit: str, cal: CalendarSpec
) -> datetime | None: ...
def shift_past_pause(
    moment: datetime | None, paused_at: datetime, resumed_at: datetime, unit: str, cal: CalendarSpec
) -> datetime | None:
    """Where a deadline ends when its clock was paused from ``paused_at`` to ``resumed_at`` (挂账: time on hold does
    not count). In working units the working time left at the pause is added again from the first working instant
    after the resume (a hold over a weekend costs no working day twice); in calendar units the held span is added.
    A deadline already passed at the pause moves on by the held span too (the caller decides whether to move it).
    """
    if moment is None:
        return None
    if moment <= paused_at:
        return moment + (resumed_at - paused_at)
    if is_working_unit(unit):
        remaining = working_seconds_between(paused_at, moment, cal)
        return add_working_seconds(next_working_instant(resumed_at, cal), remaining, cal)
    return resumed_at + (moment - paused_at)
