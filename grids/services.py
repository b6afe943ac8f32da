"""Writes of the grids app: staffing (1+1+N) and the object permissions it grants."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from core.errors import InvalidInput, NotAllowed
from governance.models import Organisation, User

from .choices import SINGLE_SEAT_ROLES, StaffRole, StaffSource
from .models import Grid, GridAssignment

GRID_PERMISSIONS = ("grids.view_grid", "grids.work_in_grid")


def staff_assign_check(*, grid: Grid, user: User, role: str, ending: Iterable[int] = ()) -> None:
    """Raise the error ``staff_assign`` would raise for this seat, without writing anything.

    ``ending`` holds ids of assignments that the same request is about to end (the admin
    ends the old leader and seats the new one in one save): their seats count as free.
    """
    if role not in StaffRole.values:
        raise InvalidInput(_("未知岗位：%(role)s") % {"role": role})
    active = GridAssignment.objects.filter(grid=grid, ended_on__isnull=True).exclude(pk__in=list(ending))
    if role in SINGLE_SEAT_ROLES:
        holder = active.filter(role=role).select_related("user").first()
        if holder is not None:
            raise NotAllowed(seat_taken_message(grid=grid, role=role, holder=holder.user), code="seat_taken")
    if active.filter(user=user).exists():
        raise NotAllowed(
            _("%(user)s 已在网格“%(grid)s”任职") % {"user": user, "grid": grid.name}, code="already_on_grid"
        )


def seat_taken_message(*, grid: Grid, role: str, holder: User) -> str:
    return _("网格“%(grid)s”已有在岗%(role)s（%(user)s），请先结束其任职") % {
        "grid": grid.name,
        "role": StaffRole(role).label,
        "user": holder,
    }


@transaction.atomic
def staff_assign(
    *,
    grid: Grid,
    user: User,
    role: str,
    source: str = StaffSource.OTHER,
    source_organisation: Organisation | None = None,
    started_on: date | None = None,
) -> GridAssignment:
    """Seat ``user`` on ``grid``'s team and grant the grid's object permissions.

    Refuses (NotAllowed, nothing written) a second active grid leader or full-time worker, and a
    person already active on the same grid. The database's partial unique index is the final
    word; the check before it only gives the clear message.
    """
    staff_assign_check(grid=grid, user=user, role=role)
    try:
        with transaction.atomic():
            assignment = GridAssignment.objects.create(
                grid=grid,
                user=user,
                role=role,
                source=source,
                source_organisation=source_organisation,
                started_on=started_on or timezone.localdate(),
            )
    except IntegrityError as exc:
        raise NotAllowed(_("该岗位已有人在岗"), code="seat_taken") from exc
    for perm in GRID_PERMISSIONS:
        assign_perm(perm, user, grid)
    return assignment


@transaction.atomic
def staff_end(*, assignment: GridAssignment, ended_on: date | None = None) -> GridAssignment:
    """End a seat; the person keeps the grid's permissions only if another active seat on it remains."""
    if assignment.ended_on is not None:
        raise NotAllowed(_("该任职已结束"), code="already_ended")
    ended_on = ended_on or timezone.localdate()
    if ended_on < assignment.started_on:
        raise InvalidInput(_("结束日期不能早于起始日期"))
    assignment.ended_on = ended_on
    assignment.save(update_fields=["ended_on"])
    still_there = GridAssignment.objects.filter(
        grid_id=assignment.grid_id, user_id=assignment.user_id, ended_on__isnull=True
    ).exists()
    if not still_there:
        for perm in GRID_PERMISSIONS:
            remove_perm(perm, assignment.user, assignment.grid)
    return assignment
