"""Each summons transition, allowed and refused: state, entitlement, scope (404) — and a refusal changes nothing."""

from __future__ import annotations

import pytest

from cases.models import CaseEvent
from cases.services import case_transition
from core.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from escalation.choices import NoticeKind, SummonsStatus
from escalation.models import Notice, Summons, Whistle
from escalation.permissions import available_actions
from escalation.services.whistles import (
    summons_complete,
    summons_decide_extension,
    summons_report_in,
    summons_request_extension,
    summons_respond,
    summons_return,
    summons_withdraw,
    whistle_blow,
)
from tests.cases.helpers import at, file_case

from .whistle_helpers import T0, whistled_case

T1 = at(2026, 11, 18, 10, 12)
T2 = at(2026, 11, 18, 15)


def events(case) -> int:
    return CaseEvent.objects.filter(case=case).count()


@pytest.fixture
def summoned(world):
    case, _whistle, summons = whistled_case(world)
    return case, summons["cgzf"], summons["zj"]


# --- report in ------------------------------------------------------------------------------------------


def test_liaison_reports_in_on_time_with_a_public_timeline_event_and_a_notice_to_the_street(world, summoned):
    case, cg, _zj = summoned
    s = summons_report_in(summons_id=cg.id, actor=world.liaison, now=T1)
    assert (s.status, s.reported_in_at, s.reported_late) == (SummonsStatus.REPORTED_IN, T1, False)
    ev = case.events.get(reason="summons_report_in")
    assert (ev.action, ev.public, ev.actor_id, ev.data["summons"], ev.data["department"]) == (
        "comment",
        True,
        world.liaison.id,
        cg.id,
        "城管执法",
    )
    street = Notice.objects.filter(
        summons=cg, kind=NoticeKind.WHISTLE, recipient__in=[world.street_officer, world.street_officer_2]
    )
    assert street.count() == 2


def test_second_report_in_is_refused_naming_who_reported_and_writes_nothing(world, summoned):
    case, cg, _zj = summoned
    summons_report_in(summons_id=cg.id, actor=world.liaison, now=T1)
    before = events(case)
    with pytest.raises(NotAllowed, match="城管联络员于11-18 10:12报到"):
        summons_report_in(summons_id=cg.id, actor=world.liaison, now=T2)
    assert events(case) == before


def test_liaison_of_another_department_summoned_to_the_same_case_gets_404(world, summoned):
    _case, cg, _zj = summoned
    with pytest.raises(NotFound):
        summons_report_in(summons_id=cg.id, actor=world.liaison_zj, now=T1)
    with pytest.raises(NotFound):
        summons_report_in(summons_id=cg.id, actor=world.liaison_scjg, now=T1)
    with pytest.raises(NotFound):
        summons_report_in(summons_id=cg.id, actor=world.outsider, now=T1)
    assert Summons.objects.get(pk=cg.pk).status == SummonsStatus.SUMMONED


def test_centre_staff_and_grid_worker_who_see_the_case_may_not_report_in_for_a_department(world, summoned):
    case, cg, _zj = summoned
    before = events(case)
    for persona in ("street_officer", "grid_worker", "district_officer"):
        with pytest.raises(Forbidden, match="只有城管执法的联络员"):
            summons_report_in(summons_id=cg.id, actor=world.users[persona], now=T1)
    assert events(case) == before


# --- respond ------------------------------------------------------------------------------------------------


def test_respond_before_report_in_is_refused(world, summoned):
    _case, cg, _zj = summoned
    with pytest.raises(NotAllowed, match="请先报到"):
        summons_respond(summons_id=cg.id, actor=world.liaison, text="已处理", now=T1)


def test_respond_needs_text_and_changes_nothing_without_it(world, summoned):
    case, cg, _zj = summoned
    summons_report_in(summons_id=cg.id, actor=world.liaison, now=T1)
    before = events(case)
    with pytest.raises(InvalidInput):
        summons_respond(summons_id=cg.id, actor=world.liaison, text="  ", now=T2)
    assert events(case) == before and Summons.objects.get(pk=cg.pk).status == SummonsStatus.REPORTED_IN


