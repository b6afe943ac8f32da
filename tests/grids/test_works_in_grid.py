"""``works_in_grid`` (one statement, used by every filing) answers exactly what ``grids_worked_by`` answers: the
grids granted to the user, to one of their groups, every grid for a superuser, none for anyone else."""

from __future__ import annotations

from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm, remove_perm

from grids.models import Grid
from grids.selectors import grids_worked_by, works_in_grid


def _agrees(user) -> set[int]:
    expected = set(grids_worked_by(user).values_list("id", flat=True))
    for grid in Grid.objects.all():
        assert works_in_grid(user, grid.id) == (grid.id in expected), (user.username, grid.code)
    return expected


def test_the_same_answer_as_guardian_for_user_group_superuser_and_nobody(world):
    worker = world.grid_worker
    assert _agrees(worker) == {world.grid_a.id}
    assert _agrees(world.street_officer) == set()
    group = Group.objects.create(name="网格B支援组")
    worker.groups.add(group)
    assign_perm("grids.work_in_grid", group, world.grid_b)
    assert _agrees(worker) == {world.grid_a.id, world.grid_b.id}
    remove_perm("grids.work_in_grid", worker, world.grid_a)
    assert _agrees(worker) == {world.grid_b.id}
    assign_perm("grids.view_grid", worker, world.grid_a)  # another permission on the grid does not count
    assert _agrees(worker) == {world.grid_b.id}
    worker.is_superuser = True
    worker.save()
    assert _agrees(worker) == set(Grid.objects.values_list("id", flat=True))
    assert not works_in_grid(worker, 10**9)  # no such grid
