"""A point filed with a chosen grid (or community) must lie in it: a latitude of −45 never files into a
Jiayuguan grid. GPS drift of a few metres across an edge is accepted (GRID_LOCATION_TOLERANCE_M)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from cases.models import Case
from cases.services import case_file
from core.errors import InvalidInput

# grid A (雄关一网格) is the 0.01° square from (98.29, 39.77); grid B is east of it (tests/factories/world.py).
INSIDE_A = (39.775, 98.295)


def file(world, *, grid=None, community=None, lat, lng, actor=None):
    return case_file(
        actor=actor or world.grid_worker,
        category=world.categories["0101"],
        title="垃圾",
        description="路边垃圾",
        address="东门",
        grid=grid,
        community=community,
        lat=lat,
        lng=lng,
    )


def test_a_point_inside_the_chosen_grid_files(world):
    assert file(world, grid=world.grid_a, lat=INSIDE_A[0], lng=INSIDE_A[1]).grid == world.grid_a


@pytest.mark.parametrize(("lat", "lng"), [(-45.0, 98.295), (39.775, 120.0), (39.80, 98.295), (0.0, 0.0)])
def test_a_point_outside_the_chosen_grid_is_refused_and_nothing_is_filed(world, lat, lng):
    with pytest.raises(InvalidInput) as err:
        file(world, grid=world.grid_a, lat=lat, lng=lng)
    assert err.value.code == "coordinates" and "雄关一网格" in err.value.message
    assert not Case.objects.exists()


def test_gps_drift_just_over_the_edge_is_accepted(world):
    # about 100 m north of grid A's northern edge (39.78)
    assert file(world, grid=world.grid_a, lat=39.7809, lng=98.295).grid == world.grid_a


def test_the_tolerance_is_a_setting(world):
    with override_settings(GRID_LOCATION_TOLERANCE_M=10), pytest.raises(InvalidInput):
        file(world, grid=world.grid_a, lat=39.7809, lng=98.295)


def test_a_point_outside_the_chosen_community_is_refused(world):
    with pytest.raises(InvalidInput):
        file(world, community=world.community, lat=-45.0, lng=98.295, actor=world.street_officer)
    assert not Case.objects.exists()


def test_the_api_answers_400_for_a_point_outside_the_grid(world, api):
    data = {"category": "0101", "title": "垃圾", "description": "路边", "address": "东门", "grid": world.grid_a.id}
    response = api("grid_worker").post("/api/v1/cases/", {**data, "lat": -45, "lng": 98.295}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "coordinates"


def test_the_public_api_answers_400_for_a_point_outside_the_grid(world):
    cache.clear()
    data = {"category": "0101", "title": "垃圾", "description": "路边", "address": "东门", "grid": world.grid_a.id}
    response = APIClient().post("/api/v1/public/cases/", {**data, "lat": -45, "lng": 98.295}, format="json")
    assert response.status_code == 400
    assert not Case.objects.exists()
