"""Supervision (督办) below the top level does not stop a case from climbing when its level's time is up: only at the
top, where there is nowhere to climb, is a supervised case left where it is (DESIGN §5)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.models import Case, CaseEvent
from cases.services import case_transition
from escalation.services.sweep import sweep
from governance.choices import Level
from tests.cases.helpers import at, file_case

T0 = at(2026, 11, 16, 9, 0)  # Monday

pytestmark = pytest.mark.django_db


def test_a_grid_case_the_street_supervises_still_climbs_when_overdue_once_per_level(world):
    case = file_case(world, code="0101", now=T0)  # grid, 1 working day
    plain = file_case(world, code="0101", now=T0, title="另一处暴露垃圾")
    case_transition(case_id=case.id, action="supervise", actor=world.street_officer, note="抓紧处理", now=T0)
    case.refresh_from_db()
    assert case.supervised_at is not None and case.level == Level.GRID

    counts = sweep(now=case.due_at + timedelta(minutes=1))

    case.refresh_from_db()
    plain.refresh_from_db()
    assert counts["escalated"] == 2
    assert (case.level, plain.level) == (Level.COMMUNITY, Level.COMMUNITY)
    assert case.supervised_at is not None  # still under the street's supervision, at its new level
    assert CaseEvent.objects.filter(case=case, action="escalate").count() == 1
    again = sweep(now=case.due_at - timedelta(minutes=1))  # not yet due at the community: nothing moves
    assert again["escalated"] == 0
    case.refresh_from_db()
    assert case.level == Level.COMMUNITY


def test_a_supervised_case_climbs_level_by_level_and_stays_at_the_top(world):
    case = file_case(world, code="0101", now=T0)
    case_transition(case_id=case.id, action="supervise", actor=world.district_officer, note="区级督办", now=T0)
    levels = []
    for _round in range(5):
        case.refresh_from_db()
        sweep(now=case.due_at + timedelta(minutes=1))
        case.refresh_from_db()
        levels.append(case.level)

    assert levels == [Level.COMMUNITY, Level.STREET, Level.DISTRICT, Level.DISTRICT, Level.DISTRICT]
    assert CaseEvent.objects.filter(case=case, action="escalate").count() == 3
    # The district's supervision from afar (told the grid team, the holder then), and the top's own when its time
    # ran out at the district (DESIGN §5: mark it supervised and notify) — once, not repeated by later sweeps.
    assert CaseEvent.objects.filter(case=case, action="supervise").count() == 2


def test_a_case_supervised_at_the_top_and_sent_down_climbs_again(world):
    case = file_case(world, code="0301", now=T0, title="道路塌陷", description="路面塌陷")  # grade C: district
    assert case.level == Level.DISTRICT
    case.refresh_from_db()
    sweep(now=case.due_at + timedelta(minutes=1))  # overdue at the top: supervised there
    case.refresh_from_db()
    assert case.supervised_at is not None
    case_transition(case_id=case.id, action="accept", actor=world.district_officer, now=case.due_at)
    case_transition(
        case_id=case.id, action="dispatch", actor=world.district_officer, region=world.community.id, now=case.due_at
    )
    moved = Case.objects.get(pk=case.pk)
    assert moved.level == Level.COMMUNITY and moved.supervised_at is not None

    sweep(now=moved.due_at + timedelta(minutes=1))

    moved.refresh_from_db()
    assert moved.level == Level.STREET  # its community's time ran out: it climbs, supervised or not


def test_a_whistled_case_supervised_for_an_overdue_summons_still_climbs_when_its_own_time_is_up(world):
    from .whistle_helpers import T0 as WHISTLED_AT
    from .whistle_helpers import whistled_case

    case, _whistle, _summonses = whistled_case(world)
    sweep(now=WHISTLED_AT + timedelta(minutes=31))  # the summonses' report-in time is up: the district supervises
    case.refresh_from_db()
    assert case.supervised_at is not None and case.level == Level.STREET

    sweep(now=case.due_at + timedelta(minutes=1))  # the street's own time is up too, and it did nothing

    case.refresh_from_db()
    assert case.level == Level.DISTRICT


def _supervised_notices_to(user, case) -> int:
    from escalation.choices import NoticeKind
    from escalation.models import Notice

    return Notice.objects.filter(recipient=user, case=case, kind=NoticeKind.SUPERVISED).count()


def test_a_case_the_street_supervised_below_is_supervised_by_the_top_when_overdue_there_and_its_centre_told(world):
    """DESIGN §5: at the top level there is nowhere to climb — mark it supervised (督办) and notify. The street's
    supervision of the case at grid level (its notice went to the grid team) does not stand for the top's: when
    the case runs out of time at the district, the district centre is told, once."""
    case = file_case(world, code="0101", now=T0)
    case_transition(case_id=case.id, action="supervise", actor=world.street_officer, note="抓紧处理", now=T0)
    for _level in (Level.COMMUNITY, Level.STREET, Level.DISTRICT):
        case.refresh_from_db()
        sweep(now=case.due_at + timedelta(minutes=1))
    case.refresh_from_db()
    assert case.level == Level.DISTRICT
    assert _supervised_notices_to(world.district_officer, case) == 0  # arrived, not yet overdue there

    overdue_at_top = case.due_at + timedelta(minutes=1)
    counts = sweep(now=overdue_at_top)

    case.refresh_from_db()
    assert counts["supervised"] == 1
    assert case.level == Level.DISTRICT and case.supervised_at == overdue_at_top
    top = CaseEvent.objects.filter(case=case, action="supervise", actor__isnull=True).get()
    assert (top.at, top.reason, top.to_level) == (overdue_at_top, "overdue", Level.DISTRICT)
    assert _supervised_notices_to(world.district_officer, case) == 1
    # Once: later sweeps leave it where it is, with no further events or notices.
    again = sweep(now=overdue_at_top + timedelta(days=3))
    assert (again["escalated"], again["supervised"]) == (0, 0)
    assert CaseEvent.objects.filter(case=case, action="supervise").count() == 2  # the street's, the district's
    assert _supervised_notices_to(world.district_officer, case) == 1


def test_a_case_supervised_at_the_top_sent_down_and_climbing_back_is_supervised_there_again(world):
    """Each arrival at the top with its own time limit: overdue again there, the top supervises and is told again."""
    case = file_case(world, code="0301", now=T0, title="道路塌陷", description="路面塌陷")  # grade C: district
    sweep(now=case.due_at + timedelta(minutes=1))
    case_transition(case_id=case.id, action="accept", actor=world.district_officer, now=case.due_at)
    case_transition(
        case_id=case.id, action="dispatch", actor=world.district_officer, region=world.street.id, now=case.due_at
    )
    case.refresh_from_db()
    sweep(now=case.due_at + timedelta(minutes=1))  # the street's time runs out: back to the district
    case.refresh_from_db()
    assert case.level == Level.DISTRICT
    assert _supervised_notices_to(world.district_officer, case) == 1

    sweep(now=case.due_at + timedelta(minutes=1))

    assert CaseEvent.objects.filter(case=case, action="supervise", actor__isnull=True).count() == 2
    assert _supervised_notices_to(world.district_officer, case) == 2
