"""Reads of the grids app."""

from __future__ import annotations

from django.db.models import QuerySet
from guardian.shortcuts import get_objects_for_user

from governance.models import User

from .geo import contains
from .models import Grid


def locate_grid(*, lat: float, lng: float) -> Grid | None:
    """The active grid whose boundary covers the point, or None.

    Step 1: an indexed bounding-box query narrows the candidates to a handful.
    Step 2: the exact point-in-polygon test (shapely) on each; community grids win over
    dedicated grids drawn inside them (a school grid inside a community grid is more specific,
    so dedicated grids are tested first).
    """
    candidates = Grid.objects.filter(
        active=True, min_lng__lte=lng, max_lng__gte=lng, min_lat__lte=lat, max_lat__gte=lat
    ).select_related("community")
    ordered = sorted(candidates, key=lambda g: (g.kind == "community", g.code))
    for grid in ordered:
        if grid.boundary and contains(grid.boundary, lat, lng):
            return grid
    return None


def grids_worked_by(user: User) -> QuerySet[Grid]:
    """Grids the user staffs now (object permission granted by ``staff_assign``)."""
    return get_objects_for_user(user, "grids.work_in_grid", klass=Grid, accept_global_perms=False)
