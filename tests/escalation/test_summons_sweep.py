"""Overdue summonses: put under district supervision by the sweep, exactly once (and concurrently, on PostgreSQL)."""

from __future__ import annotations

import pytest

from cases.services import case_transition
from core.errors import NotAllowed
from escalation.choices import NoticeKind, SummonsStatus
from escalation.models import Notice, Summons, Supervision
from escalation.services import sweep
from escalation.services.whistles import (
    summons_escalate_overdue_batch,
    summons_report_in,
    summons_respond,
    summons_return,
)
from tests.cases.helpers import at
from tests.concurrency import run_at_once

from .whistle_helpers import whistled_case


def test_two_sweeps_supervise_each_overdue_summons_once(world):
    case, _whistle, summons = whistled_case(world)
    assert summons_escalate_overdue_batch(now=at(2026, 11, 18, 10, 29)) == 0
    assert summons_escalate_overdue_batch(now=at(2026, 11, 18, 10, 31)) == 2
    assert summons_escalate_overdue_batch(now=at(2026, 11, 18, 10, 32)) == 0
    assert summons_escalate_overdue_batch(now=at(2026, 11, 19, 11)) == 0  # response overdue too, but once is once
    assert Supervision.objects.filter(summons=summons["cgzf"]).count() == 1
    assert Supervision.objects.filter(summons=summons["zj"]).count() == 1
    assert case.events.filter(action="supervise").count() == 1  # one event per case and sweep, naming both
    assert Notice.objects.filter(recipient=world.district_officer, kind=NoticeKind.SUMMONS_OVERDUE).count() == 2
    assert set(Summons.objects.values_list("overdue_at", flat=True)) == {at(2026, 11, 18, 10, 31)}


def test_a_summons_reported_in_but_not_responded_is_overdue_at_its_response_time(world):
    case, _whistle, summons = whistled_case(world, codes=("cgzf",))
    summons_report_in(summons_id=summons["cgzf"].id, actor=world.liaison, now=at(2026, 11, 18, 10, 5))
    assert summons_escalate_overdue_batch(now=at(2026, 11, 18, 17)) == 0
    assert summons_escalate_overdue_batch(now=at(2026, 11, 19, 10, 1)) == 1
    supervision = Supervision.objects.get()
    assert "城管执法未按时反馈" in supervision.reason and supervision.region_id == world.district.id
    assert "未按时反馈" in case.events.get(action="supervise").note
    # The liaison hears of it too, with a link to the summons.
    notice = Notice.objects.get(recipient=world.liaison, kind=NoticeKind.SUMMONS_OVERDUE)
    assert notice.url == f"/inbox/summons/{summons['cgzf'].id}/"


def test_responded_returned_and_done_summonses_are_never_overdue(world):
    _case, _whistle, summons = whistled_case(world, codes=("cgzf", "zj"))
    cg, zj = summons["cgzf"], summons["zj"]
    summons_report_in(summons_id=cg.id, actor=world.liaison, now=at(2026, 11, 18, 10, 5))
    summons_respond(summons_id=cg.id, actor=world.liaison, text="已处理", now=at(2026, 11, 18, 10, 20))
    summons_return(summons_id=zj.id, actor=world.liaison_zj, reason="不属本部门职责", now=at(2026, 11, 18, 10, 20))
    assert summons_escalate_overdue_batch(now=at(2026, 11, 25, 10)) == 0
    assert not Supervision.objects.exists()


def test_summonses_of_a_merged_case_are_left_alone(world):
    case, _whistle, _summons = whistled_case(world, codes=("cgzf",))
    other, _w, _s = whistled_case(world, codes=("zj",))
    case_transition(
        case_id=case.id, action="merge", actor=world.street_officer, into=other.number, now=at(2026, 11, 18, 10, 10)
    )
    assert summons_escalate_overdue_batch(now=at(2026, 11, 18, 10, 31)) == 1  # only the open case's summons
    assert Supervision.objects.get().case_id == other.id


def test_the_whistle_step_runs_in_every_sweep(world):
    whistled_case(world, codes=("zj",))
    assert summons_escalate_overdue_batch in sweep.SWEEP_STEPS
    counts = sweep.sweep(now=at(2026, 11, 18, 10, 31))
    assert counts["summons_escalate_overdue"] == 1
    assert sweep.sweep(now=at(2026, 11, 18, 10, 32))["summons_escalate_overdue"] == 0


def test_batch_size_bounds_one_batch_and_the_next_call_takes_the_rest(world):
    for _ in range(3):
        whistled_case(world, codes=("zj",))
    assert summons_escalate_overdue_batch(now=at(2026, 11, 18, 10, 31), batch_size=2) == 2
    assert summons_escalate_overdue_batch(now=at(2026, 11, 18, 10, 31), batch_size=2) == 1
    assert Supervision.objects.count() == 3


# --- concurrency (two real connections) ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_supervise_each_summons_once(world):
    for _ in range(5):
        whistled_case(world, codes=("cgzf", "zj"))
    now = at(2026, 11, 18, 10, 31)
    results = run_at_once(
        lambda: summons_escalate_overdue_batch(now=now), lambda: summons_escalate_overdue_batch(now=now), capture=True
    )
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 10
    assert Supervision.objects.count() == 10
    assert Summons.objects.filter(overdue_at__isnull=True).count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_report_ins_at_the_same_moment_record_one(world):
    case, _whistle, summons = whistled_case(world, codes=("cgzf",))
    cg = summons["cgzf"]
    now = at(2026, 11, 18, 10, 12)
    results = run_at_once(
        lambda: summons_report_in(summons_id=cg.id, actor=world.liaison, now=now),
        lambda: summons_report_in(summons_id=cg.id, actor=world.liaison, now=now),
        capture=True,
    )
    assert sum(isinstance(r, Summons) for r in results) == 1
    assert sum(isinstance(r, NotAllowed) for r in results) == 1
    assert case.events.filter(reason="summons_report_in").count() == 1
    assert Summons.objects.get(pk=cg.pk).status == SummonsStatus.REPORTED_IN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sweep_and_report_in_at_the_same_moment_do_not_deadlock(world):
    _case, _whistle, summons = whistled_case(world, codes=("zj",))
    zj = summons["zj"]
    now = at(2026, 11, 18, 10, 31)
    results = run_at_once(
        lambda: summons_escalate_overdue_batch(now=now),
        lambda: summons_report_in(summons_id=zj.id, actor=world.liaison_zj, now=now),
        capture=True,
    )
    assert not any(isinstance(r, Exception) for r in results), results
    zj.refresh_from_db()
    assert zj.status == SummonsStatus.REPORTED_IN and zj.reported_late is True
    # Either the sweep got the case first (supervised), or it skipped the locked case and the summons was
    # reported in before the next sweep (nothing left to supervise).
    assert Supervision.objects.count() == results[0]
