"""The triage queue's filters: presets (``View``: one counter on the dashboard, one queue), sorts, and the
``QueueFilter`` (the case list's filters plus the dashboard's)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.choices import CLOCK_STATUSES, OPEN_STATUSES, Status
from cases.filters import CaseFilter
from cases.models import CaseDispatch
from cases.selectors import light_clock_filter, light_filter

from .paging import order_by_key

OPEN = [s.value for s in OPEN_STATUSES]
CLOCK = tuple(s.value for s in CLOCK_STATUSES)
CASE_NUMBER = re.compile(r"[A-Za-z0-9]{1,8}-\d{4}-\d{6}")


#: The conditions a counter adds to its statuses (``View.flag``); the open-case indexes carry their columns
#: (``cases.models.OPEN_COUNTED``). The lights' without their status condition: their views keep to the clock's
#: statuses already (``CLOCK``), and a status condition said twice misleads the planner (``light_clock_filter``).
FLAGS = {
    "yellow": lambda now: light_clock_filter("yellow", now),
    "red": lambda now: light_clock_filter("red", now),
    "supervised": lambda now: Q(supervised_at__isnull=False),
    "returned": lambda now: Q(return_count__gt=0),
}


@dataclass(frozen=True)
class View:
    """A named slice of the open cases: one counter on the dashboard, one preset of the queue — the cases in one
    of ``statuses`` that meet ``flag`` (``FLAGS``; none when empty). Said as data, so that the queue's filter
    (``q``) and the dashboard's grouped count (``triage.open_counts``: one count per grid and status and flag,
    summed here) are the same rule."""

    key: str
    label: Any
    css: str = ""
    statuses: tuple[str, ...] = tuple(OPEN)
    flag: str = ""

    def __post_init__(self) -> None:
        if self.flag in ("yellow", "red") and not set(self.statuses) <= set(CLOCK):
            raise ValueError(f"a {self.flag} light runs only in the clock's statuses: {self.statuses}")

    def q(self, now: datetime) -> Q:
        q = Q(status__in=list(self.statuses))
        return q & FLAGS[self.flag](now) if self.flag else q

    def count(self, by_status: dict[str, dict[str, int]]) -> int:
        """This counter from one grid's counts (``{status: {"n": …, <flag>: …}}``)."""
        column = self.flag or "n"
        return sum(counts[column] for status, counts in by_status.items() if status in self.statuses)


S = Status
COUNTERS = [
    View("new", gettext_lazy("新上报"), "blue", (S.REPORTED,)),
    View("awaiting_dispatch", gettext_lazy("待派遣"), "blue", (S.ACCEPTED,)),
    View("in_progress", gettext_lazy("处置中"), "purple", (S.DISPATCHED, S.IN_PROGRESS)),
    View("yellow", gettext_lazy("黄灯"), "yellow", CLOCK, "yellow"),
    View("red", gettext_lazy("红灯·超时"), "red", CLOCK, "red"),
    View("supervised", gettext_lazy("督办中"), "red", tuple(OPEN), "supervised"),
    View("returned", gettext_lazy("被退单"), "grey", (S.ACCEPTED,), "returned"),
    View("awaiting_verification", gettext_lazy("待核查"), "green", (S.RESOLVED,)),
]
VIEW_FILTERS = {
    "open": lambda now: Q(status__in=OPEN),
    **{v.key: v.q for v in COUNTERS},
    "all": lambda now: Q(),
}
VIEW_CHOICES = [
    ("open", gettext_lazy("全部未结")),
    *[(v.key, v.label) for v in COUNTERS],
    ("all", gettext_lazy("全部（含已结）")),
]


SORTS = {
    "-reported_at": gettext_lazy("最新上报在前"),
    "reported_at": gettext_lazy("最早上报在前"),
    "due_at": gettext_lazy("最紧急在前（时限最早）"),
    "-due_at": gettext_lazy("时限最晚在前"),
}
DEFAULT_SORT = "-reported_at"


def ordering(sort: str) -> list:
    """ORDER BY of a queue sort key (``SORTS``), with the id as tie-breaker."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    return order_by_key(sort.lstrip("-"), sort.startswith("-"))


class QueueFilter(CaseFilter):
    """The case list's filters plus the dashboard's: a preset ``view`` (default: open cases) and the
    department a case is currently dispatched to (an active ``CaseDispatch``)."""

    view = django_filters.ChoiceFilter(choices=VIEW_CHOICES, method="filter_view", label=gettext_lazy("队列"))
    department = django_filters.NumberFilter(method="filter_department", label=gettext_lazy("承办部门"))

    def __init__(self, *args, now: datetime | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.filters.pop("ordering", None)
        for name in ("status", "level"):  # plain columns: no join, so no DISTINCT (it would sort every wide row)
            if name in self.filters:
                self.filters[name].distinct = False

    def filter_text(self, queryset, name, value):
        """A whole case number (``XG-2026-000123``) is looked up by the unique index; other text is searched in the
        number, title and address (a scan of the scope, bounded by it)."""
        value = (value or "").strip()
        if CASE_NUMBER.fullmatch(value):
            return queryset.filter(number=value.upper())
        return super().filter_text(queryset, name, value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not data.get("view") and "status" not in self.data and not data.get("light"):
            # The queue shows open cases unless told otherwise (a light keeps to the clock's statuses, all open:
            # not said twice, which would mislead the planner — ``cases.selectors.light_clock_filter``).
            queryset = queryset.filter(status__in=OPEN)
        return queryset

    def filter_light(self, queryset, name, value):
        return queryset.filter(light_filter(value, self.now)) if value else queryset

    def filter_view(self, queryset, name, value):
        return queryset.filter(VIEW_FILTERS[value](self.now)) if value else queryset

    def filter_department(self, queryset, name, value):
        if not value:
            return queryset
        active = CaseDispatch.objects.filter(case_id=OuterRef("pk"), department_id=value, active=True)
        return queryset.filter(Exists(active))
