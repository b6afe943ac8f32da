"""The dashboard API: scope, figures, access, bad input (the assessment API's own tests: tests/assessment)."""

from __future__ import annotations

import pytest

from cases.services import case_transition
from tests.cases.helpers import file_case


@pytest.mark.parametrize("persona", ["grid_worker", "liaison", "outsider"])
def test_api_is_for_centre_staff(world, api, persona):
    for url in ["/api/v1/dashboard/counters/", "/api/v1/dashboard/grids/", "/api/v1/dashboard/assessment/"]:
        assert api(persona).get(url).status_code == 403, url
    assert api(None).get("/api/v1/dashboard/counters/").status_code in (401, 403)


def test_counters_and_grids_in_scope(world, api):
    a = file_case(world, code="0101")
    b = file_case(world, code="0101", grid=world.grid_b, actor=world.outsider)
    case_transition(case_id=b.id, action="accept", actor=world.street_officer)
    body = api("street_officer").get("/api/v1/dashboard/counters/").json()
    assert body["new"] == 1 and body["awaiting_dispatch"] == 1
    body = api("community_officer").get("/api/v1/dashboard/counters/").json()
    assert body["new"] == 1 and body["awaiting_dispatch"] == 0
    grids = api("community_b_officer").get("/api/v1/dashboard/grids/").json()
    assert grids == [{"id": world.grid_b.id, "code": "XG-02-01", "name": "关城一网格", "open": 1, "overdue": 0}]
    assert a.id
