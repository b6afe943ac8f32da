"""Pages that tell the truth (issue 10): exactly the actions allowed now, GET of an action URL goes back to the
case, the rule that set the clock, holds and pending requests, whistles on the case page, human labels for
internal codes, the note's visibility, the citizen's link kept from staff, and the tracking page."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.utils import translation

from cases.models import CaseEvent
from cases.services import case_transition
from escalation.services.whistles import summons_report_in, summons_request_extension, summons_respond
from tests.escalation.whistle_helpers import T0 as W0
from tests.escalation.whistle_helpers import whistled_case

from .helpers import at, file_case
from .setups import SETUPS, home


def _html(response) -> str:
    return response.content.decode()


def _offered(html: str) -> set[str]:
    import re

    return set(re.findall(r'<details class="action" id="action-([a-z_]+)"', html))


# --- exactly the actions allowed now -------------------------------------------------------------------------


def test_no_sign_for_a_department_that_already_signed(world, web):
    case = SETUPS["b_dispatched"](home(world))
    assert "sign" in _offered(_html(web("liaison").get(f"/cases/{case.pk}/")))
    case_transition(case_id=case.pk, action="sign", actor=world.liaison)
    html = _html(web("liaison").get(f"/cases/{case.pk}/"))
    assert "sign" not in _offered(html) and 'id="why-sign"' not in html
    assert {"resolve", "extension_request", "return_request", "hold_request"} <= _offered(html)


def test_the_centre_on_its_own_case_is_offered_no_return_or_extension(world, web):
    case = SETUPS["b_accepted"](home(world))
    html = _html(web("street_officer").get(f"/cases/{case.pk}/"))
    offered = _offered(html)
    assert {"dispatch", "hold"} <= offered
    for action in ("return_request", "extension_request", "sign", "hold_request", "return", "extension_approve"):
        assert action not in offered and f'id="why-{action}"' not in html, action


def test_decisions_appear_where_a_request_is_pending(world, web):
    case = SETUPS["b_return_pending"](home(world))
    html = _html(web("street_officer").get(f"/cases/{case.pk}/"))
    assert {"return", "return_reject"} <= _offered(html)
    assert 'data-pending="return"' in html and "申请退单" in html
    hold = SETUPS["b_hold_pending"](home(world))
    html = _html(web("street_officer").get(f"/cases/{hold.pk}/"))
    assert {"hold_approve", "hold_refuse"} <= _offered(html) and 'data-pending="hold"' in html


def test_get_of_an_action_url_goes_back_to_the_case(world, web):
    case = SETUPS["b_accepted"](home(world))
    for action in ("accept", "dispatch", "nonsense"):
        response = web("street_officer").get(f"/cases/{case.pk}/act/{action}/")
        assert (response.status_code, response["Location"]) == (302, f"/cases/{case.pk}/"), action
    assert web("outsider").get(f"/cases/{case.pk}/act/accept/").status_code == 404


def test_a_refused_action_keeps_the_user_on_the_case_page_with_the_message(world, web):
    case = SETUPS["b_in_progress"](home(world))
    Case = type(case)
    Case.objects.filter(pk=case.pk).update(due_at=at(2026, 1, 5, 9))  # the deadline has passed
    response = web("liaison").post(
        f"/cases/{case.pk}/act/extension_request/",
        {"extension_request-requested_due_at": "2027-01-10T09:00", "extension_request-note": "来不及"},
    )
    html = _html(response)
    assert response.status_code == 409
    assert "已过，不能再申请延期" in html and 'id="case-title"' in html


# --- the clock, holds and ratings on the page ---------------------------------------------------------------


def test_the_page_and_the_api_name_the_rule_that_set_the_clock(world, web, api):
    case = SETUPS["b_in_progress"](home(world))
    html = _html(web("street_officer").get(f"/cases/{case.pk}/"))
    assert "时限依据" in html and "0202 违法搭建 · 街道级 · 第 1 版" in html
    body = api("street_officer").get(f"/api/v1/cases/{case.pk}/").json()
    assert body["clock_rule"] == {"id": case.rule_id, "version": 1, "label": "0202 违法搭建 · 街道级 · 第 1 版"}
    sign = CaseEvent.objects.get(case=case, action="sign")
    assert sign.data["rule"]["id"] == case.rule_id


def test_an_english_page_names_the_rule_in_english_where_the_catalogue_has_it(world, web):
    """ "Deadline set by: 0102 楼道堆物" on an English page (UI round, 2026-12-03): the rule's label now takes the
    catalogue's English name like every other place a category is named."""
    case = SETUPS["b_in_progress"](home(world))
    case.category.name_en = "Illegal construction"
    case.category.save(update_fields=["name_en"])
    client = web("street_officer")
    client.cookies["django_language"] = "en"
    html = _html(client.get(f"/cases/{case.pk}/"))
    assert (
        "Deadline set by: 0202 Illegal construction · " in html
        and "违法搭建" not in html.split("Deadline set by")[1][:80]
    )


