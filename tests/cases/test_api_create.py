"""POST /api/v1/cases/ (JSON or multipart), token and session authentication, CSRF for browser sessions."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.models import Case, CaseEvent, Evidence
from tests.factories.world import PASSWORD

from .helpers import photo

URL = "/api/v1/cases/"


def body(world, **extra) -> dict:
    return {
        "category": "0101",
        "title": "暴露垃圾",
        "description": "小区门口有暴露垃圾",
        "address": "雄关一网格 3 号楼",
        "grid": world.grid_a.id,
        **extra,
    }


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_token_client_files_json_and_channel_defaults_to_api(world):
    resp = token_client(world.grid_worker).post(URL, body(world), format="json")
    assert resp.status_code == 201, resp.json()
    data = resp.json()
    assert (data["number"], data["channel"], data["status"], data["level"]) == (
        "XG-2026-000001",
        "api",
        "reported",
        "grid",
    )
    assert data["grid"]["code"] == "XG-01-01" and data["category"]["code"] == "0101"
    case = Case.objects.get(pk=data["id"])
    assert (case.reporter_id, case.channel) == (world.grid_worker.id, "api")
    ev = case.events.get()
    assert (ev.action, ev.actor_id, ev.to_status) == ("report", world.grid_worker.id, "reported")


def test_session_client_files_multipart_with_photos_linked_to_the_report_event(api, world):
    payload = body(world, files=[photo("a.jpg"), photo("b.png", color="green", fmt="PNG")])
    resp = api("grid_worker").post(URL, payload, format="multipart")
    assert resp.status_code == 201, resp.json()
    data = resp.json()
    assert data["channel"] == "patrol"
    assert [(e["original_name"], e["content_type"]) for e in data["evidence"]] == [
        ("a.jpg", "image/jpeg"),
        ("b.png", "image/png"),
    ]
    report = CaseEvent.objects.get(case_id=data["id"], action="report")
    assert set(Evidence.objects.filter(case_id=data["id"]).values_list("event_id", flat=True)) == {report.id}


def test_explicit_channel_and_placing_by_point(api, world):
    resp = api("street_officer").post(
        URL, body(world, grid=None, lat=39.775, lng=98.305, channel="hotline"), format="json"
    )
    assert resp.status_code == 201, resp.json()
    assert (resp.json()["channel"], resp.json()["grid"]["id"]) == ("hotline", world.grid_b.id)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "9999"}, "category"),
        ({"category": "01"}, "category"),  # a major category is not fileable
        ({"title": ""}, "title"),
        ({"lat": 123.0, "lng": 98.3}, "lat"),
        ({"channel": "pigeon"}, "channel"),
        ({"grid": 999999}, "grid"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_files_nothing(api, world, change, field):
    resp = api("grid_worker").post(URL, body(world, **change), format="json")
    assert resp.status_code == 400
    assert field in resp.json()["errors"]  # {detail, code, errors: {field: [...]}}
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


def test_grid_worker_filing_outside_their_grid_gets_the_services_message(api, world):
    resp = api("grid_worker").post(URL, body(world, grid=world.grid_b.id), format="json")
    assert resp.status_code == 400
    assert resp.json()["code"] == "grid" and "关城一网格" in resp.json()["detail"]
    assert not Case.objects.exists()


def test_centre_staff_cannot_file_a_case_outside_their_region(api, world):
    resp = api("other_street_officer").post(URL, body(world), format="json")
    assert resp.status_code == 400
    assert resp.json()["code"] == "place"
    assert not Case.objects.exists()
    assert api("community_b_officer").post(URL, body(world), format="json").status_code == 400
    assert api("community_officer").post(URL, body(world), format="json").status_code == 201
    assert api("district_officer").post(URL, body(world), format="json").status_code == 201


def test_cases_cannot_be_updated_or_deleted_through_the_api(api, world):
    case_id = api("street_officer").post(URL, body(world), format="json").json()["id"]
    client = api("admin")
    for method in ("put", "patch", "delete"):
        resp = getattr(client, method)(f"{URL}{case_id}/", {"status": "closed"}, format="json")
        assert resp.status_code == 405
    assert Case.objects.get(pk=case_id).status == "reported"


# --- authentication ------------------------------------------------------------------------------------


def test_token_is_obtained_with_username_and_password(world):
    client = APIClient()
    resp = client.post("/api/v1/auth/token/", {"username": "wangge01", "password": PASSWORD}, format="json")
    assert resp.status_code == 200
    key = resp.json()["token"]
    assert Token.objects.get(user=world.grid_worker).key == key
    bad = client.post("/api/v1/auth/token/", {"username": "wangge01", "password": "nope"}, format="json")
    assert bad.status_code == 400 and "token" not in bad.json()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(URL).status_code == 200


def test_a_wrong_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert client.get(URL).status_code == 401


def test_browser_session_writes_need_the_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="wangge01", password=PASSWORD)
    assert client.get(URL).status_code == 200  # reads need no token
    refused = client.post(URL, body(world), format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert not Case.objects.exists()
    client.get("/accounts/login/")  # any page that renders a form sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    ok = client.post(URL, body(world), format="json", HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 201, ok.json()


def test_token_clients_need_no_csrf_token(world):
    client = token_client(world.grid_worker)
    client.handler.enforce_csrf_checks = True
    assert client.post(URL, body(world), format="json").status_code == 201
