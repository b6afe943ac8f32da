"""The grid map's shapes are drawn once per set of boundaries (``escalation.grid_map.shapes_for``): the counts
change every poll, the boundaries almost never. What is kept must be exactly what would be drawn afresh, and a
changed boundary must be drawn again."""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

import pytest

from escalation import grid_map


def square(lng: float, lat: float, size: float = 0.01) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]],
    }


def cells_for(boundaries, opens=None):
    opens = opens or [0] * len(boundaries)
    return [
        SimpleNamespace(id=i + 1, code=f"G{i}", name=f"网格{i}", boundary=b, open=n, overdue=0, community="社区")
        for i, (b, n) in enumerate(zip(boundaries, opens, strict=True))
    ]


def paths(svg: str) -> dict[int, str]:
    return {int(g): d for g, d in re.findall(r'data-grid="(\d+)"><path class="[^"]*" d="([^"]+)"', svg)}


@pytest.fixture(autouse=True)
def empty_drawings():
    grid_map._SHAPES.clear()
    yield
    grid_map._SHAPES.clear()


@pytest.fixture
def draws(monkeypatch):
    calls = []
    real = grid_map.draw_shapes

    def counting(boundaries, width, max_height):
        calls.append(len(boundaries))
        return real(boundaries, width, max_height)

    monkeypatch.setattr(grid_map, "draw_shapes", counting)
    return calls


def test_a_path_is_the_equirectangular_projection_of_its_ring():
    """An oracle written apart from the module: x = lng·cos(φ₀), y = −lat, scaled into 330 units with 6 of
    padding; two squares side by side, so the scale is set by the width."""
    a, b = square(116.30, 39.90), square(116.31, 39.90)
    svg = str(grid_map.grid_map_svg(cells_for([a, b]), href=lambda c: "#"))
    k = math.cos(math.radians(39.905))
    scale = (330 - 12) / (0.02 * k)

    def point(lng, lat):
        return f"{(lng - 116.30) * k * scale + 6:.1f},{(39.91 - lat) * scale + 6:.1f}"

    ring = a["coordinates"][0]
    assert paths(svg)[1] == "M" + " L".join(point(lng, lat) for lng, lat in ring) + " Z"


def test_the_same_boundaries_are_drawn_once_and_the_counts_still_change(draws):
    boundaries = [square(116.30 + i * 0.01, 39.90) for i in range(4)]
    first = str(grid_map.grid_map_svg(cells_for(boundaries, [0, 1, 2, 3]), href=lambda c: "#"))
    again = str(grid_map.grid_map_svg(cells_for(boundaries, [5, 0, 0, 9]), href=lambda c: "#"))
    assert draws == [4]  # the second map reused the shapes
    assert paths(again) == paths(first)
    assert re.findall(r'class="map-count"[^>]*>([\d/]+)<', again) == ["5/0", "0/0", "0/0", "9/0"]
    grid_map._SHAPES.clear()
    assert str(grid_map.grid_map_svg(cells_for(boundaries, [5, 0, 0, 9]), href=lambda c: "#")) == again


def test_a_changed_boundary_is_drawn_again(draws):
    boundaries = [square(116.30 + i * 0.01, 39.90) for i in range(3)]
    before = paths(str(grid_map.grid_map_svg(cells_for(boundaries), href=lambda c: "#")))
    moved = [*boundaries[:2], square(116.33, 39.90)]  # an edited grid: a new boundary object (a new stored text)
    after = paths(str(grid_map.grid_map_svg(cells_for(moved), href=lambda c: "#")))
    assert draws == [3, 3]
    assert after[3] != before[3]
    assert after == paths(str(grid_map.grid_map_svg(cells_for([dict(b) for b in moved]), href=lambda c: "#")))


def test_a_kept_drawing_of_other_objects_under_the_same_ids_is_not_used(draws):
    """The key is the boundaries' identities; an entry also holds the objects it was drawn from and is used only
    when they are the very same ones (an id may be reused once its object is gone)."""
    boundaries = [square(116.30, 39.90), square(116.31, 39.90)]
    key = (330, 420, *map(id, boundaries))
    stale = grid_map.draw_shapes([square(100.0, 20.0), square(100.5, 20.0)], 330, 420)
    grid_map._SHAPES[key] = stale
    draws.clear()
    svg = str(grid_map.grid_map_svg(cells_for(boundaries), href=lambda c: "#"))
    assert draws == [2]
    assert grid_map._SHAPES[key].boundaries[0] is boundaries[0]
    assert paths(svg) == paths(str(grid_map.grid_map_svg(cells_for([dict(b) for b in boundaries]), href=lambda c: "#")))


def test_grids_without_a_boundary_are_left_out_and_the_drawings_kept_are_bounded(draws):
    cells = cells_for([square(116.30, 39.90), None, square(116.31, 39.90)])
    assert set(paths(str(grid_map.grid_map_svg(cells, href=lambda c: "#")))) == {1, 3}
    for i in range(grid_map._SHAPES_KEPT + 10):
        grid_map.grid_map_svg(cells_for([square(100 + i, 30.0)]), href=lambda c: "#")
    assert len(grid_map._SHAPES) == grid_map._SHAPES_KEPT
