"""Who may see which people and which special-population tags — the one gate every read goes through.

A viewer's reach is computed once per request (``reach_of``) from their role and seats:

- admins: everything;
- grid workers: the residents of the grids they staff now; a tag category shows on a grid when
  the category's ``audience`` holds the worker's seat there (grid leader, full-time, part-time);
- centre staff: the residents of every grid under their region; a category shows when its audience
  holds their centre's level (community / street / district staff);
- department liaisons: only people with a tag of a category that names their department, in
  grids under their department's region — and of those people only those tags.

"Whoever may not see a tag sees no trace of it": every list, count, search, export, map and API
builds its tag rows from ``visible_tags_q`` — never from ``Resident.tags`` directly.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from core.roles import is_centre_staff
from governance.choices import RegionLevel, Role
from governance.selectors import region_descendant_ids
from grids.choices import StaffRole
from grids.models import GridAssignment

from .choices import Audience
from .models import TagCategory

CENTRE_AUDIENCE = {
    RegionLevel.COMMUNITY: Audience.COMMUNITY_STAFF,
    RegionLevel.STREET: Audience.STREET_STAFF,
    RegionLevel.DISTRICT: Audience.DISTRICT_STAFF,
    RegionLevel.CITY: Audience.DISTRICT_STAFF,
}
SEAT_AUDIENCE = {
    StaffRole.GRID_LEADER: Audience.GRID_LEADER,
    StaffRole.FULL_TIME_WORKER: Audience.FULL_TIME_WORKER,
    StaffRole.PART_TIME_WORKER: Audience.PART_TIME_WORKER,
}
# Who may see a person's full ID number and phone (always logged): the grid's leader and full-time
# worker, centre staff over the grid, admins. Part-time workers and liaisons see them masked.
REVEAL_SEATS = {StaffRole.GRID_LEADER, StaffRole.FULL_TIME_WORKER}


@dataclass
class Reach:
    """What one user may see: grids (by seat), communities (centre), and per-audience category ids."""

    everything: bool = False
    seats: dict[int, set[str]] = field(default_factory=dict)  # grid id → audience codes of the user's seats there
    community_ids: list[int] = field(default_factory=list)  # centre staff: regions under theirs (all levels)
    centre_audience: str = ""
    department_id: int | None = None
    department_region_ids: list[int] = field(default_factory=list)
    categories: list[TagCategory] = field(default_factory=list)  # active categories, loaded once

    @property
    def grid_ids(self) -> list[int]:
        return sorted(self.seats)

    def category_ids_for(self, audience: str) -> list[int]:
        return [c.id for c in self.categories if audience in (c.audience or [])]

    def department_category_ids(self) -> list[int]:
        return [c.id for c in self.categories if self.department_id in c.department_ids]

    def visible_category_ids(self) -> list[int]:
        """Categories the user may see somewhere (filters, statistics headers)."""
        if self.everything:
            return [c.id for c in self.categories]
        ids: set[int] = set()
        for audiences in self.seats.values():
            for a in audiences:
                ids.update(self.category_ids_for(a))
        if self.centre_audience:
            ids.update(self.category_ids_for(self.centre_audience))
        if self.department_id:
            ids.update(self.department_category_ids())
        return sorted(ids)


# One request's reaches (user id → Reach), set by ``ReachPerRequestMiddleware`` for the length of a request: a page
# asks several selectors, each needing the reach (three queries). Outside a request (tasks, shell, direct service
# calls in tests) there is no memo and every call computes afresh.
_request_reaches: ContextVar[dict[int, Reach] | None] = ContextVar("residents_request_reaches", default=None)


class ReachPerRequestMiddleware:
    """Computes each user's reach at most once per request (a page's list, tags, counts and links share it)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = _request_reaches.set({})
        try:
            return self.get_response(request)
        finally:
            _request_reaches.reset(token)


def reach_of(user: Any) -> Reach:
    """The user's reach (three small queries: categories, their departments, the user's seats or region).

    Not cached on the user object: seats and categories change, and a stale reach would show too much; within
    one request it is computed once (``ReachPerRequestMiddleware``).
    """
    memo = _request_reaches.get()
    key = getattr(user, "pk", None)
    if memo is not None and key is not None and key in memo:
        return memo[key]
    reach = _compute_reach(user)
    if memo is not None and key is not None:
        memo[key] = reach
    return reach


def _active_categories() -> list[TagCategory]:
    categories = list(TagCategory.objects.filter(active=True).prefetch_related("departments"))
    for c in categories:
        c.department_ids = {d.id for d in c.departments.all()}
    return categories


def reach_of_region(region: Any | None) -> Reach:
    """What every centre staff member of ``region`` reaches (the same for each of them: it depends on the region
    alone) — or, with ``region=None``, what an admin reaches (everything). For figures counted once for all the
    people of a region (``assessment``'s kept figures)."""
    reach = Reach(categories=_active_categories())
    if region is None:
        reach.everything = True
    else:
        reach.community_ids = region_descendant_ids(region)
        reach.centre_audience = CENTRE_AUDIENCE.get(region.level, "")
    return reach


