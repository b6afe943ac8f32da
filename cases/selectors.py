"""Reads of the cases app. ``case_queryset_for`` is the one gate every list, page, form and API view uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.places import place_column
from core.roles import is_admin, is_centre_staff
from governance.choices import Role

from .choices import CLOCK_STATUSES, OPEN_STATUSES
from .lights import case_light as case_light
from .lights import clock_light as clock_light
from .models import Case, CaseDispatch, CaseEvent, Evidence, ExtensionRequest, HoldRequest, Rating


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
    if is_admin(user):
        return Scope(qs, {})
    if is_centre_staff(user):
        lookup = place_column(user.region.level)
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
    """One case in the user's scope, or ``core.errors.NotFound`` (never 403: existence must not leak)."""
    case = (
        case_queryset_for(user)
        .select_related("category", "grid", "community", "street", "district", "handler_region", "reporter")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise NotFound("事件不存在")
    return case


def case_list_queryset(user) -> QuerySet[Case]:
    """The user's cases with their latest round's rating joined (one row per case: ``one_latest_rating_per_case``);
    ``attach_list_rows`` completes a page in three small reads.

    The category, grid and four places are not joined: eight tables in one statement cost PostgreSQL about
    100 ms of join-order search per page (EXPLAIN: 0.5 ms to run, 100 ms to plan), while reading the few
    distinct rows a page points to by primary key costs a millisecond each.
    """
    return (
        case_queryset_for(user)
        .annotate(latest=FilteredRelation("ratings", condition=Q(ratings__latest=True)))
        .annotate(latest_rating=F("latest__result"))
    )


#: The reference rows a list row renders, read by primary key for a whole page (fields the serializers and
#: the contact rule use: ``district.parent_id`` decides a city officer's view).
LIST_REFERENCES = {
    "category": ("category", ("id", "code", "name", "name_en")),
    "grid": ("grid", ("id", "code", "name")),
    "community": ("region", ("id", "code", "name", "level", "parent_id")),
    "street": ("region", ("id", "code", "name", "level", "parent_id")),
    "district": ("region", ("id", "code", "name", "level", "parent_id")),
    "handler_region": ("region", ("id", "code", "name", "level", "parent_id")),
}


def attach_evidence_counts(cases: list[Case]) -> list[Case]:
    """Set ``evidence_count`` on each case of a page: one ``GROUP BY`` over the page's ids."""
    ids = [c.pk for c in cases]
    counts = (
        dict(Evidence.objects.filter(case_id__in=ids).order_by().values_list("case_id").annotate(n=Count("pk")))
        if ids
        else {}
    )
    for case in cases:
        case.evidence_count = counts.get(case.pk, 0)
    return cases


def attach_list_rows(cases: list[Case], *, evidence_counts: bool = True) -> list[Case]:
    """Complete a page of cases: category, grid and places by primary key (one read per table: categories,
    grids, regions) and the evidence counts (one ``GROUP BY`` over the page's ids) — whatever the page size."""
    from governance.models import Category, Region
    from grids.models import Grid

    models = {"category": Category, "grid": Grid, "region": Region}
    wanted: dict[str, set[int]] = {name: set() for name in models}
    for case in cases:
        for rel, (table, _fields) in LIST_REFERENCES.items():
            if (pk := getattr(case, f"{rel}_id")) is not None:
                wanted[table].add(pk)
    loaded = {
        table: models[table].objects.only(*next(f for t, f in LIST_REFERENCES.values() if t == table)).in_bulk(ids)
        if ids
        else {}
        for table, ids in wanted.items()
    }
    for case in cases:
        for rel, (table, _fields) in LIST_REFERENCES.items():
            pk = getattr(case, f"{rel}_id")
            Case._meta.get_field(rel).set_cached_value(case, loaded[table].get(pk) if pk is not None else None)
    return attach_evidence_counts(cases) if evidence_counts else cases


def case_detail_for(user, pk: int) -> Case:
    """One case in scope with its dispatches, extension requests and evidence, or NotFound (404)."""
    case = (
        case_list_queryset(user)
        .select_related("reporter", "merged_into", "rule__category", "house")
        .prefetch_related(
            Prefetch("ratings", Rating.objects.select_related("recorded_by").order_by("round")),
            "hold_requests",
            Prefetch("dispatches", CaseDispatch.objects.select_related("department", "grid", "region")),
            "extension_requests",
            "evidence",
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise NotFound(_("事件不存在"), code="not_found")
    attach_list_rows([case], evidence_counts=False)
    case.evidence_count = len(case.evidence.all())
    return case


def case_pending_extension(case: Case) -> ExtensionRequest | None:
    """The case's extension request awaiting a decision, if any (at most one is pending at a time)."""
    return ExtensionRequest.pending_for(case)


def case_rating(case: Case) -> Rating | None:
    """The case's rating of its latest rated round, if any (earlier rounds: ``case_ratings``)."""
    return Rating.objects.filter(case=case, latest=True).select_related("recorded_by").first()


def case_ratings(case: Case) -> list[Rating]:
    """Every round's rating, oldest first (重办 keeps the history; the assessment counts the latest)."""
    return list(Rating.objects.filter(case=case).select_related("recorded_by").order_by("round"))


def case_pending_hold(case: Case) -> HoldRequest | None:
    """The case's hold request (挂账申请) awaiting the dispatcher's decision, if any."""
    return HoldRequest.pending_for(case)


def rule_labels(rule_ids) -> dict[int, str]:
    """Jurisdiction rules (any version) named as a centre names them: ``{id: "0401 … · 区级 · 第 2 版"}``."""
    from governance.models import JurisdictionRule

    ids = [i for i in rule_ids if i]
    if not ids:
        return {}
    return {r.id: r.label for r in JurisdictionRule.objects.filter(pk__in=ids).select_related("category")}


def case_active_dispatches(case: Case) -> list[CaseDispatch]:
    """The departments, grids and regions the case is dispatched to now, with their names joined."""
    return list(CaseDispatch.objects.filter(case=case, active=True).select_related("department", "grid", "region"))


def case_timeline(case: Case, *, public_only: bool = False) -> QuerySet[CaseEvent]:
    qs = case.events.select_related("actor").prefetch_related("evidence")
    return qs.filter(public=True) if public_only else qs


def light_filter(light: str, now=None) -> Q:
    """SQL condition for a traffic light (index-friendly: compares stored due_at / yellow_at)."""
    if light not in ("red", "yellow", "green"):
        return Q()
    return Q(status__in=[s.value for s in CLOCK_STATUSES]) & light_clock_filter(light, now)


def light_clock_filter(light: str, now=None) -> Q:
    """``light_filter`` without its status condition, for a query that already keeps to ``CLOCK_STATUSES`` (the
    dashboard's yellow and red views): said twice, ``status IN (…)`` is taken by the planner as two independent
    conditions and a district's 6,600 red cases estimated at 300 — it then sorts them all rather than walking the
    open-case index newest first (1M cases: 45 → 2 ms)."""
    now = now or timezone.now()
    if light == "red":
        return Q(due_at__isnull=False, due_at__lte=now)
    if light == "yellow":
        return Q(due_at__isnull=False, due_at__gt=now, yellow_at__lte=now)
    if light == "green":
        return Q(due_at__isnull=False, due_at__gt=now) & (Q(yellow_at__gt=now) | Q(yellow_at__isnull=True))
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
    they simply do not apply now. The other apps' guards (``cases.hooks``) count too — none reads the request's
    data — so a button the guard would refuse shows disabled with the guard's reason instead of answering 409.
    ``case_transition`` re-checks everything under the row lock.
    """
    from . import conditions, hooks, permissions, transitions

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
        if decision and (guarded := hooks.refusal(case=case, action=action, actor=user, data={})):
            decision = permissions.no(guarded)  # another app's rule (a 退单 awaiting 12345, summonses still open …)
        out.append({"action": action, "label": str(t.label), "allowed": decision.allowed, "reason": decision.reason})
    return out


def evidence_public_url(name: str) -> str:
    """The signed, citizen-visible URL of the evidence file at ``name`` (see ``cases.media``)."""
    from .media import public_media_url

    return public_media_url(name)


def open_case_counts_by_house(house_ids: list[int]) -> dict[int, int]:
    """house id → its open cases (``Case.house``): the household map's open-case count. Registered with residents
    (below cases) in ``CasesConfig.ready``. One grouped query on the partial index ``case_house_status_idx``."""
    if not house_ids:
        return {}
    return dict(
        Case.objects.filter(house_id__in=house_ids, status__in=[s.value for s in OPEN_STATUSES])
        .order_by()
        .values("house_id")
        .annotate(n=Count("id"))
        .values_list("house_id", "n")
    )


def rule_departments(case: Case) -> list[int]:
    """The departments the jurisdiction list names for the case's category at its level: pre-ticked when the case
    is dispatched (派遣) or departments are summoned (吹哨)."""
    from governance.choices import HandlerKind as RuleHandler
    from governance.selectors import rule_for

    rule = case.rule if case.rule is not None and case.rule.level == case.level else None
    rule = rule or rule_for(category=case.category, level=case.level)
    if rule is None or rule.handler_kind != RuleHandler.DEPARTMENTS:
        return []
    return [d.id for d in rule.departments.filter(active=True)]
