"""The case pages with the Django test client: who gets which page, filing (and keeping what was typed when it is
refused), the duplicate check, the case page's buttons and actions, the list's filters and query count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.choices import Status
from cases.models import Case, CaseEvent
from cases.services import case_transition

from .helpers import at, file_case, photo

IN_SCOPE_OF_GRID_A_CASE = [
    "grid_worker",
    "grid_leader",
    "part_timer",
    "community_officer",
    "street_officer",
    "district_officer",
    "admin",
]
OUT_OF_SCOPE = ["outsider", "community_b_officer", "other_street_officer", "liaison"]


def _html(response) -> str:
    return response.content.decode()


def _file_form(world, **overrides) -> dict:
    data = {
        "major": str(world.categories["0101"].parent_id),
        "category": str(world.categories["0101"].id),
        "title": "小区门口暴露垃圾",
        "description": "北门垃圾桶旁堆了三袋垃圾",
        "grid": str(world.grid_a.id),
        "address": "雄关一网格北门",
        "lat": "",
        "lng": "",
    }
    data.update(overrides)
    return data


# --- who gets which page -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", IN_SCOPE_OF_GRID_A_CASE)
def test_case_page_answers_200_for_everyone_in_scope(world, web, persona):
    case = file_case(world, files=[photo()])
    response = web(persona).get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    assert case.number in _html(response)


@pytest.mark.parametrize("persona", OUT_OF_SCOPE)
def test_outsider_gets_404_on_another_grids_case_page(world, web, persona):
    case = file_case(world)
    client = web(persona)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/act/accept/", {}).status_code == 404
    assert client.post(f"/cases/{case.pk}/act/comment/", {"remark-note": "看看"}).status_code == 404
    assert case.events.count() == 1


def test_anonymous_visitor_is_sent_to_login(world, client):
    case = file_case(world)
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "persona,url",
    [
        ("grid_worker", "/cases/"),
        ("grid_worker", "/cases/mine/"),
        ("grid_worker", "/cases/new/"),
        ("community_officer", "/cases/"),
        ("community_officer", "/cases/new/"),
        ("street_officer", "/cases/"),
        ("street_officer", "/cases/new/"),
        ("district_officer", "/cases/"),
        ("liaison", "/cases/"),
        ("admin", "/cases/"),
    ],
)
def test_each_page_answers_200_for_its_personas(world, web, persona, url):
    file_case(world)
    assert web(persona).get(url).status_code == 200


def test_liaison_cannot_file_and_is_told_why(world, web):
    response = web("liaison").get("/cases/new/")
    assert response.status_code == 403
    assert "部门联络员" in _html(response)


def test_lists_show_only_cases_in_scope(world, web):
    mine = file_case(world, title="甲网格的垃圾")
    other = file_case(world, actor=world.outsider, grid=world.grid_b, title="乙网格的垃圾")
    html = _html(web("grid_worker").get("/cases/"))
    assert mine.number in html
    assert other.number not in html
    html = _html(web("community_b_officer").get("/cases/"))
    assert other.number in html
    assert mine.number not in html


# --- filing ----------------------------------------------------------------------------------------------


def test_grid_worker_files_a_case_with_a_photo(world, web):
    client = web("grid_worker")
    response = client.post("/cases/new/", {**_file_form(world), "photos": [photo("a.jpg"), photo("b.png", fmt="PNG")]})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert (case.title, case.channel, case.grid_id, case.reporter_id) == (
        "小区门口暴露垃圾",
        "patrol",
        world.grid_a.id,
        world.grid_worker.id,
    )
    report = case.events.get()
    assert report.action == "report"
    assert report.evidence.count() == 2
    page = _html(client.get(response["Location"]))
    assert "已上报" in page
    assert case.number in page


def test_title_defaults_to_the_subcategory_name(world, web):
    web("grid_worker").post("/cases/new/", _file_form(world, title=""))
    assert Case.objects.get().title == "暴露垃圾"


def test_refused_photo_keeps_every_other_value(world, web):
    fake = SimpleUploadedFile("photo.jpg", b"this is not an image at all", content_type="image/jpeg")
    data = _file_form(world, lat="39.775", lng="98.295", description="楼道口有一堆建筑垃圾，已经三天了")
    response = web("grid_worker").post("/cases/new/", {**data, "photos": [photo(), fake]})
    html = _html(response)
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert "类型不被接受" in html  # the reason, naming the file
    assert "photo.jpg" in html
    assert html.count("请重新选择照片") == 1  # files cannot be kept: say so (at the top, not again under the field)
    assert 'value="小区门口暴露垃圾"' in html
    assert "楼道口有一堆建筑垃圾，已经三天了</textarea>" in html
    assert 'value="雄关一网格北门"' in html
    assert 'value="39.775"' in html and 'value="98.295"' in html
    assert re.search(rf'<option value="{world.categories["0101"].id}"[^>]*selected', html)
    assert re.search(rf'<option value="{world.grid_a.id}"[^>]*selected', html)


def test_missing_address_is_marked_and_the_rest_kept(world, web):
    response = web("grid_worker").post("/cases/new/", _file_form(world, address=""))
    html = _html(response)
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert "field--error" in html
    assert "北门垃圾桶旁堆了三袋垃圾" in html


def test_grid_worker_cannot_file_into_another_grid(world, web):
    response = web("grid_worker").post("/cases/new/", _file_form(world, grid=str(world.grid_b.id)))
    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_centre_staff_file_a_hotline_case_for_a_community(world, web):
    data = _file_form(world, grid="", community=str(world.community.id), channel="hotline")
    data.update(citizen_name="张三", citizen_phone="13912345678")
    response = web("community_officer").post("/cases/new/", data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.channel, case.community_id, case.citizen_phone) == ("hotline", world.community.id, "13912345678")


def test_nearby_open_duplicate_is_offered_before_saving(world, web):
    existing = file_case(world, title="北门垃圾")
    response = web("grid_worker").post("/cases/new/", _file_form(world))
    html = _html(response)
    assert response.status_code == 200
    assert Case.objects.count() == 1  # nothing filed yet
    assert existing.number in html
    assert f'name="duplicate_of" value="{existing.pk}"' in html
    assert 'name="file_anyway"' in html
    assert 'value="小区门口暴露垃圾"' in html  # the form keeps its values


def test_a_photo_too_large_is_said_at_once_before_the_nearby_duplicate_question(world, web, settings):
    existing = file_case(world, title="北门垃圾")
    settings.EVIDENCE_MAX_BYTES = 1024
    big = SimpleUploadedFile("现场.png", photo().read() + b"\0" * 4096, content_type="image/png")

    response = web("grid_worker").post("/cases/new/", {**_file_form(world), "photos": [big]})

    html = _html(response)
    assert response.status_code == 400
    assert "现场.png" in html and "过大" in html  # the file's problem, named, with the form's other errors
    assert 'name="duplicate_of"' not in html  # not the duplicate question first, then the file error after a re-pick
    assert 'value="小区门口暴露垃圾"' in html  # everything typed is kept
    assert Case.objects.count() == 1 and not existing.events.filter(action="comment").exists()


def test_same_case_adds_my_information_as_a_comment(world, web):
    existing = file_case(world, title="北门垃圾")
    data = {**_file_form(world), "duplicate_of": str(existing.pk), "photos": [photo()]}
    response = web("grid_worker").post("/cases/new/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{existing.pk}/"
    assert Case.objects.count() == 1
    comment = existing.events.get(action="comment")
    assert "北门垃圾桶旁堆了三袋垃圾" in comment.note
    assert comment.actor_id == world.grid_worker.id
    assert comment.evidence.count() == 1


def test_file_anyway_files_a_second_case(world, web):
    existing = file_case(world, title="北门垃圾")
    response = web("grid_worker").post("/cases/new/", {**_file_form(world), "file_anyway": "1"})
    assert response.status_code == 302
    assert Case.objects.exclude(pk=existing.pk).count() == 1


def test_duplicates_already_shown_by_the_live_check_do_not_stop_the_submit(world, web):
    existing = file_case(world, title="北门垃圾")
    response = web("grid_worker").post("/cases/new/", {**_file_form(world), "dup_seen": str(existing.pk)})
    assert response.status_code == 302
    assert Case.objects.count() == 2


def test_duplicate_check_only_names_cases_in_scope(world, web):
    # A case of grid B right at the border, same category: grid A's worker must not learn of it.
    other = file_case(world, actor=world.outsider, grid=world.grid_b, lat=39.775, lng=98.3001)
    url = f"/cases/new/duplicates/?category={world.categories['0101'].id}&lat=39.775&lng=98.2999"
    assert other.number not in _html(web("grid_worker").get(url))
    assert other.number in _html(web("community_b_officer").get(url))


# --- the case page: buttons, actions, refusals --------------------------------------------------------------


def test_page_shows_allowed_buttons_and_refused_ones_with_their_reason(world, web):
    case = file_case(world, code="0202")  # grade B: at street level
    html = _html(web("grid_worker").get(f"/cases/{case.pk}/"))
    assert 'id="action-accept"' not in html  # not the grid worker's to accept at street level
    assert re.search(r"<button[^>]*disabled[^>]*>受理</button>", html)
    assert "只有本级或上级综治中心可以进行此操作" in html
    html = _html(web("street_officer").get(f"/cases/{case.pk}/"))
    assert 'id="action-accept"' in html
    assert f'action="/cases/{case.pk}/act/accept/"' in html


def test_action_button_posts_and_changes_the_case(world, web):
    case = file_case(world, code="0202")
    client = web("street_officer")
    response = client.post(f"/cases/{case.pk}/act/accept/", {"accept-note": "已受理"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    event = case.events.get(action="accept")
    assert (event.actor_id, event.note) == (world.street_officer.id, "已受理")
    page = _html(client.get(response["Location"]))
    assert "已受理" in page and case.number in page


def test_pressing_escalate_twice_climbs_one_level_the_second_press_says_why(world, web):
    case = file_case(world)  # grid level
    client = web("community_officer")
    page = _html(client.get(f"/cases/{case.pk}/"))
    assert 'name="escalate-from_level" value="grid"' in page  # the level the page shows travels with the form
    data = {"escalate-from_level": "grid", "escalate-note": "网格无法处置"}

    first = client.post(f"/cases/{case.pk}/act/escalate/", data)
    second = client.post(f"/cases/{case.pk}/act/escalate/", data, follow=True)  # a double press, same page

    assert first.status_code == 302
    case.refresh_from_db()
    assert (case.level, case.escalation_count) == ("community", 1)
    assert case.events.filter(action="escalate").count() == 1
    assert "本次上报未执行" in _html(second)


def test_dispatch_form_sends_the_chosen_departments(world, web):
    case = file_case(world, code="0202")
    case_transition(case_id=case.pk, action="accept", actor=world.street_officer)
    data = {
        "dispatch-target": "departments",
        "dispatch-departments": [str(world.departments["cgzf"].id), str(world.departments["zj"].id)],
        "dispatch-note": "联合处置",
    }
    response = web("street_officer").post(f"/cases/{case.pk}/act/dispatch/", data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
    assert set(case.dispatches.values_list("department__code", flat=True)) == {"cgzf", "zj"}
    # the liaison now sees the case and may sign for it
    page = _html(web("liaison").get(f"/cases/{case.pk}/"))
    assert 'id="action-sign"' in page


def test_dispatch_form_preticks_the_departments_of_the_jurisdiction_list(world, web):
    case = file_case(world, code="0202")
    case_transition(case_id=case.pk, action="accept", actor=world.street_officer)
    html = _html(web("street_officer").get(f"/cases/{case.pk}/"))
    for code in ("cgzf", "zj"):
        assert re.search(rf'value="{world.departments[code].id}"[^>]*checked', html)
    assert not re.search(rf'value="{world.departments["scjg"].id}"[^>]*checked', html)


def test_second_dispatch_shows_who_got_there_first_and_keeps_the_form(world, web):
    case = file_case(world, code="0202")
    case_transition(case_id=case.pk, action="accept", actor=world.street_officer)
    case_transition(
        case_id=case.pk, action="dispatch", actor=world.street_officer, departments=[world.departments["cgzf"].id]
    )
    data = {"dispatch-target": "departments", "dispatch-departments": [str(world.departments["zj"].id)]}
    data["dispatch-note"] = "我也来派一下"
    response = web("street_officer_2").post(f"/cases/{case.pk}/act/dispatch/", data)
    html = _html(response)
    assert response.status_code == 409
    assert "已由郑街道" in html
    assert case.events.filter(action="dispatch").count() == 1


def test_forbidden_action_shows_the_reason_and_changes_nothing(world, web):
    case = file_case(world)
    response = web("community_officer").post(f"/cases/{case.pk}/act/self_handle/", {"self_handle-note": "处理了"})
    assert response.status_code == 403
    assert "只有本网格的网格员可以当场处置" in _html(response)
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_missing_required_note_keeps_the_form_open_with_its_values(world, web):
    case = file_case(world)
    response = web("community_officer").post(f"/cases/{case.pk}/act/reject/", {"reject-note": ""})
    html = _html(response)
    assert response.status_code == 400
    assert re.search(r'<details class="action" id="action-reject" open', html)
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_self_handle_with_after_photo_then_community_verifies(world, web):
    case = file_case(world, files=[photo()])
    response = web("grid_worker").post(
        f"/cases/{case.pk}/act/self_handle/", {"self_handle-note": "已清理", "self_handle-files": [photo("after.jpg")]}
    )
    assert response.status_code == 302
    assert case.events.get(action="self_handle").evidence.get().stage == "resolution"
    web("community_officer").post(f"/cases/{case.pk}/act/verify_ok/", {})
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_refused_evidence_file_on_an_action_keeps_the_note(world, web):
    case = file_case(world)
    fake = SimpleUploadedFile("after.jpg", b"GIF89a-not-really", content_type="image/jpeg")
    response = web("grid_worker").post(
        f"/cases/{case.pk}/act/self_handle/", {"self_handle-note": "已清理干净", "self_handle-files": [fake]}
    )
    html = _html(response)
    assert response.status_code == 400
    assert "after.jpg" in html
    assert "已清理干净</textarea>" in html
    assert case.events.count() == 1


def test_extension_request_and_approval_through_the_page(world, web):
    case = file_case(world, code="0202", now=at(2026, 11, 18, 10))
    case_transition(case_id=case.pk, action="accept", actor=world.street_officer, now=at(2026, 11, 18, 10, 5))
    case_transition(
        case_id=case.pk,
        action="dispatch",
        actor=world.street_officer,
        now=at(2026, 11, 18, 10, 6),
        departments=[world.departments["cgzf"].id],
    )
    case_transition(case_id=case.pk, action="sign", actor=world.liaison, now=at(2026, 11, 18, 10, 7))
    case.refresh_from_db()
    later = timezone.localtime(case.due_at + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    response = web("liaison").post(
        f"/cases/{case.pk}/act/extension_request/",
        {"extension_request-note": "需要协调", "extension_request-requested_due_at": later},
    )
    assert response.status_code == 302
    page = _html(web("street_officer").get(f"/cases/{case.pk}/"))
    assert "延期申请待审批" in page
    assert 'id="action-extension_approve"' in page
    web("street_officer").post(f"/cases/{case.pk}/act/extension_approve/", {})
    case.refresh_from_db()
    assert case.extension_count == 1


def test_comment_and_internal_note_share_one_form(world, web):
    case = file_case(world)
    client = web("community_officer")
    client.post(f"/cases/{case.pk}/act/comment/", {"remark-note": "已联系物业"})
    client.post(f"/cases/{case.pk}/act/note/", {"remark-note": "物业负责人态度消极"})
    assert list(case.events.filter(action__in=["comment", "note"]).values_list("action", "public")) == [
        ("comment", True),
        ("note", False),
    ]


def test_whistle_is_not_posted_through_the_generic_action(world, web):
    case = file_case(world, code="0202")
    case_transition(case_id=case.pk, action="accept", actor=world.street_officer)
    response = web("street_officer").post(f"/cases/{case.pk}/act/whistle/", {"whistle-note": "x"})
    assert response.status_code == 404
    assert not case.events.filter(action="whistle").exists()


# --- what the page shows ------------------------------------------------------------------------------------


def test_due_times_in_local_time_with_time_left_and_overdue(world, web):
    case = file_case(world, code="0102", now=at(2026, 11, 20, 16))  # due Tue 2026-11-24 16:00
    with time_machine.travel(at(2026, 11, 24, 13), tick=False):
        html = _html(web("grid_worker").get(f"/cases/{case.pk}/"))
        assert "11-24 16:00" in html
        assert "剩 3 小时" in html and "还剩" not in html
    with time_machine.travel(at(2026, 11, 24, 18, 30), tick=False):
        html = _html(web("grid_worker").get(f"/cases/{case.pk}/"))
        assert "超时 2 小时" in html
        assert "红灯" in html


def test_timeline_shows_actor_name_role_label_note_and_evidence(world, web):
    case = file_case(world, files=[photo()])
    case_transition(case_id=case.pk, action="self_handle", actor=world.grid_worker, note="当场清理", files=[photo()])
    html = _html(web("street_officer").get(f"/cases/{case.pk}/"))
    assert "王网格 · 网格员" in html
    assert "自行处置" in html and "当场清理" in html
    assert html.count('class="thumb"') >= 3  # report photo (twice: photos + timeline) and the after photo


def test_citizen_contact_masked_below_the_street(world, web):
    case = file_case(world, citizen_name="张小三", citizen_phone="13912345678")
    grid_page = _html(web("grid_worker").get(f"/cases/{case.pk}/"))
    assert "139****5678" in grid_page and "13912345678" not in grid_page
    assert "张**" in grid_page and "张小三" not in grid_page
    assert "13912345678" not in _html(web("community_officer").get(f"/cases/{case.pk}/"))
    street_page = _html(web("street_officer").get(f"/cases/{case.pk}/"))
    assert "13912345678" in street_page and "张小三" in street_page


def test_the_citizens_private_link_is_on_no_staff_page(world, web):
    """Staff record a phone follow-up under their own name; the citizen's link is the citizen's alone."""
    case = file_case(world, citizen_name="张小三", citizen_phone="13912345678")
    for persona in ("grid_worker", "part_timer", "street_officer", "district_officer", "admin"):
        assert case.follow_up_token not in _html(web(persona).get(f"/cases/{case.pk}/")), persona


# --- lists -----------------------------------------------------------------------------------------------------


def test_my_cases_tabs_show_work_waiting_and_my_reports(world, web):
    waiting = file_case(world, title="待处理的")
    street = file_case(world, code="0202", title="街道的")  # grade B: the street holds it
    client = web("grid_worker")
    todo = _html(client.get("/cases/mine/"))
    assert waiting.number in todo and street.number not in todo
    reported = _html(client.get("/cases/mine/?tab=reported"))
    assert waiting.number in reported and street.number in reported


def test_list_filters_by_status_level_light_and_text(world, web):
    a = file_case(world, title="北门垃圾", now=at(2026, 11, 20, 16))
    b = file_case(world, code="0202", title="楼顶搭建", now=at(2026, 11, 20, 16))
    case_transition(case_id=b.pk, action="accept", actor=world.street_officer, now=at(2026, 11, 20, 16, 5))
    client = web("street_officer")
    with time_machine.travel(at(2026, 11, 20, 17), tick=False):
        only_b = _html(client.get("/cases/?status=accepted"))
        assert b.number in only_b and a.number not in only_b
        only_a = _html(client.get("/cases/?level=grid"))
        assert a.number in only_a and b.number not in only_a
        by_text = _html(client.get("/cases/?q=楼顶"))
        assert b.number in by_text and a.number not in by_text
        green = _html(client.get("/cases/?light=green"))
        assert a.number in green
    with time_machine.travel(at(2026, 11, 25, 9), tick=False):
        red = _html(client.get("/cases/?light=red"))
        assert a.number in red and b.number not in red


def test_list_paginates_twenty_a_page(world, web):
    for i in range(23):
        file_case(world, title=f"案件{i}")
    client = web("street_officer")
    first = _html(client.get("/cases/"))
    assert first.count('<li class="case-row') == 20
    assert "共 23 件" in first
    nxt = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert _html(client.get("/cases/" + nxt)).count('<li class="case-row') == 3


def _list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["street_officer", "grid_worker"])
def test_list_query_count_does_not_grow_with_the_rows(world, web, persona, django_assert_num_queries):
    client = web(persona)
    file_case(world)
    few = _list_queries(client, "/cases/?status=reported")
    for _ in range(12):
        file_case(world)
    many = _list_queries(client, "/cases/?status=reported")
    assert many == few
    with django_assert_num_queries(few):
        client.get("/cases/?status=reported")


def test_every_action_in_the_transition_table_has_a_form_shape():
    from cases import transitions
    from cases.forms import ActionForm
    from cases.views.pages import ACT_ACTIONS

    for action in ACT_ACTIONS:
        assert action in transitions.TRANSITIONS
        assert action in ActionForm.FIELDS


def test_events_rows_never_change_when_a_page_action_is_refused(world, web):
    case = file_case(world)
    before = list(CaseEvent.objects.values_list("id", "action"))
    web("grid_worker").post(f"/cases/{case.pk}/act/verify_ok/", {})
    assert list(CaseEvent.objects.values_list("id", "action")) == before


def test_action_buttons_read_as_verbs_in_english(world, web):
    """不予受理 and 挂账 are both a status and a button: in English the buttons read 'Rejected' and 'On hold' (the
    status), 上报 read 'Report' beside 'Report resolution'. The buttons now say what they do; the status is kept."""
    import re

    from cases.choices import Status
    from tests.cases.setups import SETUPS, home

    reported = SETUPS["b_reported"](home(world))
    accepted = SETUPS["b_accepted"](home(world))
    client = web("street_officer")
    client.cookies["django_language"] = "en"
    buttons = set()
    for case in (reported, accepted):
        html = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        buttons |= {b.strip() for b in re.findall(r"<summary class=\"btn[^\"]*\">([^<]*)</summary>", html)}
    assert {"Reject", "Put on hold", "Escalate"} <= buttons, buttons
    assert not {"Rejected", "On hold", "Report"} & buttons
    from django.utils import translation

    with translation.override("en"):
        assert (Status.REJECTED.label, Status.ON_HOLD.label) == ("Rejected", "On hold")


def test_a_higher_centre_supervises_from_the_case_page_and_the_holder_is_told(world, web):
    """督办 was a transition no page offered (UI round, 2026-12-03): the district saw a red street case with 上报
    and 合并 only. Now a higher centre has the button, with its instruction; nobody else sees it, not even
    disabled."""
    from escalation.models import Notice

    case = file_case(world)
    grid_page = web("grid_worker").get(f"/cases/{case.pk}/").content.decode()
    assert f'action="/cases/{case.pk}/act/supervise/"' not in grid_page and "督办意见" not in grid_page
    district = web("district_officer")
    page = district.get(f"/cases/{case.pk}/").content.decode()
    assert f'action="/cases/{case.pk}/act/supervise/"' in page
    before = Notice.objects.count()
    response = district.post(f"/cases/{case.pk}/act/supervise/", {"supervise-note": "请于今日17时前处置完毕并反馈"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.supervised_at is not None
    event = case.events.get(action="supervise")
    assert event.note == "请于今日17时前处置完毕并反馈" and event.actor_id == world.users["district_officer"].pk
    told = Notice.objects.filter(case=case, recipient=world.grid_worker)  # the case's grid team holds it
    assert Notice.objects.count() > before and told.filter(title__contains="督办").exists()
    empty = district.post(f"/cases/{case.pk}/act/supervise/", {"supervise-note": ""})
    assert empty.status_code == 400 and case.events.filter(action="supervise").count() == 1


def test_the_supervised_badge_is_shown_while_the_case_is_open_only(world, web):
    """A closed case still said "已结案 · 街道级办理 · 督办中" (UI round, 2026-12-03): supervision is over when the
    case is; the dashboard's 督办中 count already left it out."""
    case = file_case(world)
    Case.objects.filter(pk=case.pk).update(supervised_at=timezone.now())
    street = web("street_officer")
    assert "督办中" in street.get(f"/cases/{case.pk}/").content.decode()
    assert 'status-supervised">督办<' in street.get("/cases/").content.decode()

    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    assert "督办中" not in street.get(f"/cases/{case.pk}/").content.decode()
    assert 'status-supervised">督办<' not in street.get("/cases/?status=closed").content.decode()