def _compute_reach(user: Any) -> Reach:
    reach = Reach()
    if user is not None and user.is_authenticated and user.is_active:
        if user.is_admin:
            return reach_of_region(None)
        if is_centre_staff(user):
            return reach_of_region(user.region)
        reach.categories = _active_categories()
        if user.role == Role.GRID_WORKER:
            for grid_id, role in GridAssignment.objects.filter(user=user, ended_on__isnull=True).values_list(
                "grid_id", "role"
            ):
                reach.seats.setdefault(grid_id, set()).add(SEAT_AUDIENCE[role])
        elif user.role == Role.LIAISON and user.department_id:
            reach.department_id = user.department_id
            reach.department_region_ids = region_descendant_ids(user.department.region)
    return reach


def grid_q(reach: Reach, grid_field: str = "grid") -> Q:
    """Rows in the grids the user works in or oversees (not liaisons: they reach people only through tags)."""
    if reach.everything:
        return Q()
    q = Q(pk__in=[])
    if reach.seats:
        q |= Q(**{f"{grid_field}_id__in": reach.grid_ids})
    if reach.community_ids:
        q |= Q(**{f"{grid_field}__community_id__in": reach.community_ids})
    return q


def grids_q(reach: Reach) -> Q:
    """The Grid rows themselves that ``grid_q`` reaches."""
    if reach.everything:
        return Q()
    q = Q(pk__in=[])
    if reach.seats:
        q |= Q(pk__in=reach.grid_ids)
    if reach.community_ids:
        q |= Q(community_id__in=reach.community_ids)
    return q


def visible_tags_q(reach: Reach) -> Q:
    """Active ResidentTag rows the user may see (of active categories)."""
    active = Q(ended_on__isnull=True, category__active=True)
    if reach.everything:
        return active
    q = Q(pk__in=[])
    by_audience: dict[str, list[int]] = {}
    for grid_id, audiences in reach.seats.items():
        for a in audiences:
            by_audience.setdefault(a, []).append(grid_id)
    for audience, grid_ids in sorted(by_audience.items()):
        cats = reach.category_ids_for(audience)
        if cats:
            q |= Q(resident__grid_id__in=grid_ids, category_id__in=cats)
    if reach.centre_audience and reach.community_ids:
        cats = reach.category_ids_for(reach.centre_audience)
        if cats:
            q |= Q(resident__grid__community_id__in=reach.community_ids, category_id__in=cats)
    if reach.department_id:
        cats = reach.department_category_ids()
        if cats:
            q |= Q(resident__grid__community_id__in=reach.department_region_ids, category_id__in=cats)
    return active & q


def plans_counted_q(reach: Reach, prefix: str = "") -> Q:
    """VisitPlan rows — active or ended — a user may count (走访完成率): hand-added plans on grids they reach, and
    plans of a tag whose category they may see on the plan's grid (an ended tag's past dues still count, but
    only for someone who may see its category). ``prefix`` reaches plans through a relation (``"plan__"``)."""
    if reach.everything:
        return Q()
    p = prefix
    q = Q(**{f"{p}tag__isnull": True}) & grid_q(reach, f"{p}grid")
    by_audience: dict[str, list[int]] = {}
    for grid_id, audiences in reach.seats.items():
        for a in audiences:
            by_audience.setdefault(a, []).append(grid_id)
    for audience, grid_ids in sorted(by_audience.items()):
        cats = reach.category_ids_for(audience)
        if cats:
            q |= Q(**{f"{p}grid_id__in": grid_ids, f"{p}tag__category_id__in": cats})
    if reach.centre_audience and reach.community_ids:
        cats = reach.category_ids_for(reach.centre_audience)
        if cats:
            q |= Q(**{f"{p}grid__community_id__in": reach.community_ids, f"{p}tag__category_id__in": cats})
    if reach.department_id:
        cats = reach.department_category_ids()
        if cats:
            q |= Q(**{f"{p}grid__community_id__in": reach.department_region_ids, f"{p}tag__category_id__in": cats})
    return q


def may_reveal_identity(reach: Reach, *, grid_id: int, community_id: int) -> bool:
    """Full ID number and phone: admins, centre staff over the grid, the grid's leader and full-time worker."""
    if reach.everything:
        return True
    if community_id in reach.community_ids:
        return True
    audiences = reach.seats.get(grid_id, set())
    return bool(audiences & {SEAT_AUDIENCE[s] for s in REVEAL_SEATS})


def may_write_in_grid(reach: Reach, *, grid_id: int, community_id: int) -> bool:
    """Record people, homes, visits and diary entries: the grid's team, centre staff over it, admins."""
    return reach.everything or grid_id in reach.seats or community_id in reach.community_ids


def may_export(reach: Reach) -> bool:
    """Exports (masked) are for centre staff and admins, not for grid workers or liaisons."""
    return reach.everything or bool(reach.community_ids)
