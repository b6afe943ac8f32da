"""Every channel that takes a contact number takes one a call can reach (``core.validators``): the wish forms (the
resident's and the staff's), the party registration, a dispute's parties, and their API twins. "abc" was stored on
all of them while the citizen report refused it. A refused number keeps what was typed and stores nothing."""

from __future__ import annotations

from django.test import Client

from mediation.models import Dispute
from mobilisation.models import Wish

WISH = {"title": "想要老花镜", "description": "看不清药盒上的字", "resident_name": "韩奶奶"}


def test_the_public_wish_form_refuses_a_number_nobody_can_call_and_keeps_the_text(world):
    body = {**WISH, "community": world.community.pk, "resident_phone": "abc"}
    response = Client().post("/wishes/new/", body)

    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "请输入有效的电话号码" in page and "看不清药盒上的字" in page
    assert not Wish.objects.exists()


def test_the_public_wish_api_refuses_it_too_and_takes_a_landline(world, api):
    body = {**WISH, "community": world.community.pk, "resident_phone": "abc"}
    refused = api(None).post("/api/v1/public/wishes/", body, format="json")
    assert refused.status_code == 400 and "resident_phone" in str(refused.json())
    assert not Wish.objects.exists()

    taken = api(None).post("/api/v1/public/wishes/", {**body, "resident_phone": "0937-6221234"}, format="json")
    assert taken.status_code == 201 and Wish.objects.get().resident_phone == "0937-6221234"


def test_a_dispute_party_with_a_bad_number_is_refused_with_the_form_kept(world, web):
    form = {
        "title": "漏水纠纷",
        "kind": "neighbour",
        "description": "楼上漏水到楼下",
        "risk": "low",
        "community": world.community.pk,
        "party0_kind": "person",
        "party0_role": "applicant",
        "party0_name": "张三",
        "party0_phone": "abc",
        "party1_kind": "person",
        "party1_role": "respondent",
        "party1_name": "李四",
        "party2_kind": "person",
        "party2_role": "other",
    }
    response = web("community_officer").post("/mediation/new/", form)

    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "请输入有效的电话号码" in page and "楼上漏水到楼下" in page and "李四" in page
    assert not Dispute.objects.exists()
