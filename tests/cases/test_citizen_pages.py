"""The citizen's pages: the public report form (rate limited per address), the private follow-up link with
the public timeline, and the one rating."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from cases.choices import Status
from cases.models import Case, Rating
from cases.services import case_transition
from cases.views.citizen import parse_rate

from .helpers import file_case, photo


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()
    yield
    cache.clear()


def _report(world, **overrides) -> dict:
    data = {
        "major": str(world.categories["0204"].parent_id),
        "category": str(world.categories["0204"].id),
        "description": "楼下烧烤店油烟很大，窗户都不敢开",
        "community": str(world.community.id),
        "address": "新华南路 18 号",
        "lat": "",
        "lng": "",
        "citizen_name": "刘女士",
        "citizen_phone": "13919370001",
    }
    data.update(overrides)
    return data


def _closed_case(world):
    case = file_case(world)
    case_transition(case_id=case.pk, action="self_handle", actor=world.grid_worker, note="已清理")
    return case_transition(case_id=case.pk, action="verify_ok", actor=world.community_officer)


# --- reporting -------------------------------------------------------------------------------------------


def test_report_form_is_public(world, client):
    response = client.get("/report/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert "雄关社区" in html


def test_citizens_pick_a_matter_by_its_name_staff_see_its_code(world, client, web):
    """The catalogue code's first two digits are the grade band, not the 大类 ("0204" sits under 市容环境): the
    public form lists the 小类 by name only; the staff filing form keeps the codes staff work with."""
    import re

    sub = world.categories["0102"]

    def option(html: str) -> str:
        match = re.search(rf'<option value="{sub.pk}"[^>]*>([^<]*)</option>', html)
        assert match, "the 小类 is offered"
        return match.group(1).strip()

    assert option(client.get("/report/").content.decode()) == sub.name
    assert option(web("grid_worker").get("/cases/new/").content.decode()) == f"{sub.code} {sub.name}"


def test_citizen_report_gives_the_number_and_a_private_link(world, client):
    response = client.post("/report/", {**_report(world), "photos": [photo()]})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/track/{case.follow_up_token}/?new=1"
    assert (case.channel, case.reporter_id, case.community_id) == ("citizen_web", None, world.community.id)
    assert (case.citizen_name, case.citizen_phone, case.level) == ("刘女士", "13919370001", "street")
    assert case.evidence.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert case.number in page
    assert f"http://testserver/track/{case.follow_up_token}/" in page
    assert "提交成功" in page


def test_citizen_report_with_coordinates_only_is_placed_in_the_grid(world, client):
    response = client.post("/report/", _report(world, community="", lat="39.775", lng="98.295"))
    assert response.status_code == 302
    assert Case.objects.get().grid_id == world.grid_a.id


def test_citizen_report_needs_a_place(world, client):
    response = client.post("/report/", _report(world, community=""))
    assert response.status_code == 400
    assert "请选择所在社区" in response.content.decode()
    assert Case.objects.count() == 0


def test_refused_photo_keeps_what_the_citizen_typed(world, client):
    fake = SimpleUploadedFile("现场.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    response = client.post("/report/", {**_report(world), "photos": [fake]})
    html = response.content.decode()
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert "现场.jpg" in html and "类型不被接受" in html
    assert "请重新选择照片" in html
    assert "楼下烧烤店油烟很大，窗户都不敢开</textarea>" in html
    assert 'value="新华南路 18 号"' in html
    assert 'value="13919370001"' in html


@override_settings(CITIZEN_REPORT_RATE="2/h")
def test_reports_over_the_rate_get_429_with_the_form_kept(world, client):
    assert client.post("/report/", _report(world)).status_code == 302
    assert client.post("/report/", _report(world)).status_code == 302
    response = client.post("/report/", _report(world, description="第三次反映：油烟依旧"))
    html = response.content.decode()
    assert response.status_code == 429
    assert Case.objects.count() == 2
    assert "提交过于频繁" in html
    assert "第三次反映：油烟依旧</textarea>" in html
    assert 'value="新华南路 18 号"' in html


@override_settings(CITIZEN_REPORT_RATE="1/h")
def test_rate_limit_is_per_address(world, client):
    assert client.post("/report/", _report(world), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post("/report/", _report(world), REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post("/report/", _report(world), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_rate_strings_parse():
    assert parse_rate("10/h") == (10, 3600)
    assert parse_rate("5/min") == (5, 60)
    assert parse_rate("100/day") == (100, 86400)
    with pytest.raises(ValueError):
        parse_rate("ten per hour")


# --- following up -------------------------------------------------------------------------------------------


def test_unknown_token_is_404(world, client):
    assert client.get("/track/not-a-real-token/").status_code == 404
    assert client.post("/track/not-a-real-token/", {"result": "satisfied"}).status_code == 404


def test_public_timeline_hides_internal_notes_and_staff_names(world, client):
    case = file_case(world, code="0202", citizen_phone="13912345678")
    case_transition(case_id=case.pk, action="accept", actor=world.street_officer, note="受理，马上派")
    case_transition(case_id=case.pk, action="note", actor=world.street_officer, note="当事人是老上访户")
    html = client.get(f"/track/{case.follow_up_token}/").content.decode()
    assert case.number in html
    assert "受理，马上派" in html  # public event
    assert "雄关街道综治中心" in html  # by role
    assert "当事人是老上访户" not in html  # internal note
    assert "郑街道" not in html and "王网格" not in html  # never by name
    assert "13912345678" not in html
    assert "请评价处理结果" not in html  # not closed yet


def test_citizen_rates_a_closed_case_once(world, client):
    case = _closed_case(world)
    url = f"/track/{case.follow_up_token}/"
    assert "请评价处理结果" in client.get(url).content.decode()
    response = client.post(url, {"result": "satisfied", "comment": "很及时"})
    assert response.status_code == 302
    rating = Rating.objects.get(case=case)
    assert (rating.result, rating.comment, rating.recorded_by_id) == ("satisfied", "很及时", None)
    page = client.get(url).content.decode()
    assert "感谢您的评价" in page and "请评价处理结果" not in page
    again = client.post(url, {"result": "unsatisfied", "comment": "改主意了"})
    assert again.status_code == 409
    assert "本轮办理已评价" in again.content.decode()
    assert Rating.objects.get(case=case).result == "satisfied"


def test_rating_without_a_choice_is_refused_and_the_comment_kept(world, client):
    case = _closed_case(world)
    response = client.post(f"/track/{case.follow_up_token}/", {"comment": "忘了选"})
    assert response.status_code == 400
    assert "忘了选</textarea>" in response.content.decode()
    assert not Rating.objects.filter(case=case).exists()


@override_settings(REOPEN_ON_UNSATISFIED=True)
def test_unsatisfied_rating_reopens_the_case(world, client):
    case = _closed_case(world)
    client.post(f"/track/{case.follow_up_token}/", {"result": "unsatisfied", "comment": "没解决"})
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert list(case.events.order_by("id").values_list("action", flat=True))[-2:] == ["rate", "reopen"]


def test_rating_before_closure_is_refused(world, client):
    case = file_case(world)
    response = client.post(f"/track/{case.follow_up_token}/", {"result": "satisfied"})
    assert response.status_code == 409
    assert not Rating.objects.exists()


def test_public_timeline_shows_the_citizen_as_qunzhong_and_the_sweep_as_system(world, client):
    client.post("/report/", _report(world))
    case = Case.objects.get()
    case_transition(case_id=case.pk, action="escalate", actor=None, system=True, note="超时", reason="overdue")
    html = client.get(f"/track/{case.follow_up_token}/").content.decode()
    assert "群众" in html and "系统" in html
    assert ">system<" not in html and "system ·" not in html


def test_a_report_without_a_place_and_a_description_hears_of_both_at_once(world, client):
    response = client.post("/report/", _report(world, community="", description="", citizen_phone="123"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "请选择所在社区" in html and "请输入有效的电话号码" in html and "该字段是必填项" in html
    assert not Case.objects.exists()


def test_refused_coordinates_are_the_only_place_error(world, client):
    response = client.post("/report/", _report(world, community="", lat="999", lng="98.295"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "请选择所在社区" not in html
    assert not Case.objects.exists()


def test_a_report_with_a_bad_phone_and_a_fake_photo_hears_of_both_at_once(world, client):
    fake = SimpleUploadedFile("现场.jpg", b"this is not a picture", content_type="image/jpeg")

    response = client.post("/report/", {**_report(world, citizen_phone="123"), "photos": [fake]})

    html = response.content.decode()
    assert response.status_code == 400
    assert "现场.jpg" in html and "类型不被接受" in html  # the photo's problem …
    assert "请输入有效的电话号码" in html  # … and the phone's, in one answer
    assert 'value="新华南路 18 号"' in html
    assert not Case.objects.exists()


PHONES_OK = [  # written as residents and staff write them
    "13912345678",
    "139 1234 5678",
    "139-1234-5678",
    "+8613912345678",
    "0931-8123456",
    "09318123456",
    "010-12345678",
    "8123456",
    "81234567",
    "0931-8123456-123",
    "0931-8123456转123",
    "(0931)8123456",
]
PHONES_BAD = ["1390937", "12345", "139123456789", "1391234567", "12912345678", "0123456", "00000000", "abc"]


@pytest.mark.parametrize("phone", PHONES_OK + PHONES_BAD)
def test_the_contact_number_is_one_a_follow_up_call_can_reach(world, client, phone):
    """A mobile is 1[3-9] and nine digits; a landline 7–8 digits (2–9 first) after an optional area code. "1390937"
    — a mobile four digits short — was taken by the old "any five digits" rule, and the 回访 could not call."""
    response = client.post("/report/", _report(world, citizen_phone=phone))
    if phone in PHONES_OK:
        assert response.status_code == 302, (phone, response.status_code)
        assert Case.objects.get().citizen_phone == phone.strip()
    else:
        assert response.status_code == 400, phone
        html = response.content.decode()
        assert "请输入有效的电话号码" in html and "楼下烧烤店油烟很大，窗户都不敢开" in html  # nothing typed is lost
        assert not Case.objects.exists()


@pytest.mark.parametrize("phone,ok", [("13912345678", True), ("0931-8123456", True), ("1390937", False)])
def test_the_api_takes_the_same_contact_numbers_as_the_forms(world, api, phone, ok):
    body = {
        "category": "0204",
        "title": "餐饮油烟扰民",
        "description": "楼下饭店油烟直排",
        "address": "雄关一网格 美食街 8 号",
        "grid": world.grid_a.id,
        "channel": "hotline",
        "citizen_phone": phone,
    }
    response = api("street_officer").post("/api/v1/cases/", body, format="json")
    if ok:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 400 and "citizen_phone" in response.json()["errors"]
        assert not Case.objects.exists()
