"""The sweep's rules beyond scenario 2: mixed batches, the city top, what it leaves alone, yellow for departments,
exactly-once under concurrency (PostgreSQL, two real connections), the task and the command."""

from __future__ import annotations

import threading
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from cases.choices import HandlerKind, Status
from cases.models import Case, CaseEvent
from cases.services import case_transition
from escalation import tasks
from escalation.choices import NoticeKind
from escalation.models import Notice
from escalation.services.sweep import SWEEP_STEPS, register_sweep_step, sweep, warn_yellow_batch
from governance.choices import Level
from tests.cases.helpers import at, file_case
from tests.concurrency import run_at_once

T0 = at(2026, 11, 16, 9, 0)  # Monday


def told(case, kind) -> set[str]:
    return set(Notice.objects.filter(case=case, kind=kind).values_list("recipient__username", flat=True))


@pytest.mark.django_db
def test_one_sweep_moves_a_mixed_batch_each_one_level_with_its_own_limits(world):
    grid_case = file_case(world, code="0101", now=T0)  # grid, 1 working day
    street_case = file_case(world, code="0202", now=T0, title="违法搭建", description="楼顶")  # street (grade B)
    community_case = file_case(world, code="0102", now=T0, title="楼道堆物", description="三楼")
    case_transition(case_id=community_case.id, action="escalate", actor=world.grid_worker, note="协调", now=T0)
    later = at(2026, 12, 31, 9, 0)

    counts = sweep(now=later, batch_size=2)  # several batches, each with several groups
    assert (counts["escalated"], counts["supervised"]) == (3, 0)
    for case, level, region in [
        (grid_case, Level.COMMUNITY, world.community),
        (community_case, Level.STREET, world.street),
        (street_case, Level.DISTRICT, world.district),
    ]:
        case.refresh_from_db()
        assert (case.level, case.status, case.handler_kind) == (level, Status.ACCEPTED, HandlerKind.CENTRE)
        assert case.handler_region == region
        assert case.arrived_at == later
    grid_case.refresh_from_db()
    street_case.refresh_from_db()
    assert grid_case.due_at == at(2027, 1, 4, 9, 0)  # community: 2 working days, over the weekend
    assert street_case.due_at == at(2027, 1, 7, 9, 0)  # district: 5 working days
    assert CaseEvent.objects.filter(action="escalate", actor__isnull=True).count() == 3


@pytest.mark.django_db
def test_with_the_city_on_top_a_district_case_climbs_to_the_city_centre_then_is_supervised(world, settings):
    from governance.models import User

    settings.TOP_LEVEL = "city"
    User.objects.create_user(username="shi01", role="centre_staff", region=world.city, email="shi01@example.cn")
    case = file_case(world, code="0301", now=T0, title="道路塌陷", description="路面塌陷")  # grade C: district
    assert case.level == Level.DISTRICT
    case.refresh_from_db()
    counts = sweep(now=case.due_at + timedelta(minutes=1))
    case.refresh_from_db()
    assert counts["escalated"] == 1
    assert (case.level, case.handler_region) == (Level.CITY, world.city)
    assert told(case, NoticeKind.ESCALATED) == {"qu01", "shi01"}
    sweep(now=case.due_at + timedelta(minutes=1))
    case.refresh_from_db()
    assert case.supervised_at is not None and case.level == Level.CITY
    assert told(case, NoticeKind.SUPERVISED) == {"shi01"}


@pytest.mark.django_db
def test_cases_on_hold_resolved_or_closed_are_left_alone(world):
    held = file_case(world, code="0101", now=T0)
    case_transition(case_id=held.id, action="accept", actor=world.grid_worker, now=T0)
    case_transition(case_id=held.id, action="hold", actor=world.grid_worker, note="等待业主", now=T0)
    closed = file_case(world, code="0101", now=T0)
    case_transition(case_id=closed.id, action="reject", actor=world.community_officer, note="不属实", now=T0)
    counts = sweep(now=at(2026, 12, 31, 9, 0))
    assert (counts["escalated"], counts["supervised"], counts["yellow"]) == (0, 0, 0)
    assert not CaseEvent.objects.filter(action__in=["escalate", "supervise"]).exists()


@pytest.mark.django_db
def test_yellow_goes_to_the_liaisons_of_the_departments_handling_the_case(world):
    case = file_case(world, code="0202", now=T0, title="违法搭建", description="楼顶")
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0)
    case_transition(
        case_id=case.id,
        action="dispatch",
        actor=world.street_officer,
        now=T0,
        departments=[world.departments["cgzf"].id],
    )
    case.refresh_from_db()
    assert warn_yellow_batch(now=case.yellow_at + timedelta(minutes=1)) == 1
    assert told(case, NoticeKind.YELLOW) == {"chengguan01"}
    assert warn_yellow_batch(now=case.yellow_at + timedelta(minutes=2)) == 0


