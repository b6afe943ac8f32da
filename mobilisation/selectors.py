"""Reads of the mobilisation app, scoped like cases: a community's staff see their community's rows, a street's
staff their communities', a district's its streets'; grid workers the communities of the grids they staff;
admins everything. Outside the scope a page or the API answers 404 (``core.errors.NotFound``).

Members (anyone with a confirmed 双报到 registration) see, besides, what is open to them: tasks and published
wishes of the communities they are registered with, and their own points.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.roles import is_admin, staff_level
from governance.models import Region
from grids.selectors import communities_for

from .choices import RegistrantKind, RegistrationStatus, WishStatus
from .models import (
    Appraisal,
    DutyItem,
    DutyReport,
    MobilisationEvent,
    PointsEntry,
    PointsRule,
    RegisteredUnit,
    Registration,
    ServiceTask,
    Topic,
    TriColourRating,
    UnitAccount,
    Wish,
)


def place_q(user, field: str = "community") -> Q:
    """Rows whose ``field`` (a community ``Region``) lies in ``user``'s scope — the one gate of this app's lists."""
    if is_admin(user):
        return Q()
    return Q(**{f"{field}_id__in": communities_for(user).values("id")})


def streets_for(user) -> QuerySet[Region]:
    """Streets whose points scheme and 三色研判 the user may configure: a street's staff their street, admins all."""
    if is_admin(user):
        return Region.objects.filter(level="street")
    if staff_level(user) == "street":
        return Region.objects.filter(pk=user.region_id)
    return Region.objects.none()


def get_in_scope(qs: QuerySet, user, pk: int, field: str = "community"):
    obj = qs.filter(place_q(user, field)).filter(pk=pk).first()
    if obj is None:
        raise NotFound(_("记录不存在"))
    return obj


# --- 双报到 -------------------------------------------------------------------------------------------


def registrations_for(user) -> QuerySet[Registration]:
    return Registration.objects.filter(place_q(user)).select_related("member", "unit", "community")


def my_registrations(user, *, confirmed_only: bool = False) -> QuerySet[Registration]:
    if not (user and user.is_authenticated):
        return Registration.objects.none()
    qs = Registration.objects.filter(kind=RegistrantKind.MEMBER, member=user).select_related("community", "unit")
    if confirmed_only:
        qs = qs.filter(status=RegistrationStatus.CONFIRMED)
    return qs


def member_communities(user) -> list[int]:
    """Communities the user may take part in: a member's confirmed registrations, or — for a unit's account — the
    unit's confirmed registrations."""
    unit = acting_unit(user)
    if unit is not None:
        return unit_communities(unit)
    return list(my_registrations(user, confirmed_only=True).values_list("community_id", flat=True))


# --- units' own logins ----------------------------------------------------------------------------------

_NO_UNIT = object()


def acting_unit(user) -> RegisteredUnit | None:
    """The unit a user signs in for (an active ``UnitAccount`` of an active user), else None. Cached on the user
    object for the request."""
    if not (user and user.is_authenticated):
        return None
    cached = getattr(user, "_acting_unit", _NO_UNIT)
    if cached is _NO_UNIT:
        account = UnitAccount.objects.select_related("unit").filter(user=user, active=True).first()
        cached = account.unit if account is not None and user.is_active else None
        user._acting_unit = cached
    return cached  # type: ignore[return-value]


def unit_communities(unit: RegisteredUnit) -> list[int]:
    return list(
        Registration.objects.filter(
            kind=RegistrantKind.UNIT, unit=unit, status=RegistrationStatus.CONFIRMED
        ).values_list("community_id", flat=True)
    )


def unit_registration(unit: RegisteredUnit, community_id: int) -> Registration | None:
    return Registration.objects.filter(
        kind=RegistrantKind.UNIT, unit=unit, community_id=community_id, status=RegistrationStatus.CONFIRMED
    ).first()


def unit_overview(unit: RegisteredUnit) -> dict:
    """Everything a unit's account sees of its own unit, and nothing of another's: its registrations, its duty list
    and reports, the results of its closed 民主测评, its points (entries credited to the unit) and the wishes it
    claimed."""
    from .choices import AppraisalStatus

    points = PointsEntry.objects.filter(unit=unit).select_related("member", "community", "task", "wish")
    return {
        "registrations": Registration.objects.filter(kind=RegistrantKind.UNIT, unit=unit).select_related("community"),
        "duties": DutyItem.objects.filter(unit=unit, active=True).select_related("community"),
        "reports": DutyReport.objects.filter(unit=unit).select_related("community", "submitted_by"),
        "appraisals": Appraisal.objects.filter(unit=unit, status=AppraisalStatus.CLOSED).select_related("community"),
        "points_total": points.aggregate(total=Sum("points"))["total"] or 0,
        "points": points[:50],
        "claimed_wishes": Wish.objects.filter(claimed_unit=unit, claimed_by__unit_account__unit=unit).select_related(
            "community"
        ),
    }


