"""The summons API: scope (404), each action, domain errors as {"detail", "code"}, and the whistle endpoint."""

from __future__ import annotations

import time_machine

from cases.services import case_transition
from escalation.choices import SummonsStatus
from escalation.models import Summons, Whistle
from tests.cases.helpers import at, file_case, photo

from .whistle_helpers import T0, whistled_case


def test_liaison_lists_only_own_department_summonses(world, api):
    _case, _w, summons = whistled_case(world)
    with time_machine.travel(at(2026, 11, 18, 10, 5), tick=False):
        data = api("liaison").get("/api/v1/summonses/").json()
    assert [r["id"] for r in data["results"]] == [summons["cgzf"].id]
    row = data["results"][0]
    assert row["department"]["name"] == "城管执法" and row["status"] == "summoned"
    assert row["light"] == "green" and row["actions"] == ["report_in", "extension", "return"]
    assert [c["kind"] for c in row["countdowns"]] == ["report_in", "respond"]
    assert row["countdowns"][0]["seconds_left"] == 25 * 60


def test_centre_staff_list_summonses_of_their_scope_and_filter_by_status(world, api):
    _case, _w, summons = whistled_case(world)
    other_street = api("other_street_officer").get("/api/v1/summonses/").json()
    assert other_street["count"] == 0
    street = api("street_officer").get("/api/v1/summonses/").json()
    assert street["count"] == 2
    district = api("district_officer").get("/api/v1/summonses/").json()
    assert district["count"] == 2
    Summons.objects.filter(pk=summons["zj"].pk).update(status=SummonsStatus.REPORTED_IN)
    only = api("street_officer").get("/api/v1/summonses/?status=reported_in").json()
    assert [r["id"] for r in only["results"]] == [summons["zj"].id]
    assert api("street_officer").get("/api/v1/summonses/?status=bogus").status_code == 400


def test_liaison_of_another_department_gets_404_on_detail_and_actions(world, api):
    _case, _w, summons = whistled_case(world)
    sid = summons["cgzf"].id
    for persona in ("liaison_zj", "liaison_scjg", "outsider", "other_street_officer"):
        client = api(persona)
        assert client.get(f"/api/v1/summonses/{sid}/").status_code == 404, persona
        resp = client.post(f"/api/v1/summonses/{sid}/report-in/")
        assert resp.status_code == 404, persona
        assert "detail" in resp.json()
    assert Summons.objects.get(pk=sid).status == SummonsStatus.SUMMONED


def test_report_in_twice_is_409_with_detail_and_code(world, api):
    _case, _w, summons = whistled_case(world)
    sid = summons["cgzf"].id
    client = api("liaison")
    with time_machine.travel(at(2026, 11, 18, 10, 12), tick=False):
        first = client.post(f"/api/v1/summonses/{sid}/report-in/")
        second = client.post(f"/api/v1/summonses/{sid}/report-in/")
    assert first.status_code == 200 and first.json()["status"] == "reported_in"
    assert first.json()["reported_late"] is False
    assert second.status_code == 409
    assert second.json() == {"detail": "城管执法已由城管联络员于11-18 10:12报到，无需重复操作", "code": "state"}


def test_centre_staff_report_in_is_403(world, api):
    _case, _w, summons = whistled_case(world)
    resp = api("street_officer").post(f"/api/v1/summonses/{summons['cgzf'].id}/report-in/")
    assert resp.status_code == 403 and resp.json()["code"] == "permission"


def test_respond_multipart_with_files(world, api):
    case, _w, summons = whistled_case(world)
    sid = summons["cgzf"].id
    client = api("liaison")
    with time_machine.travel(at(2026, 11, 18, 10, 12), tick=False):
        client.post(f"/api/v1/summonses/{sid}/report-in/")
    with time_machine.travel(at(2026, 11, 18, 15), tick=False):
        resp = client.post(
            f"/api/v1/summonses/{sid}/respond/",
            {"text": "已责令停工", "files": [photo(), photo("b.jpg", "blue")]},
            format="multipart",
        )
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "responded" and resp.json()["response"] == "已责令停工"
    assert case.events.get(reason="summons_respond").evidence.count() == 2


