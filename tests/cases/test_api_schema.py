"""The cases endpoints are all in the OpenAPI schema, with request and response bodies, and the schema of
the cases API validates without a single warning (``spectacular --validate --fail-on-warn``)."""

from __future__ import annotations

import yaml
from django.core.management import call_command
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS

#: A URLconf with only the cases API, for a schema whose warnings are ours alone.
urlpatterns = [path("api/v1/", include("cases.api.urls"))]

EXPECTED = {
    "/api/v1/cases/": {"get", "post"},
    "/api/v1/cases/{id}/": {"get"},
    "/api/v1/cases/{id}/transitions/{transition}/": {"post"},
    "/api/v1/cases/{id}/events/": {"get"},
    "/api/v1/cases/{id}/evidence/": {"post"},
    "/api/v1/cases/{id}/allowed-actions/": {"get"},
    "/api/v1/cases/{id}/rating/": {"post"},
    "/api/v1/cases/duplicates/": {"get"},
    "/api/v1/public/cases/": {"post"},
    "/api/v1/public/cases/{token}/": {"get"},
    "/api/v1/public/cases/{token}/rating/": {"post"},
    "/api/v1/auth/token/": {"post"},
}


def _schema(tmp_path, urlconf: str | None) -> dict:
    out = tmp_path / "schema.yml"
    GENERATOR_STATS.reset()
    args = ["spectacular", "--validate", "--file", str(out)]
    if urlconf:
        args += ["--fail-on-warn", "--urlconf", urlconf]
    call_command(*args)
    return yaml.safe_load(out.read_text(encoding="utf-8"))


def test_cases_api_schema_validates_without_warnings(tmp_path):
    schema = _schema(tmp_path, "tests.cases.test_api_schema")
    paths = schema["paths"]
    assert {p: set(ops) - {"parameters"} for p, ops in paths.items()} == EXPECTED
    for p, ops in paths.items():
        for method, op in ops.items():
            assert op.get("summary"), (p, method)
            assert any(code.startswith("2") and "content" in resp for code, resp in op["responses"].items()), (
                p,
                method,
            )
            if method == "post":
                assert "requestBody" in op, p
    transitions = paths["/api/v1/cases/{id}/transitions/{transition}/"]["post"]
    enum = next(p for p in transitions["parameters"] if p["name"] == "transition")["schema"]["enum"]
    assert "dispatch" in enum and "whistle" not in enum
    assert {"401", "403", "404", "409", "400"} <= set(transitions["responses"])
    report = paths["/api/v1/public/cases/"]["post"]
    assert report.get("security") in (None, [], [{}])  # no credentials needed


def test_cases_endpoints_are_in_the_project_schema(tmp_path):
    paths = _schema(tmp_path, None)["paths"]
    assert set(EXPECTED) <= set(paths)
