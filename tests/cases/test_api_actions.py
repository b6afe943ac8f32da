"""Case-bound endpoints: detail, transitions (409/403/404/400 shapes), events, evidence, allowed actions,
staff rating, duplicates."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, CaseEvent, Evidence, Rating

from .helpers import file_case, photo
from .setups import SETUPS, home

URL = "/api/v1/cases/"


def tr(case, action: str) -> str:
    return f"{URL}{case.id}/transitions/{action}/"


# --- detail ----------------------------------------------------------------------------------------------


def test_detail_shows_the_case_with_dispatches_and_evidence(api, world):
    case = SETUPS["b_dispatched"](home(world))
    data = api("street_officer").get(f"{URL}{case.id}/").json()
    assert (data["number"], data["status"], data["status_label"], data["level_label"]) == (
        case.number,
        "dispatched",
        "待签收",
        "街道",
    )
    assert [(d["department"], d["active"]) for d in data["dispatches"]] == [("城管执法", True)]
    assert data["handler_kind"] == "departments"


def test_out_of_scope_and_missing_cases_answer_the_same_404(api, world):
    case = file_case(world)
    outsider = api("outsider")
    hidden = outsider.get(f"{URL}{case.id}/")
    missing = outsider.get(f"{URL}{case.id + 1000}/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    for path in ("events/", "allowed-actions/"):
        assert outsider.get(f"{URL}{case.id}/{path}").status_code == 404


# --- transitions --------------------------------------------------------------------------------------------


def test_transition_returns_the_updated_case(api, world):
    case = SETUPS["b_accepted"](home(world))
    resp = api("street_officer").post(tr(case, "dispatch"), {"departments": [world.departments["cgzf"].id]})
    assert resp.status_code == 200, resp.json()
    data = resp.json()
    assert (data["status"], data["dispatch_count"]) == ("dispatched", 1)
    assert data["dispatches"][0]["department"] == "城管执法"


def test_state_conflict_is_409_with_detail_and_code_naming_who_was_first(api, world):
    case = SETUPS["b_dispatched"](home(world))
    resp = api("street_officer_2").post(tr(case, "dispatch"), {"departments": [world.departments["zj"].id]})
    assert resp.status_code == 409
    assert resp.json()["code"] == "state"
    assert "已由郑街道" in resp.json()["detail"] and "无需重复操作" in resp.json()["detail"]
    assert case.events.filter(action="dispatch").count() == 1


def test_not_entitled_is_403_with_the_reason(api, world):
    case = SETUPS["b_reported"](home(world))
    resp = api("community_officer").post(tr(case, "accept"), {})
    assert resp.status_code == 403
    assert resp.json() == {"detail": "事件由街道级办理，需由街道综治中心处理", "code": "permission"}


@pytest.mark.parametrize(
    ("action", "payload", "code"),
    [
        ("self_handle", {}, "note_required"),
        ("dispatch", {}, "target"),
        ("dispatch", {"departments": ["x"]}, None),
        ("dispatch", {"departments": [999999]}, "department"),
        ("merge", {"into": "NOPE-1"}, "into"),
        ("escalate", {"note": "x", "to_grid": "maybe"}, None),
        ("teleport", {}, "unknown_action"),
        ("whistle", {"note": "吹"}, "use_whistle_api"),
    ],
)
def test_invalid_input_is_400_and_changes_nothing(api, world, action, payload, code):
    case = SETUPS["a_reported"](home(world)) if action != "dispatch" else SETUPS["b_accepted"](home(world))
    before = (case.status, case.events.count())
    resp = api("admin" if action != "self_handle" else "grid_worker").post(tr(case, action), payload, format="json")
    assert resp.status_code == 400, resp.json()
    if code:
        assert resp.json()["code"] == code
    case.refresh_from_db()
    assert (case.status, case.events.count()) == before


def test_resolve_with_photos_in_multipart(api, world):
    case = SETUPS["b_in_progress"](home(world))
    resp = api("liaison").post(
        tr(case, "resolve"), {"note": "已拆除", "files": [photo("after.jpg", color="white")]}, format="multipart"
    )
    assert resp.status_code == 200, resp.json()
    ev = CaseEvent.objects.get(case=case, action="resolve")
    assert [(e.stage, e.original_name) for e in ev.evidence.all()] == [("resolution", "after.jpg")]


def test_a_refused_file_refuses_the_transition(api, world):
    case = SETUPS["b_in_progress"](home(world))
    bad = SimpleUploadedFile("after.jpg", b"just text, not a photo", content_type="image/jpeg")
    resp = api("liaison").post(tr(case, "resolve"), {"note": "已拆除", "files": [bad]}, format="multipart")
    assert resp.status_code == 400
    assert "after.jpg" in resp.json()["detail"]
    case.refresh_from_db()
    assert case.status == "in_progress" and not case.events.filter(action="resolve").exists()


def test_multipart_departments_list_and_final_ruling(api, world):
    case = SETUPS["b_accepted"](home(world))
    resp = api("street_officer").post(
        tr(case, "dispatch"),
        {"departments": [world.departments["cgzf"].id, world.departments["zj"].id], "final_ruling": "true"},
        format="multipart",
    )
    assert resp.status_code == 200, resp.json()
    assert resp.json()["return_blocked"] is True
    assert sorted(d["department"] for d in resp.json()["dispatches"]) == ["住建", "城管执法"]


# --- events (read-only) -----------------------------------------------------------------------------------


def test_events_list_the_audit_trail_oldest_first(api, world):
    case = SETUPS["b_in_progress"](home(world))
    events = api("street_officer").get(f"{URL}{case.id}/events/").json()["results"]
    assert [(e["action"], e["from_status"], e["to_status"]) for e in events] == [
        ("report", "", "reported"),
        ("accept", "reported", "accepted"),
        ("dispatch", "accepted", "dispatched"),
        ("sign", "dispatched", "in_progress"),
    ]
    assert events[3]["actor"] == "城管联络员" and events[3]["actor_role"] == "城管执法联络员"
    assert events[0]["action_label"] == "登记上报" and events[1]["action_label"] == "受理"


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_events_cannot_be_written_through_the_api(api, world, method):
    case = SETUPS["b_dispatched"](home(world))
    before = list(case.events.values_list("id", "note"))
    resp = getattr(api("admin"), method)(f"{URL}{case.id}/events/", {"note": "x"}, format="json")
    assert resp.status_code == 405
    assert list(case.events.values_list("id", "note")) == before


# --- evidence ---------------------------------------------------------------------------------------------


def test_evidence_upload_is_an_internal_note_event_with_the_files(api, world):
    case = SETUPS["b_dispatched"](home(world))
    resp = api("liaison").post(f"{URL}{case.id}/evidence/", {"files": [photo("scene.jpg")]}, format="multipart")
    assert resp.status_code == 201, resp.json()
    ev = resp.json()
    assert (ev["action"], ev["public"]) == ("note", False)
    assert ev["note"].startswith("补充佐证材料")
    assert [e["original_name"] for e in ev["evidence"]] == ["scene.jpg"]
    assert Evidence.objects.get(case=case).event_id == ev["id"]
    case.refresh_from_db()
    assert case.status == "dispatched"


def test_public_evidence_is_a_comment_and_appears_on_the_citizen_timeline(api, world, client):
    case = SETUPS["b_dispatched"](home(world))
    resp = api("street_officer").post(
        f"{URL}{case.id}/evidence/", {"files": [photo()], "note": "现场照片", "public": "true"}, format="multipart"
    )
    assert resp.status_code == 201 and resp.json()["action"] == "comment"
    public = client.get(f"/api/v1/public/cases/{case.follow_up_token}/").json()
    assert any(e["note"] == "现场照片" and e["evidence"] for e in public["events"])


def test_evidence_without_files_is_400_and_out_of_scope_is_404(api, world):
    case = SETUPS["b_dispatched"](home(world))
    assert api("liaison").post(f"{URL}{case.id}/evidence/", {"note": "x"}, format="multipart").status_code == 400
    resp = api("outsider").post(f"{URL}{case.id}/evidence/", {"files": [photo()]}, format="multipart")
    assert resp.status_code == 404
    assert not Evidence.objects.filter(case=case).exists()


# --- allowed actions -----------------------------------------------------------------------------------------


def _actions(resp) -> dict[str, dict]:
    assert resp.status_code == 200
    return {a["action"]: a for a in resp.json()}


def test_allowed_actions_say_who_may_press_what_and_why_not(api, world):
    case = SETUPS["a_reported"](home(world))
    mine = _actions(api("grid_worker").get(f"{URL}{case.id}/allowed-actions/"))
    assert mine["self_handle"]["allowed"] and mine["accept"]["allowed"]
    assert "dispatch" not in mine  # not applicable in this status
    theirs = _actions(api("community_officer").get(f"{URL}{case.id}/allowed-actions/"))
    assert theirs["self_handle"] == {
        "action": "self_handle",
        "label": "自行处置",
        "allowed": False,
        "reason": "只有本网格的网格员可以当场处置",
    }
    assert theirs["accept"]["allowed"]


def test_allowed_actions_agree_with_what_the_transition_endpoint_does(api, world):
    case = SETUPS["b_dispatched"](home(world))
    for persona in ("liaison", "street_officer", "grid_worker"):
        offered = _actions(api(persona).get(f"{URL}{case.id}/allowed-actions/"))
        # the liaison may sign; the others are not offered 签收 at all (nothing was dispatched to them)
        assert offered.get("sign", {}).get("allowed", False) is (persona == "liaison")
    assert api("street_officer").post(tr(case, "sign"), {}).status_code == 403
    assert api("liaison").post(tr(case, "sign"), {}).status_code == 200


# --- staff rating ----------------------------------------------------------------------------------------


def test_staff_record_one_follow_up_rating(api, world):
    case = SETUPS["a_closed"](home(world))
    resp = api("street_officer").post(f"{URL}{case.id}/rating/", {"result": "basic", "comment": "电话回访"})
    assert resp.status_code == 201
    assert resp.json() == {**resp.json(), "result": "basic", "comment": "电话回访", "by_citizen": False}
    assert Rating.objects.get(case=case).recorded_by_id == world.street_officer.id
    again = api("district_officer").post(f"{URL}{case.id}/rating/", {"result": "satisfied"})
    assert (again.status_code, again.json()["code"]) == (409, "already_rated")


def test_rating_an_open_case_is_409_and_a_bad_result_400(api, world):
    case = SETUPS["a_reported"](home(world))
    assert api("street_officer").post(f"{URL}{case.id}/rating/", {"result": "satisfied"}).status_code == 409
    closed = SETUPS["a_closed"](home(world))
    assert api("street_officer").post(f"{URL}{closed.id}/rating/", {"result": "meh"}).status_code == 400
    assert api("part_timer").post(f"{URL}{closed.id}/rating/", {"result": "satisfied"}).status_code == 403
    assert not Rating.objects.exists()


# --- duplicates -------------------------------------------------------------------------------------------


def test_duplicates_are_nearby_open_same_category_cases_in_scope(api, world):
    near_a = file_case(world, lat=39.775, lng=98.2985)
    near_b = file_case(world, actor=world.outsider, grid=world.grid_b, lat=39.775, lng=98.3005)
    file_case(world, code="0102", lat=39.775, lng=98.2985)  # another category
    far_away = file_case(world, lat=39.779, lng=98.291)
    closed = SETUPS["a_closed"](home(world))
    Case.objects.filter(pk=closed.pk).update(lat=39.775, lng=98.299)
    query = f"{URL}duplicates/?category=0101&lat=39.775&lng=98.299"
    assert {c["id"] for c in api("street_officer").get(query).json()} == {near_a.id, near_b.id}
    assert {c["id"] for c in api("grid_worker").get(query).json()} == {near_a.id}  # grid B is not theirs
    by_grid = api("grid_worker").get(f"{URL}duplicates/?category=0101&grid={world.grid_a.id}&exclude={near_a.id}")
    assert {c["id"] for c in by_grid.json()} == {far_away.id}


def test_duplicates_need_a_category_and_a_place(api, world):
    client = api("street_officer")
    assert client.get(f"{URL}duplicates/?lat=39.7&lng=98.2").status_code == 400
    assert client.get(f"{URL}duplicates/?category=0101").status_code == 400
    assert client.get(f"{URL}duplicates/?category=0101&lat=39.7").status_code == 400


def test_an_escalation_from_a_level_the_case_has_left_is_409_stale_and_climbs_nothing(api, world):
    case = file_case(world)
    officer = api("community_officer")
    body = {"note": "网格无法处置", "from_level": "grid"}
    assert officer.post(tr(case, "escalate"), body, format="json").status_code == 200

    again = officer.post(tr(case, "escalate"), body, format="json")

    assert again.status_code == 409 and again.json()["code"] == "stale"
    case.refresh_from_db()
    assert (case.level, case.escalation_count) == ("community", 1)
    without = officer.post(tr(case, "escalate"), {"note": "社区也无法处置"}, format="json")
    assert without.status_code == 200  # a client that says nothing keeps the old behaviour
