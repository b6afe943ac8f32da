"""1+1+N staffing: one active leader and one active full-time worker per grid, held by the service and the database."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import NotAllowed
from governance.choices import Role
from governance.models import User
from grids.choices import StaffRole
from grids.models import GridAssignment
from grids.selectors import grids_worked_by
from grids.services import staff_assign, staff_end


@pytest.fixture
def newcomer(world) -> User:
    return User.objects.create_user(username="xinren01", role=Role.GRID_WORKER, full_name="钱新人")


def test_second_active_leader_is_refused_with_a_clear_message_and_nothing_written(world, newcomer):
    before = GridAssignment.objects.count()
    with pytest.raises(NotAllowed) as exc:
        staff_assign(grid=world.grid_a, user=newcomer, role=StaffRole.GRID_LEADER)
    assert exc.value.message == "网格“雄关一网格”已有在岗网格长（李网格长），请先结束其任职"
    assert exc.value.code == "seat_taken"
    assert GridAssignment.objects.count() == before
    assert list(grids_worked_by(newcomer)) == []
    assert not User.objects.get(pk=newcomer.pk).has_perm("grids.work_in_grid", world.grid_a)


def test_second_full_time_worker_is_refused(world, newcomer):
    with pytest.raises(NotAllowed, match="已有在岗专职网格员（王网格）"):
        staff_assign(grid=world.grid_a, user=newcomer, role=StaffRole.FULL_TIME_WORKER)


def test_many_part_time_workers_are_fine_but_one_person_sits_once_per_grid(world, newcomer):
    staff_assign(grid=world.grid_a, user=newcomer, role=StaffRole.PART_TIME_WORKER)
    with pytest.raises(NotAllowed, match="已在网格“雄关一网格”任职"):
        staff_assign(grid=world.grid_a, user=newcomer, role=StaffRole.PART_TIME_WORKER)
    assert GridAssignment.objects.filter(grid=world.grid_a, role=StaffRole.PART_TIME_WORKER, ended_on=None).count() == 2


def test_ending_the_leader_then_assigning_a_new_one_works_and_moves_the_permissions(world, newcomer):
    seat = GridAssignment.objects.get(grid=world.grid_a, role=StaffRole.GRID_LEADER, ended_on=None)
    staff_end(assignment=seat, ended_on=timezone.localdate())
    assert list(grids_worked_by(world.grid_leader)) == []

    new_seat = staff_assign(grid=world.grid_a, user=newcomer, role=StaffRole.GRID_LEADER)
    assert new_seat.is_active and list(grids_worked_by(newcomer)) == [world.grid_a]
    assert GridAssignment.objects.filter(grid=world.grid_a, role=StaffRole.GRID_LEADER).count() == 2


def test_ending_twice_is_refused(world):
    seat = GridAssignment.objects.get(grid=world.grid_b, user=world.outsider)
    staff_end(assignment=seat)
    with pytest.raises(NotAllowed):
        staff_end(assignment=seat)


def test_database_refuses_a_second_active_leader_when_the_service_is_bypassed(world, newcomer):
    with pytest.raises(IntegrityError), transaction.atomic():
        GridAssignment.objects.create(grid=world.grid_a, user=newcomer, role=StaffRole.GRID_LEADER)
    assert GridAssignment.objects.filter(grid=world.grid_a, role=StaffRole.GRID_LEADER).count() == 1


def test_database_refuses_the_same_person_twice_active_on_a_grid(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        GridAssignment.objects.create(grid=world.grid_a, user=world.part_timer, role=StaffRole.PART_TIME_WORKER)


def test_database_allows_an_ended_leader_beside_the_active_one(world, newcomer):
    GridAssignment.objects.create(
        grid=world.grid_a, user=newcomer, role=StaffRole.GRID_LEADER, started_on=date(2025, 1, 1),
        ended_on=date(2025, 12, 31),
    )  # fmt: skip
    assert GridAssignment.objects.filter(grid=world.grid_a, role=StaffRole.GRID_LEADER).count() == 2
