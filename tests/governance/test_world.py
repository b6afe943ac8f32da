"""The shared test world builds, and its staffing grants the grid permissions."""

from grids.selectors import grids_worked_by


def test_world_grid_worker_works_only_in_grid_a(world):
    assert list(grids_worked_by(world.grid_worker)) == [world.grid_a]
    assert list(grids_worked_by(world.outsider)) == [world.grid_b]
    assert list(grids_worked_by(world.street_officer)) == []
