"""The period of an assessment: whole local days, read from a request's ``from`` / ``to``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from core.errors import InvalidInput

#: A period longer than this is refused (the daily chart and the queries stay bounded).
MAX_PERIOD_DAYS = 366
#: Years a period may name: at the edge of the calendar (0001-01-01, 9999-12-31) the next midnight, the previous
#: period or the aware instants overflow (a 500 on the pages, the API, the export and the chart).
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    """Whole local days ``date_from`` … ``date_to`` (inclusive); ``start``/``end`` are the aware instants."""

    date_from: date
    date_to: date

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        """Exclusive: local midnight after ``date_to``."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @classmethod
    def week_of(cls, day: date) -> Period:
        """Monday to Sunday of the week holding ``day``."""
        monday = day - timedelta(days=day.weekday())
        return cls(monday, monday + timedelta(days=6))

    @classmethod
    def parse(cls, date_from: str | None, date_to: str | None, *, today: date | None = None) -> Period:
        """Read ``YYYY-MM-DD`` bounds from a request; both empty → the current week. Bad input → InvalidInput."""
        today = today or timezone.localdate()
        first, last = parse_day(date_from), parse_day(date_to)
        if first is None:
            if last is None:
                return cls.week_of(today)
            first = last
        if last is None:
            last = first
        if last < first:
            raise InvalidInput(_("结束日期不能早于开始日期"), code="date_order")
        if (last - first).days + 1 > MAX_PERIOD_DAYS:
            raise InvalidInput(_("统计周期最长 %(n)s 天") % {"n": MAX_PERIOD_DAYS}, code="date_range")
        return cls(first, last)

    @classmethod
    def month_of(cls, day: date) -> Period:
        """The calendar month holding ``day``."""
        return cls(day.replace(day=1), _month_end(day))

    def shifted(self, days: int) -> Period:
        return Period(self.date_from + timedelta(days=days), self.date_to + timedelta(days=days))

    @property
    def is_month(self) -> bool:
        """A whole calendar month (the 1st to the month's last day)."""
        return self.date_from.day == 1 and self.date_to == _month_end(self.date_from)

    def step(self, n: int) -> Period:
        """The period ``n`` periods later (earlier when negative) — "前一周期 / 后一周期": a calendar month steps by
        months (February after January, whatever their lengths), any other period by its own length in days (a week
        by a week, 30 days by 30 days)."""
        if self.is_month:
            index = self.date_from.year * 12 + self.date_from.month - 1 + n
            return Period.month_of(date(index // 12, index % 12 + 1, 1))
        return self.shifted(n * self.days)

    def q(self, field_name: str) -> Q:
        """``field_name`` inside the period (index-friendly range)."""
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lt": self.end})


def parse_day(raw: str | None) -> date | None:
    """One ``YYYY-MM-DD`` day in ``FIRST_YEAR`` … ``LAST_YEAR``, ``None`` when empty; anything else → InvalidInput."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        day = parse_date(raw)
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        day = None
    if day is None:
        raise InvalidInput(_("日期格式应为 YYYY-MM-DD，例如 2026-11-16"), code="date")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        years = {"first": FIRST_YEAR, "last": LAST_YEAR}
        raise InvalidInput(_("日期须在 %(first)s 年至 %(last)s 年之间") % years, code="date")
    return day


def _month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
