"""The API's error answers keep the documented shape: ``{detail, code}`` (+ ``errors`` for validation), JSON
404 for unknown paths, 401 with ``WWW-Authenticate`` for anonymous calls, documented 4xx on every operation,
and strict booleans."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient


def test_a_validation_error_has_detail_code_and_the_fields(world, api):
    response = api("grid_worker").post("/api/v1/cases/", {"title": ""}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"] and "category" in body["errors"]


def test_a_404_has_detail_and_code(world, api):
    response = api("street_officer").get("/api/v1/regions/999999/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_api_paths_answer_json_404(world, method):
    client = Client()
    client.force_login(world.street_officer)
    response = getattr(client, method)("/api/v1/no-such-thing/42/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_anonymous_api_calls_answer_401_with_www_authenticate(world):
    response = APIClient().get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert response.json()["code"] == "not_authenticated"


def test_every_operation_documents_its_error_answers(world):
    schema = APIClient().get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/"):
            continue  # the 12345 exchange documents its own answers
        for method, operation in operations.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                assert {"400", "401", "403", "404"} <= set(operation["responses"]), (method, path)
    assert schema["components"]["schemas"]["ApiError"]["required"] == ["detail", "code"]


@pytest.mark.parametrize("value", ["244", "maybe"])
def test_an_invalid_boolean_filter_is_refused(world, api, value):
    response = api("street_officer").get(f"/api/v1/categories/?active={value}")
    assert response.status_code == 400
    assert "active" in response.json()["errors"]


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("false", False), ("1", True), ("", None)])
def test_valid_boolean_filters_still_work(world, api, value, expected):
    from governance.models import Category

    response = api("street_officer").get(f"/api/v1/categories/?active={value}&page_size=500")
    assert response.status_code == 200
    rows = response.json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    if expected is None:
        assert len(rows) == Category.objects.count()
    else:
        assert len(rows) == Category.objects.filter(active=expected).count()
