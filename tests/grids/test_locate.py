"""Locating a point in a grid: inside, outside, on the edge, and a dedicated grid inside a community grid."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from grids.geo import GeometryError, validate_boundary
from grids.models import Grid
from grids.selectors import locate_grid


def test_point_inside_a_grid_is_located(world):
    assert locate_grid(lat=39.775, lng=98.292) == world.grid_a
    assert locate_grid(lat=39.775, lng=98.305) == world.grid_b


def test_point_outside_every_grid_is_none(world):
    assert locate_grid(lat=39.70, lng=98.20) is None
    assert locate_grid(lat=39.775, lng=98.325) is None  # inside no box at all
    assert locate_grid(lat=39.7801, lng=98.295) is None  # just north of grid A


def test_point_on_the_edge_belongs_to_the_grid(world):
    assert locate_grid(lat=39.775, lng=98.29) == world.grid_a  # west edge
    assert locate_grid(lat=39.77, lng=98.295) == world.grid_a  # south edge
    assert locate_grid(lat=39.77, lng=98.29) == world.grid_a  # corner


def test_a_point_on_the_edge_shared_by_two_grids_goes_to_the_lower_code(world):
    shared = world.grid_b.boundary["coordinates"][0][0][0]  # grid B's west edge is grid A's east edge
    assert locate_grid(lat=39.775, lng=shared) == world.grid_a


def test_a_dedicated_grid_inside_a_community_grid_wins(world, school_grid):
    assert locate_grid(lat=39.775, lng=98.295) == school_grid
    assert locate_grid(lat=39.772, lng=98.292) == world.grid_a  # in grid A, outside the school


def test_inactive_grids_are_not_located(world, school_grid):
    school_grid.active = False
    school_grid.save()
    assert locate_grid(lat=39.775, lng=98.295) == world.grid_a


def test_locate_can_be_restricted_to_some_grids(world, school_grid):
    among = Grid.objects.filter(pk=world.grid_b.pk)
    assert locate_grid(lat=39.775, lng=98.295, among=among) is None


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Point", "coordinates": [98.3, 39.7]}, "Polygon 或 MultiPolygon"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "不是有效多边形"),
        ({"type": "Polygon", "coordinates": [[[39.7, 198.2], [39.8, 198.2], [39.8, 198.3], [39.7, 198.2]]]}, "超出"),
        ({"type": "Polygon", "coordinates": "nope"}, "坐标格式错误"),
        ("not a dict", "GeoJSON"),
    ],
)
def test_bad_boundaries_are_refused_with_a_reason(geometry, message):
    with pytest.raises(GeometryError, match=message):
        validate_boundary(geometry)


def test_grid_clean_refuses_a_bad_boundary_and_a_non_community_parent(world):
    grid = Grid(code="X", name="X", community=world.street, boundary={"type": "Point", "coordinates": [0, 0]})
    with pytest.raises(ValidationError) as exc:
        grid.full_clean()
    assert set(exc.value.message_dict) == {"boundary", "community"}
