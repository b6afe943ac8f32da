"""The sweep sharded by district (a province's sweep on several Celery workers): four workers at once, each its
own districts — every overdue case escalated exactly once, each worker escalating exactly its districts' cases;
the fan-out task; a shard swept twice at once is still exactly once (SKIP LOCKED)."""

from __future__ import annotations

from collections import Counter

import pytest

from cases.models import Case, CaseEvent
from escalation import tasks
from escalation.services.sweep import shard_districts, sweep
from governance.choices import Level, RegionLevel
from governance.models import Region
from tests.cases.helpers import at
from tests.concurrency import run_at_once

from .test_sweep import same_cases

NOW = at(2026, 11, 30, 9, 0)


def eight_districts(world, cases: list[Case]) -> list[Region]:
    """Seven more districts under the city; the cases dealt over the eight by id (unevenly: the first gets more)."""
    extra = [
        Region.objects.create(
            name=f"分区{i}", code=f"62029{i}", level=RegionLevel.DISTRICT, parent=world.district.parent
        )
        for i in range(7)
    ]
    districts = [world.district, *extra]
    for i, case in enumerate(sorted(cases, key=lambda c: c.pk)):
        Case.objects.filter(pk=case.pk).update(district=districts[i % 8 if i % 3 else 0])
    return districts


def test_shards_deal_every_district_to_exactly_one_shard(world, db):
    Region.objects.create(name="二区", code="620299", level=RegionLevel.DISTRICT, parent=world.district.parent)
    every = set(Region.objects.filter(level=RegionLevel.DISTRICT).values_list("id", flat=True))
    shards = [shard_districts(i, 4) for i in range(4)]
    assert sorted(d for s in shards for d in s) == sorted(every)
    with pytest.raises(ValueError):
        shard_districts(4, 4)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_workers_each_sweep_their_districts_and_escalate_each_case_once(world):
    same_cases(world, 240)
    districts = eight_districts(world, list(Case.objects.all()))
    by_district = Counter(Case.objects.values_list("district_id", flat=True))
    results = run_at_once(*[lambda i=i: sweep(now=NOW, batch_size=10, workers=1, shard=(i, 4)) for i in range(4)])
    per_case = Counter(CaseEvent.objects.filter(action="escalate").values_list("case_id", flat=True))
    assert len(per_case) == 240 and set(per_case.values()) == {1}
    assert set(Case.objects.values_list("level", "escalation_count").distinct()) == {(Level.COMMUNITY, 1)}
    # the work is spread: each worker escalated exactly the cases of its own districts, and every one did some
    expected = [sum(by_district[d] for d in shard_districts(i, 4)) for i in range(4)]
    assert [r["escalated"] for r in results] == expected
    assert all(n > 0 for n in expected) and sum(expected) == 240
    assert len(districts) == 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_shard_swept_twice_at_once_still_escalates_each_case_once(world):
    same_cases(world, 120)
    eight_districts(world, list(Case.objects.all()))
    mine = Case.objects.filter(district_id__in=shard_districts(1, 4)).count()
    results = run_at_once(*[lambda: sweep(now=NOW, batch_size=5, workers=1, shard=(1, 4)) for _ in range(2)])
    assert sum(r["escalated"] for r in results) == mine > 0
    per_case = Counter(CaseEvent.objects.filter(action="escalate").values_list("case_id", flat=True))
    assert len(per_case) == mine and set(per_case.values()) == {1}


@pytest.mark.django_db
def test_the_sweep_task_fans_out_one_task_per_shard(world, settings, monkeypatch):
    settings.SWEEP_SHARDS = 3
    sent = []
    monkeypatch.setattr(tasks.sweep_shard, "delay", lambda shard, shards: sent.append((shard, shards)))
    assert tasks.sweep() == {"shards": 3}
    assert sent == [(0, 3), (1, 3), (2, 3)]
    settings.SWEEP_SHARDS = 1
    assert "escalated" in tasks.sweep()
