"""核查 is someone else's check: the grid worker who handled a case (on the spot, or as the grid team) does not sign
off their own work — neither by 核查通过 nor by 结案 at grid level. A teammate of the grid or a centre does
(DESIGN §1: grid workers verify "that others' work is really done"; scenario 1: the community officer verifies)."""

from __future__ import annotations

import pytest

from cases.choices import Status
from cases.models import CaseEvent
from cases.selectors import allowed_actions
from cases.services import case_transition
from core.errors import Forbidden

from .helpers import at, file_case

pytestmark = pytest.mark.django_db

T0 = at(2026, 11, 16, 9, 10)


def _self_handled(world):
    case = file_case(world, code="0101", now=T0)
    return case_transition(case_id=case.id, action="self_handle", actor=world.grid_worker, note="已清理", now=T0)


@pytest.mark.parametrize("action", ["verify_ok", "close"])
def test_the_grid_worker_cannot_close_what_they_handled_on_the_spot_and_nothing_changes(world, action):
    case = _self_handled(world)
    events = list(CaseEvent.objects.filter(case=case).values_list("id", flat=True))

    with pytest.raises(Forbidden) as refused:
        case_transition(case_id=case.id, action=action, actor=world.grid_worker, now=T0)

    assert "他人核查" in str(refused.value)
    case.refresh_from_db()
    assert (case.status, case.closed_at) == (Status.RESOLVED, None)
    assert list(CaseEvent.objects.filter(case=case).values_list("id", flat=True)) == events


@pytest.mark.parametrize("actor", ["part_timer", "community_officer"])
def test_a_teammate_or_the_community_centre_verifies_it(world, actor):
    case = _self_handled(world)
    case = case_transition(case_id=case.id, action="verify_ok", actor=getattr(world, actor), now=T0)
    assert case.status == Status.CLOSED


def test_the_page_does_not_offer_the_self_handler_to_sign_it_off(world):
    case = _self_handled(world)
    mine = {a["action"]: a for a in allowed_actions(world.grid_worker, case)}
    theirs = {a["action"]: a for a in allowed_actions(world.part_timer, case)}
    assert (mine["verify_ok"]["allowed"], mine["close"]["allowed"]) == (False, False)
    assert "他人核查" in mine["verify_ok"]["reason"]
    assert (theirs["verify_ok"]["allowed"], theirs["close"]["allowed"]) == (True, True)


def test_the_grid_worker_can_still_send_their_own_work_back_for_rework(world):
    case = _self_handled(world)
    case = case_transition(case_id=case.id, action="verify_failed", actor=world.grid_worker, note="又堆上了", now=T0)
    assert case.status == Status.IN_PROGRESS