def test_the_page_shows_the_hold_and_its_expected_end(world, web):
    case = SETUPS["b_on_hold"](home(world))
    html = _html(web("liaison").get(f"/cases/{case.pk}/"))
    assert "挂账中" in html and "恢复办理" in html
    assert case.hold_until is not None
    from django.utils import timezone

    assert timezone.localtime(case.hold_until).strftime("%Y-%m-%d %H:%M") in html


def test_staff_phone_follow_up_names_the_recorder_and_the_link_stays_hidden(world, web, client):
    case = SETUPS["a_closed"](home(world))
    html = _html(web("street_officer").get(f"/cases/{case.pk}/"))
    assert case.follow_up_token not in html
    web("street_officer").post(
        f"/cases/{case.pk}/act/rate/", {"rate-result": "basic", "rate-contacted": "on", "rate-note": "电话回访"}
    )
    html = _html(web("community_officer").get(f"/cases/{case.pk}/"))
    assert "电话回访，记录人：郑街道" in html
    # staff opening the citizen's link may look but not rate in the citizen's name
    staff = web("street_officer")
    page = _html(staff.get(f"/track/{case.follow_up_token}/"))
    assert "请评价处理结果" not in page and "工作人员不能在此评价" in page
    assert staff.post(f"/track/{case.follow_up_token}/", {"result": "satisfied"}).status_code == 403


# --- whistles on the case page ----------------------------------------------------------------------------


def test_the_case_page_shows_its_whistles(world, web):
    case, _whistle, by = whistled_case(world)
    summons_report_in(summons_id=by["cgzf"].id, actor=world.liaison, now=W0 + timedelta(minutes=12))
    summons_report_in(summons_id=by["zj"].id, actor=world.liaison_zj, now=W0 + timedelta(hours=1))
    with time_machine.travel(W0 + timedelta(hours=2), tick=False):
        html = _html(web("street_officer").get(f"/cases/{case.pk}/"))
    assert 'id="whistles"' in html
    assert "城管执法" in html and "住建" in html
    assert "报到时限" in html and "反馈时限" in html and "迟报到" in html
    assert html.count("data-summons=") == 2


def test_a_liaison_on_the_case_page_is_linked_to_its_own_summons_only(world, web):
    """Every department summoned shows in the table; the name links to the summons only where the viewer may open
    it: a liaison reaches their own department's, not another's (that link led to a 404)."""
    case, _whistle, by = whistled_case(world)
    liaison = web("liaison")  # 城管执法
    html = _html(liaison.get(f"/cases/{case.pk}/"))
    assert html.count("data-summons=") == 2 and "住建" in html
    links = re.findall(r'href="(/inbox/summons/\d+/)"', html)
    assert links == [f"/inbox/summons/{by['cgzf'].pk}/"]
    assert all(liaison.get(link).status_code == 200 for link in links)
    officer_html = _html(web("street_officer").get(f"/cases/{case.pk}/"))
    assert sorted(re.findall(r'href="/inbox/summons/(\d+)/"', officer_html)) == sorted(str(s.pk) for s in by.values())


# --- human labels, both languages ---------------------------------------------------------------------------


