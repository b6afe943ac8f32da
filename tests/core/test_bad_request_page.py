"""A ``SuspiciousOperation`` answers 400 in its channel: the site's page, with the user's menu and the reason when
the reason was written for the user; JSON under the API. Django's own 400 page rendered without the request: no
menu, no user, and never the reason."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD


@pytest.fixture
def officer(world):
    client = Client(raise_request_exception=False)
    user = world.users["street_officer"]
    assert client.login(username=user.username, password=PASSWORD)
    return client, user


def test_a_control_character_in_a_page_query_is_the_400_page_with_the_menu_and_the_reason(officer):
    client, user = officer
    response = client.get("/cases/?q=%01")

    assert response.status_code == 400
    page = response.content.decode()
    assert "查询参数含有不允许的控制字符" in page  # RefusedInput: the reason is the user's
    assert user.display_name in page and 'class="site-user__name"' in page  # the menu, with who is logged in


def test_a_form_with_too_many_fields_is_the_400_page_with_the_menu_but_not_djangos_reason(officer, settings):
    client, user = officer
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post("/dashboard/", {f"f{i}": "x" for i in range(50)})

    assert response.status_code == 400
    page = response.content.decode()
    assert user.display_name in page
    assert "DATA_UPLOAD_MAX_NUMBER_FIELDS" not in page and "请返回上一页检查后重试" in page


def test_the_same_under_the_api_is_json(officer, settings):
    client, _user = officer
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post("/api/v1/cases/", {f"f{i}": "x" for i in range(50)})

    assert response.status_code == 400
    assert response.json()["code"] in ("bad_request", "parse_error", "invalid")


def test_an_anonymous_400_page_still_renders(world):
    response = Client(raise_request_exception=False).get("/track/?q=%01")
    assert response.status_code == 400
    assert "查询参数含有不允许的控制字符" in response.content.decode()
