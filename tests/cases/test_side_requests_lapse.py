"""A handler's pending 延期 / 挂账 request lapses when the case leaves its hands (escalated by the sweep or by hand,
returned to the dispatcher, merged, rejected, closed): the next handler can ask anew, and the next level cannot
approve the old handler's request (DESIGN §4: side requests are the current handler's)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.choices import RequestStatus
from cases.models import ExtensionRequest, HoldRequest
from cases.services import case_escalate_overdue_batch, case_transition

from .setups import b_ext_pending, b_hold_pending, home

pytestmark = pytest.mark.django_db


def test_the_sweep_escalating_the_case_lapses_the_old_handlers_requests_and_the_next_one_can_ask(world):
    p = home(world)
    asked_extension = b_ext_pending(p)
    asked_hold = b_hold_pending(p)
    later = max(asked_extension.due_at, asked_hold.due_at) + timedelta(minutes=1)

    assert case_escalate_overdue_batch(now=later)["escalated"] == 2

    for model, case in ((ExtensionRequest, asked_extension), (HoldRequest, asked_hold)):
        request = model.objects.get(case=case)
        assert request.status == RequestStatus.REFUSED and request.decided_by is None
        assert "申请失效" in request.decision_note
        assert model.pending_for(case) is None  # nothing left for the new level to approve
    # the district dispatches to another department, which can ask for its own extension
    case = asked_extension
    case.refresh_from_db()
    officer, other = world.district_officer, world.departments["cgzf"]
    case_transition(case_id=case.id, action="dispatch", actor=officer, departments=[other.id], now=later)
    case_transition(case_id=case.id, action="sign", actor=world.liaison, now=later)
    case.refresh_from_db()
    case_transition(
        case_id=case.id,
        action="extension_request",
        actor=world.liaison,
        note="需要协调",
        requested_due_at=case.due_at + timedelta(days=3),
        now=later,
    )
    assert ExtensionRequest.pending_for(case).requested_by_id == world.liaison.id


def test_escalating_by_hand_lapses_the_pending_hold_request(world):
    p = home(world)
    case = b_hold_pending(p)

    case_transition(case_id=case.id, action="escalate", actor=world.street_officer, note="街道无法协调")

    assert HoldRequest.pending_for(case) is None
    assert HoldRequest.objects.get(case=case).status == RequestStatus.REFUSED


def test_a_request_still_with_its_handler_stays_pending(world):
    p = home(world)
    case = b_ext_pending(p)

    case_transition(case_id=case.id, action="note", actor=world.street_officer, note="已电话了解")

    assert ExtensionRequest.pending_for(case) is not None
