"""A hold past its expected end (挂账到期): the sweep tells the handler and the centre that decided the hold, once per
expected end, and leaves the case on hold — what it waits on (funds, a court) is outside the system's knowledge."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.choices import Status
from cases.models import Case
from cases.services import case_transition
from escalation.choices import NoticeKind
from escalation.models import Notice
from escalation.services.notices import hold_due_key
from escalation.services.sweep import SWEEP_STEPS, sweep, warn_hold_due_batch
from tests.cases.helpers import at, file_case
from tests.concurrency import run_at_once

T0 = at(2026, 11, 18, 9, 0)  # a Wednesday
STREET = {"jiedao01", "jiedao02"}  # the street centre's staff
CGZF = {"chengguan01"}  # 城管执法's liaison


def hold_due(case) -> Counter:
    """Hold-due notices of ``case`` per recipient."""
    rows = Notice.objects.filter(case=case, dedupe_key__startswith=f"hold-due:{case.pk}:")
    return Counter(rows.values_list("recipient__username", flat=True))


def department_case_on_hold(world, *, until_days=3, title="违法搭建"):
    """The street dispatches its case to 城管执法, which signs, asks to hold it (等资金) until ``until_days`` later,
    and the street approves. Returns the case and its hold's expected end."""
    case = file_case(world, code="0202", title=title, now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0 + timedelta(minutes=5))
    case_transition(
        case_id=case.id,
        action="dispatch",
        actor=world.street_officer,
        now=T0 + timedelta(minutes=10),
        departments=[world.departments["cgzf"].id],
    )
    t = T0 + timedelta(minutes=20)
    case_transition(case_id=case.id, action="sign", actor=world.liaison, now=t)
    until = t + timedelta(days=until_days)
    hold_for(world, case, until, now=t)
    return Case.objects.get(pk=case.id), until


def hold_for(world, case, until, *, now):
    case_transition(
        case_id=case.id, action="hold_request", actor=world.liaison, note="等资金", hold_until=until, now=now
    )
    case_transition(case_id=case.id, action="hold_approve", actor=world.street_officer, now=now + timedelta(minutes=5))


def test_the_hold_due_step_is_registered_with_the_sweep():
    assert warn_hold_due_batch in SWEEP_STEPS


def test_a_hold_past_its_expected_end_is_told_once_to_the_handler_and_the_deciding_centre(world):
    case, until = department_case_on_hold(world)

    assert sweep(now=until - timedelta(minutes=1))["warn_hold_due"] == 0  # not before its expected end
    assert hold_due(case) == Counter()

    counts = sweep(now=until + timedelta(minutes=1))
    assert counts["warn_hold_due"] == 1
    assert hold_due(case) == Counter(dict.fromkeys(CGZF | STREET, 1))
    notice = Notice.objects.get(case=case, recipient=world.street_officer, dedupe_key__startswith="hold-due:")
    assert notice.dedupe_key == hold_due_key(case.pk, until)
    assert notice.kind == NoticeKind.OTHER
    assert "挂账到期" in notice.title and timezone.localtime(until).strftime("%m-%d %H:%M") in notice.title
    assert "不会自动恢复" in notice.body

    assert sweep(now=until + timedelta(days=60))["warn_hold_due"] == 0  # later sweeps: nothing new
    assert hold_due(case) == Counter(dict.fromkeys(CGZF | STREET, 1))
    case.refresh_from_db()
    # Not resumed: the hold waits on something outside; the clock stays paused, nothing escalates.
    assert (case.status, case.hold_until, case.level) == (Status.ON_HOLD, until, "street")
    assert not case.events.filter(action__in=("resume", "escalate")).exists()


def test_a_new_hold_with_a_new_expected_end_is_told_again(world):
    case, until = department_case_on_hold(world)
    sweep(now=until + timedelta(minutes=1))
    resumed = until + timedelta(hours=1)
    case_transition(case_id=case.id, action="resume", actor=world.street_officer, now=resumed)
    case.refresh_from_db()
    assert case.hold_due_warned_at is None
    again = resumed + timedelta(days=10)
    hold_for(world, case, again, now=resumed + timedelta(minutes=1))

    sweep(now=again - timedelta(minutes=1))
    assert hold_due(case) == Counter(dict.fromkeys(CGZF | STREET, 1))  # the new hold not yet due
    sweep(now=again + timedelta(minutes=1))
    assert hold_due(case) == Counter(dict.fromkeys(CGZF | STREET, 2))
    keys = set(
        Notice.objects.filter(case=case, dedupe_key__startswith="hold-due:").values_list("dedupe_key", flat=True)
    )
    assert keys == {hold_due_key(case.pk, until), hold_due_key(case.pk, again)}


def test_a_case_resumed_before_its_expected_end_is_not_told(world):
    case, until = department_case_on_hold(world)
    case_transition(case_id=case.id, action="resume", actor=world.street_officer, now=until - timedelta(hours=1))
    sweep(now=until + timedelta(days=1))
    assert hold_due(case) == Counter()


def test_a_centre_that_held_its_own_case_is_told(world):
    """The street holds a case in its own queue (no dispatch): the street's staff are both handler and decider."""
    case = file_case(world, code="0202", title="违法搭建", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0 + timedelta(minutes=5))
    until = T0 + timedelta(days=2)
    case_transition(
        case_id=case.id,
        action="hold",
        actor=world.street_officer,
        note="等法院判决",
        hold_until=until,
        now=T0 + timedelta(hours=1),
    )
    sweep(now=until + timedelta(minutes=1))
    assert hold_due(case) == Counter(dict.fromkeys(STREET, 1))


def test_a_hold_without_an_expected_end_is_left_alone(world):
    case = file_case(world, code="0202", title="违法搭建", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0 + timedelta(minutes=5))
    case_transition(
        case_id=case.id, action="hold", actor=world.street_officer, note="等资金", now=T0 + timedelta(hours=1)
    )
    assert sweep(now=T0 + timedelta(days=365))["warn_hold_due"] == 0
    assert hold_due(case) == Counter()


def test_the_case_page_says_the_expected_end_has_passed(world, web):
    case, until = department_case_on_hold(world)
    with time_machine.travel(until - timedelta(hours=1), tick=False):
        html = web("street_officer").get(f"/cases/{case.pk}/").content.decode()
    assert "挂账中" in html and "已过期" not in html
    with time_machine.travel(until + timedelta(hours=1), tick=False):
        html = web("street_officer").get(f"/cases/{case.pk}/").content.decode()
    assert "data-hold-due" in html and "已过期" in html
    assert timezone.localtime(until).strftime("%Y-%m-%d %H:%M") in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_tell_each_passed_hold_once(world):
    held = [department_case_on_hold(world, title=f"违法搭建{i}") for i in range(12)]
    now = max(until for _c, until in held) + timedelta(minutes=1)

    def tell_all() -> int:
        total = 0
        while n := warn_hold_due_batch(now=now, batch_size=2):
            total += n
        return total

    results = run_at_once(tell_all, tell_all)
    assert sum(results) == 12
    results = run_at_once(lambda: sweep(now=now, batch_size=3), lambda: sweep(now=now, batch_size=3))
    assert sum(r["warn_hold_due"] for r in results) == 0  # already told
    for case, _until in held:
        assert hold_due(case) == Counter(dict.fromkeys(CGZF | STREET, 1))
    assert Notice.objects.filter(dedupe_key__startswith="hold-due:").count() == 12 * 3
