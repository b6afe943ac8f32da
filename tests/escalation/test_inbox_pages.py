"""The liaison inbox, the summons page and the whistle form, per persona: scope (404), actions, messages."""

from __future__ import annotations

import re

import time_machine
from django.urls import reverse

from cases.models import CaseEvent
from cases.services import case_transition
from escalation.choices import SummonsStatus
from escalation.models import Summons, Whistle
from tests.cases.helpers import at, file_case, photo

from .whistle_helpers import T0, whistled_case


def _inbox(web, persona, now):
    with time_machine.travel(now, tick=False):
        return web(persona).get("/inbox/")


def test_liaison_inbox_lists_own_department_summons_with_countdowns_and_lights(world, web):
    case, _w, summons = whistled_case(world)
    resp = _inbox(web, "liaison", at(2026, 11, 18, 10, 5))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert case.number in html and "城管执法 · 待办" in html
    assert f"/inbox/summons/{summons['cgzf'].id}/" in html
    assert f"/inbox/summons/{summons['zj'].id}/" not in html  # another department's summons
    assert "剩 25 分钟" in html  # report-in due 10:30
    assert "countdown--green" in html
    assert "报到</button>" in html


def test_liaison_inbox_turns_yellow_then_red_as_the_report_in_time_passes(world, web):
    whistled_case(world, codes=("cgzf",))
    html = _inbox(web, "liaison", at(2026, 11, 18, 10, 25)).content.decode()
    assert "countdown--yellow" in html and "summons--yellow" in html  # 25 of 30 minutes used: ≥ 80 %
    html = _inbox(web, "liaison", at(2026, 11, 18, 10, 40)).content.decode()
    assert "countdown--red" in html and "超时 10 分钟" in html and "summons--red" in html


def test_liaison_inbox_lists_cases_dispatched_to_the_department_with_a_sign_button(world, web):
    case = file_case(world, code="0204", now=T0, title="餐饮油烟扰民")
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0)
    case_transition(
        case_id=case.id,
        action="dispatch",
        actor=world.street_officer,
        departments=[world.departments["scjg"].id],
        now=T0,
    )
    html = _inbox(web, "liaison_scjg", at(2026, 11, 18, 10, 5)).content.decode()
    assert case.number in html and "派遣给本部门的事件" in html
    assert f'action="/cases/{case.id}/act/sign/"' in html
    assert f"/cases/{case.id}/#action-return" in html
    # Another department's liaison sees none of it.
    assert case.number not in _inbox(web, "liaison", at(2026, 11, 18, 10, 5)).content.decode()


def test_street_officer_inbox_shows_summonses_waiting_and_responses_to_confirm(world, web):
    case, _w, summons = whistled_case(world)
    cg = summons["cgzf"]
    Summons.objects.filter(pk=cg.pk).update(status=SummonsStatus.RESPONDED, responded_at=T0, response="已处理")
    html = _inbox(web, "street_officer", at(2026, 11, 18, 10, 5)).content.decode()
    assert "吹哨报到" in html and "住建" in html and "城管执法" in html
    assert f'action="/inbox/summons/{cg.id}/complete/"' in html
    # A street officer of another street sees nothing of it.
    assert case.number not in _inbox(web, "other_street_officer", at(2026, 11, 18, 10, 5)).content.decode()


def test_grid_worker_inbox_explains_what_the_page_is_for(world, web):
    whistled_case(world)
    resp = _inbox(web, "grid_worker", at(2026, 11, 18, 10, 5))
    assert resp.status_code == 200 and "待办页面供部门联络员和综治中心使用" in resp.content.decode()


