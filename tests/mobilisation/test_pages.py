"""The mobilisation pages: each opens for the people it is for, rows outside the scope answer 404, the public
pages carry no personal data, and the page actions go through the services (events)."""

from __future__ import annotations

import pytest
from django.test import Client

from mobilisation import services
from mobilisation.choices import WishStatus
from mobilisation.models import MobilisationEvent, Wish
from tests.cases.test_exports import read_csv, read_xlsx
from tests.factories.world import PASSWORD

from .helpers import confirmed_member, jpeg, published_wish

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/party/",
    "/party/register/",
    "/party/registrations/",
    "/party/tasks/",
    "/party/tasks/new/",
    "/party/points/",
    "/party/points/export.csv",
    "/party/wishes/",
    "/party/wishes/new/",
    "/party/duties/",
    "/party/tricolour/",
    "/party/topics/",
]


@pytest.mark.parametrize("persona", ["community_officer", "street_officer", "grid_worker", "admin"])
def test_pages_open_for_staff(world, web, persona):
    c = web(persona)
    for path in STAFF_PAGES:
        assert c.get(path).status_code == 200, path


def test_pages_need_a_login(world, client):
    assert client.get("/party/wishes/").status_code == 302


def test_public_pages_open_without_login_and_hide_personal_data(world, client):
    wish = published_wish(world)
    for path in ("/wishes/", "/wishes/new/", "/yishi/", "/api/v1/public/wishes/", "/api/v1/public/topics/"):
        r = client.get(path)
        assert r.status_code == 200, path
        body = r.content.decode()
        for secret in ("张大爷", "13812345678", "雄关小区3栋"):
            assert secret not in body, (path, secret)
    assert wish.title in client.get("/wishes/").content.decode()


def test_a_resident_posts_a_wish_and_confirms_it_through_the_private_link(world, client):
    r = client.post(
        "/wishes/new/",
        {
            "community": world.community.pk,
            "title": "想学用智能手机",
            "description": "想学视频通话",
            "resident_name": "刘阿姨",
        },
    )
    assert r.status_code == 302
    wish = Wish.objects.get(title="想学用智能手机")
    assert r["Location"].startswith(f"/wishes/t/{wish.follow_up_token}/")
    assert wish.channel == "public" and wish.created_by is None
    member = confirmed_member(world)
    services.wish_review(actor=world.community_officer, wish_id=wish.pk, accept=True)
    services.wish_publish(actor=world.community_officer, wish_id=wish.pk)
    services.wish_claim(actor=member, wish_id=wish.pk)
    services.wish_fulfil(actor=member, wish_id=wish.pk, photo=jpeg())
    assert client.post(f"/wishes/t/{wish.follow_up_token}/").status_code == 302
    wish.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED
    assert client.get("/wishes/t/not-a-token/").status_code == 404


def test_outsiders_get_404_on_wish_detail_and_actions(world, web):
    wish = published_wish(world)
    c = web("community_b_officer")
    assert c.get(f"/party/wishes/{wish.pk}/").status_code == 404
    assert c.post(f"/party/wishes/{wish.pk}/publish/").status_code == 404
    assert web("community_officer").get(f"/party/wishes/{wish.pk}/").status_code == 200


def test_member_claims_and_fulfils_on_the_pages(world):
    member = confirmed_member(world)
    wish = published_wish(world)
    c = Client()
    assert c.login(username=member.username, password=PASSWORD)
    assert wish.title in c.get("/party/").content.decode()
    page = c.get(f"/party/wishes/{wish.pk}/").content.decode()
    assert "13812345678" not in page and "张*" in page
    c.post(f"/party/wishes/{wish.pk}/claim/")
    c.post(f"/party/wishes/{wish.pk}/fulfil/", {"photo": jpeg(), "note": "送到了"})
    wish.refresh_from_db()
    assert wish.status == WishStatus.FULFILLED
    assert list(MobilisationEvent.objects.filter(subject="wish", object_id=wish.pk).values_list("action", flat=True))[
        -2:
    ] == [
        "claim",
        "fulfil",
    ]


def test_a_refused_action_shows_the_reason_and_changes_nothing(world, web):
    wish = published_wish(world)
    c = web("community_officer")
    r = c.post(f"/party/wishes/{wish.pk}/publish/", follow=True)  # already published
    assert "不能进行此操作" in r.content.decode()
    assert MobilisationEvent.objects.filter(subject="wish", object_id=wish.pk, action="publish").count() == 1


