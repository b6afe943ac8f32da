"""积分制: the street's points per task type and the monthly caps, against hand-computed oracles."""

from __future__ import annotations

import pytest

from core.errors import Forbidden, InvalidInput
from mobilisation import services
from mobilisation.choices import PointsSource, TaskType
from mobilisation.models import MobilisationEvent, PointsEntry
from mobilisation.selectors import ranking

from .helpers import at, confirmed_member, unit

pytestmark = pytest.mark.django_db


def attend(world, user, *, task_type: str, when) -> PointsEntry:
    task = services.task_create(
        actor=world.community_officer,
        community=world.community,
        title=f"{task_type} {when:%m-%d %H}",
        task_type=task_type,
        place="雄关社区广场",
        starts_at=when,
        now=when,
    )
    services.task_signup(actor=user, task_id=task.pk, now=when)
    services.task_record_attendance(
        actor=world.community_officer, task_id=task.pk, attended_member_ids=[user.pk], now=when
    )
    return PointsEntry.objects.get(task=task, member=user)


# Rule: cleanup 10 points, at most 25 a month; patrol 8 points, no cap.
# (task type, local time) → points counted, computed by hand:
#   Nov: cleanup 10 (10), cleanup 10 (20), cleanup 5 (25: only 5 left), cleanup 0 (cap reached),
#        patrol 8, patrol 8 (no cap), Dec: cleanup 10 (new month), cleanup 10, cleanup 5.
ORACLE = [
    (TaskType.CLEANUP, at(2026, 11, 2, 9), 10, 10),
    (TaskType.CLEANUP, at(2026, 11, 9, 9), 10, 10),
    (TaskType.CLEANUP, at(2026, 11, 16, 9), 10, 5),
    (TaskType.CLEANUP, at(2026, 11, 30, 23), 10, 0),
    (TaskType.PATROL, at(2026, 11, 10, 20), 8, 8),
    (TaskType.PATROL, at(2026, 11, 20, 20), 8, 8),
    (TaskType.CLEANUP, at(2026, 12, 1, 0, 30), 10, 10),
    (TaskType.CLEANUP, at(2026, 12, 5, 9), 10, 10),
    (TaskType.CLEANUP, at(2026, 12, 6, 9), 10, 5),
]


def test_points_follow_the_street_rule_and_its_monthly_cap(world):
    services.points_rule_set(
        actor=world.street_officer, street=world.street, task_type="cleanup", points=10, monthly_cap=25
    )
    services.points_rule_set(
        actor=world.street_officer, street=world.street, task_type="patrol", points=8, monthly_cap=0
    )
    member = confirmed_member(world)
    for task_type, when, requested, counted in ORACLE:
        entry = attend(world, member, task_type=task_type, when=when)
        assert (entry.requested, entry.points) == (requested, counted), (task_type, when)
    assert sum(p for *_x, p in ORACLE) == 66
    assert sum(PointsEntry.objects.filter(member=member).values_list("points", flat=True)) == 66
    # Nov 30 23:00 Shanghai is still November there (the month is the local one): it hit November's cap.
    assert PointsEntry.objects.get(points=0).month.isoformat() == "2026-11-01"


def test_manual_adjustments_are_outside_the_cap_and_need_a_reason_and_an_event(world):
    services.points_rule_set(
        actor=world.street_officer, street=world.street, task_type="cleanup", points=10, monthly_cap=10
    )
    member = confirmed_member(world)
    attend(world, member, task_type=TaskType.CLEANUP, when=at(2026, 11, 2, 9))
    with pytest.raises(InvalidInput):
        services.points_adjust(
            actor=world.community_officer, member=member, community=world.community, delta=5, reason=" "
        )
    with pytest.raises(Forbidden):
        services.points_adjust(actor=world.outsider, member=member, community=world.community, delta=5, reason="补录")
    assert not PointsEntry.objects.filter(source=PointsSource.MANUAL).exists()
    entry = services.points_adjust(
        actor=world.community_officer,
        member=member,
        community=world.community,
        delta=5,
        reason="补录10月巡逻",
        now=at(2026, 11, 3, 9),
    )
    assert MobilisationEvent.objects.filter(
        subject="points", object_id=entry.pk, action="adjust", note="补录10月巡逻"
    ).exists()
    # the manual 5 does not use up the cap; the cap already took the second cleanup to 0
    second = attend(world, member, task_type=TaskType.CLEANUP, when=at(2026, 11, 4, 9))
    assert second.points == 0
    assert sum(PointsEntry.objects.filter(member=member).values_list("points", flat=True)) == 15


def test_caps_are_per_street(world):
    services.points_rule_set(
        actor=world.street_officer, street=world.street, task_type="cleanup", points=10, monthly_cap=10
    )
    with pytest.raises(Forbidden):
        services.points_rule_set(
            actor=world.community_officer, street=world.street, task_type="cleanup", points=99, monthly_cap=0
        )
    with pytest.raises(Forbidden):
        services.points_rule_set(
            actor=world.other_street_officer, street=world.street, task_type="cleanup", points=99, monthly_cap=0
        )


def test_rankings_per_community_and_per_unit(world):
    services.points_rule_set(
        actor=world.street_officer, street=world.street, task_type="patrol", points=8, monthly_cap=0
    )
    power = unit(world)
    a = confirmed_member(world, "dy_a", "党员甲", unit_=power)
    b = confirmed_member(world, "dy_b", "党员乙", unit_=power)
    c = confirmed_member(world, "dy_c", "党员丙")
    for user, times in ((a, 1), (b, 2), (c, 2)):
        for i in range(times):
            attend(world, user, task_type=TaskType.PATROL, when=at(2026, 11, 2 + i, 20))
    rows = ranking(world.community_officer, by="member", community_id=world.community.pk)
    assert [(r["name"], r["total"], r["rank"]) for r in rows] == [
        ("党员乙", 16, 1),
        ("党员丙", 16, 1),
        ("党员甲", 8, 3),
    ]
    units = ranking(world.street_officer, by="unit")
    assert [(r["name"], r["total"]) for r in units] == [("市供电公司党委", 24)]
    assert ranking(world.community_b_officer, by="member") == []
