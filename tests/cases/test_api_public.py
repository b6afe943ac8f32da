"""Citizens without an account: report (rate limited per IP), follow by the private token (public events
only, offices instead of names), rate once."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from cases.models import Case, CaseEvent, Rating
from cases.services import case_transition

from .helpers import photo
from .setups import SETUPS, home

REPORT = "/api/v1/public/cases/"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def report(world, **extra) -> dict:
    return {
        "category": "0101",
        "title": "路边垃圾",
        "description": "路边有一堆垃圾",
        "address": "雄关一网格东门",
        "lat": 39.775,
        "lng": 98.295,
        "citizen_name": "李四",
        "citizen_phone": "13900001111",
        **extra,
    }


def test_citizen_reports_without_an_account_and_gets_a_follow_up_token(world):
    resp = APIClient().post(REPORT, report(world, files=[photo()]), format="multipart")
    assert resp.status_code == 201, resp.json()
    data = resp.json()
    case = Case.objects.get(number=data["number"])
    assert data["follow_up_token"] == case.follow_up_token
    assert data["follow_up_url"].endswith(f"/api/v1/public/cases/{case.follow_up_token}/")
    assert (case.channel, case.reporter_id, case.grid_id, case.citizen_phone) == (
        "citizen_web",
        None,
        world.grid_a.id,
        "13900001111",
    )
    ev = case.events.get()
    assert (ev.action, ev.actor_id, ev.actor_name, ev.actor_role) == ("report", None, "群众", "群众")
    assert case.evidence.count() == 1


def test_citizen_report_by_community_and_json(world):
    resp = APIClient().post(REPORT, report(world, lat=None, lng=None, community=world.community_b.id), format="json")
    assert resp.status_code == 201, resp.json()
    case = Case.objects.get(number=resp.json()["number"])
    assert (case.community_id, case.grid_id, case.level) == (world.community_b.id, None, "community")


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"lat": None, "lng": None}, "code"),  # nowhere to place it
        ({"category": "nope"}, "category"),
        ({"citizen_phone": "call me"}, "citizen_phone"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_citizen_report_is_400_and_files_nothing(world, change, key):
    resp = APIClient().post(REPORT, report(world, **change), format="json")
    assert resp.status_code == 400
    body = resp.json()  # {detail, code} (+ errors: {field: [...]} for field errors)
    assert key in body.get("errors", body)
    assert not Case.objects.exists()


def test_citizen_reports_are_rate_limited_per_ip(world):
    rates = {"DEFAULT_THROTTLE_RATES": {"citizen_report": "2/min"}}
    from django.conf import settings

    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, **rates}):
        client = APIClient(REMOTE_ADDR="10.0.0.7")
        assert client.post(REPORT, report(world), format="json").status_code == 201
        assert client.post(REPORT, report(world), format="json").status_code == 201
        third = client.post(REPORT, report(world), format="json", HTTP_X_FORWARDED_FOR="1.2.3.4")
        assert third.status_code == 429  # a forged X-Forwarded-For does not buy a new allowance
        assert "Retry-After" in third
        other = APIClient(REMOTE_ADDR="10.0.0.8")
        assert other.post(REPORT, report(world), format="json").status_code == 201
    assert Case.objects.count() == 3


def test_staff_endpoints_are_not_throttled_by_the_citizen_scope(world, api):
    from django.conf import settings

    rates = {"DEFAULT_THROTTLE_RATES": {"citizen_report": "1/min"}}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, **rates}):
        for _ in range(3):
            assert api("grid_worker").get("/api/v1/cases/").status_code == 200


# --- following and rating -------------------------------------------------------------------------------


@pytest.fixture
def followed(world):
    """A case taken through dispatch, an internal note, resolution and closure."""
    case = SETUPS["b_in_progress"](home(world))
    case_transition(case_id=case.id, action="note", actor=world.street_officer, note="内部：施工方是区领导亲戚")
    case_transition(case_id=case.id, action="resolve", actor=world.liaison, note="已拆除", files=[photo()])
    case_transition(case_id=case.id, action="verify_ok", actor=world.grid_worker)
    return Case.objects.get(pk=case.pk)


def test_public_timeline_shows_public_events_with_offices_not_names(world, followed):
    resp = APIClient().get(f"/api/v1/public/cases/{followed.follow_up_token}/")
    assert resp.status_code == 200
    data = resp.json()
    assert (data["number"], data["status"], data["rated"]) == (followed.number, "closed", False)
    actions = [e["action"] for e in data["events"]]
    assert actions == ["report", "accept", "dispatch", "sign", "resolve", "verify_ok"]
    assert [e["actor_role"] for e in data["events"]][1:4] == ["雄关街道综治中心", "雄关街道综治中心", "城管执法联络员"]
    text = resp.content.decode()
    for user in world.users.values():
        assert user.full_name not in text, user.full_name
    assert "内部" not in text and "citizen_phone" not in text and "13900001111" not in text
    resolve = next(e for e in data["events"] if e["action"] == "resolve")
    assert resolve["evidence"] and resolve["evidence"][0]["url"].startswith("/media/evidence/")


def test_unknown_token_is_404(world):
    assert APIClient().get("/api/v1/public/cases/not-a-token/").status_code == 404
    assert APIClient().post("/api/v1/public/cases/not-a-token/rating/", {"result": "satisfied"}).status_code == 404


def test_citizen_rates_once_through_the_link(world, followed):
    url = f"/api/v1/public/cases/{followed.follow_up_token}/rating/"
    resp = APIClient().post(url, {"result": "basic", "comment": "还可以"}, format="json")
    assert resp.status_code == 201, resp.json()
    assert resp.json()["rated"] is True
    rating = Rating.objects.get(case=followed)
    assert (rating.result, rating.comment, rating.recorded_by_id) == ("basic", "还可以", None)
    ev = CaseEvent.objects.get(case=followed, action="rate")
    assert (ev.actor_id, ev.actor_role) == (None, "群众")
    again = APIClient().post(url, {"result": "satisfied"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already_rated")


def test_unsatisfied_citizen_rating_reopens_the_case(world, followed):
    url = f"/api/v1/public/cases/{followed.follow_up_token}/rating/"
    resp = APIClient().post(url, {"result": "unsatisfied", "comment": "又堆上了"}, format="json")
    assert resp.status_code == 201
    followed.refresh_from_db()
    assert followed.status == "in_progress"
    assert list(followed.events.values_list("action", flat=True))[-2:] == ["rate", "reopen"]


def test_citizen_cannot_rate_before_closure(world):
    case = SETUPS["b_in_progress"](home(world))
    resp = APIClient().post(f"/api/v1/public/cases/{case.follow_up_token}/rating/", {"result": "satisfied"})
    assert resp.status_code == 409
    assert not Rating.objects.exists()


def test_the_token_is_not_shown_to_staff(api, world, followed):
    assert followed.follow_up_token not in api("admin").get(f"/api/v1/cases/{followed.id}/").content.decode()