@pytest.mark.django_db
def test_a_registered_step_runs_in_every_sweep_until_it_has_nothing_left(world):
    calls: list[int] = []

    def test_drain(*, now, batch_size) -> int:  # reported under its name: "test_drain"
        calls.append(1)
        return 1 if len(calls) < 3 else 0

    register_sweep_step(test_drain)
    register_sweep_step(test_drain)  # idempotent
    try:
        assert sweep(now=T0)["test_drain"] == 2
        assert len(calls) == 3
    finally:
        SWEEP_STEPS.remove(test_drain)


@pytest.mark.django_db
def test_the_task_and_the_command_run_the_sweep(world):
    case = file_case(world, code="0101", now=T0)
    Case.objects.filter(pk=case.pk).update(due_at=T0)  # long overdue in real time
    assert tasks.sweep.delay().get()["escalated"] == 1
    case.refresh_from_db()
    assert case.level == Level.COMMUNITY
    out = StringIO()
    call_command("sweep", stdout=out)
    assert "escalated: 0" in out.getvalue() and "yellow:" in out.getvalue()


# --- exactly once with two real connections (PostgreSQL row locks) ------------------------------------------


def same_cases(world, n: int) -> None:
    """``n`` cases like one filed at T0 (bulk-inserted copies), all overdue at the end of November."""
    template = file_case(world, code="0101", now=T0)
    fields = [f.attname for f in Case._meta.concrete_fields if f.attname not in ("id", "number", "follow_up_token")]
    Case.objects.bulk_create(
        Case(**{f: getattr(template, f) for f in fields}, number=f"{template.number}-{i}", follow_up_token=f"c-{i}")
        for i in range(n - 1)
    )


@contextmanager
def threads_running_steps(at_once: int = 1):
    """Yield the names of the threads that ran the sweep's registered steps while inside; with ``at_once`` > 1 the
    step waits until that many threads run it together (a barrier that fails after 30 s otherwise)."""
    seen: set[str] = set()
    together = threading.Barrier(at_once, timeout=30) if at_once > 1 else None

    def spy(*, now, batch_size):
        seen.add(threading.current_thread().name)
        if together is not None:
            together.wait()
        return 0

    register_sweep_step(spy)
    try:
        yield seen
    finally:
        SWEEP_STEPS.remove(spy)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_escalate_each_overdue_case_exactly_once(world):
    same_cases(world, 300)
    now = at(2026, 11, 30, 9, 0)
    results = run_at_once(lambda: sweep(now=now, batch_size=20), lambda: sweep(now=now, batch_size=20))
    assert sum(r["escalated"] for r in results) == 300
    per_case = Counter(CaseEvent.objects.filter(action="escalate").values_list("case_id", flat=True))
    assert len(per_case) == 300 and set(per_case.values()) == {1}
    assert set(Case.objects.values_list("level", "escalation_count").distinct()) == {(Level.COMMUNITY, 1)}
    assert Notice.objects.filter(kind=NoticeKind.ESCALATED).count() == 300 * 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_sweep_works_its_batches_on_several_connections_each_case_once(world):
    same_cases(world, 200)
    with threads_running_steps(at_once=3) as threads_seen:  # the step waits until three workers run it
        counts = sweep(now=at(2026, 11, 30, 9, 0), batch_size=15, workers=3)
    assert counts["escalated"] == 200
    assert len(threads_seen) == 3 and all(name.startswith("sweep") for name in threads_seen)
    per_case = Counter(CaseEvent.objects.filter(action="escalate").values_list("case_id", flat=True))
    assert len(per_case) == 200 and set(per_case.values()) == {1}
    assert Notice.objects.filter(kind=NoticeKind.ESCALATED).count() == 200 * 4


@pytest.mark.django_db
def test_a_sweep_inside_a_transaction_keeps_to_its_own_connection(world):
    case = file_case(world, code="0101", now=T0)
    with threads_running_steps() as threads_seen:
        with transaction.atomic():  # other connections could not see this transaction's rows
            counts = sweep(now=case.due_at + timedelta(minutes=1), workers=4)
    assert counts["escalated"] == 1
    assert threads_seen == {threading.current_thread().name}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_yellow_sweeps_at_once_warn_each_case_once(world):
    cases = [file_case(world, code="0102", now=T0, title=f"堆物{i}") for i in range(40)]
    now = cases[0].yellow_at + timedelta(minutes=1)

    def warn_all() -> int:
        total = 0
        while n := warn_yellow_batch(now=now, batch_size=5):
            total += n
        return total

    results = run_at_once(warn_all, warn_all)
    assert sum(results) == 40
    assert Notice.objects.filter(kind=NoticeKind.YELLOW).count() == 40 * 3  # the grid team, once per case
