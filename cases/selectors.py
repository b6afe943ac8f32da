"""Reads of the cases app. ``case_queryset_for`` is the one gate every list, page, form and API view uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from governance.choices import Role

from .choices import CLOCK_STATUSES
from .models import Case, CaseEvent


def _liaison_filter(user) -> Q:
    """Cases granted to the user's department group (per-case django-guardian grants on dispatch/whistle)."""
    from .models import CaseGroupObjectPermission

    dept = user.department
    if dept is None or dept.group_id is None:
        return Q(pk__in=[])
    grants = CaseGroupObjectPermission.objects.filter(
        group_id=dept.group_id, permission__codename="view_case", content_object_id=OuterRef("pk")
    )
    return Q(Exists(grants))


@dataclass(frozen=True)
class Scope:
    """The cases a user may see, and — when that is a place — the lookups on the place columns that say so.

    ``place`` holds lookups such as ``{"street_id": 7}`` that ``Case`` and the rows copying a case's place
    (``models.CasePlace``: dispatches, ratings) share, so those rows are read by their own indexes
    (``rows``) rather than through every case of the scope; ``{}`` is everywhere (admins); ``None`` means
    the scope is not a place (grid workers, liaisons: per-case grants), and rows go through the cases.
    """

    cases: QuerySet[Case]
    place: dict[str, Any] | None = None

    def rows(self, model: type[models.Model]) -> QuerySet:
        """``model``'s rows (a ``CasePlace`` with a ``case``) that belong to the scope's cases."""
        if self.place is None:
            return model.objects.filter(case__in=self.cases.values("pk"))
        return model.objects.filter(**self.place)


def scope_for(user) -> Scope:
    """What ``user`` may see (and so act on, subject to ``permissions``). Outside it, pages and API answer 404.

    - admins: all;
    - centre staff: cases in their region (community / street / district / city);
    - grid workers: cases of the grids they staff (guardian grants made by ``grids.services.staff_assign``);
    - department liaisons: cases their department was dispatched or summoned to (per-case guardian grants);
    - anyone else: nothing.
    """
    qs = Case.objects.all()
    if user is None or not user.is_authenticated:
        return Scope(qs.none())
    if user.is_superuser or user.role == Role.ADMIN:
        return Scope(qs, {})
    if user.role == Role.CENTRE_STAFF and user.region_id:
        level = user.region.level
        lookup = {
            "community": "community_id",
            "street": "street_id",
            "district": "district_id",
            "city": "district__parent_id",
        }.get(level)
        if lookup:
            place = {lookup: user.region_id}
            return Scope(qs.filter(**place), place)
        return Scope(qs.none())
    if user.role == Role.LIAISON:
        return Scope(qs.filter(_liaison_filter(user)))
    if user.role == Role.GRID_WORKER:
        from grids.selectors import grids_worked_by

        return Scope(qs.filter(grid_id__in=grids_worked_by(user).values("id")))
    return Scope(qs.none())


def case_queryset_for(user) -> QuerySet[Case]:
    """Cases ``user`` may see (``scope_for(user).cases``) — the one gate of every list, page, form and API view."""
    return scope_for(user).cases


def case_get_for(user, pk: int) -> Case:
    """One case in the user's scope, or ``governance.errors.NotFound`` (never 403: existence must not leak)."""
    from governance.errors import NotFound

    case = (
        case_queryset_for(user)
        .select_related("category", "grid", "community", "street", "district", "handler_region", "reporter")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise NotFound("事件不存在")
    return case


def case_timeline(case: Case, *, public_only: bool = False) -> QuerySet[CaseEvent]:
    qs = case.events.select_related("actor").prefetch_related("evidence")
    return qs.filter(public=True) if public_only else qs


def light_filter(light: str, now=None) -> Q:
    """SQL condition for a traffic light (index-friendly: compares stored due_at / yellow_at)."""
    now = now or timezone.now()
    running = Q(status__in=[s.value for s in CLOCK_STATUSES], due_at__isnull=False)
    if light == "red":
        return running & Q(due_at__lte=now)
    if light == "yellow":
        return running & Q(due_at__gt=now, yellow_at__lte=now)
    if light == "green":
        return running & Q(due_at__gt=now) & (Q(yellow_at__gt=now) | Q(yellow_at__isnull=True))
    return Q()


def nearby_open_duplicates(
    *,
    category_id: int,
    lat: float | None,
    lng: float | None,
    grid_id: int | None,
    exclude_id: int | None = None,
    radius_deg: float = 0.003,
    limit: int = 5,
    among: QuerySet[Case] | None = None,
) -> QuerySet[Case]:
    """Open cases of the same category near a point (≈300 m box), or in the same grid when there is no point.

    ``among`` restricts the search (pass ``case_queryset_for(user)`` so a user only learns of cases in scope).
    """
    from .choices import OPEN_STATUSES

    base = Case.objects.all() if among is None else among
    qs = base.filter(category_id=category_id, status__in=[s.value for s in OPEN_STATUSES])
    if lat is not None and lng is not None:
        qs = qs.filter(lat__range=(lat - radius_deg, lat + radius_deg), lng__range=(lng - radius_deg, lng + radius_deg))
    elif grid_id:
        qs = qs.filter(grid_id=grid_id)
    else:
        return qs.none()
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.order_by("-reported_at")[:limit]


def allowed_actions(user, case: Case, actions: list[str] | None = None) -> list[dict]:
    """The page's buttons: each action whose transition allows the case's current status, with whether
    ``user`` may press it and, when not, why (``permissions.decide``'s reason).

    Returns ``[{"action", "label", "allowed": bool, "reason": str}]`` in ``transitions.PAGE_ACTIONS`` order
    (or the order of ``actions``). Actions the status does not allow are left out: they are not refused,
    they simply do not apply now. ``case_transition`` re-checks everything under the row lock.
    """
    from . import conditions, permissions, transitions

    out = []
    now = timezone.now()
    default = [*transitions.DECISION_ACTIONS, *transitions.PAGE_ACTIONS]
    for action in actions if actions is not None else default:
        t = transitions.get(action)
        if not t.allowed_from(case.status):
            continue
        condition = conditions.refusal(case, action, user, now)
        if condition is not None and condition.hidden:
            continue  # does not apply now: already signed, nothing pending, not dispatched to you, rated this round
        decision = permissions.decide(user, case, action)
        if decision and condition is not None:
            decision = permissions.no(condition.reason)
        out.append({"action": action, "label": str(t.label), "allowed": decision.allowed, "reason": decision.reason})
    return out


def evidence_public_url(name: str) -> str:
    """The signed, citizen-visible URL of the evidence file at ``name`` (see ``cases.media``)."""
    from .media import public_media_url

    return public_media_url(name)
