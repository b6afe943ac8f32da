"""The assessment's one write: the kept figures of the district-wide scopes (``models.PeriodFigures``).

A district's week is 4,000 cases and its 30 days 18,000: read live, its page costs more than the bar (docs/scaling.md).
Beat runs ``figures_refresh`` every ``ASSESSMENT_FIGURES_INTERVAL`` seconds: for every scope ``selectors.figures_key``
keeps (the admins' whole city and each region at ``ASSESSMENT_FIGURES_LEVELS``) and each fixed period of the page, it
reads the figures live (``selectors.gather``, every dimension) and writes them in one upsert, and likewise the weekly
counts of the weeks their trend charts show (``models.WeekFigures``); rows of periods that are no longer fixed ones
(last month's "this week"), and of weeks no chart of them shows, are deleted. The page says how old the figures are,
and offers a live count; a scope or period without fresh kept figures is counted live.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.models import Case
from cases.selectors import Scope
from core.places import PLACE_COLUMN
from governance.models import Region
from residents.visibility import reach_of_region

from .models import PeriodFigures, WeekFigures
from .periods import Period
from .selectors import figures_key, gather, week_counts, week_periods

log = logging.getLogger(__name__)

#: The page's fixed periods, in the order it offers them.
FIXED_PERIODS = {
    "this_week": gettext_lazy("本周"),
    "last_week": gettext_lazy("上周"),
    "this_month": gettext_lazy("本月"),
    "last_month": gettext_lazy("上月"),
    "last_30_days": gettext_lazy("近30天"),
}


def fixed_periods(today: date) -> dict[str, Period]:
    """The fixed periods on ``today``: Monday–Sunday weeks, whole calendar months, and the 30 days ending today."""
    week = Period.week_of(today)
    this_month = Period.month_of(today)
    return {
        "this_week": week,
        "last_week": week.step(-1),
        "this_month": this_month,
        "last_month": this_month.step(-1),
        "last_30_days": Period(today - timedelta(days=29), today),
    }


def kept_scopes() -> list[tuple[str, Scope, Region | None]]:
    """Every scope whose figures are kept, with its key and region: the whole territory (admins, region None) and
    each region at one of ``ASSESSMENT_FIGURES_LEVELS``."""
    scopes: list[tuple[Scope, Region | None]] = [(Scope(Case.objects.all(), {}), None)]
    for level in settings.ASSESSMENT_FIGURES_LEVELS:
        lookup = PLACE_COLUMN.get(level)
        if lookup is None:
            continue
        for place_region in Region.objects.filter(level=level).order_by("id"):
            place = {lookup: place_region.id}
            scopes.append((Scope(Case.objects.filter(**place), place), place_region))
    out: list[tuple[str, Scope, Region | None]] = []
    for scope, region in scopes:
        key = figures_key(scope)
        if key is not None:
            out.append((key, scope, region))
    return out


#: The cache key that keeps two refreshes from running at once (beat's interval is shorter than a slow refresh).
REFRESH_LOCK = "assessment:figures-refresh"


def figures_refresh(*, now: datetime | None = None) -> int:
    """Read and keep the figures of every kept scope for every fixed period; returns the rows written (0 when
    another refresh holds the lock).

    Each scope is counted at its own instant (``computed_at``: when its count began, so the page's "counted at"
    never predates a case it shows) — or all at ``now`` when given (tests). One upsert per scope; rows of periods no
    longer fixed, or of scopes no longer kept, are deleted. One refresh at a time: a cache lock (Redis in
    production), held at most ``ASSESSMENT_FIGURES_MAX_AGE`` seconds if a worker dies holding it."""
    if not cache.add(REFRESH_LOCK, timezone.now().isoformat(), timeout=int(settings.ASSESSMENT_FIGURES_MAX_AGE)):
        log.info("assessment figures: another refresh is running, skipped")
        return 0
    try:
        return _refresh(now)
    finally:
        cache.delete(REFRESH_LOCK)


#: How many weeks the assessment's trend chart shows (``views.chart_weekly``).
CHART_WEEKS = 8


def chart_weeks(periods: list[Period]) -> list[Period]:
    """The weeks the charts of ``periods`` show (each: the ``CHART_WEEKS`` weeks ending with its last day's week),
    as one run of consecutive weeks — what the refresh keeps, in one count."""
    shown = [w for p in periods for w in week_periods(p.date_to, CHART_WEEKS)]
    first, last = min(w.date_from for w in shown), max(w.date_from for w in shown)
    return week_periods(last, (last - first).days // 7 + 1)


def _refresh(now: datetime | None) -> int:
    started = timezone.now()
    periods = list(dict.fromkeys(fixed_periods(timezone.localdate(now or started)).values()))
    weeks = chart_weeks(periods)
    written = 0
    keys = []
    for key, scope, region in kept_scopes():
        keys.append(key)
        at = now or timezone.now()
        reach = reach_of_region(region)  # what the scope's people see of the residents: the same for all of them
        rows = [
            PeriodFigures(
                scope=key,
                date_from=period.date_from,
                date_to=period.date_to,
                computed_at=at,
                figures=gather(scope, period, now=at, reach=reach).as_json(),
            )
            for period in periods
        ]
        PeriodFigures.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["scope", "date_from", "date_to"],
            update_fields=["computed_at", "figures"],
        )
        WeekFigures.objects.bulk_create(
            [
                WeekFigures(scope=key, week_from=week.date_from, computed_at=at, counts=counts)
                for week, counts in zip(weeks, week_counts(scope, weeks), strict=True)
            ],
            update_conflicts=True,
            unique_fields=["scope", "week_from"],
            update_fields=["computed_at", "counts"],
        )
        written += len(rows)
    # A row is kept when its scope is kept and its period is one of today's fixed periods.
    fixed = [(p.date_from, p.date_to) for p in periods]
    doomed = [
        pk
        for pk, scope, first, last in PeriodFigures.objects.values_list("id", "scope", "date_from", "date_to")
        if scope not in keys or (first, last) not in fixed
    ]
    if doomed:
        PeriodFigures.objects.filter(pk__in=doomed).delete()
    WeekFigures.objects.exclude(scope__in=keys, week_from__in=[w.date_from for w in weeks]).delete()
    seconds = (timezone.now() - started).total_seconds()
    log.info("assessment figures: %d rows for %d scopes, %d deleted, %.2fs", written, len(keys), len(doomed), seconds)
    return written
