"""Cases in every workflow state, built through the real services, at "home" (grid A of 雄关街道) or "far"
(a grid in a second district, outside the scope of every test persona except admin).

A ``Place`` names who works there: the grid's worker, the street centre officer, the department
cases are dispatched to and its liaison. Each setup returns a fresh case in one state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from cases.models import Case
from cases.services import case_transition
from governance.choices import RegionLevel, Role
from governance.models import Department, Region, User
from grids.choices import StaffRole, StaffSource
from grids.models import Grid
from grids.services import staff_assign
from tests.factories.world import PASSWORD, World, rect

from .helpers import file_case


@dataclass
class Place:
    world: World
    grid: Grid
    worker: User  # staffs ``grid``
    officer: User  # street centre staff over ``grid``
    department: Department  # where grade-B cases are dispatched
    liaison: User  # liaison of ``department``


def home(world: World) -> Place:
    return Place(world, world.grid_a, world.grid_worker, world.street_officer, world.departments["cgzf"], world.liaison)


def far(world: World) -> Place:
    """A second district (under the same city) with one street, community, grid and its people; built once."""
    existing = Grid.objects.filter(code="YJ-01-01").select_related("community").first()
    if existing is None:
        district = Region.objects.create(name="远郊区", code="620202", level=RegionLevel.DISTRICT, parent=world.city)
        street = Region.objects.create(
            name="远郊街道", code="620202001", level=RegionLevel.STREET, parent=district, case_prefix="YJ"
        )
        community = Region.objects.create(
            name="远郊社区", code="620202001001", level=RegionLevel.COMMUNITY, parent=street
        )
        existing = Grid.objects.create(
            code="YJ-01-01", name="远郊一网格", community=community, boundary=rect(98.50, 39.90), households=100
        )
        worker = User.objects.create_user(
            username="far_worker", password=PASSWORD, role=Role.GRID_WORKER, full_name="远网格"
        )
        staff_assign(grid=existing, user=worker, role=StaffRole.FULL_TIME_WORKER, source=StaffSource.COMMUNITY_STAFF)
        User.objects.create_user(
            username="far_officer", password=PASSWORD, role=Role.CENTRE_STAFF, full_name="远街道", region=street
        )
        dept = Department.objects.create(name="远郊城管", code="far_cg", region=district)
        User.objects.create_user(
            username="far_liaison", password=PASSWORD, role=Role.LIAISON, full_name="远郊联络员", department=dept
        )
    return Place(
        world,
        existing,
        User.objects.get(username="far_worker"),
        User.objects.get(username="far_officer"),
        Department.objects.get(code="far_cg"),
        User.objects.get(username="far_liaison"),
    )


PLACES: dict[str, Callable[[World], Place]] = {"home": home, "far": far}


def act(case: Case, action: str, actor: User, **kw) -> Case:
    if action in {
        "reject",
        "return_request",
        "return_reject",
        "resolve",
        "self_handle",
        "hold",
        "hold_request",
        "hold_refuse",
        "verify_failed",
        "reopen",
        "escalate",
    }:
        kw.setdefault("note", f"{action} 说明")
    if action == "extension_request":
        kw.setdefault("note", "需要更多时间")
    return case_transition(case_id=case.id, action=action, actor=actor, **kw)


# --- one setup per state --------------------------------------------------------------------------


def a_reported(p: Place) -> Case:
    """Grade A (暴露垃圾), reported at grid level, held by the grid team."""
    return file_case(p.world, code="0101", actor=p.worker, grid=p.grid)


def b_reported(p: Place) -> Case:
    """Grade B (违法搭建), reported at street level, in the street centre's queue."""
    return file_case(p.world, code="0202", actor=p.worker, grid=p.grid, title="违法搭建")


def b_accepted(p: Place) -> Case:
    return act(b_reported(p), "accept", p.officer)


def b_dispatched(p: Place) -> Case:
    return act(b_accepted(p), "dispatch", p.officer, departments=[p.department.id])


def b_in_progress(p: Place) -> Case:
    return act(b_dispatched(p), "sign", p.liaison)


def b_ext_pending(p: Place) -> Case:
    case = b_in_progress(p)
    return act(case, "extension_request", p.liaison, requested_due_at=case.due_at + timedelta(days=5))


def b_return_pending(p: Place) -> Case:
    """The department asked to return the case (申请退单); the street has not decided yet."""
    return act(b_dispatched(p), "return_request", p.liaison, reason="not_in_remit")


def b_hold_pending(p: Place) -> Case:
    """The department asked to hold the case (申请挂账) with an expected resume time; not decided yet."""
    case = b_in_progress(p)
    return act(case, "hold_request", p.liaison, hold_until=case.due_at + timedelta(days=10))


def b_on_hold(p: Place) -> Case:
    """The department's hold request approved by the street: the clock pauses."""
    return act(b_hold_pending(p), "hold_approve", p.officer)


def b_resolved(p: Place) -> Case:
    return act(b_in_progress(p), "resolve", p.liaison)


def b_returned(p: Place) -> Case:
    """Dispatched to the department, returned on its request: accepted again, the department still sees it."""
    return act(b_return_pending(p), "return", p.officer)


def a_resolved(p: Place) -> Case:
    return act(a_reported(p), "self_handle", p.worker)


def a_closed(p: Place) -> Case:
    return act(a_resolved(p), "verify_ok", p.officer)


def b_rejected(p: Place) -> Case:
    return act(b_reported(p), "reject", p.officer)


def a_merged(p: Place) -> Case:
    target = a_reported(p)
    return act(a_reported(p), "merge", p.worker, into=target.number)


SETUPS: dict[str, Callable[[Place], Case]] = {
    f.__name__: f
    for f in [
        a_reported,
        b_reported,
        b_accepted,
        b_dispatched,
        b_in_progress,
        b_ext_pending,
        b_return_pending,
        b_hold_pending,
        b_on_hold,
        b_resolved,
        b_returned,
        a_resolved,
        a_closed,
        b_rejected,
        a_merged,
    ]
}

#: Setups after which the place's department has been dispatched (its liaison sees the case).
DEPARTMENT_SEES = {
    "b_dispatched",
    "b_in_progress",
    "b_ext_pending",
    "b_return_pending",
    "b_hold_pending",
    "b_on_hold",
    "b_resolved",
    "b_returned",
}

#: One case per status, for "disallowed from here" tests.
BY_STATUS = {
    "reported": a_reported,
    "accepted": b_accepted,
    "dispatched": b_dispatched,
    "in_progress": b_in_progress,
    "on_hold": b_on_hold,
    "resolved": a_resolved,
    "closed": a_closed,
    "rejected": b_rejected,
    "merged": a_merged,
}
