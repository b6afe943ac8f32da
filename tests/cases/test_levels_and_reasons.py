"""Who may hold and reopen a case the street handles, and who sets an event's reason code.

- 挂账 of a dispatched case is asked by the handler and decided by the dispatcher (DESIGN §4): a grid team or a
  community centre the street dispatched its case down to asks (申请挂账); it used to hold it directly, pausing the
  clock with nobody's approval.
- 重办 is the closing level's (or one above): a community centre reopened what the street had handled and closed.
- An event's reason code is the system's: through the API a client tagged its comment as a department's
  report-in (summons_report_in) and its escalation as the sweep's (overdue).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from cases.models import Case, HoldRequest
from cases.selectors import allowed_actions
from cases.services import case_transition
from core.errors import DomainError

from .helpers import at, file_case

T0 = at(2026, 11, 18, 9, 0)  # a Wednesday


def _street_case_dispatched(world, **target):
    case = file_case(world, code="0202", title="违法搭建", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0 + timedelta(minutes=5))
    return case_transition(
        case_id=case.id, action="dispatch", actor=world.street_officer, now=T0 + timedelta(minutes=10), **target
    )


def _offered(user, case) -> set[str]:
    return {a["action"] for a in allowed_actions(user, Case.objects.get(pk=case.pk)) if a["allowed"]}


@pytest.mark.parametrize(
    ("target", "handler"),
    [({"to_grid": True}, "grid_worker"), ("community", "community_officer")],
    ids=["grid_team", "community_centre"],
)
def test_a_handler_the_street_dispatched_down_to_asks_for_a_hold_and_the_street_decides(world, target, handler):
    body = {"region": world.community.id} if target == "community" else target
    case = _street_case_dispatched(world, **body)
    actor = world.users[handler]
    t = T0 + timedelta(minutes=20)
    case_transition(case_id=case.id, action="sign", actor=actor, now=t)
    offered = _offered(actor, case)
    assert "hold_request" in offered and "hold" not in offered
    with pytest.raises(DomainError) as refused:
        case_transition(case_id=case.id, action="hold", actor=actor, note="等资金", now=t + timedelta(minutes=5))
    assert refused.value.code == "dispatched"
    assert Case.objects.get(pk=case.pk).status == "in_progress"
    # the way that works: asked, then approved by the street
    until = t + timedelta(days=3)
    case_transition(case_id=case.id, action="hold_request", actor=actor, note="等资金", hold_until=until, now=t)
    assert "hold_approve" in _offered(world.street_officer, case)
    case_transition(case_id=case.id, action="hold_approve", actor=world.street_officer, now=t + timedelta(minutes=9))
    assert Case.objects.get(pk=case.pk).status == "on_hold"
    assert HoldRequest.objects.get(case=case).status == "approved"


def test_the_street_still_holds_a_case_it_dispatched_to_the_grid_team(world):
    case = _street_case_dispatched(world, to_grid=True)
    case_transition(case_id=case.id, action="sign", actor=world.grid_worker, now=T0 + timedelta(minutes=20))
    assert "hold" in _offered(world.street_officer, case)
    case_transition(
        case_id=case.id, action="hold", actor=world.street_officer, note="等法院裁定", now=T0 + timedelta(hours=1)
    )
    assert Case.objects.get(pk=case.pk).status == "on_hold"


def _closed_by_the_street(world) -> Case:
    case = _street_case_dispatched(world, departments=[world.departments["cgzf"].id])
    t = T0 + timedelta(minutes=20)
    case_transition(case_id=case.id, action="sign", actor=world.liaison, now=t)
    case_transition(case_id=case.id, action="resolve", actor=world.liaison, note="已拆除", now=t + timedelta(hours=1))
    return case_transition(case_id=case.id, action="close", actor=world.street_officer, now=t + timedelta(hours=2))


def test_a_community_centre_does_not_reopen_a_case_the_street_handled_and_closed(world):
    case = _closed_by_the_street(world)
    assert case.level == "street"
    assert "reopen" not in _offered(world.community_officer, case)
    with pytest.raises(DomainError) as refused:
        case_transition(case_id=case.id, action="reopen", actor=world.community_officer, note="居民说没拆")
    assert refused.value.status_code == 403
    assert Case.objects.get(pk=case.pk).status == "closed"
    for officer in (world.street_officer, world.district_officer):
        assert "reopen" in _offered(officer, case)
    case_transition(case_id=case.id, action="reopen", actor=world.street_officer, note="居民说没拆")
    assert Case.objects.get(pk=case.pk).status == "in_progress"


@pytest.mark.parametrize(
    ("action", "reason"),
    [("comment", "summons_report_in"), ("escalate", "overdue"), ("note", "not_in_remit")],
    ids=["comment_as_a_report_in", "escalation_as_the_sweep", "a_return_code_on_a_note"],
)
def test_an_api_client_cannot_set_an_events_reason_code(world, api, action, reason):
    case = file_case(world, code="0101", now=T0)
    before = case.events.count()
    resp = api("grid_worker").post(
        f"/api/v1/cases/{case.id}/transitions/{action}/", {"note": "说明", "reason": reason}, format="json"
    )
    assert resp.status_code == 400, resp.content
    assert resp.json()["code"] in ("reason", "invalid")  # a code of the system's is no choice; a return code is
    assert "reason" in resp.content.decode()  # not for this action — either way the answer names the field
    assert case.events.count() == before and Case.objects.get(pk=case.pk).level == "grid"


def test_a_return_request_through_the_api_takes_only_a_known_return_reason(world, api):
    case = _street_case_dispatched(world, departments=[world.departments["cgzf"].id])
    url = f"/api/v1/cases/{case.id}/transitions/return_request/"
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):  # within the return window
        bad = api("liaison").post(url, {"note": "不归我们", "reason": "recalled"}, format="json")
        assert bad.status_code == 400, bad.content
        good = api("liaison").post(url, {"note": "不归我们", "reason": "not_in_remit"}, format="json")
    assert good.status_code == 200, good.content
    assert case.events.get(action="return_request").reason == "not_in_remit"
