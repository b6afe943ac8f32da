"""GET requests with a date outside the years 2000–2100 (the edge of the calendar: 0001-01-01, 9999-12-30) is a
400 error document naming the field — public, no key needed (the 90-day window arithmetic overflowed: a 500)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start_date=9999-12-30", "start_date"),  # end = start + 90 days overflowed
        ("end_date=0001-01-05", "end_date"),  # start = end - 90 days overflowed
        ("start_date=0001-01-01", "start_date"),  # the window reached year 0 in UTC in the query
        ("end_date=0001-01-01T00:00:00%2B14:00", "end_date"),
        ("start_date=1999-12-31", "start_date"),
        ("end_date=2101-01-01", "end_date"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_date_outside_the_years_2000_to_2100_is_a_400_error_document(world, query, field, fmt):
    response = Client(raise_request_exception=False).get(f"/open311/v2/requests.{fmt}?{query}")
    assert response.status_code == 400, (query, response.status_code)
    if fmt == "json":
        [error] = response.json()
        assert error["code"] == 400
        assert field in error["description"]
    else:
        assert b"<errors><error><code>400</code>" in response.content


@pytest.mark.parametrize("query", ["start_date=2000-01-01", "end_date=2100-12-31", "start_date=2100-12-31"])
def test_a_date_at_the_ends_of_the_years_2000_to_2100_is_searched(world, query):
    response = Client(raise_request_exception=False).get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 200, (query, response.content)
    assert response.json() == []
