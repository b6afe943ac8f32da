"""A jurisdiction rule whose limit the work calendar cannot place (saved before rules were bounded: 100,000 working
days, or two billion hours — past year 9999) makes filing a case of its category a refusal that names the rule:
the page comes back with everything typed, the API answers 400 with code ``rule_limit``, and nothing is stored.
It was a 500 (the clock's "no working time in the next ten years") or the bare "out of range" 400 page."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cases.models import Case
from governance.models import JurisdictionRule

UNPLACEABLE = [
    pytest.param(100_000, "working_days", id="100000-working-days"),
    pytest.param(2_000_000_000, "hours", id="past-year-9999"),
]


def _saved_before_the_bound(world, code: str, limit: int, unit: str) -> JurisdictionRule:
    """Written past the model's validation, as a rule stored before ``JurisdictionRule.clean`` bounded limits."""
    rule = JurisdictionRule.objects.get(category=world.categories[code], level="grid", valid_to=None)
    JurisdictionRule.objects.filter(pk=rule.pk).update(handling_limit=limit, handling_unit=unit)
    return rule


@pytest.mark.parametrize(("limit", "unit"), UNPLACEABLE)
def test_the_filing_page_refuses_with_the_rule_named_and_keeps_what_was_typed(web, world, limit, unit):
    _saved_before_the_bound(world, "0101", limit, unit)
    response = web("grid_worker").post(
        "/cases/new/",
        {
            "category": world.categories["0101"].pk,
            "title": "垃圾桶满溢无人清运",
            "description": "三号楼门口垃圾桶满溢两天",
            "grid": world.grid_a.pk,
            "address": "雄关路1号 3号楼东侧",
            "channel": "patrol",
            "file_anyway": "1",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "工作日历无法排定期限" in html and "0101" in html
    for typed in ("垃圾桶满溢无人清运", "三号楼门口垃圾桶满溢两天", "雄关路1号 3号楼东侧"):
        assert typed in html
    assert not Case.objects.exists()


@pytest.mark.parametrize(("limit", "unit"), UNPLACEABLE)
def test_the_api_answers_400_with_code_rule_limit(api, world, limit, unit):
    _saved_before_the_bound(world, "0101", limit, unit)
    client: APIClient = api("grid_worker")
    body = {
        "category": "0101",
        "title": "暴露垃圾",
        "description": "小区门口有暴露垃圾",
        "address": "雄关一网格 3 号楼",
        "grid": world.grid_a.id,
    }
    response = client.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "rule_limit"
    assert "工作日历无法排定期限" in response.json()["detail"]
    assert not Case.objects.exists()


def test_a_long_but_placeable_limit_still_files(web, world):
    """261 working days, the longest a rule may now set, is placed by the clock."""
    _saved_before_the_bound(world, "0101", 261, "working_days")
    response = web("grid_worker").post(
        "/cases/new/",
        {
            "category": world.categories["0101"].pk,
            "title": "暴露垃圾",
            "description": "小区门口有暴露垃圾",
            "grid": world.grid_a.pk,
            "address": "雄关一网格 3 号楼",
            "channel": "patrol",
            "file_anyway": "1",
        },
    )
    assert response.status_code == 302
    assert Case.objects.get().due_at is not None
