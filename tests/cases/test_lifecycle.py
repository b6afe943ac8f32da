"""A case from report to closure, through the one service; every step writes exactly one event."""

import pytest

from cases.choices import Status
from cases.models import CaseEvent
from cases.services import case_escalate_overdue_batch, case_transition
from core.errors import Forbidden, NotAllowed, NotFound

from .helpers import at, file_case, photo


def test_filing_numbers_places_and_clocks_a_grade_a_case(world):
    case = file_case(world, code="0102", now=at(2026, 11, 20, 16), files=[photo()])
    assert case.number == "XG-2026-000001"
    assert (case.status, case.level, case.handler_kind) == ("reported", "grid", "grid_team")
    assert case.due_at == at(2026, 11, 24, 16)
    assert case.evidence.count() == 1
    assert list(case.events.values_list("action", flat=True)) == ["report"]


def test_full_path_dispatch_to_department_sign_resolve_verify(world):
    case = file_case(world, code="0202", now=at(2026, 11, 18, 10))
    assert case.level == "street"
    t = at(2026, 11, 18, 10, 5)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=t)
    case_transition(
        case_id=case.id,
        action="dispatch",
        actor=world.street_officer,
        now=t,
        departments=[world.departments["cgzf"].id],
    )
    case_transition(case_id=case.id, action="sign", actor=world.liaison, now=t)
    case_transition(case_id=case.id, action="resolve", actor=world.liaison, note="已拆除", now=t, files=[photo()])
    case = case_transition(case_id=case.id, action="verify_ok", actor=world.grid_worker, now=t)
    assert case.status == Status.CLOSED
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["report", "accept", "dispatch", "sign", "resolve", "verify_ok"]


def test_second_dispatch_is_refused_and_names_who_dispatched(world):
    case = file_case(world, code="0202")
    case_transition(case_id=case.id, action="accept", actor=world.street_officer)
    case_transition(
        case_id=case.id, action="dispatch", actor=world.street_officer, departments=[world.departments["cgzf"].id]
    )
    with pytest.raises(NotAllowed, match="已由郑街道"):
        case_transition(
            case_id=case.id, action="dispatch", actor=world.street_officer_2, departments=[world.departments["zj"].id]
        )
    assert case.events.filter(action="dispatch").count() == 1


def test_outsider_gets_not_found_and_liaison_not_dispatched_gets_not_found(world):
    case = file_case(world)
    with pytest.raises(NotFound):
        case_transition(case_id=case.id, action="self_handle", actor=world.outsider, note="x")
    with pytest.raises(NotFound):
        case_transition(case_id=case.id, action="comment", actor=world.liaison, note="x")


def test_part_time_worker_of_grid_may_self_handle_but_community_officer_may_not(world):
    case = file_case(world)
    with pytest.raises(Forbidden):
        case_transition(case_id=case.id, action="self_handle", actor=world.community_officer, note="x")
    case = case_transition(case_id=case.id, action="self_handle", actor=world.part_timer, note="已清理")
    assert case.status == Status.RESOLVED


def test_sweep_escalates_overdue_case_one_level_with_a_system_event(world):
    case = file_case(world, code="0102", now=at(2026, 11, 20, 16))
    result = case_escalate_overdue_batch(now=at(2026, 11, 24, 16, 1))
    assert result == {"escalated": 1, "supervised": 0}
    case.refresh_from_db()
    assert (case.level, case.status, case.handler_region_id) == ("community", "accepted", world.community.id)
    assert case.due_at == at(2026, 11, 26, 16, 1)  # community: 2 working days
    ev = case.events.get(action="escalate")
    assert (ev.actor_id, ev.actor_name, ev.reason, ev.from_level, ev.to_level) == (
        None,
        "system",
        "overdue",
        "grid",
        "community",
    )
    assert case_escalate_overdue_batch(now=at(2026, 11, 24, 16, 2)) == {"escalated": 0, "supervised": 0}


def test_each_dispatched_department_signs_for_its_own_dispatch(world):
    case = file_case(world, code="0204", now=at(2026, 11, 18, 9))
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=at(2026, 11, 18, 9, 5))
    case_transition(
        case_id=case.id,
        action="dispatch",
        actor=world.street_officer,
        now=at(2026, 11, 18, 9, 5),
        departments=[world.departments["scjg"].id, world.departments["sthj"].id],
    )
    first = case_transition(case_id=case.id, action="sign", actor=world.liaison_scjg, now=at(2026, 11, 18, 9, 10))
    due = first.due_at
    second = case_transition(case_id=case.id, action="sign", actor=world.liaison_sthj, now=at(2026, 11, 18, 11))
    assert second.status == Status.IN_PROGRESS
    assert second.due_at == due  # the handling clock started with the first signature
    assert set(case.dispatches.values_list("department__code", "signed_at")) == {
        ("scjg", at(2026, 11, 18, 9, 10)),
        ("sthj", at(2026, 11, 18, 11)),
    }
    with pytest.raises(NotAllowed, match="已签收"):
        case_transition(case_id=case.id, action="sign", actor=world.liaison_sthj)
    assert case.events.filter(action="sign").count() == 2
