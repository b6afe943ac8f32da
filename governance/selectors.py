"""Reads of the governance app: rules in force, the calendar, scopes."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Q

from .choices import RegionLevel
from .clock import CalendarSpec, default_spec
from .models import Category, JurisdictionRule, Region, WorkCalendar

CALENDAR_CACHE_KEY = "governance:calendar-spec:v1"


def rule_for(*, category: Category, level: str) -> JurisdictionRule | None:
    """The current rule for ``category`` at ``level``; else the level's default rule (category empty); else None."""
    rules = list(
        JurisdictionRule.objects.filter(Q(category=category) | Q(category__isnull=True), level=level, valid_to=None)
    )
    for rule in rules:
        if rule.category_id == category.id:
            return rule
    return rules[0] if rules else None


def calendar_spec() -> CalendarSpec:
    """The default work calendar as a pure ``CalendarSpec`` (cached; the admin clears the cache on save)."""
    spec = cache.get(CALENDAR_CACHE_KEY)
    if spec is None:
        cal = WorkCalendar.objects.filter(is_default=True).prefetch_related("periods", "days").first()
        spec = CalendarSpec.from_model(cal) if cal else default_spec()
        cache.set(CALENDAR_CACHE_KEY, spec, 300)
    return spec


def clear_calendar_cache() -> None:
    cache.delete(CALENDAR_CACHE_KEY)


def region_descendant_ids(region: Region) -> list[int]:
    """Ids of ``region`` and every region below it (at most three levels deep)."""
    ids = [region.id]
    frontier = [region.id]
    while frontier:
        frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids.extend(frontier)
    return ids


def streets_under(region: Region) -> list[Region]:
    return [r for r in Region.objects.filter(id__in=region_descendant_ids(region)) if r.level == RegionLevel.STREET]