def unit_accounts_for(user) -> QuerySet[UnitAccount]:
    """Unit accounts whose unit the user manages (see ``permissions.manages_unit``)."""
    return UnitAccount.objects.filter(unit__in=managed_units(user)).select_related("unit", "user", "created_by")


def managed_units(user) -> QuerySet[RegisteredUnit]:
    """Units whose logins the user may open and end: a street's staff its street's units (the district's, its
    streets'); a community's staff the units registered with their community or holding duties there."""
    if is_admin(user):
        return RegisteredUnit.objects.all()
    level = staff_level(user)
    if level == "street":
        return RegisteredUnit.objects.filter(street_id=user.region_id)
    if level == "district":
        return RegisteredUnit.objects.filter(street__parent_id=user.region_id)
    if level == "community":
        registered = Registration.objects.filter(
            kind=RegistrantKind.UNIT,
            community_id=user.region_id,
            status__in=[RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED],
        ).values("unit_id")
        with_duties = DutyItem.objects.filter(community_id=user.region_id).values("unit_id")
        return RegisteredUnit.objects.filter(Q(pk__in=registered) | Q(pk__in=with_duties))
    return RegisteredUnit.objects.none()


def units_for(user) -> QuerySet[RegisteredUnit]:
    if is_admin(user):
        return RegisteredUnit.objects.all()
    level = staff_level(user)
    if level == "street":
        return RegisteredUnit.objects.filter(street_id=user.region_id)
    if level == "community":
        return RegisteredUnit.objects.filter(street_id=user.region.parent_id)
    if level == "district":
        return RegisteredUnit.objects.filter(street__parent_id=user.region_id)
    return RegisteredUnit.objects.none()


# --- tasks, points ------------------------------------------------------------------------------------


def tasks_for(user) -> QuerySet[ServiceTask]:
    """Tasks in the user's scope, plus (for members) the tasks of the communities they are confirmed in."""
    q = place_q(user)
    mine = member_communities(user)
    if mine:
        q = q | Q(community_id__in=mine)
    return (
        ServiceTask.objects.filter(q)
        .select_related("community", "organiser")
        .annotate(signed=Count("signups", filter=Q(signups__status__in=["signed_up", "attended"])))
        .order_by("-starts_at", "-id")
    )


def points_rules(street_id: int) -> dict[str, PointsRule]:
    return {r.task_type: r for r in PointsRule.objects.filter(street_id=street_id)}


def points_history(member, *, among: QuerySet[PointsEntry] | None = None) -> QuerySet[PointsEntry]:
    qs = PointsEntry.objects.all() if among is None else among
    return qs.filter(member=member).select_related("community", "task", "wish", "created_by")


def points_entries_for(user) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(place_q(user))


def ranking(user, *, by: str, community_id: int | None = None, month: date | None = None) -> list[dict]:
    """Points ranking in the user's scope, per member (``by="member"``) or per unit (``by="unit"``), optionally of
    one community and one month; ties share a rank. One grouped query."""
    qs = points_entries_for(user)
    if community_id:
        qs = qs.filter(community_id=community_id)
    if month:
        qs = qs.filter(month=month.replace(day=1))
    if by == "unit":
        rows = (
            qs.filter(unit__isnull=False)
            .values("unit_id", "unit__name")
            .annotate(total=Sum("points"), entries=Count("id"))
            .order_by("-total", "unit__name")
        )
        out = [
            {"key": r["unit_id"], "name": r["unit__name"], "total": r["total"], "entries": r["entries"]} for r in rows
        ]
    else:
        rows = (
            qs.values("member_id", "member__full_name", "member__username")
            .annotate(total=Sum("points"), entries=Count("id"))
            .order_by("-total", "member__username")
        )
        out = [
            {
                "key": r["member_id"],
                "name": r["member__full_name"] or r["member__username"],
                "total": r["total"],
                "entries": r["entries"],
            }
            for r in rows
        ]
    previous, rank = None, 0
    for i, row in enumerate(out, start=1):
        if row["total"] != previous:
            rank, previous = i, row["total"]
        row["rank"] = rank
    return out


# --- wishes -------------------------------------------------------------------------------------------


