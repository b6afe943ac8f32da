"""SCENARIOS.md §1, §4 and §6 (scope part) told through the API, as a grid worker's phone or a centre's
client would. §6's "nobody acts twice" with two real connections is in test_concurrency.py."""

from __future__ import annotations

import time_machine

from cases.models import Case, CaseEvent

from .helpers import at, photo

CASES = "/api/v1/cases/"


def test_scenario_1_small_things_stay_in_the_grid(api, world):
    worker = api("grid_worker")
    with time_machine.travel(at(2026, 11, 16, 9, 10), tick=False):
        resp = worker.post(
            CASES,
            {
                "category": "0101",
                "title": "暴露垃圾",
                "description": "3 号楼门口暴露垃圾",
                "address": "雄关一网格 3 号楼",
                "grid": world.grid_a.id,
                "files": [photo("before.jpg")],
            },
            format="multipart",
        )
        assert resp.status_code == 201, resp.json()
        case_id = resp.json()["id"]
        assert (resp.json()["level"], resp.json()["status"]) == ("grid", "reported")
    with time_machine.travel(at(2026, 11, 16, 9, 40), tick=False):
        resp = worker.post(
            f"{CASES}{case_id}/transitions/self_handle/",
            {"note": "已当场清理", "files": [photo("after.jpg", color="white")]},
            format="multipart",
        )
        assert resp.status_code == 200, resp.json()
        assert (resp.json()["status"], resp.json()["level"]) == ("resolved", "grid")

    events = worker.get(f"{CASES}{case_id}/events/").json()["results"]
    assert [(e["action"], e["to_status"], e["to_level"]) for e in events] == [
        ("report", "reported", "grid"),
        ("self_handle", "resolved", "grid"),
    ]
    assert [ev["original_name"] for e in events for ev in e["evidence"]] == ["before.jpg", "after.jpg"]

    with time_machine.travel(at(2026, 11, 16, 14, 30), tick=False):
        offered = api("community_officer").get(f"{CASES}{case_id}/allowed-actions/").json()
        assert {a["action"]: a["allowed"] for a in offered}["verify_ok"] is True
        resp = api("community_officer").post(f"{CASES}{case_id}/transitions/verify_ok/", {}, format="json")
        assert resp.status_code == 200 and resp.json()["status"] == "closed"

    case = Case.objects.get(pk=case_id)
    assert case.dispatch_count == 0 and not case.dispatches.exists()
    assert not CaseEvent.objects.filter(case=case, action="dispatch").exists()
    # responded, completed and on time — at grid level, by the grid's own worker
    assert case.responded_at == at(2026, 11, 16, 9, 40) <= case.response_due_at
    assert case.resolved_on_time is True and case.resolved_at <= case.due_at
    assert (case.closed_at, case.resolved_by_id, case.level) == (at(2026, 11, 16, 14, 30), world.grid_worker.id, "grid")


def test_scenario_4_a_mis_dispatch_is_returned_and_a_final_ruling_blocks_the_second_return(api, world):
    street = api("street_officer")
    resp = street.post(
        CASES,
        {
            "category": "0204",
            "title": "餐饮油烟扰民",
            "description": "楼下饭店油烟直排",
            "address": "雄关一网格 美食街 8 号",
            "grid": world.grid_a.id,
            "channel": "hotline",
        },
        format="json",
    )
    case_id = resp.json()["id"]
    assert resp.json()["level"] == "street"
    url = f"{CASES}{case_id}/transitions/"
    scjg, sthj = world.departments["scjg"].id, world.departments["sthj"].id
    assert street.post(f"{url}accept/", {}, format="json").status_code == 200
    assert street.post(f"{url}dispatch/", {"departments": [scjg]}, format="json").status_code == 200

    liaison = api("liaison_scjg")
    resp = liaison.post(
        f"{url}return_request/", {"note": "油烟排放属于生态环境部门职责", "reason": "not_in_remit"}, format="json"
    )
    assert resp.status_code == 200, resp.json()
    assert resp.json()["status"] == "dispatched"  # asked, not yet decided by the street
    resp = street.post(f"{url}return/", {}, format="json")
    assert resp.status_code == 200, resp.json()
    data = resp.json()
    # back in the street's dispatch queue, the reason visible
    assert (data["status"], data["level"], data["handler_kind"], data["handler_region"]["id"]) == (
        "accepted",
        "street",
        "centre",
        world.street.id,
    )
    queue = street.get(f"{CASES}?status=accepted&level=street").json()["results"]
    assert case_id in {row["id"] for row in queue}
    # … and on the dashboard's dispatch queue, the row says why it came back
    from django.test import Client

    page = Client()
    page.force_login(world.street_officer)
    rows = page.get("/dashboard/").content.decode()
    row = rows.split(f'data-case="{case_id}"', 1)[1].split("</tr>", 1)[0]
    assert "退单 1 · 不属本单位职责：油烟排放属于生态环境部门职责" in row
    detail = street.get(f"{CASES}{case_id}/").json()
    assert [(d["department"], d["return_reason"], d["return_note"]) for d in detail["dispatches"]] == [
        ("市场监管所", "not_in_remit", "油烟排放属于生态环境部门职责")
    ]
    asked, returned = street.get(f"{CASES}{case_id}/events/").json()["results"][-2:]
    assert (asked["action"], asked["reason"], asked["note"]) == (
        "return_request",
        "not_in_remit",
        "油烟排放属于生态环境部门职责",
    )
    assert (returned["action"], returned["reason"]) == ("return", "not_in_remit")

    resp = street.post(f"{url}dispatch/", {"departments": [scjg, sthj], "final_ruling": True}, format="json")
    assert resp.status_code == 200, resp.json()
    data = resp.json()
    assert (data["dispatch_count"], data["return_count"], data["return_blocked"]) == (2, 1, True)
    assert 1 - data["return_count"] / data["dispatch_count"] == 0.5  # correct-dispatch rate of the dispatcher

    again = liaison.post(f"{url}return_request/", {"note": "还是不归我们", "reason": "not_in_remit"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "final_ruling" and "终局裁定" in again.json()["detail"]
    case = Case.objects.get(pk=case_id)
    assert (case.status, case.return_count) == ("dispatched", 1)
    assert case.dispatches.filter(active=True).count() == 2
    assert case.events.filter(action="return").count() == 1


def test_scenario_6_grid_b_worker_gets_404_for_grid_a_case_by_its_api_id(api, world):
    resp = api("grid_worker").post(
        CASES,
        {"category": "0101", "title": "暴露垃圾", "description": "d", "address": "a", "grid": world.grid_a.id},
        format="json",
    )
    case_id = resp.json()["id"]
    outsider = api("outsider")
    assert outsider.get(f"{CASES}{case_id}/").status_code == 404
    assert outsider.get(f"{CASES}{case_id}/events/").status_code == 404
    assert outsider.get(f"{CASES}{case_id}/allowed-actions/").status_code == 404
    resp = outsider.post(f"{CASES}{case_id}/transitions/self_handle/", {"note": "我来"}, format="json")
    assert resp.status_code == 404
    assert case_id not in {row["id"] for row in outsider.get(CASES).json()["results"]}
    assert Case.objects.get(pk=case_id).status == "reported"