def test_a_responded_summons_cannot_respond_or_return_again(world, summoned):
    _case, cg, _zj = summoned
    summons_report_in(summons_id=cg.id, actor=world.liaison, now=T1)
    summons_respond(summons_id=cg.id, actor=world.liaison, text="已处理", now=T2)
    with pytest.raises(NotAllowed):
        summons_respond(summons_id=cg.id, actor=world.liaison, text="再次反馈", now=T2)
    with pytest.raises(NotAllowed):
        summons_return(summons_id=cg.id, actor=world.liaison, reason="不归我们管", now=T2)


# --- extension ---------------------------------------------------------------------------------------------


def test_extension_request_then_approval_moves_the_response_time(world, summoned):
    case, cg, _zj = summoned
    until = at(2026, 11, 20, 17, 30)
    s = summons_request_extension(summons_id=cg.id, actor=world.liaison, until=until, reason="需勘测", now=T1)
    assert (s.extension_status, s.extension_until) == ("pending", until)
    assert Notice.objects.filter(recipient=world.street_officer, kind=NoticeKind.EXTENSION, summons=cg).exists()
    with pytest.raises(NotAllowed, match="已有待审批的延期申请"):
        summons_request_extension(summons_id=cg.id, actor=world.liaison, until=until, reason="再申请", now=T1)
    with pytest.raises(Forbidden):
        summons_decide_extension(summons_id=cg.id, actor=world.liaison, approve=True, now=T1)
    s = summons_decide_extension(summons_id=cg.id, actor=world.street_officer, approve=True, now=T2)
    assert (s.extension_status, s.respond_due_at) == ("approved", until)
    decided = case.events.get(reason="summons_decide_extension")
    assert (decided.action, decided.public, decided.data["approved"]) == ("note", False, True)
    assert Notice.objects.filter(recipient=world.liaison, kind=NoticeKind.EXTENSION, summons=cg).exists()


def test_extension_must_be_later_than_the_current_response_time(world, summoned):
    _case, cg, _zj = summoned
    with pytest.raises(InvalidInput, match="必须晚于当前反馈时限"):
        summons_request_extension(summons_id=cg.id, actor=world.liaison, until=at(2026, 11, 19, 9), reason="x", now=T1)
    assert Summons.objects.get(pk=cg.pk).extension_status == ""


def test_refusing_an_extension_needs_a_reason_and_keeps_the_time(world, summoned):
    _case, cg, _zj = summoned
    summons_request_extension(
        summons_id=cg.id, actor=world.liaison, until=at(2026, 11, 20, 17), reason="需勘测", now=T1
    )
    with pytest.raises(InvalidInput):
        summons_decide_extension(summons_id=cg.id, actor=world.street_officer, approve=False, now=T2)
    s = summons_decide_extension(
        summons_id=cg.id, actor=world.street_officer, approve=False, note="情况紧急，不予延期", now=T2
    )
    assert (s.extension_status, s.respond_due_at) == ("refused", at(2026, 11, 19, 10))
    with pytest.raises(NotAllowed, match="没有待审批的延期申请"):
        summons_decide_extension(summons_id=cg.id, actor=world.street_officer, approve=True, now=T2)


# --- return and complete -----------------------------------------------------------------------------------


def test_return_with_reason_tells_the_street_and_ends_the_summons(world, summoned):
    _case, cg, _zj = summoned
    with pytest.raises(InvalidInput):
        summons_return(summons_id=cg.id, actor=world.liaison, reason="", now=T1)
    s = summons_return(summons_id=cg.id, actor=world.liaison, reason="不属本部门职责", now=T1)
    assert (s.status, s.return_reason, s.returned_at) == (SummonsStatus.RETURNED, "不属本部门职责", T1)
    assert Notice.objects.filter(recipient=world.street_officer, kind=NoticeKind.RETURNED, summons=cg).exists()
    with pytest.raises(NotAllowed):
        summons_report_in(summons_id=cg.id, actor=world.liaison, now=T2)


