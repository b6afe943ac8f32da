"""A whistle on a case a handler is already working on: the summoned departments help, the handler keeps the case.

一人吹哨、众人响应 — "有关部门及时响应、协同解决" (seed 000): the street whistles more departments in to solve the
matter together; it does not take the case from the department (or grid team) that signed for it. Before, the whistle
made the street the handler while the 城管 dispatch stayed active: 城管 could neither resolve nor ask for anything, and
the street could not hold a case "dispatched to departments" — nobody could pause or extend it.
"""

from __future__ import annotations

from datetime import date, timedelta

import time_machine

from assessment.periods import Period
from assessment.selectors import department_counts
from cases.choices import HandlerKind, Status
from cases.models import Case
from cases.selectors import allowed_actions, scope_for
from cases.services import case_transition
from escalation.choices import SummonsStatus
from escalation.services.whistles import summons_report_in, summons_respond, whistle_blow
from tests.cases.helpers import at, file_case

T0 = at(2026, 11, 18, 9, 0)  # a Wednesday


def offered(user, case, now=None) -> set[str]:
    """What the case page offers ``user`` at ``now`` (the 退单 window and the deadlines are read at the clock's now)."""
    with time_machine.travel(now or T0 + timedelta(hours=1), tick=False):
        return {a["action"] for a in allowed_actions(user, Case.objects.get(pk=case.pk)) if a["allowed"]}


def signed_by_cgzf_then_whistled(world):
    """The street dispatches its 违法搭建 case to 城管执法, which signs at 09:20; at 09:30 the street whistles 住建."""
    case = file_case(world, code="0202", title="违法搭建", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0 + timedelta(minutes=5))
    case_transition(
        case_id=case.id,
        action="dispatch",
        actor=world.street_officer,
        departments=[world.departments["cgzf"].id],
        now=T0 + timedelta(minutes=10),
    )
    case_transition(case_id=case.id, action="sign", actor=world.liaison, now=T0 + timedelta(minutes=20))
    before = Case.objects.get(pk=case.pk)
    whistle = whistle_blow(
        case_id=case.id,
        actor=world.street_officer,
        department_ids=[world.departments["zj"].id],
        reason="需要住建出具房屋安全认定",
        now=T0 + timedelta(minutes=30),
    )
    return before, Case.objects.get(pk=case.pk), whistle


def test_the_department_that_signed_keeps_the_case_when_the_street_whistles(world):
    before, case, whistle = signed_by_cgzf_then_whistled(world)
    assert (case.status, case.handler_kind, case.handler_region_id) == (
        Status.IN_PROGRESS,
        HandlerKind.DEPARTMENTS,
        world.street.id,
    )
    assert (case.due_at, case.signed_at) == (before.due_at, before.signed_at)  # its clock runs on, unchanged
    assert case.dispatches.filter(active=True, department=world.departments["cgzf"]).exists()
    assert whistle.region_id == world.street.id  # the whistling centre
    event = case.events.get(action="whistle")
    assert event.data == {"departments": ["住建"], "handler_kept": True}

    liaison_can = offered(world.liaison, case)
    assert {"resolve", "return_request", "extension_request", "hold_request", "escalate"} <= liaison_can
    street_can = offered(world.street_officer, case)
    assert {"whistle", "escalate"} <= street_can  # may whistle others in, or pass it up
    assert "hold" not in street_can  # a department is at work: it asks, the street decides
    assert not offered(world.liaison_zj, case) & {"resolve", "hold_request", "return_request"}  # summoned, not handler


def test_the_department_can_hold_it_and_the_street_decides(world):
    _before, case, _whistle = signed_by_cgzf_then_whistled(world)
    until = T0 + timedelta(days=5)
    t = T0 + timedelta(hours=1)
    case_transition(case_id=case.id, action="hold_request", actor=world.liaison, note="等资金", hold_until=until, now=t)
    case = case_transition(
        case_id=case.id, action="hold_approve", actor=world.street_officer, now=t + timedelta(minutes=5)
    )
    assert (case.status, case.hold_until) == (Status.ON_HOLD, until)
    case = case_transition(case_id=case.id, action="resume", actor=world.street_officer, now=t + timedelta(hours=2))
    assert (case.status, case.handler_kind) == (Status.IN_PROGRESS, HandlerKind.DEPARTMENTS)


