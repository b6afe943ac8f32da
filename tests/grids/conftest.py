"""Fixtures of the grids tests: a dedicated (school) grid drawn inside grid A."""

from __future__ import annotations

import pytest

from grids.choices import GridKind
from grids.models import Grid
from tests.factories.world import rect


@pytest.fixture
def school_grid(world) -> Grid:
    """A 0.002° square inside grid A (98.29–98.30, 39.77–39.78), around (39.775, 98.295)."""
    return Grid.objects.create(
        code="XG-01-S1", name="雄关小学专属网格", kind=GridKind.SCHOOL, community=world.community,
        boundary=rect(98.294, 39.774, 0.002),
    )  # fmt: skip
