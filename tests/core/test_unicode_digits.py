"""Unicode digits: ``str.isdigit()`` is True for "²" (and other digits) that ``int()`` refuses, so the old
``x.isdigit() → int(x)`` guards let them through to a ValueError — a 500, on public pages too. Every id and
number parameter now goes through ``core.hostile_input.whole_number`` (ASCII digits, at most 18)."""

from __future__ import annotations

import pytest
from django.test import Client

from core.hostile_input import whole_number
from tests.cases.helpers import file_case

SUP2 = "%C2%B2"  # "²" URL-encoded: not a control character, so the hostile-input middleware lets it in

URLS = [
    (None, f"/wishes/?community={SUP2}"),
    (None, f"/yishi/?community={SUP2}"),
    (None, f"/api/v1/public/wishes/?community={SUP2}"),
    (None, f"/api/v1/public/topics/?community={SUP2}"),
    ("grid_worker", f"/cases/new/?house={SUP2}"),
    ("grid_worker", f"/cases/new/duplicates/?category={SUP2}&grid=1"),
    ("grid_worker", f"/residents/visits/new/?plan={SUP2}"),
    ("grid_worker", f"/residents/diary/new/?visit={SUP2}"),
    ("admin", f"/residents/?grid={SUP2}"),
    ("admin", f"/api/v1/mediation/disputes/{SUP2}/"),
    ("street_officer", f"/api/v1/cases/?page_size={SUP2}"),
    ("street_officer", f"/dashboard/?page={SUP2}"),
    ("street_officer", f"/dashboard/?after=null~{SUP2}"),
]


@pytest.mark.parametrize("persona,url", URLS)
def test_a_unicode_digit_in_an_id_or_number_parameter_is_not_a_500(world, persona, url):
    file_case(world)
    client = Client(raise_request_exception=False)
    if persona:
        client.force_login(world.users[persona])
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)


@pytest.mark.parametrize("url", [f"/api/v1/notices/{SUP2}/read/", f"/api/v1/hotline-orders/{SUP2}/place/"])
def test_a_unicode_digit_as_an_api_id_is_a_404(world, url):
    client = Client(raise_request_exception=False)
    client.force_login(world.street_officer)
    response = client.post(url, {})
    assert response.status_code == 404, (url, response.status_code)


def test_merging_into_a_unicode_digit_is_a_400_and_changes_nothing(world):
    from rest_framework.test import APIClient

    from cases.models import Case
    from tests.cases.setups import SETUPS, home

    case = SETUPS["a_reported"](home(world))
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user=world.grid_worker)
    resp = client.post(f"/api/v1/cases/{case.id}/transitions/merge/", {"into": "²"}, format="json")
    assert resp.status_code == 400, resp.status_code
    assert resp.json()["code"] == "into"
    assert Case.objects.get(pk=case.pk).status == "reported"


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("12", 12),
        (" 7 ", 7),
        (0, 0),
        (42, 42),
        ("0012", 12),
        ("9" * 18, 10**18 - 1),
        ("9" * 19, None),  # no id column holds it
        ("²", None),
        ("١٢", None),  # Arabic-Indic digits: int() would read them, the URL did not mean them
        ("-1", None),
        ("1.0", None),
        ("", None),
        (None, None),
        (True, None),
        (1.5, None),
        ([1], None),
    ],
)
def test_whole_number_takes_ascii_digits_only(raw, expected):
    assert whole_number(raw) == expected