def test_only_the_whistling_centre_completes_a_responded_summons(world, summoned):
    case, cg, _zj = summoned
    summons_report_in(summons_id=cg.id, actor=world.liaison, now=T1)
    with pytest.raises(NotAllowed):
        summons_complete(summons_id=cg.id, actor=world.street_officer, now=T1)
    summons_respond(summons_id=cg.id, actor=world.liaison, text="已处理", now=T2)
    for persona in ("district_officer", "liaison", "grid_worker"):
        with pytest.raises(Forbidden, match="只有吹哨的雄关街道综治中心"):
            summons_complete(summons_id=cg.id, actor=world.users[persona], now=T2)
    with pytest.raises(NotFound):
        summons_complete(summons_id=cg.id, actor=world.other_street_officer, now=T2)
    s = summons_complete(summons_id=cg.id, actor=world.street_officer_2, now=T2)
    assert (s.status, s.done_at) == (SummonsStatus.DONE, T2)
    assert case.events.get(reason="summons_complete").public is False


def test_buttons_follow_state_and_side(world, summoned):
    _case, cg, _zj = summoned
    assert [a for a, _l in available_actions(world.liaison, cg, now=T0)] == ["report_in", "extension", "return"]
    assert [a for a, _l in available_actions(world.street_officer, cg, now=T0)] == ["withdraw"]
    summons_report_in(summons_id=cg.id, actor=world.liaison, now=T1)
    cg.refresh_from_db()
    assert [a for a, _l in available_actions(world.liaison, cg, now=T1)] == ["respond", "extension", "return"]
    assert [a for a, _l in available_actions(world.street_officer, cg, now=T1)] == ["withdraw"]
    # 延期 is asked before the response deadline: after it, no button (the service would refuse, 409)
    late = cg.respond_due_at
    assert [a for a, _l in available_actions(world.liaison, cg, now=late)] == ["respond", "return"]
    summons_respond(summons_id=cg.id, actor=world.liaison, text="已处理", now=T2)
    cg.refresh_from_db()
    assert available_actions(world.liaison, cg) == []
    assert [a for a, _l in available_actions(world.street_officer, cg)] == ["complete"]


def test_the_whistling_centre_withdraws_a_summons_and_the_department_is_told_to_stand_down(world, summoned):
    """撤回召集: summoned the wrong department — the centre calls it off with a reason (before it responded); the
    department's liaisons are told, its pending extension request ends, and it can take no further step."""
    case, cg, zj = summoned
    summons_request_extension(summons_id=cg.id, actor=world.liaison, until=at(2026, 11, 21, 10), reason="材料", now=T1)
    before = events(case)
    with pytest.raises(InvalidInput):
        summons_withdraw(summons_id=cg.id, actor=world.street_officer, reason="  ", now=T1)
    with pytest.raises(Forbidden):
        summons_withdraw(summons_id=cg.id, actor=world.liaison, reason="不想来", now=T1)
    assert events(case) == before and Summons.objects.get(pk=cg.pk).status == SummonsStatus.SUMMONED
    s = summons_withdraw(summons_id=cg.id, actor=world.street_officer, reason="召集错部门，应为住建", now=T1)
    assert (s.status, s.return_reason, s.returned_at, s.extension_status) == (
        SummonsStatus.WITHDRAWN,
        "召集错部门，应为住建",
        T1,
        "refused",
    )
    told = Notice.objects.get(recipient=world.liaison, summons=cg, title__contains="撤回召集")
    assert "无需报到" in told.title and told.body == "召集错部门，应为住建"
    ev = case.events.get(reason="summons_withdraw")
    assert (ev.action, ev.public, ev.actor_id) == ("note", False, world.street_officer.id)
    with pytest.raises(NotAllowed):
        summons_report_in(summons_id=cg.id, actor=world.liaison, now=T2)
    assert available_actions(world.liaison, s) == [] and available_actions(world.street_officer, s) == []
    # a summons that has responded is not withdrawn: the centre confirms it (complete)
    summons_report_in(summons_id=zj.id, actor=world.liaison_zj, now=T1)
    summons_respond(summons_id=zj.id, actor=world.liaison_zj, text="已到场", now=T2)
    with pytest.raises(NotAllowed):
        summons_withdraw(summons_id=zj.id, actor=world.street_officer, reason="x", now=T2)