def test_a_refused_decline_or_fulfilment_comes_back_with_what_was_written(world, web):
    """Declining without a reason and fulfilling past the deadline are the services' refusals: the page comes back
    with the reason flashed and the box as filled in (a redirect used to drop the fulfilment note)."""
    from datetime import timedelta

    from django.utils import timezone

    submitted = services.wish_submit(
        actor=world.grid_worker,
        community=world.community,
        title="想要一台轮椅",
        description="……",
        resident_name="王奶奶",
        resident_phone="13812345670",
        resident_address="雄关小区2栋",
    )
    officer = web("community_officer")
    response = officer.post(f"/party/wishes/{submitted.pk}/decline/", {"reason": "   "})
    assert response.status_code == 400 and "不予受理须填写原因" in response.content.decode()
    assert "<details open>" in response.content.decode()
    assert Wish.objects.get(pk=submitted.pk).status == WishStatus.SUBMITTED
    long = officer.post(f"/party/wishes/{submitted.pk}/decline/", {"reason": "理由" * 101})  # past the 200 allowed
    assert long.status_code == 400 and "理由" * 101 in long.content.decode()
    assert Wish.objects.get(pk=submitted.pk).status == WishStatus.SUBMITTED

    member = confirmed_member(world)
    wish = published_wish(world)
    c = Client()
    assert c.login(username=member.username, password=PASSWORD)
    c.post(f"/party/wishes/{wish.pk}/claim/")
    note = "周六上午送到王奶奶家，并教会了她使用方法"
    Wish.objects.filter(pk=wish.pk).update(claim_due_at=timezone.now() - timedelta(minutes=1))  # past its deadline
    response = c.post(f"/party/wishes/{wish.pk}/fulfil/", {"photo": jpeg(), "note": note})
    html = response.content.decode()
    assert response.status_code == 409 and note in html and "已超过完成期限" in html
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.CLAIMED


def test_points_export_is_csv_of_the_ranking(world, web):
    services.points_rule_set(actor=world.street_officer, street=world.street, task_type="wish", points=5, monthly_cap=0)
    member = confirmed_member(world)
    wish = published_wish(world)
    services.wish_claim(actor=member, wish_id=wish.pk)
    services.wish_fulfil(actor=member, wish_id=wish.pk, photo=jpeg())
    services.wish_confirm(actor=world.community_officer, wish_id=wish.pk)
    r = web("street_officer").get("/party/points/export.csv?by=member")
    assert r["Content-Type"].startswith("text/csv")
    assert read_csv(r)[1] == ["1", "党员甲", "5", "1"]
    ws = read_xlsx(web("street_officer").get("/party/points/export.xlsx?by=member")).worksheets[0]
    assert [c.value for c in next(ws.iter_rows(min_row=2, max_row=2))] == [1, "党员甲", 5, 1]
    # a name that looks like a formula stays text in both (the shared export helpers)
    member.full_name = "=cmd|' /C calc'!A0"
    member.save(update_fields=["full_name"])
    assert read_csv(web("street_officer").get("/party/points/export.csv?by=member"))[1][1] == "'" + member.full_name
    ws = read_xlsx(web("street_officer").get("/party/points/export.xlsx?by=member")).worksheets[0]
    assert ws.cell(row=2, column=2).data_type == "s"
    # another street sees none of it
    assert read_csv(web("other_street_officer").get("/party/points/export.csv?by=member"))[1:] == []


def test_pages_come_in_english_when_chosen(world, web):
    c = web("community_officer")
    c.post("/i18n/setlang/", {"language": "en", "next": "/party/"})
    body = c.get("/party/").content.decode()
    assert "Registrations to confirm" in body and "待确认报到" not in body
    body = c.get("/mediation/new/").content.decode()
    assert "Register a dispute" in body and "Type of dispute" in body
    assert "Small wishes · wish wall" in c.get("/wishes/").content.decode()


def test_actions_on_rows_that_are_not_there_answer_404(world, web):
    """The services' NotFound reaches core's middleware (no view converts it by hand): a plain 404."""
    c = web("community_officer")
    assert c.post("/party/registrations/999999/confirm/").status_code == 404
    assert c.post("/party/registrations/999999/withdraw").status_code == 404
    assert c.post("/party/tricolour/999999/adjust/", {"colour": "red", "reason": "测试"}).status_code == 404
    assert Client().get("/wishes/t/not-a-token/").status_code == 404


def test_a_confirmation_on_a_residents_behalf_reads_in_each_readers_language(world, web):
    """The note the community's staff leave when they confirm for a resident is kept in Chinese, whoever confirmed,
    and shown in the reader's language on the wish's page."""
    from django.utils import translation

    member = confirmed_member(world)
    wish = published_wish(world)
    services.wish_claim(actor=member, wish_id=wish.pk)
    services.wish_fulfil(actor=member, wish_id=wish.pk, photo=jpeg())
    with translation.override("en"):
        services.wish_confirm(actor=world.community_officer, wish_id=wish.pk)
    assert MobilisationEvent.objects.get(subject="wish", object_id=wish.pk, action="confirm").note == "代居民确认"
    client = web("community_officer")
    assert "代居民确认" in client.get(f"/party/wishes/{wish.pk}/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(f"/party/wishes/{wish.pk}/").content.decode()
    assert "Confirmed on the resident&#x27;s behalf" in english and "代居民确认" not in english
