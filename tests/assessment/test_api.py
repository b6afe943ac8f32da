"""The assessment API: raw counts, rates and every scheme's composite; bad input is a 400."""

from __future__ import annotations

import pytest
import time_machine

from tests.assessment.test_assessment import build_scenarios
from tests.cases.helpers import at


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