def test_a_withdrawn_summons_is_not_counted_against_the_department(world, summoned):
    from datetime import date

    from assessment.periods import Period
    from assessment.selectors import summons_department_counts
    from cases.selectors import scope_for

    _case, cg, zj = summoned
    summons_withdraw(summons_id=cg.id, actor=world.street_officer, reason="召集错部门", now=T1)
    counts = summons_department_counts(scope_for(world.street_officer), Period(date(2026, 11, 16), date(2026, 11, 22)))
    assert cg.department_id not in counts or counts[cg.department_id].received == 0
    assert counts[zj.department_id].received == 1


def test_the_api_withdraws_a_summons_for_the_centre_only(world, summoned):
    from rest_framework.test import APIClient

    _case, cg, _zj = summoned
    liaison, centre = APIClient(), APIClient()
    liaison.force_authenticate(world.liaison)
    centre.force_authenticate(world.street_officer)
    url = f"/api/v1/summonses/{cg.id}/withdraw/"
    assert liaison.post(url, {"reason": "x"}, format="json").status_code == 403
    assert centre.post(url, {"reason": ""}, format="json").status_code == 400
    resp = centre.post(url, {"reason": "召集错部门"}, format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "withdrawn"
    assert centre.post(url, {"reason": "again"}, format="json").status_code == 409


# --- the whistle itself -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"department_ids": []}, "departments"),
        ({"department_ids": ["x"]}, "departments"),
        ({"reason": "  "}, "reason"),
        ({"report_in_minutes": 0}, "report_in"),
        ({"response_limit": -1}, "response_limit"),
        ({"response_unit": "weeks"}, "response_unit"),
        ({"response_limit": 10, "response_unit": "minutes"}, "response_limit"),
    ],
)
def test_whistle_input_is_checked_and_nothing_is_written(world, kwargs, code):
    case = file_case(world, code="0202", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0)
    args = {
        "case_id": case.id,
        "actor": world.street_officer,
        "department_ids": [world.departments["cgzf"].id],
        "reason": "联合执法",
        "now": T0,
        **kwargs,
    }
    with pytest.raises(InvalidInput) as err:
        whistle_blow(**args)
    assert err.value.code == code
    assert not Whistle.objects.exists() and not case.events.filter(action="whistle").exists()


def test_whistle_refuses_duplicate_and_inactive_departments(world):
    case = file_case(world, code="0202", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0)
    cg = world.departments["cgzf"]
    with pytest.raises(InvalidInput, match="重复"):
        whistle_blow(case_id=case.id, actor=world.street_officer, department_ids=[cg.id, cg.id], reason="x", now=T0)
    cg.active = False
    cg.save()
    with pytest.raises(InvalidInput, match="停用"):
        whistle_blow(case_id=case.id, actor=world.street_officer, department_ids=[cg.id], reason="x", now=T0)


def test_only_street_or_community_centre_staff_may_whistle(world):
    case = file_case(world, code="0202", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0)
    dept = [world.departments["cgzf"].id]
    for persona in ("grid_worker", "district_officer", "community_officer"):
        with pytest.raises(Forbidden):
            whistle_blow(case_id=case.id, actor=world.users[persona], department_ids=dept, reason="x", now=T0)
    for persona in ("outsider", "liaison", "other_street_officer"):
        with pytest.raises(NotFound):
            whistle_blow(case_id=case.id, actor=world.users[persona], department_ids=dept, reason="x", now=T0)
    assert not Whistle.objects.exists()


def test_community_centre_calls_departments_to_a_case_it_holds(world):
    """社区呼叫: a community centre whistles for a case at community level."""
    case = file_case(world, code="0102", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.community_officer, now=T0)
    whistle = whistle_blow(
        case_id=case.id,
        actor=world.community_officer,
        department_ids=[world.departments["sfs"].id],
        reason="邻里纠纷需司法所调解",
        now=T0,
    )
    assert whistle.region_id == world.community.id
    assert whistle.summonses.get().department.code == "sfs"


