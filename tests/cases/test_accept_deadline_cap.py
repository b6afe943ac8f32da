"""The accept/dispatch deadline (受理/派遣时限) is part of the level's time: it never falls after the level's handling
deadline (本级办理时限). A sign-for limit in working hours from a night arrival ends next morning, a handling limit in
clock hours ends that night — the earlier one bounds both. Filing, manual escalation and the sweep's set-wise
escalation compute the clock in one place (``Deadlines._compute``) and agree."""

from __future__ import annotations

from django.conf import settings

from cases.models import Case
from cases.services import case_escalate_overdue_batch, case_transition
from governance.choices import Level, TimeUnit
from governance.models import JurisdictionRule

from .helpers import at, file_case

NIGHT = at(2026, 12, 1, 2, 19)  # a Tuesday, 02:19


def test_a_night_filing_gets_an_accept_deadline_no_later_than_its_handling_deadline(world):
    # 0205 井盖缺失: grade B (street), sign-for limit 2 working hours, handling limit 2 clock hours.
    case = file_case(world, code="0205", now=NIGHT)

    case.refresh_from_db()
    assert case.level == Level.STREET
    assert case.due_at == at(2026, 12, 1, 4, 19)  # two clock hours
    assert case.accept_due_at == case.due_at  # not 10:30 (08:30 + two working hours)
    assert case.response_due_at == case.accept_due_at
    assert case.yellow_at == NIGHT + (case.due_at - NIGHT) * settings.YELLOW_THRESHOLD


def test_an_accept_deadline_before_the_handling_deadline_is_kept(world):
    case = file_case(world, code="0202", now=NIGHT)  # 违法搭建: 15 working days to handle

    case.refresh_from_db()
    assert case.accept_due_at == at(2026, 12, 1, 10, 30)  # 08:30 + two working hours, well before the due time
    assert case.accept_due_at < case.due_at


def _short_rule_at_community(world) -> None:
    """楼道堆物 at the community: sign for in 2 working hours, handle in 2 clock hours."""
    JurisdictionRule.objects.create(
        category=world.categories["0102"],
        level=Level.COMMUNITY,
        accept_limit=2,
        accept_unit=TimeUnit.WORKING_HOURS,
        handling_limit=2,
        handling_unit=TimeUnit.HOURS,
    )


def test_the_sweep_escalating_at_night_caps_the_new_levels_accept_deadline(world):
    _short_rule_at_community(world)
    late = file_case(world, code="0102", now=at(2026, 11, 27, 9))  # grid: due 12-01 09:00
    capped = file_case(world, code="0102", now=at(2026, 11, 27, 9))
    hotline_due = at(2026, 12, 2, 3)  # an outside deadline (12345) takes the other path of the batch UPDATE
    Case.objects.filter(pk=capped.pk).update(external_due_at=hotline_due)
    sweep = at(2026, 12, 2, 1, 30)  # Wednesday night

    assert case_escalate_overdue_batch(now=sweep) == {"escalated": 2, "supervised": 0}

    late.refresh_from_db(), capped.refresh_from_db()
    assert (late.level, capped.level) == (Level.COMMUNITY, Level.COMMUNITY)
    assert late.due_at == at(2026, 12, 2, 3, 30)
    assert late.accept_due_at == late.due_at  # not 10:30 the next morning
    assert capped.due_at == hotline_due
    assert capped.accept_due_at == hotline_due
    for case in (late, capped):
        assert case.accept_due_at <= case.due_at


def test_manual_and_swept_escalation_give_the_same_clock(world):
    _short_rule_at_community(world)
    swept = file_case(world, code="0102", now=at(2026, 11, 27, 9))
    manual = file_case(world, code="0102", now=at(2026, 11, 27, 9))
    when = at(2026, 12, 2, 1, 30)
    case_transition(case_id=manual.pk, action="escalate", actor=None, system=True, note="超时", now=when)
    case_escalate_overdue_batch(now=when)

    swept.refresh_from_db(), manual.refresh_from_db()
    assert swept.level == manual.level == Level.COMMUNITY
    clock = ("accept_due_at", "due_at", "yellow_at")
    assert [getattr(swept, c) for c in clock] == [getattr(manual, c) for c in clock]
    assert manual.accept_due_at == manual.due_at == at(2026, 12, 2, 3, 30)
