"""A dispute registered from a case names the case by the number people see on it (XG-2026-000046) — the form
asked for an "internal id" nobody is shown — or by its id as the API takes it. A case that does not exist or is
another community's is a message on the form, with everything typed kept; it was a bare 404 page that lost the
form, parties and all."""

from __future__ import annotations

from mediation.models import Dispute
from tests.cases.helpers import file_case

FORM = {
    "title": "漏水纠纷",
    "kind": "neighbour",
    "description": "楼上漏水到楼下，双方争执",
    "risk": "low",
    "party0_kind": "person",
    "party0_role": "applicant",
    "party0_name": "张三",
    "party1_kind": "person",
    "party1_role": "respondent",
    "party1_name": "李四",
    "party2_kind": "person",
    "party2_role": "other",
}


def test_a_dispute_from_a_case_by_the_number_on_it_takes_the_case_and_its_place(world, web):
    case = file_case(world)
    response = web("community_officer").post("/mediation/new/", {**FORM, "source_case": case.number.lower()})

    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.source_case_id == case.pk and dispute.community_id == world.community.pk


def test_the_internal_id_still_works(world, web):
    case = file_case(world)
    assert web("community_officer").post("/mediation/new/", {**FORM, "source_case": str(case.pk)}).status_code == 302
    assert Dispute.objects.get().source_case_id == case.pk


def test_another_communitys_case_or_none_is_said_on_the_form_and_nothing_is_lost(world, web):
    theirs = file_case(world, actor=world.admin, grid=world.grid_b)
    client = web("community_officer")
    for typed in (theirs.number, str(theirs.pk), "XG-2026-999999", "99999999999999999999"):
        response = client.post("/mediation/new/", {**FORM, "source_case": typed, "community": world.community.pk})

        assert response.status_code == 200, typed
        page = response.content.decode()
        assert f"没有找到编号为“{typed}”的事件，或它不在您的辖区" in page
        assert "楼上漏水到楼下，双方争执" in page and "李四" in page and f'value="{typed}"' in page
    assert not Dispute.objects.exists()


def test_the_api_refuses_a_case_out_of_scope_as_an_invalid_field(world, api):
    theirs = file_case(world, actor=world.admin, grid=world.grid_b)
    body = {
        "title": "漏水纠纷",
        "kind": "neighbour",
        "description": "楼上漏水",
        "community": world.community.pk,
        "source_case": theirs.pk,
        "parties": [
            {"kind": "person", "role": "applicant", "name": "张三"},
            {"kind": "person", "role": "respondent", "name": "李四"},
        ],
    }
    response = api("community_officer").post("/api/v1/mediation/disputes/", body, format="json")

    assert response.status_code == 400 and response.json()["code"] == "source_case"
    assert not Dispute.objects.exists()