def wishes_for(user) -> QuerySet[Wish]:
    return Wish.objects.filter(place_q(user)).select_related("community", "grid", "claimed_by", "claimed_unit")


def public_wishes(*, community_id: int | None = None) -> QuerySet[Wish]:
    """Published (open) wishes for the public page and API: callers show only the public fields."""
    qs = Wish.objects.filter(status=WishStatus.PUBLISHED).select_related("community").order_by("-created_at")
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs


def claimable_wishes(user) -> QuerySet[Wish]:
    return public_wishes().filter(community_id__in=member_communities(user))


def my_claimed_wishes(user) -> QuerySet[Wish]:
    if not (user and user.is_authenticated):
        return Wish.objects.none()
    return Wish.objects.filter(claimed_by=user).select_related("community")


def wish_by_token(token: str) -> Wish:
    wish = Wish.objects.select_related("community").filter(follow_up_token=token).first() if token else None
    if wish is None:
        raise NotFound(_("心愿不存在"))
    return wish


def wish_counts(*, community_ids: list[int], date_from, date_to) -> dict[int, dict[str, int]]:
    """Per community: wishes published in the period (``published``) and of those, fulfilled and confirmed
    (``fulfilled``) — the 三色研判's "wishes fulfilled" indicator. One grouped query over the events."""
    published = (
        MobilisationEvent.objects.filter(
            subject="wish",
            action="publish",
            community_id__in=community_ids,
            at__date__gte=date_from,
            at__date__lte=date_to,
        )
        .values("community_id")
        .annotate(n=Count("object_id", distinct=True))
    )
    out = {cid: {"published": 0, "fulfilled": 0} for cid in community_ids}
    ids_by_community: dict[int, list[int]] = {}
    for row in published:
        out[row["community_id"]]["published"] = row["n"]
    for cid, oid in MobilisationEvent.objects.filter(
        subject="wish", action="publish", community_id__in=community_ids, at__date__gte=date_from, at__date__lte=date_to
    ).values_list("community_id", "object_id"):
        ids_by_community.setdefault(cid, []).append(oid)
    confirmed = (
        Wish.objects.filter(status=WishStatus.CONFIRMED, id__in=[i for ids in ids_by_community.values() for i in ids])
        .values("community_id")
        .annotate(n=Count("id"))
    )
    for row in confirmed:
        out[row["community_id"]]["fulfilled"] = row["n"]
    return out


# --- duties, appraisals, 三色研判, topics ------------------------------------------------------------


def duties_for(user) -> QuerySet[DutyItem]:
    """Duty items in scope; a unit's account: its own unit's."""
    return DutyItem.objects.filter(_region_q(user) | _own_unit_q(user)).select_related("unit", "community")


def reports_for(user) -> QuerySet[DutyReport]:
    """Reports in scope; a unit's account: its own unit's."""
    return DutyReport.objects.filter(_region_q(user) | _own_unit_q(user)).select_related("unit", "community")


def _own_unit_q(user) -> Q:
    unit = acting_unit(user)
    return Q(unit=unit) if unit is not None else Q(pk__in=[])


def appraisals_for(user) -> QuerySet[Appraisal]:
    """Appraisals in scope, and those the user is a named rater of."""
    q = _region_q(user)
    if user and user.is_authenticated:
        q = q | Q(votes__rater=user)
    return Appraisal.objects.filter(q).distinct().select_related("unit", "community")


def _region_q(user, field: str = "community") -> Q:
    """Duties, reports and appraisals hang on a community (大党委) or on a street (大工委): both kinds in scope —
    a street's rows for its own staff and the district's."""
    if is_admin(user):
        return Q()
    level = staff_level(user)
    streets = Region.objects.none()
    if level == "street":
        streets = Region.objects.filter(pk=user.region_id)
    elif level == "district":
        streets = Region.objects.filter(parent_id=user.region_id)
    return place_q(user, field) | Q(**{f"{field}_id__in": streets.values("id")})


def tricolour_for(user) -> QuerySet[TriColourRating]:
    return TriColourRating.objects.filter(place_q(user)).select_related("community", "adjusted_by")


def topics_for(user) -> QuerySet[Topic]:
    return Topic.objects.filter(place_q(user)).select_related("community", "case")


def public_topics(*, community_id: int | None = None) -> QuerySet[Topic]:
    qs = (
        Topic.objects.filter(status="published")
        .select_related("community")
        .prefetch_related("meetings__options", "meetings__follow_ups")
    )
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs


def events_of(subject: str, object_id: int) -> QuerySet[MobilisationEvent]:
    return MobilisationEvent.objects.filter(subject=subject, object_id=object_id).select_related("actor")
