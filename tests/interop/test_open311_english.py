"""Open311 in English (Accept-Language: en, or ?locale=en): service descriptions, the submission notice and every
error description a client can get — none left in Chinese."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from .test_open311 import BASE, IN_A, errors_of, form

HAN = re.compile(r"[\u4e00-\u9fff]")
NO_CODE = {k: v for k, v in form().items() if k != "service_code"}


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def english() -> APIClient:
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_service_descriptions_are_english(world):
    for sub in (world.categories["0101"], world.categories["0101"].parent):
        sub.name_en = {"0101": "Exposed rubbish", "01": "City appearance"}[sub.code]
        sub.save()
    services = {s["service_code"]: s for s in english().get(f"{BASE}services.json").json()}
    assert (
        services["0101"]["description"] == "City appearance / Exposed rubbish — Grade A (simple, handled by the grid)"
    )


def test_a_submission_notice_is_english(world):
    resp = english().post(f"{BASE}requests.json", form())
    assert resp.status_code == 201, resp.content
    notice = resp.json()[0]["service_notice"]
    assert notice.startswith("Your report has been received as case") and "Expected to be handled by" in notice
    assert not HAN.search(notice), notice


@pytest.mark.parametrize(
    ("method", "path", "data", "expected"),
    [
        ("post", "requests.json", form(lat=None, long=None), "A location is needed"),
        ("post", "requests.json", form(long=None), "lat and long must be given together"),
        ("post", "requests.json", form(service_code="9999"), "There is no service with the code “9999”"),
        ("post", "requests.json", form(lat=10.0, long=10.0), "is outside the grids this system serves"),
        (
            "post",
            "requests.json",
            {k: v for k, v in form().items() if k != "service_code"},
            "Please give a service_code",
        ),
        ("get", "requests.json", {"status": "pending"}, "status can only be open or closed"),
        ("get", "requests.json", {"start_date": "yesterday"}, "must be W3C (ISO 8601)"),
        ("get", "requests.json", {"start_date": "2026-01-01", "end_date": "2026-11-01"}, "longer than 90 days"),
        ("get", "requests.json", {"start_date": "2026-11-10", "end_date": "2026-11-01"}, "cannot be later than"),
        ("get", "requests/XG-2026-999999.json", {}, "There is no service request with the id"),
        ("get", "services/9999.json", {}, "There is no service with the code “9999”"),
        ("get", "nothing-here.json", {}, "There is no such Open311 endpoint"),
    ],
)
def test_errors_are_english(world, method, path, data, expected):
    data = {k: v for k, v in data.items() if v is not None}
    resp = getattr(english(), method)(f"{BASE}{path}", data)
    assert 400 <= resp.status_code < 500
    descriptions = [e["description"] for e in errors_of(resp, "json")]
    assert any(expected in d for d in descriptions), descriptions
    assert not any(HAN.search(d) for d in descriptions), descriptions


def test_chinese_stays_the_default(world):
    data = {k: v for k, v in form().items() if k != "long"}
    assert data["lat"] == IN_A["lat"]
    resp = APIClient().post(f"{BASE}requests.json", data)
    assert "lat 和 long 必须同时提供" in errors_of(resp, "json")[0]["description"]
