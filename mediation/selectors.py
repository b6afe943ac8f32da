"""Reads of the mediation app, scoped like cases: a community's staff see their community's disputes, a street's
staff their communities', a district's its streets'; grid workers those of the grids they staff (and the ones
they found); admins all. Outside the scope a page or the API answers 404.

``figures`` gives the seed's measure per grid, community or street: disputes found, mediated, concluded,
agreed (success rate = agreed / concluded), and where the agreements were reached (网格/社区/街道/区).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.roles import is_admin
from governance.choices import Role
from governance.models import Region
from grids.selectors import communities_for

from .choices import Place, Status
from .models import Dispute, DisputeEvent, TrackLimit


def disputes_for(user) -> QuerySet[Dispute]:
    """Disputes in ``user``'s scope; a grid worker sees those of their grids and those they found or handle."""
    if not (user and user.is_authenticated):
        return Dispute.objects.none()
    qs = Dispute.objects.select_related("community", "grid", "handler", "found_by")
    if is_admin(user):
        return qs
    if user.role == Role.GRID_WORKER:
        from grids.selectors import grids_worked_by

        return qs.filter(Q(grid_id__in=grids_worked_by(user).values("id")) | Q(found_by=user) | Q(handler=user))
    return qs.filter(Q(community_id__in=communities_for(user).values("id")) | Q(handler=user))


def dispute_get_for(user, pk: int) -> Dispute:
    dispute = disputes_for(user).filter(pk=pk).first()
    if dispute is None:
        raise NotFound(_("纠纷不存在"))
    return dispute


def timeline(dispute: Dispute) -> QuerySet[DisputeEvent]:
    return dispute.events.select_related("actor")


def track_days(track: str) -> int:
    from .choices import DEFAULT_TRACK_DAYS

    limit = TrackLimit.objects.filter(track=track).values_list("days", flat=True).first()
    return int(limit or DEFAULT_TRACK_DAYS[track])


def figures(user, *, by: str, date_from: date, date_to: date) -> list[dict]:
    """Per grid, community or street (``by``) of the disputes in ``user``'s scope registered in the period:

    - ``found``: registered; ``mediated``: with at least one session;
    - ``concluded``: agreed, failed, referred or turned into a case; ``agreed``: ended in an agreement;
    - ``success_rate`` = agreed / concluded (None when nothing concluded);
    - ``at_grid`` / ``at_community`` / ``at_street`` / ``at_district``: agreements by where they were reached,
      and ``within_street`` = the share of agreements reached at the street or below ("矛盾不上交").
    One grouped query, plus one for the names.
    """
    key = {"grid": "grid_id", "community": "community_id", "street": "community__parent_id"}[by]
    qs = disputes_for(user).filter(created_at__date__gte=date_from, created_at__date__lte=date_to)
    agreed = Q(status=Status.AGREED)
    rows = (
        qs.order_by()
        .values(key)
        .annotate(
            found=Count("id", distinct=True),
            mediated=Count("id", distinct=True, filter=Q(sessions__isnull=False)),
            concluded=Count(
                "id",
                distinct=True,
                filter=Q(status__in=[Status.AGREED, Status.FAILED, Status.REFERRED, Status.TO_CASE]),
            ),
            agreed=Count("id", distinct=True, filter=agreed),
            at_grid=Count("id", distinct=True, filter=agreed & Q(resolved_level=Place.GRID)),
            at_community=Count("id", distinct=True, filter=agreed & Q(resolved_level=Place.COMMUNITY)),
            at_street=Count("id", distinct=True, filter=agreed & Q(resolved_level=Place.STREET)),
            at_district=Count("id", distinct=True, filter=agreed & Q(resolved_level=Place.DISTRICT)),
        )
    )
    ids = [r[key] for r in rows if r[key] is not None]
    if by == "grid":
        from grids.models import Grid

        names = dict(Grid.objects.filter(id__in=ids).values_list("id", "name"))
    else:
        names = dict(Region.objects.filter(id__in=ids).values_list("id", "name"))
    out = []
    for r in rows:
        within = r["at_grid"] + r["at_community"] + r["at_street"]
        out.append(
            {
                "key": r[key],
                "name": names.get(r[key], _("（未划入网格）")),
                **{
                    k: r[k]
                    for k in (
                        "found",
                        "mediated",
                        "concluded",
                        "agreed",
                        "at_grid",
                        "at_community",
                        "at_street",
                        "at_district",
                    )
                },
                "success_rate": r["agreed"] / r["concluded"] if r["concluded"] else None,
                "within_street": within / r["agreed"] if r["agreed"] else None,
            }
        )
    out.sort(key=lambda row: (-row["found"], row["name"]))
    return out
