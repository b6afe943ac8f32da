"""The grids API: grids, GeoJSON, locate and staffing, each scoped per persona (out of scope is 404)."""

from __future__ import annotations

import pytest

GRID_SCOPE = {
    "admin": {"XG-01-01", "XG-02-01"},
    "district_officer": {"XG-01-01", "XG-02-01"},
    "street_officer": {"XG-01-01", "XG-02-01"},
    "other_street_officer": set(),
    "community_officer": {"XG-01-01"},
    "community_b_officer": {"XG-02-01"},
    "grid_worker": {"XG-01-01"},
    "grid_leader": {"XG-01-01"},
    "outsider": {"XG-02-01"},
    "liaison": set(),
}


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


@pytest.mark.parametrize("persona", sorted(GRID_SCOPE))
def test_grid_list_is_the_personas_scope(api, persona):
    assert codes(api(persona).get("/api/v1/grids/")) == GRID_SCOPE[persona]


@pytest.mark.parametrize("persona", sorted(GRID_SCOPE))
def test_grid_detail_is_200_in_scope_and_404_outside(api, world, persona):
    client = api(persona)
    for grid in (world.grid_a, world.grid_b):
        expected = 200 if grid.code in GRID_SCOPE[persona] else 404
        assert client.get(f"/api/v1/grids/{grid.pk}/").status_code == expected, grid.code


def test_grid_detail_carries_its_geojson_boundary(api, world):
    body = api("grid_worker").get(f"/api/v1/grids/{world.grid_a.pk}/").json()
    assert body["boundary"] == world.grid_a.boundary
    assert (body["community_code"], body["households"], body["kind"]) == ("620201001001", 320, "community")


def test_geojson_endpoint_is_a_feature_collection_of_the_visible_grids(api, world):
    body = api("community_officer").get("/api/v1/grids/geojson/").json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in body["features"]] == ["XG-01-01"]
    feature = body["features"][0]
    assert feature["type"] == "Feature" and feature["geometry"] == world.grid_a.boundary
    assert feature["id"] == world.grid_a.pk and feature["properties"]["community_name"] == "雄关社区"
    admin = api("admin").get("/api/v1/grids/geojson/", {"community_code": "620201001002"}).json()
    assert [f["properties"]["code"] for f in admin["features"]] == ["XG-02-01"]


def test_grid_list_filters(api, school_grid):
    assert codes(api("admin").get("/api/v1/grids/", {"kind": "school"})) == {"XG-01-S1"}


@pytest.mark.parametrize(
    ("persona", "point", "expected"),
    [
        ("admin", (39.775, 98.292), 200),
        ("admin", (39.775, 98.305), 200),
        ("admin", (39.70, 98.20), 404),
        ("grid_worker", (39.775, 98.292), 200),
        ("grid_worker", (39.775, 98.305), 404),  # grid B exists but is not theirs
        ("liaison", (39.775, 98.292), 404),
    ],
)
def test_locate_finds_the_visible_grid_covering_a_point(api, persona, point, expected):
    response = api(persona).get("/api/v1/grids/locate/", {"lat": point[0], "lng": point[1]})
    assert response.status_code == expected


def test_locate_prefers_the_dedicated_grid_and_checks_its_input(api, school_grid):
    client = api("admin")
    assert client.get("/api/v1/grids/locate/", {"lat": 39.775, "lng": 98.295}).json()["code"] == "XG-01-S1"
    assert client.get("/api/v1/grids/locate/", {"lat": "north", "lng": 98.295}).status_code == 400
    assert client.get("/api/v1/grids/locate/", {"lat": 95, "lng": 98.295}).status_code == 400
    assert client.get("/api/v1/grids/locate/").status_code == 400


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", {("XG-01-01", "李网格长"), ("XG-01-01", "王网格"), ("XG-01-01", "赵兼职"), ("XG-02-01", "孙网格")}),
        ("grid_worker", {("XG-01-01", "李网格长"), ("XG-01-01", "王网格"), ("XG-01-01", "赵兼职")}),
        ("outsider", {("XG-02-01", "孙网格")}),
        ("community_b_officer", {("XG-02-01", "孙网格")}),
        ("liaison", set()),
        ("other_street_officer", set()),
    ],
)
def test_staffing_list_is_scoped(api, persona, expected):
    response = api(persona).get("/api/v1/staffing/")
    assert response.status_code == 200
    assert {(r["grid_code"], r["user_name"]) for r in response.json()["results"]} == expected


def test_staffing_detail_outside_scope_is_404_and_filters_work(api, world):
    seat = world.grid_b.assignments.get()
    assert api("grid_worker").get(f"/api/v1/staffing/{seat.pk}/").status_code == 404
    body = api("outsider").get(f"/api/v1/staffing/{seat.pk}/").json()
    assert (body["role"], body["role_display"], body["is_active"]) == ("full_time_worker", "专职网格员", True)
    leaders = api("admin").get("/api/v1/staffing/", {"role": "grid_leader", "active": "true"}).json()["results"]
    assert [r["user_name"] for r in leaders] == ["李网格长"]


def test_openapi_schema_of_these_endpoints_validates_without_warnings(capsys):
    """What ``spectacular --validate --fail-on-warn`` checks, limited to the governance and grids endpoints."""
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    patterns = [path("api/v1/", include("governance.api.urls")), path("api/v1/", include("grids.api.urls"))]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, capsys.readouterr().err
    assert {"/api/v1/grids/geojson/", "/api/v1/grids/locate/", "/api/v1/rules/{id}/"} <= set(schema["paths"])


@pytest.mark.parametrize("url", ["/api/v1/grids/", "/api/v1/staffing/", "/api/v1/grids/geojson/"])
def test_list_endpoints_use_a_constant_number_of_queries(api, world, url, django_assert_max_num_queries):
    from governance.choices import Role
    from governance.models import User
    from grids.choices import StaffRole
    from grids.models import Grid
    from grids.services import staff_assign

    client = api("street_officer")
    client.get(url)  # warm-up: content types, permissions
    for i in range(15):
        grid = Grid.objects.create(code=f"XG-05-{i:02d}", name=f"网格{i}", community=world.community)
        user = User.objects.create_user(username=f"q{i}", role=Role.GRID_WORKER)
        staff_assign(grid=grid, user=user, role=StaffRole.FULL_TIME_WORKER)
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200