def test_respond_without_text_is_400(world, api):
    _case, _w, summons = whistled_case(world)
    sid = summons["cgzf"].id
    client = api("liaison")
    client.post(f"/api/v1/summonses/{sid}/report-in/")
    resp = client.post(f"/api/v1/summonses/{sid}/respond/", {"text": ""}, format="json")
    assert resp.status_code == 400
    assert Summons.objects.get(pk=sid).status == SummonsStatus.REPORTED_IN


def test_extension_request_and_decision(world, api):
    _case, _w, summons = whistled_case(world)
    sid = summons["cgzf"].id
    with time_machine.travel(at(2026, 11, 18, 10, 12), tick=False):
        resp = api("liaison").post(
            f"/api/v1/summonses/{sid}/extension/",
            {"until": "2026-11-20T17:00:00+08:00", "reason": "需现场测量"},
            format="json",
        )
        assert resp.status_code == 200 and resp.json()["extension_status"] == "pending"
        assert api("liaison").post(f"/api/v1/summonses/{sid}/extension-decision/", {"approve": True}).status_code == 403
        resp = api("street_officer").post(
            f"/api/v1/summonses/{sid}/extension-decision/", {"approve": True}, format="json"
        )
    assert resp.status_code == 200
    assert resp.json()["extension_status"] == "approved"
    assert Summons.objects.get(pk=sid).respond_due_at == at(2026, 11, 20, 17)


def test_return_and_complete(world, api):
    _case, _w, summons = whistled_case(world)
    zj, cg = summons["zj"].id, summons["cgzf"].id
    resp = api("liaison_zj").post(f"/api/v1/summonses/{zj}/return/", {"reason": "不属本部门职责"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "returned"
    liaison = api("liaison")
    liaison.post(f"/api/v1/summonses/{cg}/report-in/")
    assert api("street_officer").post(f"/api/v1/summonses/{cg}/complete/").status_code == 409
    liaison.post(f"/api/v1/summonses/{cg}/respond/", {"text": "已处理"}, format="json")
    assert liaison.post(f"/api/v1/summonses/{cg}/complete/").status_code == 403
    resp = api("street_officer").post(f"/api/v1/summonses/{cg}/complete/")
    assert resp.status_code == 200 and resp.json()["status"] == "done"


def test_whistle_endpoint_creates_one_summons_per_department(world, api):
    case = file_case(world, code="0202", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0)
    body = {
        "departments": [world.departments["cgzf"].id, world.departments["zj"].id],
        "reason": "楼顶违法搭建",
        "report_in_minutes": 20,
    }
    with time_machine.travel(at(2026, 11, 18, 10, 1), tick=False):
        resp = api("street_officer").post(f"/api/v1/cases/{case.id}/whistle/", body, format="json")
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["case"] == case.id and data["region"] == "雄关街道"
    assert sorted(s["department"]["code"] for s in data["summonses"]) == ["cgzf", "zj"]
    assert {s["report_in_due_at"] for s in data["summonses"]} == {"2026-11-18T10:21:00+08:00"}


def test_whistle_endpoint_errors(world, api):
    case = file_case(world, code="0202", now=T0)
    url = f"/api/v1/cases/{case.id}/whistle/"
    body = {"departments": [world.departments["cgzf"].id], "reason": "x"}
    resp = api("street_officer").post(url, body, format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "state"  # not accepted yet: 待受理
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0)
    assert api("grid_worker").post(url, body, format="json").status_code == 403
    assert api("outsider").post(url, body, format="json").status_code == 404
    assert api("liaison").post(url, body, format="json").status_code == 404
    bad = api("street_officer").post(url, {**body, "departments": []}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "departments"
    assert not Whistle.objects.exists()


def test_schema_documents_the_summons_endpoints(world, api):
    resp = api("admin").get("/api/schema/", HTTP_ACCEPT="application/json")
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    for path in [
        "/api/v1/summonses/",
        "/api/v1/summonses/{id}/",
        "/api/v1/summonses/{id}/report-in/",
        "/api/v1/summonses/{id}/respond/",
        "/api/v1/summonses/{id}/extension/",
        "/api/v1/summonses/{id}/extension-decision/",
        "/api/v1/summonses/{id}/return/",
        "/api/v1/summonses/{id}/complete/",
        "/api/v1/cases/{id}/whistle/",
    ]:
        assert path in paths, path
    assert "409" in paths["/api/v1/summonses/{id}/report-in/"]["post"]["responses"]
