"""The rules in force and the filing categories are cached (every filing reads them); a change applies at once:
a revised rule, a new rule, a deactivated or renamed category — each save replaces the cache's generation."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from governance.choices import Level
from governance.models import JurisdictionRule
from governance.selectors import filing_category, rule_for
from governance.services import jurisdiction_rule_revise
from tests.cases.helpers import file_case


def test_a_second_read_costs_no_query_and_a_revision_is_seen_at_once(world):
    category = world.categories["0101"]
    first = rule_for(category=category, level=Level.GRID)
    with CaptureQueriesContext(connection) as ctx:
        assert rule_for(category=category, level=Level.GRID).pk == first.pk
    assert ctx.captured_queries == []
    revised = jurisdiction_rule_revise(rule=first, handling_limit=first.handling_limit + 1)
    assert rule_for(category=category, level=Level.GRID).pk == revised.pk
    case = file_case(world)
    assert case.rule_id == revised.pk


def test_a_level_default_is_replaced_by_a_new_category_rule_at_once(world):
    category = world.categories["0101"]
    level = Level.DISTRICT
    before = rule_for(category=category, level=level)
    assert before is None or before.category_id != category.id
    created = JurisdictionRule.objects.create(
        category=category, level=level, handler_kind="department", accept_limit=1, handling_limit=2
    )
    assert rule_for(category=category, level=level).pk == created.pk


def test_a_deactivated_category_cannot_be_filed_any_more(world):
    category = world.categories["0101"]
    assert filing_category("0101") == category
    category.active = False
    category.save()
    assert filing_category("0101") is None
    client = APIClient()
    client.force_authenticate(world.grid_worker)
    body = {"category": "0101", "title": "t", "description": "d", "address": "a", "grid": world.grid_a.id}
    resp = client.post("/api/v1/cases/", body, format="json")
    assert resp.status_code == 400 and "category" in resp.json()["errors"]
    category.active = True
    category.name = "暴露垃圾（新名）"
    category.save()
    assert filing_category("0101").name == "暴露垃圾（新名）"
    assert client.post("/api/v1/cases/", body, format="json").status_code == 201


def test_a_category_code_that_is_a_major_class_or_unknown_is_refused(world):
    client = APIClient()
    client.force_authenticate(world.grid_worker)
    major = world.categories["0101"].parent.code
    for code in (major, "9999", "", 101.5, ["0101"]):
        body = {"category": code, "title": "t", "description": "d", "address": "a", "grid": world.grid_a.id}
        assert client.post("/api/v1/cases/", body, format="json").status_code == 400, code
