"""Reads of the residents app, each scoped to the user who asks."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.links import reverse_pk
from core.roles import is_centre_staff
from governance.choices import RegionLevel
from governance.selectors import region_descendant_ids
from grids.models import Grid

from .choices import Light, PopulationKind, Relation, ResidentStatus
from .crypto import blind_index
from .identity import normalise_id_number, normalise_phone
from .models import AccessLog, Building, DiaryEntry, House, Resident, ResidentTag, TagCategory, Visit, VisitPlan
from .visibility import Reach, grid_q, plans_counted_q, reach_of, visible_tags_q


def access_log_for(*, user: Any) -> QuerySet[AccessLog]:
    """The access-log rows ``user`` may read.

    - admins: every row;
    - centre staff whose region is a street, district or city: rows whose street is that region
      or lies below it ("a street's leads see their street's log");
    - everyone else (grid workers, community staff, liaisons, citizens): none — the log is for
      oversight, and it would itself reveal whose records were looked at.
    """
    qs = AccessLog.objects.select_related("street")
    if user is None or not user.is_authenticated:
        return qs.none()
    if user.is_admin:
        return qs
    if is_centre_staff(user) and user.region.level != RegionLevel.COMMUNITY:
        return qs.filter(street_id__in=region_descendant_ids(user.region))
    return qs.none()


# --- People and places, scoped by ``residents.visibility`` ------------------------------------------


def residents_visible_to(*, user: Any, include_gone: bool = False) -> QuerySet[Resident]:
    """People the user may see: by grid scope, or (liaisons) through a tag they may see."""
    reach = reach_of(user)
    qs = Resident.objects.select_related("grid", "house", "house__building")
    if not include_gone:
        qs = qs.filter(status=ResidentStatus.LIVING)
    if reach.everything:
        return qs
    q = grid_q(reach)
    if reach.department_id:
        q |= Q(pk__in=ResidentTag.objects.filter(visible_tags_q(reach)).values("resident_id"))
    return qs.filter(q)


def tags_visible_to(*, user: Any) -> QuerySet[ResidentTag]:
    """Active tags the user may see (never a tag of a category they may not see, nor outside their reach)."""
    return ResidentTag.objects.filter(visible_tags_q(reach_of(user))).select_related("category")


def visible_tags_by_resident(*, user: Any, resident_ids: list[int]) -> dict[int, list[TagCategory]]:
    """resident id → the categories of their tags the user may see, in one query."""
    out: dict[int, list[TagCategory]] = {}
    if not resident_ids:
        return out
    for tag in tags_visible_to(user=user).filter(resident_id__in=resident_ids).order_by("-category__sensitivity"):
        out.setdefault(tag.resident_id, []).append(tag.category)
    return out


def categories_visible_to(*, user: Any) -> list[TagCategory]:
    reach = reach_of(user)
    ids = set(reach.visible_category_ids())
    return [c for c in reach.categories if c.id in ids]


def resident_for(*, user: Any, pk: int) -> Resident:
    """One person the user may see (moved-away ones included), or ``NotFound`` — the same for absent and hidden."""
    resident = residents_visible_to(user=user, include_gone=True).filter(pk=pk).first()
    if resident is None:
        raise NotFound(_("没有找到该人员"), code="not_found")
    return resident


def buildings_visible_to(*, user: Any) -> QuerySet[Building]:
    reach = reach_of(user)
    return Building.objects.select_related("grid", "compound").filter(grid_q(reach))


def houses_visible_to(*, user: Any) -> QuerySet[House]:
    reach = reach_of(user)
    return House.objects.select_related("grid", "building").filter(grid_q(reach))


def search_residents(*, user: Any, text: str, qs: QuerySet[Resident] | None = None) -> QuerySet[Resident]:
    """Name (contains), or exact ID number / phone through their keyed hash — within what the user may see.

    A 公民身份号码-shaped query is hashed and matched exactly (the database holds no plain value to
    search with LIKE); a phone-shaped one likewise; anything else matches names.
    """
    qs = residents_visible_to(user=user) if qs is None else qs
    text = (text or "").strip()
    if not text:
        return qs
    kind = exact_search_kind(text)
    if kind == "id_number":
        return qs.filter(id_number_hmac=blind_index(normalise_id_number(text)))
    if kind == "phone":
        return qs.filter(phone_hmac=blind_index(normalise_phone(text)))
    return qs.filter(Q(name__contains=text) | Q(former_name__contains=text))


def exact_search_kind(text: str) -> str | None:
    """``"id_number"`` or ``"phone"`` when ``search_residents`` reads ``text`` as a whole number to match exactly
    (a search that tells whether the number is someone's: logged and rationed by
    ``residents.services.exact_search_admit``); ``None`` for a name."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{17}[\dX]", normalise_id_number(text)):
        return "id_number"
    if re.fullmatch(r"\+?\d{7,15}", normalise_phone(text)):
        return "phone"
    return None