def test_inbox_needs_a_login(world, client):
    resp = client.get("/inbox/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_inbox_htmx_refresh_returns_the_list_only(world, web):
    whistled_case(world)
    c = web("liaison")
    with time_machine.travel(at(2026, 11, 18, 10, 5), tick=False):
        resp = c.get("/inbox/", HTTP_HX_REQUEST="true")
    html = resp.content.decode()
    assert resp.status_code == 200 and "<html" not in html and "countdown" in html


# --- the summons page and its actions ------------------------------------------------------------------------


def test_summons_page_404_for_liaison_of_another_department_and_outsiders(world, web):
    _case, _w, summons = whistled_case(world)
    url = f"/inbox/summons/{summons['cgzf'].id}/"
    assert web("liaison").get(url).status_code == 200
    assert web("street_officer").get(url).status_code == 200
    for persona in ("liaison_zj", "liaison_scjg", "outsider", "other_street_officer"):
        assert web(persona).get(url).status_code == 404, persona
        assert web(persona).post(url + "report_in/").status_code == 404, persona


def test_report_in_from_the_inbox_goes_back_to_the_inbox_with_a_message(world, web):
    _case, _w, summons = whistled_case(world)
    c = web("liaison")
    with time_machine.travel(at(2026, 11, 18, 10, 12), tick=False):
        resp = c.post(f"/inbox/summons/{summons['cgzf'].id}/report_in/", {"next": "/inbox/"}, follow=True)
    assert resp.redirect_chain[-1][0] == "/inbox/"
    assert "已报到：城管执法" in resp.content.decode()
    assert Summons.objects.get(pk=summons["cgzf"].pk).status == SummonsStatus.REPORTED_IN


def test_next_outside_the_site_is_ignored(world, web):
    _case, _w, summons = whistled_case(world)
    with time_machine.travel(at(2026, 11, 18, 10, 12), tick=False):
        resp = web("liaison").post(f"/inbox/summons/{summons['cgzf'].id}/report_in/", {"next": "https://evil.example/"})
    assert resp.status_code == 302 and resp["Location"] == f"/inbox/summons/{summons['cgzf'].id}/"


def test_respond_with_photos_from_the_summons_page(world, web):
    case, _w, summons = whistled_case(world)
    cg = summons["cgzf"]
    c = web("liaison")
    with time_machine.travel(at(2026, 11, 18, 10, 12), tick=False):
        c.post(f"/inbox/summons/{cg.id}/report_in/")
    with time_machine.travel(at(2026, 11, 18, 15), tick=False):
        resp = c.post(
            f"/inbox/summons/{cg.id}/respond/",
            {"respond-text": "已责令停工", "respond-files": [photo(), photo("b.jpg", "blue")]},
        )
    assert resp.status_code == 302
    cg.refresh_from_db()
    assert (cg.status, cg.response) == (SummonsStatus.RESPONDED, "已责令停工")
    event = CaseEvent.objects.get(case=case, reason="summons_respond")
    assert event.evidence.count() == 2
    page = c.get(f"/inbox/summons/{cg.id}/").content.decode()
    assert "已责令停工" in page and "evidence-strip" in page


def test_refused_action_shows_the_reason_and_keeps_what_was_typed(world, web):
    _case, _w, summons = whistled_case(world)
    c = web("liaison")
    with time_machine.travel(at(2026, 11, 18, 10, 12), tick=False):
        resp = c.post(f"/inbox/summons/{summons['cgzf'].id}/respond/", {"respond-text": "提前反馈的内容"})
    assert resp.status_code == 409
    html = resp.content.decode()
    assert "请先报到" in html
    assert Summons.objects.get(pk=summons["cgzf"].pk).status == SummonsStatus.SUMMONED


def test_invalid_form_is_a_400_with_the_form_open(world, web):
    _case, _w, summons = whistled_case(world)
    with time_machine.travel(at(2026, 11, 18, 10, 12), tick=False):
        resp = web("liaison").post(f"/inbox/summons/{summons['cgzf'].id}/return/", {"return-reason": ""})
    assert resp.status_code == 400
    assert f'id="s{summons["cgzf"].id}-return" open' in resp.content.decode()


def test_centre_staff_may_not_report_in_for_the_department(world, web):
    _case, _w, summons = whistled_case(world)
    with time_machine.travel(at(2026, 11, 18, 10, 12), tick=False):
        resp = web("street_officer").post(f"/inbox/summons/{summons['cgzf'].id}/report_in/")
    assert resp.status_code == 403
    assert "只有城管执法的联络员" in resp.content.decode()


def test_street_decides_an_extension_from_the_summons_page(world, web):
    _case, _w, summons = whistled_case(world)
    cg = summons["cgzf"]
    with time_machine.travel(at(2026, 11, 18, 10, 12), tick=False):
        resp = web("liaison").post(
            f"/inbox/summons/{cg.id}/extension/",
            {"extension-until": "2026-11-20T17:00", "extension-reason": "需要现场测量"},
        )
        assert resp.status_code == 302
        page = web("street_officer").get(f"/inbox/summons/{cg.id}/").content.decode()
        assert "审批延期" in page
        resp = web("street_officer").post(
            f"/inbox/summons/{cg.id}/decide_extension/", {"decide_extension-decision": "approve"}
        )
    assert resp.status_code == 302
    cg.refresh_from_db()
    assert (cg.extension_status, cg.respond_due_at) == ("approved", at(2026, 11, 20, 17))


def test_unknown_action_is_404(world, web):
    _case, _w, summons = whistled_case(world)
    assert web("liaison").post(f"/inbox/summons/{summons['cgzf'].id}/explode/").status_code == 404


# --- the whistle form ---------------------------------------------------------------------------------------


def _accepted_case(world):
    case = file_case(world, code="0202", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0)
    return case


def test_whistle_url_name_is_escalation_whistle(world):
    assert reverse("escalation:whistle", kwargs={"pk": 7}) == "/cases/7/whistle/"


def test_street_officer_whistles_from_the_form_and_lands_on_the_case_page(world, web):
    case = _accepted_case(world)
    c = web("street_officer")
    page = c.get(f"/cases/{case.id}/whistle/")
    html = page.content.decode()
    assert page.status_code == 200 and "城管执法" in html and 'value="30"' in html
    # the jurisdiction list's departments for the matter are pre-ticked, as on the dispatch form
    ticked = set(re.findall(r'<input type="checkbox" name="departments" value="(\d+)"[^>]*checked', html))
    expected = {str(d.id) for d in case.rule.departments.all()} if case.rule else set()
    assert ticked == expected and len(expected) == 2  # 城管执法, 住建
    with time_machine.travel(at(2026, 11, 18, 10, 1), tick=False):
        resp = c.post(
            f"/cases/{case.id}/whistle/",
            {
                "departments": [world.departments["cgzf"].id, world.departments["zj"].id],
                "reason": "楼顶违法搭建，请城管执法、住建到场",
                "report_in_minutes": "30",
                "response_limit": "1",
                "response_unit": "working_days",
            },
        )
    assert resp.status_code == 302 and resp["Location"] == f"/cases/{case.id}/"
    whistle = Whistle.objects.get(case=case)
    assert sorted(whistle.summonses.values_list("department__code", flat=True)) == ["cgzf", "zj"]
    assert whistle.summonses.first().report_in_due_at == at(2026, 11, 18, 10, 31)


def test_whistle_form_without_departments_is_a_400_and_writes_nothing(world, web):
    case = _accepted_case(world)
    resp = web("street_officer").post(
        f"/cases/{case.id}/whistle/",
        {"reason": "x", "report_in_minutes": "30", "response_limit": "1", "response_unit": "working_days"},
    )
    assert resp.status_code == 400 and not Whistle.objects.exists()


def test_whistle_form_per_persona(world, web):
    case = _accepted_case(world)
    url = f"/cases/{case.id}/whistle/"
    assert web("grid_worker").get(url).status_code == 403
    assert web("district_officer").get(url).status_code == 403
    assert web("outsider").get(url).status_code == 404
    assert web("liaison").get(url).status_code == 404
    assert web("other_street_officer").get(url).status_code == 404
    resp = web("grid_worker").post(
        url,
        {
            "departments": [world.departments["cgzf"].id],
            "reason": "x",
            "report_in_minutes": "30",
            "response_limit": "1",
            "response_unit": "working_days",
        },
    )
    assert resp.status_code == 403 and not Whistle.objects.exists()


def test_whistle_form_of_a_closed_case_says_why(world, web):
    case = file_case(world, code="0101", now=T0)
    case_transition(case_id=case.id, action="self_handle", actor=world.grid_worker, note="已清理", now=T0)
    case_transition(case_id=case.id, action="verify_ok", actor=world.community_officer, now=T0)
    resp = web("street_officer").get(f"/cases/{case.id}/whistle/")
    assert resp.status_code == 409 and "不能吹哨" in resp.content.decode()


def test_inbox_queries_do_not_grow_with_the_number_of_summonses(world, web):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    whistled_case(world)
    c = web("liaison")
    with time_machine.travel(at(2026, 11, 18, 10, 5), tick=False), CaptureQueriesContext(connection) as one:
        c.get("/inbox/")
    for _ in range(5):
        whistled_case(world)
    with time_machine.travel(at(2026, 11, 18, 10, 5), tick=False), CaptureQueriesContext(connection) as six:
        html = c.get("/inbox/").content.decode()
    assert html.count('class="card summons') == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_a_get_of_an_action_url_goes_back_to_its_page_not_a_blank_405(world, web):
    """Issue 10: no blank 405 — a bookmarked or reloaded action URL leads back to the page the action is on."""
    _case, _w, summons = whistled_case(world)
    sid = summons["cgzf"].id
    liaison = web("liaison")
    response = liaison.get(f"/inbox/summons/{sid}/report_in/")
    assert (response.status_code, response["Location"]) == (302, f"/inbox/summons/{sid}/")
    assert Summons.objects.get(pk=sid).status == SummonsStatus.SUMMONED  # a GET changes nothing
    assert web("outsider").get(f"/inbox/summons/{sid}/report_in/").status_code == 404
    for url in ("/notices/read-all/", "/notices/1/read/"):
        response = liaison.get(url)
        assert (response.status_code, response["Location"]) == (302, "/notices/"), url
    response = web("street_officer").get("/dashboard/bulk/")
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")


def test_the_centre_inbox_lists_the_requests_it_has_to_decide(world, web):
    """延期, 挂账 and 退单 asked by a handler wait in the dispatching centre's 待办 — before, only a notice said so
    (UI round, 2026-12-03: an extension request sat two days behind a plain green row)."""
    from datetime import timedelta

    officer, liaison = world.street_officer, world.users["liaison_scjg"]
    scjg = world.departments["scjg"].id
    cases = []
    for title in ("餐饮油烟扰民", "夜市占道经营", "店招破损"):
        case = file_case(world, code="0204", now=T0, title=title)
        case_transition(case_id=case.id, action="accept", actor=officer, now=T0)
        case_transition(case_id=case.id, action="dispatch", actor=officer, departments=[scjg], now=T0)
        cases.append(case)
    ext, hold, ret = cases
    for case in (ext, hold):
        case_transition(case_id=case.id, action="sign", actor=liaison, now=T0 + timedelta(minutes=5))
    ext.refresh_from_db()
    case_transition(  # asked in another order than the kinds are read: the list merges them by time
        case_id=ret.id,
        action="return_request",
        actor=liaison,
        note="店招属住建管理",
        reason="not_in_remit",
        now=T0 + timedelta(minutes=10),
    )
    case_transition(
        case_id=hold.id,
        action="hold_request",
        actor=liaison,
        note="等待店主返京",
        hold_until=T0 + timedelta(days=5),
        now=T0 + timedelta(minutes=11),
    )
    case_transition(
        case_id=ext.id,
        action="extension_request",
        actor=liaison,
        note="需协调执法车辆",
        requested_due_at=ext.due_at + timedelta(days=2),
        now=T0 + timedelta(minutes=12),
    )
    html = _inbox(web, "street_officer", T0 + timedelta(minutes=20)).content.decode()
    shown = re.findall(r'data-request="(\w+)"', html)
    assert shown == ["return", "hold_approve", "extension_approve"]  # oldest first
    for case, reason in ((ext, "需协调执法车辆"), (hold, "等待店主返京"), (ret, "店招属住建管理")):
        assert case.number in html and reason in html and f"/cases/{case.id}/#actions" in html
    assert re.search(r'<span class="stat__value">3</span><span class="stat__label">待审批的申请', html)
    # nobody else's to decide: the liaison who asked, another street's centre
    for persona in ("liaison_scjg", "other_street_officer"):
        assert "data-request=" not in _inbox(web, persona, T0 + timedelta(minutes=20)).content.decode()
    # decided, it leaves the list
    case_transition(
        case_id=ret.id, action="return_reject", actor=officer, note="请先核实", now=T0 + timedelta(minutes=30)
    )
    html = _inbox(web, "street_officer", T0 + timedelta(minutes=31)).content.decode()
    assert re.findall(r'data-request="(\w+)"', html) == ["hold_approve", "extension_approve"]
    # capped, the oldest kept
    from escalation.selectors import requests_to_decide

    assert [row.action for row in requests_to_decide(officer, limit=1)] == ["hold_approve"]


def test_signing_from_the_inbox_goes_back_to_the_inbox_to_sign_the_next(world, web):
    """The inbox's 签收 lands back in the inbox (a liaison signs several in a row); the case page's own buttons,
    and a ``next`` pointing off the site, still go to the case."""
    cases = []
    for title in ("餐饮油烟扰民", "夜市占道经营"):
        case = file_case(world, code="0204", now=T0, title=title)
        case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0)
        scjg = world.departments["scjg"].id
        case_transition(case_id=case.id, action="dispatch", actor=world.street_officer, departments=[scjg], now=T0)
        cases.append(case)
    liaison = web("liaison_scjg")
    html = liaison.get("/inbox/").content.decode()
    assert '<input type="hidden" name="next" value="/inbox/">' in html
    first = liaison.post(f"/cases/{cases[0].id}/act/sign/", {"next": "/inbox/"})
    assert first.status_code == 302 and first["Location"] == "/inbox/"
    away = liaison.post(f"/cases/{cases[1].id}/act/sign/", {"next": "https://evil.example/"})
    assert away.status_code == 302 and away["Location"] == f"/cases/{cases[1].id}/"
    assert CaseEvent.objects.filter(case_id__in=[c.id for c in cases], action="sign").count() == 2
