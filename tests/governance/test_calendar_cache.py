"""Editing the work calendar takes effect at once: every save clears the cached calendar."""

from __future__ import annotations

from datetime import date, time

from governance.choices import DayKind
from governance.models import CalendarDay, OfficePeriod
from governance.selectors import calendar_spec


def test_a_new_holiday_is_seen_by_the_clock_without_waiting_for_the_cache(world):
    assert calendar_spec().is_working_day(date(2026, 9, 15))
    CalendarDay.objects.create(calendar=world.calendar, date=date(2026, 9, 15), kind=DayKind.HOLIDAY, note="测试")
    assert not calendar_spec().is_working_day(date(2026, 9, 15))


def test_changed_office_hours_and_deleted_days_are_seen(world):
    calendar_spec()
    OfficePeriod.objects.filter(calendar=world.calendar, start=time(14, 0)).update(end=time(18, 0))  # no signal
    stale = calendar_spec()
    assert stale.seconds_per_day == 7 * 3600  # a queryset update bypasses the hook: still the cached calendar
    period = OfficePeriod.objects.get(calendar=world.calendar, start=time(14, 0))
    period.save()
    assert calendar_spec().seconds_per_day == 7.5 * 3600
    CalendarDay.objects.filter(calendar=world.calendar, date=date(2026, 10, 10)).get().delete()
    assert not calendar_spec().is_working_day(date(2026, 10, 10))  # the make-up Saturday is gone