def test_the_street_whistles_again_and_the_case_ends_with_everyone_counted(world):
    """城管 resolves after 住建 responded; the street whistles 市场监管 too on the way; the street closes. The 三率
    count 城管's dispatch (signed, completed) and each summons (reported in, completed), as two duties."""
    _before, case, whistle = signed_by_cgzf_then_whistled(world)
    zj = whistle.summonses.get()
    summons_report_in(summons_id=zj.id, actor=world.liaison_zj, now=T0 + timedelta(minutes=40))
    second = whistle_blow(
        case_id=case.id,
        actor=world.street_officer,
        department_ids=[world.departments["scjg"].id],
        reason="涉及无照经营",
        now=T0 + timedelta(minutes=45),
    )
    case.refresh_from_db()
    assert case.handler_kind == HandlerKind.DEPARTMENTS  # a second whistle leaves it with 城管 too
    scjg = second.summonses.get()
    summons_report_in(summons_id=scjg.id, actor=world.users["liaison_scjg"], now=T0 + timedelta(minutes=50))
    summons_respond(summons_id=zj.id, actor=world.liaison_zj, text="已出具认定", now=T0 + timedelta(hours=3))
    summons_respond(
        summons_id=scjg.id, actor=world.users["liaison_scjg"], text="已立案查处", now=T0 + timedelta(hours=3)
    )
    case = case_transition(
        case_id=case.id, action="resolve", actor=world.liaison, note="已拆除", now=T0 + timedelta(hours=4)
    )
    assert (case.status, case.resolved_by) == (Status.RESOLVED, world.liaison)
    case = case_transition(case_id=case.id, action="close", actor=world.street_officer, now=T0 + timedelta(hours=5))
    assert case.status == Status.CLOSED
    zj.refresh_from_db()
    scjg.refresh_from_db()
    assert {zj.status, scjg.status} == {SummonsStatus.DONE}

    by_dept = department_counts(scope_for(world.street_officer), Period(date(2026, 11, 16), date(2026, 11, 22)))
    d = world.departments
    for code in ("cgzf", "zj", "scjg"):
        got = by_dept[d[code].id]
        assert (got.received, got.responded, got.due, got.completed) == (1, 1, 1, 1), code


def test_a_grid_team_that_signed_keeps_the_case_when_the_street_whistles(world):
    case = file_case(world, code="0202", title="违法搭建", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0 + timedelta(minutes=5))
    case_transition(
        case_id=case.id, action="dispatch", actor=world.street_officer, to_grid=True, now=T0 + timedelta(minutes=10)
    )
    case_transition(case_id=case.id, action="sign", actor=world.grid_worker, now=T0 + timedelta(minutes=20))
    whistle = whistle_blow(
        case_id=case.id,
        actor=world.street_officer,
        department_ids=[world.departments["cgzf"].id],
        reason="需要城管配合",
        now=T0 + timedelta(minutes=30),
    )
    case.refresh_from_db()
    assert case.handler_kind == HandlerKind.GRID_TEAM
    assert whistle.region_id == world.street.id
    assert {"resolve", "hold_request"} <= offered(world.grid_worker, case)


def test_a_whistle_on_a_case_in_the_centres_queue_still_makes_the_centre_the_handler(world):
    """Nobody had signed for it: the whistling centre holds it (the summoned departments report in to it), and
    its handling clock starts — as before."""
    case = file_case(world, code="0202", title="违法搭建", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0 + timedelta(minutes=5))
    whistle_blow(
        case_id=case.id,
        actor=world.street_officer,
        department_ids=[world.departments["cgzf"].id],
        reason="需要城管到场",
        now=T0 + timedelta(minutes=30),
    )
    case.refresh_from_db()
    assert (case.status, case.handler_kind, case.handler_region_id) == (
        Status.IN_PROGRESS,
        HandlerKind.CENTRE,
        world.street.id,
    )
    assert case.signed_at == T0 + timedelta(minutes=30)
    assert "handler_kept" not in case.events.get(action="whistle").data
    assert "hold" in offered(world.street_officer, case)
