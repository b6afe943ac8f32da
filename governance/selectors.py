"""Reads of the governance app: rules in force, the calendar, scopes."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet

from .choices import RegionLevel, Role
from .clock import CalendarSpec, default_spec
from .models import Category, Department, JurisdictionRule, Organisation, Region, User, WorkCalendar

CALENDAR_CACHE_KEY = "governance:calendar-spec:v1"


#: The rules in force change only through the admin or ``jurisdiction_rule_*`` (a new version, never an edit in
#: place), and every filing, escalation and sign-for reads one: the answer of ``rule_for`` is cached per
#: (category, level) under a generation that ``rules_changed`` replaces whenever a rule or a category is saved or
#: deleted (``signals``), now and again after the commit.
RULES_GENERATION_KEY = "governance:rules:generation"
RULE_CACHE_SECONDS = 300


def _rules_generation() -> str:
    generation = cache.get(RULES_GENERATION_KEY)
    if generation is None:
        cache.add(RULES_GENERATION_KEY, uuid4().hex, None)
        generation = cache.get(RULES_GENERATION_KEY) or ""
    return generation


def rules_changed() -> None:
    """Forget every cached ``rule_for`` answer now and again after commit (no reader re-caches the old rule)."""

    def forget() -> None:
        cache.set(RULES_GENERATION_KEY, uuid4().hex, None)

    forget()
    transaction.on_commit(forget)


def filing_category(code: str) -> Category | None:
    """The active sub-category (小类) with this code, or None — what a filing names by code; cached like the
    rules (a saved or deleted category replaces the generation)."""
    key = f"governance:category:{_rules_generation()}:{code}"
    hit = cache.get(key)
    if hit is not None:
        return hit[0]
    category = Category.objects.filter(active=True, parent__isnull=False, code=code).first()
    cache.set(key, (category,), RULE_CACHE_SECONDS)
    return category


def rule_for(*, category: Category, level: str) -> JurisdictionRule | None:
    """The current rule for ``category`` at ``level``; else the level's default rule (category empty); else None.

    Cached (see ``RULES_GENERATION_KEY``); a miss reads the rule and its category in one query."""
    key = f"governance:rule:{_rules_generation()}:{category.id}:{level}"
    hit = cache.get(key)
    if hit is not None:
        return hit[0]
    rules = list(
        JurisdictionRule.objects.filter(
            Q(category=category) | Q(category__isnull=True), level=level, valid_to=None
        ).select_related("category")
    )
    rule = next((r for r in rules if r.category_id == category.id), rules[0] if rules else None)
    cache.set(key, (rule,), RULE_CACHE_SECONDS)
    return rule


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


def region_ancestor_ids(region_ids: Iterable[int]) -> set[int]:
    """The given regions and every region above them (walks up one level per query, at most three)."""
    ids = set(region_ids)
    frontier = set(ids)
    while frontier:
        parents = set(Region.objects.filter(id__in=frontier, parent__isnull=False).values_list("parent_id", flat=True))
        frontier = parents - ids
        ids |= frontier
    return ids


def region_scope_ids(user: User) -> set[int] | None:
    """Ids of the regions ``user`` may see, or None for "all of them" (admins).

    - admins: everything;
    - centre staff: their region and everything below it;
    - grid workers: the communities of the grids they staff now, and the chain above them
      (read through the reverse relation from Region to the grids app's rows, so governance
      does not import grids);
    - anyone else (liaisons, citizens, centre staff without a region): no region.
    """
    if not user.is_authenticated:
        return set()
    if user.is_admin:
        return None
    if user.role == Role.CENTRE_STAFF:
        return set(region_descendant_ids(user.region)) if user.region_id else set()
    if user.role == Role.GRID_WORKER:
        communities = Region.objects.filter(
            grids__assignments__user=user, grids__assignments__ended_on__isnull=True
        ).values_list("id", flat=True)
        return region_ancestor_ids(communities)
    return set()


def regions_visible_to(user: User) -> QuerySet[Region]:
    """Regions in ``user``'s scope (see ``region_scope_ids``)."""
    qs = Region.objects.select_related("parent")
    ids = region_scope_ids(user)
    return qs if ids is None else qs.filter(id__in=ids)


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    """Party and government bodies attached to a region in ``user``'s scope."""
    qs = Organisation.objects.select_related("region", "parent").prefetch_related("co_opted_members")
    ids = region_scope_ids(user)
    return qs if ids is None else qs.filter(region_id__in=ids)


def departments_visible_to(user: User) -> QuerySet[Department]:
    """Every department, with its liaisons: whom to summon is public to every signed-in user."""
    if not user.is_authenticated:
        return Department.objects.none()
    liaisons = Prefetch("liaisons", queryset=User.objects.filter(is_active=True).order_by("username"))
    return Department.objects.select_related("region").prefetch_related(liaisons)


def categories_visible_to(user: User) -> QuerySet[Category]:
    """The whole matter catalogue (every signed-in user files and triages against it)."""
    if not user.is_authenticated:
        return Category.objects.none()
    return Category.objects.select_related("parent")


def rules_visible_to(user: User, *, all_versions: bool = False) -> QuerySet[JurisdictionRule]:
    """The jurisdiction list: current versions only, unless ``all_versions``."""
    if not user.is_authenticated:
        return JurisdictionRule.objects.none()
    qs = JurisdictionRule.objects.select_related("category").prefetch_related("departments")
    return qs if all_versions else qs.filter(valid_to__isnull=True)
