"""撤回派遣: the dispatcher takes back a dispatch nobody has signed for yet, and the case is back in its queue.

Before, a dispatch to the wrong department could only come back through that department: it had to notice, ask
for a 退单 and wait for the dispatcher to approve — meanwhile the case sat in the wrong inbox with its clock
running. Now the dispatching centre recalls it (with a reason), the department is told to leave it, and the
assessment counts a wrong dispatch of the dispatcher — not an unanswered dispatch of the department.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from assessment.periods import Period
from assessment.selectors import dispatch_actions
from cases.choices import Status
from cases.models import Case, CaseDispatch, CaseEvent
from cases.selectors import scope_for
from cases.services import case_transition
from core.errors import InvalidInput, NotAllowed
from escalation.models import Notice

from .setups import SETUPS, home

pytestmark = pytest.mark.django_db


def _dispatched(world) -> Case:
    return SETUPS["b_dispatched"](home(world))


def test_the_dispatcher_recalls_an_unsigned_dispatch_and_the_case_is_back_in_its_queue(world):
    case = _dispatched(world)
    cgzf = world.departments["cgzf"]
    after = case_transition(case_id=case.id, action="recall", actor=world.street_officer, note="派错部门，应派住建")
    assert (after.status, after.level, after.handler_kind, after.handler_region_id) == (
        Status.ACCEPTED,
        "street",
        "centre",
        world.street.id,
    )
    [row] = CaseDispatch.objects.filter(case=case)
    assert (row.active, row.return_reason, row.return_note) == (False, "recalled", "派错部门，应派住建")
    assert row.returned_at is not None and row.signed_at is None
    event = CaseEvent.objects.get(case=case, action="recall")
    assert (event.reason, event.public, event.data["recalled"]) == ("recalled", False, [cgzf.name])
    # the department is told to leave it, and can no longer sign for it
    notice = Notice.objects.get(recipient=world.liaison, case=case, title__contains="撤回派遣")
    assert "无需签收" in notice.title
    with pytest.raises(NotAllowed):
        case_transition(case_id=case.id, action="sign", actor=world.liaison)
    # the dispatcher dispatches again, to the right department
    zj = world.departments["zj"]
    case_transition(case_id=case.id, action="dispatch", actor=world.street_officer, departments=[zj.id])
    active = CaseDispatch.objects.filter(case=case, active=True).values_list("department_id", flat=True)
    assert list(active) == [zj.id]


def test_a_signed_dispatch_is_not_recalled_the_handler_asks_for_a_return_instead(world):
    case = SETUPS["b_in_progress"](home(world))
    with pytest.raises(NotAllowed) as refused:
        case_transition(case_id=case.id, action="recall", actor=world.street_officer, note="派错")
    assert refused.value.code == "state"
    assert CaseDispatch.objects.get(case=case).active


def test_a_recall_needs_a_reason_and_without_one_changes_nothing(world):
    case = _dispatched(world)
    with pytest.raises(InvalidInput):
        case_transition(case_id=case.id, action="recall", actor=world.street_officer, note="  ")
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and CaseDispatch.objects.get(case=case).active


def test_a_recall_from_a_lower_level_brings_the_case_back_to_the_dispatchers_level(world):
    """The street sent a case down to its community's centre; recalled, it is the street's again, at street level
    with the street's clock — not left at community level with nobody holding it."""
    case = SETUPS["b_accepted"](home(world))
    case_transition(case_id=case.id, action="dispatch", actor=world.street_officer, region=world.community.id)
    case.refresh_from_db()
    assert (case.level, case.status) == ("community", Status.DISPATCHED)
    after = case_transition(case_id=case.id, action="recall", actor=world.street_officer, note="社区无法处理")
    assert (after.level, after.status, after.handler_region_id) == ("street", Status.ACCEPTED, world.street.id)
    assert Notice.objects.filter(recipient=world.community_officer, case=case, title__contains="撤回派遣").exists()


def test_the_assessment_counts_a_recall_as_the_dispatchers_wrong_dispatch(world):
    case = _dispatched(world)
    case_transition(case_id=case.id, action="recall", actor=world.street_officer, note="派错")
    today = timezone.localdate(CaseDispatch.objects.get(case=case).dispatched_at)
    counts = dispatch_actions(scope_for(world.street_officer), Period(date(today.year, 1, 1), today))
    assert counts == {"n_dispatches": 1, "n_returns": 1}


def test_a_handler_cannot_give_recalled_as_its_return_reason(world, web):
    case = _dispatched(world)
    with pytest.raises(InvalidInput):
        case_transition(case_id=case.id, action="return_request", actor=world.liaison, note="x", reason="recalled")
    html = web("liaison").get(f"/cases/{case.pk}/").content.decode()
    assert 'value="not_in_remit"' in html and 'value="recalled"' not in html


def test_the_case_page_offers_the_recall_to_the_dispatcher_and_posts_it(world, web):
    case = _dispatched(world)
    client = web("street_officer")
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'action="/cases/{case.pk}/act/recall/"' in html
    assert client.post(f"/cases/{case.pk}/act/recall/", {"recall-note": ""}).status_code == 400
    assert Case.objects.get(pk=case.pk).status == Status.DISPATCHED
    response = client.post(f"/cases/{case.pk}/act/recall/", {"recall-note": "派错部门"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    liaison_page = web("liaison").get(f"/cases/{case.pk}/").content.decode()
    assert f'action="/cases/{case.pk}/act/recall/"' not in liaison_page


def test_a_recall_waits_for_the_handlers_return_request_to_be_decided(world):
    """The department asked for a 退单 before the dispatcher noticed its mistake: approving the return takes the case
    back and keeps the department's reason — a recall would overwrite it, so it is refused until then."""
    case = _dispatched(world)
    case_transition(
        case_id=case.id, action="return_request", actor=world.liaison, note="不属本部门", reason="not_in_remit"
    )
    with pytest.raises(NotAllowed) as refused:
        case_transition(case_id=case.id, action="recall", actor=world.street_officer, note="派错")
    assert refused.value.code == "return_pending"
    row = CaseDispatch.objects.get(case=case)
    assert (row.active, row.return_reason, row.return_note) == (True, "not_in_remit", "不属本部门")
    case_transition(case_id=case.id, action="return", actor=world.street_officer)
    row.refresh_from_db()
    assert (row.active, row.return_reason) == (False, "not_in_remit")
