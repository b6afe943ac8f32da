"""SCENARIOS §2 — nobody acts: the case climbs grid → community → street → district and stays supervised.

Time is given to the services (``now=``), the way beat's sweep would see it at each minute.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils.dateparse import parse_datetime

from cases.choices import HandlerKind, Status
from cases.models import CaseEvent
from escalation.choices import NoticeKind
from escalation.models import Notice
from escalation.services.sweep import sweep
from governance.choices import Level
from tests.cases.helpers import at, file_case

pytestmark = pytest.mark.django_db


QUIET = {"escalated": 0, "supervised": 0, "yellow": 0}


def case_counts(counts: dict) -> dict:
    """The sweep's case counts (other registered steps, e.g. overdue summonses, report their own)."""
    return {k: counts[k] for k in QUIET}


def notices(case, kind=None) -> Counter:
    qs = Notice.objects.filter(case=case)
    if kind:
        qs = qs.filter(kind=kind)
    return Counter(qs.values_list("recipient__username", flat=True))


@pytest.fixture
def clutter(world):
    """Friday 2026-11-20 16:00: wangge01 files clutter in a stairwell (0102, grade A, grid limit 2 working days)."""
    return file_case(
        world, code="0102", title="楼道堆物", description="三单元楼道堆放杂物", now=at(2026, 11, 20, 16, 0)
    )


GRID_TEAM = {"wangge01", "wanggezhang01", "jianzhi01"}


def test_clutter_filed_friday_afternoon_is_due_tuesday_afternoon(clutter):
    assert clutter.level == Level.GRID
    assert clutter.handler_kind == HandlerKind.GRID_TEAM
    assert clutter.due_at == at(2026, 11, 24, 16, 0)  # the weekend does not count
    assert clutter.yellow_at == at(2026, 11, 24, 11, 12)  # 80 % of 14 working hours


def test_yellow_notice_goes_to_the_grid_team_once(clutter):
    assert sweep(now=at(2026, 11, 24, 11, 0))["yellow"] == 0
    assert notices(clutter, NoticeKind.YELLOW) == Counter()

    assert sweep(now=at(2026, 11, 24, 11, 15))["yellow"] == 1
    assert notices(clutter, NoticeKind.YELLOW) == Counter(GRID_TEAM)
    clutter.refresh_from_db()
    assert clutter.warned_yellow is True

    for minute in (at(2026, 11, 24, 11, 16), at(2026, 11, 24, 14, 0), at(2026, 11, 24, 15, 59)):
        assert case_counts(sweep(now=minute)) == QUIET
    assert notices(clutter, NoticeKind.YELLOW) == Counter(GRID_TEAM)  # once only
    notice = Notice.objects.filter(case=clutter, kind=NoticeKind.YELLOW).first()
    assert notice.dedupe_key == f"yellow:{clutter.pk}:{int(at(2026, 11, 24, 16, 0).timestamp())}"
    assert "11-24 16:00" in notice.title


def test_first_sweep_after_tuesday_four_moves_it_to_the_community_with_its_own_limit(world, clutter):
    assert sweep(now=at(2026, 11, 24, 15, 59))["escalated"] == 0
    assert sweep(now=at(2026, 11, 24, 16, 1))["escalated"] == 1

    clutter.refresh_from_db()
    assert clutter.level == Level.COMMUNITY
    assert clutter.status == Status.ACCEPTED
    assert clutter.handler_kind == HandlerKind.CENTRE
    assert clutter.handler_region == world.community
    assert clutter.escalation_count == 1
    # Community default limit: 2 working days from Tuesday 16:01 → Thursday 16:01.
    assert clutter.due_at == at(2026, 11, 26, 16, 1)
    assert clutter.arrived_at == at(2026, 11, 24, 16, 1)

    event = CaseEvent.objects.get(case=clutter, action="escalate")
    assert (event.actor_id, event.actor_name, event.reason) == (None, "system", "overdue")
    assert (event.from_level, event.to_level) == (Level.GRID, Level.COMMUNITY)
    assert (event.from_status, event.to_status) == (Status.REPORTED, Status.ACCEPTED)
    assert parse_datetime(event.data["overdue_due_at"]) == at(2026, 11, 24, 16, 0)
    assert event.data["from_handler"]["kind"] == HandlerKind.GRID_TEAM

    # Notices to the grid team (it left them) and to the community centre (it arrived there).
    assert notices(clutter, NoticeKind.ESCALATED) == Counter(GRID_TEAM | {"shequ01"})
    assert not Notice.objects.filter(case=clutter, recipient__username__in=["shequ02", "jiedao01", "qu01"]).exists()