def test_timeline_names_summons_steps_and_reasons_never_codes(world, web):
    case, _whistle, by = whistled_case(world)
    summons_report_in(summons_id=by["cgzf"].id, actor=world.liaison, now=W0 + timedelta(minutes=12))
    summons_respond(summons_id=by["cgzf"].id, actor=world.liaison, text="已责令停工", now=W0 + timedelta(hours=1))
    summons_request_extension(
        summons_id=by["zj"].id,
        actor=world.liaison_zj,
        until=W0 + timedelta(days=5),
        reason="需检测",
        now=W0 + timedelta(minutes=20),
    )
    with time_machine.travel(W0 + timedelta(hours=2), tick=False):
        zh = _html(web("street_officer").get(f"/cases/{case.pk}/"))
        client = web("street_officer")
        client.cookies["django_language"] = "en"
        en = _html(client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    for page in (zh, en):
        assert "summons_" not in page
    assert "部门报到" in zh and "部门反馈" in zh and "部门申请延期" in zh
    assert "Department reported in" in en and "Department responded" in en


def test_recorded_roles_and_summons_records_read_in_the_readers_language(world, web, client):
    """An event stores its actor's role, and a summons record its note, as written (in Chinese, the source
    language): read in English, the case page, the tracking page and the summons page render them again from
    their message templates; the names inside (a street, a department) are data and stay as written."""
    case, _whistle, by = whistled_case(world)
    summons_report_in(summons_id=by["cgzf"].id, actor=world.liaison, now=W0 + timedelta(minutes=45))  # late
    summons_respond(summons_id=by["cgzf"].id, actor=world.liaison, text="已责令停工", now=W0 + timedelta(hours=1))
    citizen_case = file_case(world, citizen_name="张三", citizen_phone="13900001111")
    case_transition(case_id=citizen_case.pk, action="accept", actor=world.street_officer)
    roles = set(case.events.values_list("actor_role", flat=True))
    street_centre = f"{world.street.name}综治中心"
    assert street_centre in roles  # stored in Chinese
    with time_machine.travel(W0 + timedelta(hours=2), tick=False):
        staff = web("street_officer")
        staff.cookies["django_language"] = "en"
        page = _html(staff.get(f"/cases/{case.pk}/"))
        liaison = web("liaison")
        liaison.cookies["django_language"] = "en"
        summons = _html(liaison.get(f"/inbox/summons/{by['cgzf'].pk}/"))
    client.cookies["django_language"] = "en"
    track = _html(client.get(f"/track/{citizen_case.follow_up_token}/"))
    assert f"{world.street.name} governance centre" in page and street_centre not in page
    dept = world.departments["cgzf"].name
    assert f"{dept} reported in (late; due" in summons and "超时报到" not in summons
    assert f"{dept} responded: 已责令停工" in summons  # the department's own words stay as typed
    assert f"{world.street.name} governance centre" in track and street_centre not in track
    assert f"{dept} reported in (late; due" in page  # the record on the case's own timeline too


def test_a_note_a_person_typed_stays_as_typed_whatever_it_looks_like(world, web):
    """Only what the system wrote is rendered again in the reader's language: a person's note that reads like a
    recorded role or a summons record is shown exactly as typed."""
    case = file_case(world)
    typed = ["居民反馈：仍有积水", f"已转{world.street.name}综治中心", "城管执法已报到"]
    for note in typed:
        case_transition(case_id=case.pk, action="comment", actor=world.grid_worker, note=note)
    client = web("street_officer")
    client.cookies["django_language"] = "en"
    page = _html(client.get(f"/cases/{case.pk}/"))
    for note in typed:
        assert note in page
    assert "responded:" not in page and "governance centre</p>" not in page


def test_countdowns_use_one_format(world):
    from cases.views.display import countdown_text

    assert countdown_text(27 * 3600 + 60) == "剩 1 天 3 小时"
    assert countdown_text(-2 * 3600) == "超时 2 小时"
    assert countdown_text(125 * 60) == "剩 2 小时 5 分钟"
    assert countdown_text(30) == "剩 1 分钟"
    with translation.override("en"):
        assert countdown_text(27 * 3600) == "1 d 3 h left"
        assert countdown_text(-2 * 3600) == "2 h overdue"


# --- notes: who sees them -----------------------------------------------------------------------------------


def test_the_note_form_says_who_sees_it_and_internal_notes_stay_internal(world, web, client):
    case = file_case(world, citizen_name="张三", citizen_phone="13900001111")
    staff = web("street_officer")
    html = _html(staff.get(f"/cases/{case.pk}/"))
    assert 'name="remark-visibility"' in html and "群众看不到" in html and "进度查询页" in html
    staff.post(f"/cases/{case.pk}/act/comment/", {"remark-visibility": "internal", "remark-note": "内部：当事人难缠"})
    staff.post(f"/cases/{case.pk}/act/comment/", {"remark-visibility": "public", "remark-note": "已安排人员处理"})
    assert list(case.events.filter(action__in=["comment", "note"]).values_list("action", "public")) == [
        ("note", False),
        ("comment", True),
    ]
    track = _html(client.get(f"/track/{case.follow_up_token}/"))
    assert "已安排人员处理" in track and "当事人难缠" not in track


# --- the citizen --------------------------------------------------------------------------------------------


def test_the_tracking_page_shows_what_the_citizen_wrote(world, client):
    case = file_case(world, description="楼下烧烤店油烟直排，晚上开不了窗", citizen_phone="13900001111")
    html = _html(client.get(f"/track/{case.follow_up_token}/"))
    assert "您反映的内容" in html and "楼下烧烤店油烟直排，晚上开不了窗" in html


def test_notices_read_in_the_readers_language(world, web):
    case = file_case(world, code="0101")
    case_transition(case_id=case.pk, action="escalate", actor=world.grid_worker, note="处理不了")
    zh = _html(web("community_officer").get("/notices/"))
    assert "【上报】" in zh and "上报至社区" in zh
    client = web("community_officer")
    client.cookies["django_language"] = "en"
    en = _html(client.get("/notices/"))
    assert "【上报】" not in en and "上报至" not in en
    assert case.number in en  # the case reference is data, kept as written


def test_one_countdown_wording_everywhere():
    from core.durations import countdown_text as core_text
    from escalation.display import left_text
    from escalation.selectors import duration_text
    from escalation.views.dashboard import countdown_text as ticker_text

    for seconds in (59, 3600, 27 * 3600 + 300, -7200):
        assert core_text(seconds) == left_text(seconds) == duration_text(seconds) == ticker_text(seconds)


def test_a_pending_summons_extension_can_be_decided_after_the_department_responded(world, web):
    _case, _whistle, by = whistled_case(world)
    s = by["cgzf"]
    summons_report_in(summons_id=s.id, actor=world.liaison, now=W0 + timedelta(minutes=10))
    summons_request_extension(
        summons_id=s.id, actor=world.liaison, until=W0 + timedelta(days=5), reason="需复核", now=W0 + timedelta(hours=1)
    )
    summons_respond(summons_id=s.id, actor=world.liaison, text="已先行处置", now=W0 + timedelta(hours=2))
    html = _html(web("street_officer").get(f"/inbox/summons/{s.id}/"))
    assert f'id="s{s.id}-decide_extension"' in html


def test_a_summons_extension_after_its_deadline_is_refused(world):
    import pytest

    from core.errors import NotAllowed

    _case, _whistle, by = whistled_case(world)
    s = by["cgzf"]
    summons_report_in(summons_id=s.id, actor=world.liaison, now=W0 + timedelta(minutes=10))
    s.refresh_from_db()
    with pytest.raises(NotAllowed) as refused:
        summons_request_extension(
            summons_id=s.id,
            actor=world.liaison,
            until=s.respond_due_at + timedelta(days=3),
            reason="晚了",
            now=s.respond_due_at + timedelta(minutes=1),
        )
    assert refused.value.code == "deadline_passed"


def test_timeline_names_the_rule_on_the_events_that_set_due_times(world, web):
    case = SETUPS["b_in_progress"](home(world))
    html = _html(web("street_officer").get(f"/cases/{case.pk}/"))
    assert html.count("时限依据：0202 违法搭建 · 街道级 · 第 1 版") >= 2  # the header and the sign event


def test_no_template_comment_leaks_onto_a_page(world, web, client):
    """A ``{# … #}`` comment spanning lines is not a comment in Django: it is printed on the page."""
    case = SETUPS["b_in_progress"](home(world))
    for html in (
        _html(web("street_officer").get(f"/cases/{case.pk}/")),
        _html(client.get(f"/track/{case.follow_up_token}/")),
    ):
        assert "{#" not in html and "#}" not in html


def test_the_grade_reads_as_a_phrase_in_either_language(world, web):
    case = file_case(world, code="0101")
    zh = web("street_officer").get(f"/cases/{case.pk}/").content.decode()
    client = web("street_officer")
    client.cookies["django_language"] = "en"
    en = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="grade">A</span>级' in zh
    assert 'grade <span class="grade">A</span>' in en and "</span>level" not in en  # was "Alevel"


def test_a_note_typed_into_an_action_the_case_no_longer_offers_is_shown_back_as_typed(world, web):
    """The case was dispatched in another tab while the officer wrote why it should be rejected: 409, and the page
    had no reject form left to put the note back in — it was gone (input audit, 2026-12-03). Now it is shown under
    "未提交", as typed, to copy into whatever comes next."""
    case = SETUPS["b_dispatched"](home(world))
    note = "该处为私人院落，不属于公共区域，\n建议由物业协调处理。"
    response = web("street_officer").post(f"/cases/{case.pk}/act/reject/", {"reject-note": note})

    assert response.status_code == 409
    page = response.content.decode()
    assert "未提交：事件已有新的进展" in page
    assert "该处为私人院落，不属于公共区域，\n建议由物业协调处理。</textarea>" in page
    case.refresh_from_db()
    assert case.status == "dispatched"


def test_an_action_still_offered_gets_its_form_back_not_the_unsent_box(world, web):
    case = SETUPS["b_accepted"](home(world))
    response = web("street_officer").post(f"/cases/{case.pk}/act/reject/", {"reject-note": ""})
    assert response.status_code == 400 and "未提交：事件已有新的进展" not in response.content.decode()


def test_a_group_of_choices_is_named_by_its_legend_not_an_empty_label(world, web):
    """The 派遣给 and 评价 radio groups had <label for="">: a screen reader tied the question to nothing (UI round,
    2026-12-03). A group is a fieldset whose legend is the question."""
    case = SETUPS["b_accepted"](home(world))
    page = _html(web("street_officer").get(f"/cases/{case.pk}/"))
    assert 'for=""' not in page
    assert re.search(r'<fieldset class="field__group">\s*<legend>派遣给</legend>', page)
