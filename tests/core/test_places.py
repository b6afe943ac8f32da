"""One map from a region level to the case column holding the case's region at that level."""

from __future__ import annotations

import pytest

from core.places import PLACE_COLUMN, place_at, place_column
from governance.choices import Level


def test_every_level_above_the_grid_has_a_place_column():
    assert {Level.COMMUNITY, Level.STREET, Level.DISTRICT, Level.CITY} == set(PLACE_COLUMN)
    assert place_column(Level.STREET) == "street_id"
    assert place_column(Level.CITY) == "district__parent_id"
    assert place_column("grid") is None


@pytest.mark.parametrize(
    ("level", "expected"), [("community", 1), ("street", 2), ("district", 3), ("city", 4), ("grid", None)]
)
def test_place_at_reads_the_level_column_of_a_values_row(level, expected):
    row = {"community_id": 1, "street_id": 2, "district_id": 3, "district__parent_id": 4}

    assert place_at(row, level) == expected