def test_left_alone_it_climbs_to_the_district_is_supervised_and_stays(world, clutter):
    steps = [
        (at(2026, 11, 24, 16, 1), Level.COMMUNITY, {"escalated": 1, "supervised": 0}),
        (at(2026, 11, 26, 16, 2), Level.STREET, {"escalated": 1, "supervised": 0}),
        (at(2026, 12, 1, 16, 3), Level.DISTRICT, {"escalated": 1, "supervised": 0}),
    ]
    for now, level, expected in steps:
        counts = sweep(now=now)
        assert {k: counts[k] for k in expected} == expected, now
        clutter.refresh_from_db()
        assert clutter.level == level
        assert clutter.due_at > now

    assert clutter.due_at == at(2026, 12, 8, 16, 3)  # district: 5 working days
    assert clutter.supervised_at is None
    counts = sweep(now=at(2026, 12, 8, 16, 4))
    assert (counts["escalated"], counts["supervised"]) == (0, 1)
    clutter.refresh_from_db()
    assert clutter.level == Level.DISTRICT
    assert clutter.supervised_at == at(2026, 12, 8, 16, 4)
    supervise = CaseEvent.objects.get(case=clutter, action="supervise")
    assert (supervise.actor_id, supervise.reason, supervise.to_level) == (None, "overdue", Level.DISTRICT)
    assert notices(clutter, NoticeKind.SUPERVISED) == Counter({"qu01": 1})  # 督办 to the district centre

    snapshot = (CaseEvent.objects.filter(case=clutter).count(), Notice.objects.filter(case=clutter).count())
    for later in (at(2026, 12, 8, 16, 5), at(2026, 12, 9, 9, 0), at(2026, 12, 31, 9, 0)):
        assert case_counts(sweep(now=later)) == QUIET
    clutter.refresh_from_db()
    assert clutter.level == Level.DISTRICT and clutter.escalation_count == 3
    assert (CaseEvent.objects.filter(case=clutter).count(), Notice.objects.filter(case=clutter).count()) == snapshot

    escalations = list(CaseEvent.objects.filter(case=clutter, action="escalate").values_list("from_level", "to_level"))
    assert escalations == [
        (Level.GRID, Level.COMMUNITY),
        (Level.COMMUNITY, Level.STREET),
        (Level.STREET, Level.DISTRICT),
    ]
    # Each escalation told the level it left and the level it reached, once each.
    escalated = notices(clutter, NoticeKind.ESCALATED)
    assert escalated == Counter({**dict.fromkeys(GRID_TEAM, 1), "shequ01": 2, "jiedao01": 2, "jiedao02": 2, "qu01": 1})


def test_each_level_gets_its_own_yellow_warning_once(clutter):
    sweep(now=at(2026, 11, 24, 11, 15))  # grid: yellow
    sweep(now=at(2026, 11, 24, 16, 1))  # → community, due Thu 16:01; yellow 80 % later: Thu 11:13
    clutter.refresh_from_db()
    assert clutter.warned_yellow is False
    assert clutter.yellow_at == at(2026, 11, 26, 11, 13)
    assert sweep(now=at(2026, 11, 26, 11, 30))["yellow"] == 1
    assert sweep(now=at(2026, 11, 26, 11, 31))["yellow"] == 0
    assert notices(clutter, NoticeKind.YELLOW) == Counter({**dict.fromkeys(GRID_TEAM, 1), "shequ01": 1})


def test_a_new_clock_at_the_top_that_runs_out_is_red_again_and_told(world):
    """Supervised at the top, the case is taken up again there: the district centre dispatches it to 住建, whose
    liaison signs for it (a handling clock of the district's). When that clock runs out too, the sweep supervises
    it again and tells the centre and the department — once for that due time; left alone after that it stays."""
    from cases.services import case_transition

    case = file_case(world, code="0301", now=at(2026, 11, 16, 9, 0))  # grade C: district, 24 h
    assert case.level == Level.DISTRICT
    assert (sweep(now=at(2026, 11, 17, 9, 1))["supervised"], notices(case, NoticeKind.SUPERVISED)) == (
        1,
        Counter({"qu01": 1}),
    )
    officer, zj = world.district_officer, world.departments["zj"]
    case_transition(case_id=case.id, action="accept", actor=officer, now=at(2026, 11, 17, 10, 0))
    case_transition(case_id=case.id, action="dispatch", actor=officer, departments=[zj.id], now=at(2026, 11, 17, 10))
    case_transition(case_id=case.id, action="sign", actor=world.liaison_zj, now=at(2026, 11, 17, 10, 5))
    case.refresh_from_db()
    due = case.due_at
    assert due > case.supervised_at
    early = sweep(now=due - timedelta(minutes=1))  # its time not yet up: the yellow light only
    assert (early["escalated"], early["supervised"], early["yellow"]) == (0, 0, 1)
    counts = sweep(now=at(2026, 11, 19, 9, 0))
    assert (counts["escalated"], counts["supervised"]) == (0, 1)
    case.refresh_from_db()
    assert (case.level, case.supervised_at) == (Level.DISTRICT, at(2026, 11, 19, 9, 0))
    second = CaseEvent.objects.filter(case=case, action="supervise").order_by("at").last()
    assert (second.actor_id, second.data["overdue_due_at"]) == (None, due.isoformat())
    assert notices(case, NoticeKind.SUPERVISED) == Counter({"qu01": 2, "zhujian01": 1})

    snapshot = (CaseEvent.objects.filter(case=case).count(), Notice.objects.filter(case=case).count())
    for later in (at(2026, 11, 19, 9, 1), at(2026, 11, 25, 9, 0)):
        assert case_counts(sweep(now=later)) == QUIET
    assert (CaseEvent.objects.filter(case=case).count(), Notice.objects.filter(case=case).count()) == snapshot
