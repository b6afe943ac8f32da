"""The schema declares what the API really answers (schemathesis checks it on the demo's rows in
tests/api/test_contract.py, on PostgreSQL; these pin the fields it found, on every database)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def components(world):
    return APIClient().get("/api/schema/?format=json").json()["components"]["schemas"]


def nullable(prop: dict) -> bool:
    return prop.get("nullable") is True


def allows_blank(components: dict, prop: dict) -> bool:
    refs = [r["$ref"].rsplit("/", 1)[1] for r in prop.get("oneOf", []) if "$ref" in r]
    return any("" in components[name].get("enum", []) for name in refs)


@pytest.mark.parametrize("component", ["CaseList", "CaseDetail"])
def test_a_case_without_grid_community_or_handler_region_is_declared(components, component):
    props = components[component]["properties"]
    for name in ("grid", "community", "handler_region"):
        assert nullable(props[name]), name


def test_case_detail_nullable_references_and_nested_rows(components):
    props = components["CaseDetail"]["properties"]
    assert nullable(props["reporter"]) and nullable(props["merged_into"]) and nullable(props["clock_rule"])
    assert props["hold_requests"]["type"] == "array"
    dispatch = components["Dispatch"]["properties"]
    assert all(nullable(dispatch[n]) for n in ("department", "grid", "region"))
    assert allows_blank(components, dispatch["return_reason"])


def test_a_summons_without_an_extension_request_answers_a_blank_status_that_is_declared(components):
    assert allows_blank(components, components["Summons"]["properties"]["extension_status"])


def test_a_notice_without_a_case_and_a_whistle_without_its_blower(components):
    assert nullable(components["Notice"]["properties"]["case_number"])
    assert nullable(components["WhistleRef"]["properties"]["blown_by"])