def test_a_department_with_an_open_summons_is_not_summoned_twice(world, summoned):
    case, _cg, _zj = summoned
    with pytest.raises(NotAllowed, match="城管执法已被召集"):
        whistle_blow(
            case_id=case.id,
            actor=world.street_officer,
            department_ids=[world.departments["cgzf"].id],
            reason="再次吹哨",
            now=T2,
        )
    assert Whistle.objects.filter(case=case).count() == 1
    assert case.events.filter(action="whistle").count() == 1
    # A department not yet summoned can be added by a second whistle.
    second = whistle_blow(
        case_id=case.id,
        actor=world.street_officer,
        department_ids=[world.departments["sthj"].id],
        reason="需环保监测",
        now=T2,
    )
    assert second.summonses.get().department.code == "sthj"


def test_whistle_of_a_closed_case_is_refused(world):
    case = file_case(world, code="0101", now=T0)
    case_transition(case_id=case.id, action="self_handle", actor=world.grid_worker, note="已清理", now=T0)
    case_transition(case_id=case.id, action="verify_ok", actor=world.community_officer, now=T0)
    with pytest.raises(NotAllowed, match="已结案"):
        whistle_blow(
            case_id=case.id,
            actor=world.street_officer,
            department_ids=[world.departments["cgzf"].id],
            reason="x",
            now=T0,
        )


# --- the close guard ---------------------------------------------------------------------------------------


def test_case_cannot_close_while_a_summons_is_open(world, summoned):
    case, cg, zj = summoned
    summons_report_in(summons_id=cg.id, actor=world.liaison, now=T1)
    summons_respond(summons_id=cg.id, actor=world.liaison, text="已处理", now=T2)
    case_transition(case_id=case.id, action="resolve", actor=world.street_officer, note="已处置", now=T2)
    before = events(case)
    with pytest.raises(NotAllowed, match="仍有部门未完成报到/反馈：住建"):
        case_transition(case_id=case.id, action="verify_ok", actor=world.grid_worker, now=T2)
    with pytest.raises(NotAllowed, match="仍有部门未完成报到/反馈"):
        case_transition(case_id=case.id, action="close", actor=world.street_officer, now=T2)
    assert events(case) == before
    assert Summons.objects.get(pk=cg.pk).status == SummonsStatus.RESPONDED

    summons_return(summons_id=zj.id, actor=world.liaison_zj, reason="不属本部门职责", now=T2)
    case = case_transition(case_id=case.id, action="close", actor=world.street_officer, now=T2)
    assert case.status == "closed"
    assert dict(Summons.objects.filter(case=case).values_list("department__code", "status")) == {
        "cgzf": SummonsStatus.DONE,
        "zj": SummonsStatus.RETURNED,
    }


def test_merging_a_whistled_case_ends_its_open_summonses_and_clears_the_inboxes(world):
    from datetime import timedelta

    from escalation.selectors import inbox_for
    from escalation.services.sweep import sweep

    case, _whistle, summonses = whistled_case(world)
    from escalation.services.whistles import summons_report_in

    summons_report_in(summons_id=summonses["cgzf"].id, actor=world.liaison, now=T0 + timedelta(minutes=5))
    target = file_case(world, code="0202", now=T0, title="同一处违法搭建", description="楼顶")

    case_transition(
        case_id=case.id, action="merge", actor=world.street_officer, into=target.number, now=T0 + timedelta(minutes=10)
    )

    states = dict(Summons.objects.filter(case=case).values_list("department__code", "status"))
    assert states == {"cgzf": SummonsStatus.DONE, "zj": SummonsStatus.DONE}
    cgzf = Summons.objects.get(case=case, department__code="cgzf")
    assert cgzf.reported_in_at is not None  # what the department did stays for the assessment
    later = T0 + timedelta(hours=2)
    inbox = inbox_for(world.liaison, now=later)
    assert all(row.summons.case_id != case.id for row in [*inbox.waiting, *inbox.awaiting_centre])
    counts = sweep(now=later)  # the report-in time is long past: nothing to supervise on a merged case
    case.refresh_from_db()
    assert counts.get("summons_escalate_overdue", 0) == 0 and case.supervised_at is None
