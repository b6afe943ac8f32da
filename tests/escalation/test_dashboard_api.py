"""The dashboard and assessment API: scope, figures, access, bad input."""

from __future__ import annotations

import pytest
import time_machine

from cases.services import case_transition
from tests.cases.helpers import at, file_case
from tests.cases.test_assessment import build_scenarios


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


@time_machine.travel(at(2026, 11, 23, 9, 0), tick=False)
def test_assessment_api_returns_raw_counts_rates_and_both_composites(world, api):
    build_scenarios(world)
    body = (
        api("street_officer")
        .get("/api/v1/dashboard/assessment/", {"from": "2026-11-16", "to": "2026-11-22", "by": "department"})
        .json()
    )
    assert body["period"] == {"from": "2026-11-16", "to": "2026-11-22"}
    assert body["total"]["received"] == 4 and body["total"]["rates"]["composite"] == pytest.approx(0.975)
    assert body["composites"]["beijing"] == pytest.approx(0.935)
    zj = next(r for r in body["rows"] if r["label"] == "住建")
    assert (zj["received"], zj["responded"], zj["due"], zj["completed"], zj["basic"]) == (1, 0, 1, 1, 1)
    assert body["indicators"]["rates"]["correct_dispatch"] == 0.5


def test_assessment_api_bad_input_is_400(world, api):
    client = api("street_officer")
    assert client.get("/api/v1/dashboard/assessment/", {"from": "2026-11-30", "to": "2026-11-01"}).status_code == 400
    assert client.get("/api/v1/dashboard/assessment/", {"by": "planet"}).status_code == 400
    assert client.get("/api/v1/dashboard/assessment/", {"scheme": "x"}).status_code == 400
