"""Who may do what in the mobilisation app. Scope (may the user see the row at all) is ``selectors.place_q``;
these answer "is this person entitled to act", and the services ask them under the row lock."""

from __future__ import annotations

from core.roles import is_admin, staff_level
from governance.choices import Role
from governance.models import Region


def manages_community(user, community: Region) -> bool:
    """Community staff of that community, street staff of its street, district staff of its district, admins."""
    if is_admin(user):
        return True
    level = staff_level(user)
    if level is None or community is None:
        return False
    rid = user.region_id
    if level == "community":
        return community.id == rid
    street = community.parent if community.level == "community" else community
    if level == "street":
        return community.id == rid or street.id == rid
    if level == "district":
        return street.parent_id == rid
    return False


def manages_street(user, street: Region) -> bool:
    """Street staff of that street (and admins): the points scheme and the 三色研判 are the street's."""
    if is_admin(user):
        return True
    return staff_level(user) == "street" and user.region_id == street.id


def works_in_community(user, community: Region) -> bool:
    """A grid worker staffing a grid of the community (records wishes on a resident's behalf)."""
    if not (user and user.is_authenticated and user.role == Role.GRID_WORKER):
        return False
    from grids.selectors import grids_worked_by

    return grids_worked_by(user).filter(community_id=community.id).exists()


def manages_unit(user, unit) -> bool:
    """May open and end the unit's logins: see ``selectors.managed_units``."""
    from .selectors import managed_units

    return unit is not None and managed_units(user).filter(pk=unit.pk).exists()
