"""Case paths that must end well (issue 10): reopen back to the round's handlers, one rating per round,
extension only before the deadline, hold requested then approved, return adjudicated within its window,
D-grade rules at the top, and which rule set the clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from assessment import selectors as assessment
from assessment.indicators import STANDARD_INDICATORS
from assessment.periods import Period
from cases.models import CaseDispatch, CaseEvent, HoldRequest, Rating
from cases.selectors import allowed_actions, scope_for
from cases.services import case_file, case_rate_by_citizen, case_transition
from core.errors import Forbidden, NotAllowed
from governance.choices import Level, TimeUnit
from governance.clock import add_working_time
from governance.models import Category, JurisdictionRule
from governance.selectors import calendar_spec

from .helpers import at, file_case

T0 = at(2026, 11, 18, 9, 0)  # a Wednesday


def _dispatched(world, *, now=T0, departments=("cgzf",)):
    case = file_case(world, code="0202", title="违法搭建", now=now)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=now + timedelta(minutes=5))
    return case_transition(
        case_id=case.id,
        action="dispatch",
        actor=world.street_officer,
        departments=[world.departments[d].id for d in departments],
        now=now + timedelta(minutes=10),
    )


def _closed(world, *, now=T0):
    case = _dispatched(world, now=now)
    t = now + timedelta(minutes=20)
    case_transition(case_id=case.id, action="sign", actor=world.liaison, now=t)
    case_transition(case_id=case.id, action="resolve", actor=world.liaison, note="已拆除", now=t + timedelta(hours=2))
    return case_transition(case_id=case.id, action="verify_ok", actor=world.grid_worker, now=t + timedelta(hours=3))


# --- 重办: back to whoever handled it ------------------------------------------------------------------


def test_reopen_gives_the_case_back_to_the_department_that_handled_it(world):
    case = _closed(world)
    assert not CaseDispatch.objects.filter(case=case, active=True).exists()
    t = T0 + timedelta(days=1)
    case = case_rate_by_citizen(token=case.follow_up_token, result="unsatisfied", comment="没拆干净", now=t)
    case.refresh_from_db()
    assert (case.status, case.reopen_count, case.round) == ("in_progress", 1, 2)
    d = CaseDispatch.objects.get(case=case)
    assert (d.active, d.signed_at, d.department.code) == (True, None, "cgzf")
    # the handling clock restarted at the reopen from the rule of the level the department handled it at
    rule = JurisdictionRule.objects.get(category__code="0202", level=Level.STREET, valid_to=None)
    assert case.rule_id == rule.id
    assert case.due_at == add_working_time(t, rule.handling_limit, rule.handling_unit, calendar_spec())
    reopen = case.events.get(action="reopen")
    assert reopen.data["rule"] == {"id": rule.id, "version": rule.version}
    # the liaison is offered 签收 again, signs, resolves; the case closes and is rated again
    offered = {a["action"] for a in allowed_actions(world.liaison, case) if a["allowed"]}
    assert {"sign", "resolve"} <= offered
    t2 = t + timedelta(hours=1)
    case_transition(case_id=case.id, action="sign", actor=world.liaison, now=t2)
    assert CaseDispatch.objects.get(case=case).signed_at == t2
    assert "sign" not in {a["action"] for a in allowed_actions(world.liaison, case)}
    case_transition(
        case_id=case.id, action="resolve", actor=world.liaison, note="彻底拆除", now=t2 + timedelta(hours=1)
    )
    case_transition(case_id=case.id, action="verify_ok", actor=world.grid_worker, now=t2 + timedelta(hours=2))
    case_rate_by_citizen(token=case.follow_up_token, result="satisfied", now=t2 + timedelta(hours=3))
    ratings = list(Rating.objects.filter(case=case).order_by("round").values_list("round", "result", "latest"))
    assert ratings == [(1, "unsatisfied", False), (2, "satisfied", True)]


def test_reopen_of_a_case_without_departments_restarts_the_clock_for_the_grid_team(world):
    case = file_case(world, code="0101", now=T0)
    case_transition(case_id=case.id, action="self_handle", actor=world.grid_worker, note="清理", now=T0)
    case_transition(case_id=case.id, action="verify_ok", actor=world.community_officer, now=T0 + timedelta(hours=1))
    t = T0 + timedelta(hours=2)
    case = case_transition(case_id=case.id, action="reopen", actor=world.community_officer, note="反弹", now=t)
    assert (case.status, case.handler_kind, case.due_at is not None and case.due_at > t) == (
        "in_progress",
        "grid_team",
        True,
    )


# --- one rating per round ---------------------------------------------------------------------------------


def test_one_rating_per_round_and_the_assessment_counts_the_latest_once(world):
    case = _closed(world)
    t = T0 + timedelta(days=1)
    case_transition(case_id=case.id, action="rate", actor=world.street_officer, result="unsatisfied", now=t)
    with pytest.raises(NotAllowed):
        case_transition(case_id=case.id, action="rate", actor=world.street_officer, result="satisfied", now=t)
    case_transition(case_id=case.id, action="reopen", actor=world.street_officer, note="重办", now=t)
    case_transition(case_id=case.id, action="sign", actor=world.liaison, now=t + timedelta(hours=1))
    case_transition(case_id=case.id, action="resolve", actor=world.liaison, note="好了", now=t + timedelta(hours=2))
    case_transition(case_id=case.id, action="verify_ok", actor=world.grid_worker, now=t + timedelta(hours=3))
    case_transition(
        case_id=case.id, action="rate", actor=world.street_officer, result="satisfied", now=t + timedelta(hours=4)
    )
    assert Rating.objects.filter(case=case).count() == 2
    period = Period(date(2026, 11, 16), date(2026, 11, 24))
    scope = scope_for(world.street_officer)
    total = assessment.totals(scope, period)
    assert (total.rated, total.satisfied, total.unsatisfied) == (1, 1, 0)
    ind = assessment.standard_indicators(scope, period, now=T0 + timedelta(days=7))
    assert (ind.counts["reopened"], ind.counts["closed"], ind.rates["reopen"]) == (1, 1, 1.0)
    assert str(STANDARD_INDICATORS["reopen"]) == "重办率"


def test_staff_recording_a_phone_follow_up_are_named_as_recorder(world):
    case = _closed(world)
    case_transition(
        case_id=case.id, action="rate", actor=world.street_officer, result="basic", contacted=True, solved=True
    )
    r = Rating.objects.get(case=case)
    assert (r.recorded_by_id, r.contacted, r.solved, r.round) == (world.street_officer.id, True, True, 1)


# --- 延期 only before the deadline ----------------------------------------------------------------------


def test_extension_after_the_deadline_is_refused_and_changes_nothing(world):
    case = _dispatched(world)
    case = case_transition(case_id=case.id, action="sign", actor=world.liaison, now=T0 + timedelta(minutes=20))
    late = case.due_at + timedelta(minutes=1)
    with pytest.raises(NotAllowed) as refused:
        case_transition(
            case_id=case.id,
            action="extension_request",
            actor=world.liaison,
            note="来不及",
            requested_due_at=late + timedelta(days=3),
            now=late,
        )
    assert refused.value.code == "deadline_passed" and "时限" in refused.value.message
    assert not case.extension_requests.exists()
    early = case.due_at - timedelta(hours=1)
    case_transition(
        case_id=case.id,
        action="extension_request",
        actor=world.liaison,
        note="材料未到",
        requested_due_at=case.due_at + timedelta(days=3),
        now=early,
    )
    # the level that dispatched decides; the department cannot approve its own request
    assert {a["action"] for a in allowed_actions(world.street_officer, case) if a["allowed"]} >= {
        "extension_approve",
        "extension_refuse",
    }
    assert "extension_approve" not in {a["action"] for a in allowed_actions(world.liaison, case) if a["allowed"]}


def test_centre_holding_its_own_case_is_not_offered_return_or_extension(world):
    case = file_case(world, code="0202", title="违法搭建", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0)
    case = case_transition(case_id=case.id, action="hold", actor=world.street_officer, note="x", now=T0)
    case = case_transition(case_id=case.id, action="resume", actor=world.street_officer, now=T0)
    offered = {a["action"] for a in allowed_actions(world.street_officer, case)}
    assert not offered & {"return_request", "extension_request", "sign", "hold_request"}


# --- 挂账: requested, then approved -----------------------------------------------------------------------


def test_hold_is_requested_then_approved_and_the_clock_pauses_from_the_approval(world):
    case = _dispatched(world)
    case = case_transition(case_id=case.id, action="sign", actor=world.liaison, now=T0 + timedelta(minutes=20))
    until = T0 + timedelta(days=20)
    t_ask, t_ok = T0 + timedelta(hours=1), T0 + timedelta(hours=3)
    case_transition(
        case_id=case.id, action="hold_request", actor=world.liaison, note="等资金", hold_until=until, now=t_ask
    )
    case.refresh_from_db()
    assert (case.status, case.held_at) == ("in_progress", None)
    with pytest.raises((NotAllowed, Forbidden)):  # the department cannot hold the case itself
        case_transition(case_id=case.id, action="hold", actor=world.liaison, note="x", now=t_ask)
    case = case_transition(case_id=case.id, action="hold_approve", actor=world.street_officer, now=t_ok)
    assert (case.status, case.held_at, case.hold_until) == ("on_hold", t_ok, until)
    assert HoldRequest.objects.get(case=case).status == "approved"


def test_hold_refused_keeps_the_clock_running(world):
    case = _dispatched(world)
    case = case_transition(case_id=case.id, action="sign", actor=world.liaison, now=T0 + timedelta(minutes=20))
    t = T0 + timedelta(hours=1)
    case_transition(
        case_id=case.id, action="hold_request", actor=world.liaison, note="等", hold_until=T0 + timedelta(days=9), now=t
    )
    case = case_transition(case_id=case.id, action="hold_refuse", actor=world.street_officer, note="不符合", now=t)
    assert (case.status, case.held_at, HoldRequest.objects.get(case=case).status) == ("in_progress", None, "refused")


# --- 退单: asked within the window, adjudicated ---------------------------------------------------------


def test_return_is_asked_then_accepted_back_to_the_dispatcher_and_counted(world):
    case = _dispatched(world)
    t = T0 + timedelta(minutes=30)
    case_transition(
        case_id=case.id, action="return_request", actor=world.liaison, note="不归我们", reason="not_in_remit", now=t
    )
    case.refresh_from_db()
    assert (case.status, case.return_count) == ("dispatched", 0)
    case = case_transition(case_id=case.id, action="return", actor=world.street_officer, now=t)
    assert (case.status, case.return_count, case.handler_kind) == ("accepted", 1, "centre")
    assert CaseEvent.objects.filter(case=case, action__in=["return_request", "return"]).count() == 2


def test_return_rejected_stays_with_the_handler_and_a_final_ruling_blocks_the_next(world):
    case = _dispatched(world)
    t = T0 + timedelta(minutes=30)
    case_transition(case_id=case.id, action="return_request", actor=world.liaison, note="不归我们", now=t)
    case = case_transition(
        case_id=case.id, action="return_reject", actor=world.street_officer, note="就是你们", final_ruling=True, now=t
    )
    assert (case.status, case.return_count, case.return_blocked) == ("dispatched", 0, True)
    assert CaseDispatch.objects.get(case=case).active
    with pytest.raises(NotAllowed) as refused:
        case_transition(case_id=case.id, action="return_request", actor=world.liaison, note="再退", now=t)
    assert refused.value.code == "final_ruling"


def test_return_after_the_return_window_is_refused(world):
    case = _dispatched(world)
    d = CaseDispatch.objects.get(case=case)
    # the rule sets no return limit: the window is the sign-for limit (2 working hours) from the dispatch
    assert d.return_due_at == add_working_time(d.dispatched_at, 2, TimeUnit.WORKING_HOURS, calendar_spec())
    with pytest.raises(NotAllowed) as refused:
        case_transition(
            case_id=case.id,
            action="return_request",
            actor=world.liaison,
            note="晚了",
            now=d.return_due_at + timedelta(minutes=1),
        )
    assert refused.value.code == "return_window_passed"


def test_return_window_from_the_rule(world):
    rule = JurisdictionRule.objects.get(category__code="0202", valid_to=None)
    rule.return_limit, rule.return_unit = 1, TimeUnit.WORKING_DAYS
    rule.save()
    case = _dispatched(world)
    d = CaseDispatch.objects.get(case=case)
    assert d.return_due_at == add_working_time(d.dispatched_at, 1, TimeUnit.WORKING_DAYS, calendar_spec())


# --- D grade and the top level ----------------------------------------------------------------------------


def test_a_rule_above_the_top_level_is_refused_when_saved(world, settings):
    settings.TOP_LEVEL = "district"
    cat = Category.objects.get(code="0301")
    rule = JurisdictionRule(category=cat, level=Level.CITY, handling_limit=4, handling_unit=TimeUnit.HOURS)
    with pytest.raises(ValidationError) as err:
        rule.full_clean()
    assert "level" in err.value.message_dict
    JurisdictionRule(category=cat, level=Level.DISTRICT, handling_limit=4, handling_unit=TimeUnit.HOURS).clean()
    settings.TOP_LEVEL = "city"
    rule.clean()  # with the city taking part, the city's rule is fine


def test_a_d_grade_case_keeps_its_limits_at_the_top(world, settings):
    settings.TOP_LEVEL = "district"
    major = Category.objects.get(code="05")
    water = Category.objects.create(code="0401", name="供水主管爆裂", parent=major, grade="D")
    rule = JurisdictionRule.objects.create(
        category=water, level=Level.DISTRICT, handling_limit=4, handling_unit=TimeUnit.HOURS
    )
    case = case_file(
        actor=world.district_officer,
        category=water,
        title="爆管",
        description="主干道爆管",
        address="雄关东路",
        grid=world.grid_a,
        now=T0,
    )
    assert (case.level, case.rule_id, case.due_at) == ("district", rule.id, T0 + timedelta(hours=4))
    report = case.events.get(action="report")
    assert report.data["rule"] == {"id": rule.id, "version": rule.version}


def test_a_case_filed_at_its_level_is_not_described_as_escalated(world, settings, web):
    settings.TOP_LEVEL = "district"
    case = file_case(world, code="0301", title="道路塌陷", now=T0)  # grade C: filed at the district
    assert (case.level, case.escalation_count) == ("district", 0)
    refused = {a["action"]: a["reason"] for a in allowed_actions(world.street_officer, case) if not a["allowed"]}
    assert refused and all("上报至" not in r for r in refused.values())
    assert any("由区级办理" in r for r in refused.values())
    html = web("district_officer").get(f"/cases/{case.pk}/").content.decode()
    assert "上报至" not in html and "事件上报（区级受理）" in html


def test_extension_after_the_deadline_is_409_on_the_api_and_before_it_goes_to_the_dispatcher(world, api):
    from escalation.models import Notice

    case = _dispatched(world, now=at(2026, 1, 5, 9))  # long past: its deadline has passed by now
    case_transition(case_id=case.id, action="sign", actor=world.liaison, now=at(2026, 1, 5, 9, 30))
    url = f"/api/v1/cases/{case.id}/transitions/extension_request/"
    resp = api("liaison").post(url, {"note": "来不及", "requested_due_at": "2027-01-01T09:00:00+08:00"}, format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "deadline_passed"
    assert "已过" in resp.json()["detail"]
    live = file_case(world, code="0202", title="违法搭建")
    case_transition(case_id=live.id, action="accept", actor=world.street_officer)
    case_transition(
        case_id=live.id, action="dispatch", actor=world.street_officer, departments=[world.departments["cgzf"].id]
    )
    live = case_transition(case_id=live.id, action="sign", actor=world.liaison)
    url = f"/api/v1/cases/{live.id}/transitions/extension_request/"
    wanted = (live.due_at + timedelta(days=3)).isoformat()
    resp = api("liaison").post(url, {"note": "材料未到", "requested_due_at": wanted}, format="json")
    assert resp.status_code == 200, resp.json()
    told = set(Notice.objects.filter(case=live, kind="extension").values_list("recipient__username", flat=True))
    assert told == {"jiedao01", "jiedao02"}  # the street centre that dispatched


def test_extension_and_hold_are_asked_after_signing_for_the_case(world):
    """延期 extends the handling limit, whose clock starts at 签收 (DESIGN §4, HOTLINE.md): a department that has
    not signed has nothing to extend or pause — an extension granted then would be wiped by the signature."""
    case = _dispatched(world)
    t = T0 + timedelta(minutes=15)
    for action, extra in (
        ("extension_request", {"requested_due_at": case.due_at + timedelta(days=5)}),
        ("hold_request", {"hold_until": case.due_at + timedelta(days=9)}),
    ):
        with pytest.raises(NotAllowed):
            case_transition(case_id=case.id, action=action, actor=world.liaison, note="材料未到", now=t, **extra)
    offered = {a["action"] for a in allowed_actions(world.liaison, case) if a["allowed"]}
    assert "sign" in offered and not offered & {"extension_request", "hold_request"}
    assert not case.extension_requests.exists() and not case.hold_requests.exists()

    signed = case_transition(case_id=case.id, action="sign", actor=world.liaison, now=t)
    asked = case_transition(
        case_id=case.id,
        action="extension_request",
        actor=world.liaison,
        note="材料未到",
        requested_due_at=signed.due_at + timedelta(days=5),
        now=t + timedelta(minutes=1),
    )
    assert asked.extension_requests.filter(status="pending").count() == 1


def test_a_department_that_has_not_signed_cannot_ask_for_time_while_another_handles_the_case(world):
    case = _dispatched(world, departments=("cgzf", "zj"))
    t = T0 + timedelta(minutes=15)
    case = case_transition(case_id=case.id, action="sign", actor=world.liaison, now=t)
    assert case.status == "in_progress"
    other = world.users["liaison_zj"]
    offered = {a["action"] for a in allowed_actions(other, case) if a["allowed"]}
    assert "sign" in offered and not offered & {"extension_request", "hold_request"}
    with pytest.raises(NotAllowed):
        case_transition(
            case_id=case.id,
            action="extension_request",
            actor=other,
            note="材料未到",
            requested_due_at=case.due_at + timedelta(days=5),
            now=t,
        )
