"""Grid admin: pages load, boundaries are validated, seats go through the staffing service with form errors."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.choices import Role
from governance.models import User
from grids.choices import StaffRole
from grids.models import Grid, GridAssignment
from grids.selectors import grids_worked_by
from tests.factories.world import rect


@pytest.mark.parametrize("model", ["grid", "gridassignment"])
def test_changelist_add_and_change_pages_load(web, world, model):
    client = web("admin")
    assert client.get(reverse(f"admin:grids_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:grids_{model}_add")).status_code == 200
    obj = world.grid_a if model == "grid" else world.grid_a.assignments.first()
    assert client.get(reverse(f"admin:grids_{model}_change", args=[obj.pk])).status_code == 200


@pytest.fixture
def newcomer(world) -> User:
    return User.objects.create_user(username="xinren01", role=Role.GRID_WORKER, full_name="钱新人")


def grid_form(grid: Grid | None, community, *, boundary=None, seats=(), new=()) -> dict:
    """POST data of the grid change form: ``seats`` are existing assignments (with changes), ``new`` are added rows."""
    data = {
        "code": grid.code if grid else "XG-01-05",
        "name": grid.name if grid else "新网格",
        "kind": "community",
        "community": community.pk,
        "boundary": json.dumps(boundary if boundary is not None else (grid.boundary if grid else rect(98.5, 39.7))),
        "households": 100,
        "population": 300,
        "party_branch": "",
        "active": "on",
    }
    rows = [*seats, *new]
    data.update(
        {
            "assignments-TOTAL_FORMS": len(rows),
            "assignments-INITIAL_FORMS": len(seats),
            "assignments-MIN_NUM_FORMS": 0,
            "assignments-MAX_NUM_FORMS": 1000,
        }
    )
    for i, row in enumerate(rows):
        prefix = f"assignments-{i}-"
        for key, value in row.items():
            data[prefix + key] = value
        if grid:
            data[prefix + "grid"] = grid.pk
    return data


def existing(seat: GridAssignment, **changes) -> dict:
    row = {
        "id": seat.pk, "user": seat.user_id, "role": seat.role, "source": seat.source,
        "source_organisation": seat.source_organisation_id or "", "started_on": seat.started_on.isoformat(),
        "ended_on": "",
    }  # fmt: skip
    row.update(changes)
    return row


def new_seat(user: User, role: str) -> dict:
    return {"id": "", "user": user.pk, "role": role, "source": "other", "source_organisation": "",
            "started_on": timezone.localdate().isoformat(), "ended_on": ""}  # fmt: skip


def change_url(grid: Grid) -> str:
    return reverse("admin:grids_grid_change", args=[grid.pk])


def test_a_bad_boundary_is_a_form_error(web, world):
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    response = web("admin").post(reverse("admin:grids_grid_add"), grid_form(None, world.community, boundary=bowtie))
    assert response.status_code == 200
    assert "边界不是有效多边形" in response.content.decode()
    assert not Grid.objects.filter(code="XG-01-05").exists()


def test_a_feature_can_be_pasted_as_the_boundary(web, world):
    feature = {"type": "Feature", "properties": {}, "geometry": rect(98.5, 39.7)}
    response = web("admin").post(reverse("admin:grids_grid_add"), grid_form(None, world.community, boundary=feature))
    assert response.status_code == 302
    grid = Grid.objects.get(code="XG-01-05")
    assert grid.boundary["type"] == "Polygon" and grid.min_lng == 98.5


def test_adding_a_seat_in_the_inline_grants_the_grid(web, world, newcomer):
    seats = [existing(s) for s in world.grid_a.assignments.order_by("pk")]
    data = grid_form(world.grid_a, world.community, seats=seats, new=[new_seat(newcomer, StaffRole.PART_TIME_WORKER)])
    response = web("admin").post(change_url(world.grid_a), data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert list(grids_worked_by(newcomer)) == [world.grid_a]


def test_a_second_active_leader_in_the_inline_is_a_form_error_not_a_500(web, world, newcomer):
    seats = [existing(s) for s in world.grid_a.assignments.order_by("pk")]
    data = grid_form(world.grid_a, world.community, seats=seats, new=[new_seat(newcomer, StaffRole.GRID_LEADER)])
    response = web("admin").post(change_url(world.grid_a), data)
    assert response.status_code == 200
    assert "网格“雄关一网格”已有在岗网格长（李网格长），请先结束其任职" in response.content.decode()
    assert not GridAssignment.objects.filter(user=newcomer).exists()


def test_two_new_leaders_in_one_save_is_a_form_error(web, world, newcomer):
    other = User.objects.create_user(username="xinren02", role=Role.GRID_WORKER, full_name="孔二")
    rows = [new_seat(newcomer, StaffRole.GRID_LEADER), new_seat(other, StaffRole.GRID_LEADER)]
    data = grid_form(world.grid_b, world.community_b, seats=[existing(world.grid_b.assignments.get())], new=rows)
    response = web("admin").post(change_url(world.grid_b), data)
    assert response.status_code == 200
    assert "已有在岗网格长（钱新人）" in response.content.decode()
    assert not GridAssignment.objects.filter(role=StaffRole.GRID_LEADER, grid=world.grid_b).exists()


def test_ending_the_leader_and_seating_a_new_one_in_the_same_save_works(web, world, newcomer):
    seats = []
    for seat in world.grid_a.assignments.order_by("pk"):
        changes = {"ended_on": timezone.localdate().isoformat()} if seat.role == StaffRole.GRID_LEADER else {}
        seats.append(existing(seat, **changes))
    data = grid_form(world.grid_a, world.community, seats=seats, new=[new_seat(newcomer, StaffRole.GRID_LEADER)])
    response = web("admin").post(change_url(world.grid_a), data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    leader = GridAssignment.objects.get(grid=world.grid_a, role=StaffRole.GRID_LEADER, ended_on=None)
    assert leader.user == newcomer
    assert list(grids_worked_by(world.grid_leader)) == []  # staff_end revoked the old leader's permissions
    assert list(grids_worked_by(newcomer)) == [world.grid_a]


def test_existing_seats_can_only_be_ended_in_the_inline(web, world, newcomer):
    seat = world.grid_a.assignments.get(role=StaffRole.PART_TIME_WORKER)
    seats = [existing(s) for s in world.grid_a.assignments.order_by("pk") if s != seat]
    seats.append(existing(seat, user=newcomer.pk, role=StaffRole.GRID_LEADER))  # disabled fields: ignored
    data = grid_form(world.grid_a, world.community, seats=seats)
    assert web("admin").post(change_url(world.grid_a), data).status_code == 302
    seat.refresh_from_db()
    assert (seat.user, seat.role) == (world.part_timer, StaffRole.PART_TIME_WORKER)


def test_the_assignment_page_refuses_a_second_leader_as_a_form_error(web, world, newcomer):
    data = new_seat(newcomer, StaffRole.GRID_LEADER) | {"grid": world.grid_a.pk}
    response = web("admin").post(reverse("admin:grids_gridassignment_add"), data)
    assert response.status_code == 200
    assert "已有在岗网格长（李网格长）" in response.content.decode()

    data["grid"] = world.grid_b.pk
    assert web("admin").post(reverse("admin:grids_gridassignment_add"), data).status_code == 302
    assert list(grids_worked_by(newcomer)) == [world.grid_b]


def test_the_assignment_page_ends_a_seat_through_the_service(web, world):
    seat = world.grid_b.assignments.get()
    data = existing(seat, ended_on=timezone.localdate().isoformat()) | {"grid": world.grid_b.pk}
    response = web("admin").post(reverse("admin:grids_gridassignment_change", args=[seat.pk]), data)
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.ended_on == timezone.localdate() and list(grids_worked_by(world.outsider)) == []
