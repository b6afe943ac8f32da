"""Open311: a POST answers a token that ``GET tokens/{token}`` turns into the request id; ``api_key`` is optional
by default, required with OPEN311_REQUIRE_API_KEY, per client and revocable in the admin; a base URL with or
without a trailing slash works."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient

from cases.models import Case
from interop.models import Open311Client

FORM = {"service_code": "0101", "lat": 39.775, "long": 98.295, "description": "东门路边有垃圾"}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def post(data=None, *, base="/open311/v2/"):
    return APIClient().post(f"{base}requests.json", {**FORM, **(data or {})})


def test_post_answers_a_token_that_resolves_to_the_request_id(world):
    created = post().json()[0]
    assert created["token"] and created["service_request_id"] == Case.objects.get().number
    for fmt in ("json", "xml"):
        response = APIClient().get(f"/open311/v2/tokens/{created['token']}.{fmt}")
        assert response.status_code == 200
    assert APIClient().get(f"/open311/v2/tokens/{created['token']}.json").json() == [
        {"service_request_id": created["service_request_id"], "token": created["token"]}
    ]
    assert created["token"] != Case.objects.get().follow_up_token  # never the citizen's private link


@pytest.mark.parametrize("token", ["forged", "MQ:1abc:zzz", "%00"])
def test_an_unknown_or_forged_token_is_a_404_error_document(world, token):
    response = Client().get(f"/open311/v2/tokens/{token}.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_api_key_is_optional_by_default_but_a_sent_key_must_be_valid(world):
    assert post().status_code == 201
    assert post({"api_key": "nonsense"}).status_code == 403
    client = Open311Client.objects.create(name="随手拍 App")
    assert post({"api_key": client.api_key}).status_code == 201


@override_settings(OPEN311_REQUIRE_API_KEY=True)
def test_a_required_key_refuses_missing_and_revoked_keys(world):
    client = Open311Client.objects.create(name="12345 随手拍")
    missing = post()
    assert missing.status_code == 403 and "api_key" in missing.json()[0]["description"]
    assert post({"api_key": client.api_key}).status_code == 201
    client.active = False
    client.save()
    assert post({"api_key": client.api_key}).status_code == 403
    assert Case.objects.count() == 1


def test_each_client_gets_its_own_key_managed_in_the_admin(world):
    a, b = Open311Client.objects.create(name="A"), Open311Client.objects.create(name="B")
    assert a.api_key != b.api_key and len(a.api_key) >= 30
    admin = Client()
    admin.force_login(world.admin)
    page = admin.get("/admin/interop/open311client/")
    assert page.status_code == 200 and a.api_key in page.content.decode()


@pytest.mark.parametrize("base", ["/open311/v2/", "/open311/v2//"])
def test_a_base_url_with_or_without_a_trailing_slash_works(world, base):
    assert post(base=base).status_code == 201
    assert APIClient().get(f"{base}services.json").status_code == 200
    assert APIClient().get(f"{base}discovery.json").status_code == 200