def filter_by_category(*, user: Any, qs: QuerySet[Resident], category_code: str) -> QuerySet[Resident]:
    """People with a visible tag of ``category_code``. A category the user may not see matches nobody — exactly as
    a category that does not exist, so the answer says nothing about it."""
    if not category_code:
        return qs
    tags = tags_visible_to(user=user).filter(category__code=category_code)
    return qs.filter(pk__in=tags.values("resident_id"))


def plans_most_urgent_first(plans: QuerySet[VisitPlan]) -> QuerySet[VisitPlan]:
    """Visit plans in the order a grid worker takes them: 严重逾期 (red), then 逾期 (yellow), then the rest, each by
    due date. (Ordering by the light's stored value would put yellow before red: "yellow" > "red".)"""
    urgency = Case(
        When(light=Light.RED, then=Value(0)),
        When(light=Light.YELLOW, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return plans.order_by(urgency, "due_on", "id")


def plans_visible_to(*, user: Any) -> QuerySet[VisitPlan]:
    """Active visit plans the user may see: those of a visible tag, and hand-added ones in their grids."""
    reach = reach_of(user)
    qs = VisitPlan.objects.filter(active=True).select_related("resident", "resident__house", "tag__category")
    if reach.everything:
        return qs
    return qs.filter(
        Q(tag__isnull=False, tag__in=ResidentTag.objects.filter(visible_tags_q(reach)))
        | (Q(tag__isnull=True) & grid_q(reach))
    )


# --- 走访完成率: the one definition (statistics page, assessment page, mobilisation's 三色研判) ---------------


def completion_by_grid(
    *,
    grid_ids: list[int],
    date_from: date,
    date_to: date,
    today: date | None = None,
    user: Any = None,
    reach: Reach | None = None,
) -> dict[int, tuple[int, int]]:
    """grid id → (visits done on time, visits that were due) for due dates in [date_from, date_to].

    A due date is a visit plan's ``due_on``. It *was due* in the period when it falls in it and either a visit
    answered it (``Visit.due_on``, written when the visit moved its plan on) or it has passed unanswered
    (before ``today``) while the plan was still active — an ended plan's due date counts only if it passed
    before the plan ended. It was *done on time* when the visit that answered it took place on or before it.
    Due dates still ahead (today or later) with no visit yet are not counted: they can still be met.

    With ``user`` only the plans they may count (``plans_counted_q``), so a hidden category leaves no trace in
    the figure; without, every plan (a system figure). ``reach`` is the user's ``reach_of`` when the caller has it
    already. Two grouped queries, whatever the number of grids.
    """
    today = today or timezone.localdate()
    out: dict[int, tuple[int, int]] = {}
    if not grid_ids or date_from > date_to:
        return out
    visits = Visit.objects.filter(grid_id__in=grid_ids, due_on__gte=date_from, due_on__lte=date_to)
    last_missable = min(date_to, today - timedelta(days=1))
    missed = VisitPlan.objects.filter(grid_id__in=grid_ids, due_on__gte=date_from, due_on__lte=last_missable).filter(
        Q(active=True) | Q(ended_on__gt=F("due_on"))
    )
    if reach is None and user is not None:
        reach = reach_of(user)
    if reach is not None:
        visits = visits.filter(plans_counted_q(reach, "plan__"))
        missed = missed.filter(plans_counted_q(reach))
    for grid_id, due, done in (
        visits.order_by()
        .values("grid_id")
        .annotate(due=Count("id"), done=Count("id", filter=Q(visited_on__lte=F("due_on"))))
        .values_list("grid_id", "due", "done")
    ):
        out[grid_id] = (done, due)
    for grid_id, n in missed.order_by().values("grid_id").annotate(n=Count("id")).values_list("grid_id", "n"):
        done, due = out.get(grid_id, (0, 0))
        out[grid_id] = (done, due + n)
    return out


def visit_completion(
    *, community_id: int, date_from: date, date_to: date, today: date | None = None, user: Any = None
) -> tuple[int, int] | None:
    """(visits done on time, visits that were due) in [date_from, date_to] for the grids of one community, by
    ``completion_by_grid``'s definition; None when nothing was due. ``user`` scopes it to the plans they may
    count (see ``completion_by_grid``)."""
    grid_ids = list(Grid.objects.filter(community_id=community_id).values_list("id", flat=True))
    figures = completion_by_grid(grid_ids=grid_ids, date_from=date_from, date_to=date_to, today=today, user=user)
    done = sum(d for d, _ in figures.values())
    due = sum(n for _, n in figures.values())
    return (done, due) if due else None


def diary_visible_to(*, user: Any) -> QuerySet[DiaryEntry]:
    reach = reach_of(user)
    return DiaryEntry.objects.select_related("house", "author", "grid", "category").filter(grid_q(reach))


def diary_entry_for_case(*, case_id: int) -> DiaryEntry | None:
    """The diary entry a case was made from (the case page's side of the two-way link), or None."""
    return DiaryEntry.objects.select_related("house", "author").filter(case_id=case_id).first()


def visits_visible_to(*, user: Any) -> QuerySet[Visit]:
    """Visits in the user's grids; a visit made for a tag's plan only if the user may see that tag."""
    reach = reach_of(user)
    qs = Visit.objects.select_related("resident", "house", "visitor", "plan")
    if reach.everything:
        return qs
    hidden_plans = VisitPlan.objects.filter(tag__isnull=False).exclude(
        tag__in=ResidentTag.objects.filter(visible_tags_q(reach))
    )
    return qs.filter(grid_q(reach)).exclude(plan__in=hidden_plans)


def permits_expiring(*, user: Any, today: date, within_days: int) -> QuerySet[Resident]:
    """Floating residents whose permit has expired or expires within ``within_days`` (the worker's task list)."""
    return (
        residents_visible_to(user=user)
        .filter(kind=PopulationKind.FLOATING, permit_expires_on__isnull=False)
        .filter(permit_expires_on__lte=today + timedelta(days=within_days))
        .order_by("permit_expires_on", "id")
    )


def _dot_order(category: TagCategory) -> tuple[int, str]:
    """A house's dots and the map's key: the most sensitive tags first, then by code."""
    return (-category.sensitivity, category.code)


def household_map(*, user: Any, building: Building) -> dict:
    """The 电子装户图 of one building: floors (top first) × units × houses, each house with its head of household,
    household size, use, open-case count (filled in by a higher app through ``house_case_counts``) and the
    markers of the tags the viewer may see. Constant queries: houses, their living residents, visible tags.
    """
    houses = list(House.objects.filter(building=building).order_by("unit", "floor", "number"))
    ids = [h.id for h in houses]
    people = list(
        Resident.objects.filter(house_id__in=ids, status=ResidentStatus.LIVING)
        .order_by("house_id", "id")
        .only("id", "name", "house_id", "relation")
    )
    tags = visible_tags_by_resident(user=user, resident_ids=[p.id for p in people])
    by_house: dict[int, list[Resident]] = {}
    for p in people:
        by_house.setdefault(p.house_id, []).append(p)
    counts = house_case_counts(ids)
    floors: dict[int, dict[int, list[dict]]] = {}
    tagged_ids: list[int] = []
    shown: dict[int, TagCategory] = {}
    for h in houses:
        members = by_house.get(h.id, [])
        head = next((m for m in members if m.relation == Relation.HEAD), members[0] if members else None)
        markers: dict[int, TagCategory] = {}
        for m in members:
            for c in tags.get(m.id, []):
                markers.setdefault(c.id, c)
                tagged_ids.append(m.id)
        shown.update(markers)
        cell = {
            "house": h,
            "url": reverse_pk("residents:house", h.id),
            "size": len(members),
            "head": head.name if head else "",
            "markers": sorted(markers.values(), key=_dot_order),
            "open_cases": counts.get(h.id, 0),
        }
        floors.setdefault(h.floor, {}).setdefault(h.unit, []).append(cell)
    units = list(range(1, max([building.units, *[h.unit for h in houses]]) + 1)) if houses else [1]
    rows = [{"floor": f, "units": [floors[f].get(u, []) for u in units]} for f in sorted(floors, reverse=True)]
    # the key to the dots (``shown``): each tag on this page once — a dot's name is otherwise only a hover title,
    # which a phone never shows
    legend = sorted(shown.values(), key=_dot_order)
    return {
        "building": building,
        "units": units,
        "rows": rows,
        "tag_legend": legend,
        "tagged_resident_ids": sorted(set(tagged_ids)),
    }


# A higher app (cases) may register a function: house ids → {house id: open cases}. Residents cannot import cases.
HOUSE_CASE_COUNTERS: list = []


def house_case_counts(house_ids: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for counter in HOUSE_CASE_COUNTERS:
        for house_id, n in counter(house_ids).items():
            out[house_id] = out.get(house_id, 0) + n
    return out
