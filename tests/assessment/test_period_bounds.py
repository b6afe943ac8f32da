"""A period naming a day outside the years 2000–2100 (the edge of the calendar: 0001-01-01, 9999-12-31) is a
400 on the API, the page, the export and the chart — the next midnight or the previous period overflowed (a 500)."""

from __future__ import annotations

import pytest
from django.test import Client

PATHS = ["/api/v1/dashboard/assessment/", "/assessment/", "/assessment/export.csv", "/dashboard/charts/daily.svg"]


def _get(world, path: str, query: str):
    client = Client(raise_request_exception=False)
    client.force_login(world.street_officer)
    return client.get(f"{path}?{query}")


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
@pytest.mark.parametrize("path", PATHS)
def test_a_period_outside_the_years_2000_to_2100_is_refused(world, path, day):
    response = _get(world, path, f"from={day}&to={day}")
    assert response.status_code == 400, (path, day, response.status_code)
    if path.startswith("/api/"):
        assert response.json()["code"] == "date"


@pytest.mark.parametrize("query", ["to=0001-01-01", "from=9999-12-31"])
def test_one_bound_outside_the_years_is_refused_too(world, query):
    response = _get(world, "/api/v1/dashboard/assessment/", query)
    assert response.status_code == 400, (query, response.status_code)
    assert response.json()["code"] == "date"


@pytest.mark.parametrize("query", ["from=2000-01-01&to=2000-01-07", "from=2100-12-25&to=2100-12-31"])
@pytest.mark.parametrize("path", PATHS)
def test_a_period_at_the_ends_of_the_years_2000_to_2100_is_counted(world, path, query):
    assert _get(world, path, query).status_code == 200, (path, query)
