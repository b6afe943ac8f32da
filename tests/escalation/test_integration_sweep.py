"""The sweep with a real Celery worker and beat, real Redis and real PostgreSQL (DESIGN §5).

Run: ``DATABASE_URL=postgres://… REDIS_URL=redis://127.0.0.1:6379/5 pytest -m integration tests/escalation``.
Beat ticks every 2 seconds (``SWEEP_INTERVAL_SECONDS``); due times are moved into the past with a direct
UPDATE (test set-up: only ``due_at``), and everything else — the sweep, the escalations, the notices and
their email — is done by the worker processes. Assertions are on database rows.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from cases.models import Case, CaseEvent, new_follow_up_token
from cases.services import case_transition
from escalation.choices import DeliveryStatus, NoticeKind, SummonsStatus
from escalation.models import Notice, Summons, Supervision
from governance.choices import Level
from tests.cases.helpers import file_case
from tests.escalation.integration_support import (
    SWEEP_INTERVAL,
    CeleryCluster,
    RedisServer,
    flush_redis_db,
    make_workdir,
    wait_for,
    with_db,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

REDIS_DB = int(os.environ.get("INTEGRATION_REDIS_DB", "5"))
PRIVATE_REDIS_PORT = int(os.environ.get("INTEGRATION_REDIS_PORT", "6390"))


@pytest.fixture
def workdir():
    path = make_workdir()
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def cluster_on(transactional_db, workdir):
    """``cluster_on(broker_url, **env)`` → a CeleryCluster stopped (process groups killed) at teardown."""
    made: list[CeleryCluster] = []

    def make(broker_url: str, **env: str) -> CeleryCluster:
        cluster = CeleryCluster(broker_url, workdir, **env)
        made.append(cluster)
        return cluster

    yield make
    for cluster in made:
        cluster.stop_all()


@pytest.fixture
def shared_redis_url() -> str:
    """The dedicated DB number on the shared Redis (``REDIS_URL`` host, DB 5), flushed at start."""
    url = with_db(os.environ["REDIS_URL"], REDIS_DB)
    flush_redis_db(url)
    return url


def overdue_copies(template: Case, n: int) -> list[int]:
    """``n`` more cases like ``template`` (test data, inserted in bulk), all overdue with the template itself."""
    fields = [f.attname for f in Case._meta.concrete_fields if f.attname != "id"]
    past = timezone.now() - timedelta(minutes=5)
    copies = []
    for i in range(n):
        c = Case(**{f: getattr(template, f) for f in fields})
        c.number, c.follow_up_token, c.due_at = f"{template.number}-{i:05d}", new_follow_up_token(), past
        copies.append(c)
    Case.objects.bulk_create(copies, batch_size=1000)
    Case.objects.filter(pk=template.pk).update(due_at=past)
    return list(Case.objects.values_list("id", flat=True))


def escalations() -> int:
    return CaseEvent.objects.filter(action="escalate").count()


def sweep_runs(log: str) -> list[tuple[datetime, int, int]]:
    """(now, escalated, supervised) of each sweep the worker logged."""
    found = re.findall(r"sweep at (\S+): \{'escalated': (\d+), 'supervised': (\d+)", log)
    return [(datetime.fromisoformat(at), int(e), int(s)) for at, e, s in found]


def swept_counts(log: str) -> list[int]:
    return [int(n) for n in re.findall(r"sweep at [^:]+:\d\d:\d\d[^{]*\{'escalated': (\d+)", log)]


# --- (a) one level per sweep interval, up to district supervision, no repeats -----------------------------


def test_an_overdue_case_climbs_one_level_per_sweep_and_ends_supervised_without_repeats(
    world, cluster_on, shared_redis_url
):
    cluster = cluster_on(shared_redis_url)
    case = file_case(world, code="0101", title="暴露垃圾", description="无人处理")
    cluster.start_worker("w1", concurrency=2)
    cluster.start_beat()

    timings, overdue_since = {}, []
    for step in (Level.COMMUNITY, Level.STREET, Level.DISTRICT, "supervised"):
        moved = time.monotonic()
        Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(seconds=1))
        overdue_since.append(timezone.now())
        if step == "supervised":
            done = Case.objects.filter(pk=case.pk, supervised_at__isnull=False)
        else:
            done = Case.objects.filter(pk=case.pk, level=step)
        wait_for(done.exists, timeout=30, what=f"→ {step}")
        timings[step] = time.monotonic() - moved
    print("seconds from overdue to the next level:", {str(k): round(v, 2) for k, v in timings.items()})
    # One level per sweep: each step was taken by the first sweep that started after the case became
    # overdue (or by one already running) — never left for a later sweep. Load-independent: compares the
    # events' times with the sweep runs the worker logged, not wall-clock seconds.
    last = overdue_since[-1]
    runs = wait_for(
        lambda: (r := sweep_runs(cluster.log("w1"))) and max(at for at, _e, _s in r) > last and r,
        timeout=10,
        what="the sweep runs in the worker's log",
    )
    steps = list(
        CaseEvent.objects.filter(case=case, action__in=["escalate", "supervise"])
        .order_by("at", "id")
        .values_list("at", flat=True)
    )
    assert len(steps) == 4
    for since, taken in zip(overdue_since, steps, strict=True):
        first_after = min(at for at, _e, _s in runs if at > since)
        assert taken <= first_after, (since, taken, first_after)

    snapshot = (CaseEvent.objects.filter(case=case).count(), Notice.objects.filter(case=case).count())
    time.sleep(3 * SWEEP_INTERVAL)  # three more sweeps: nothing climbs, nothing is said again
    case.refresh_from_db()
    assert (case.level, case.escalation_count) == (Level.DISTRICT, 3)
    assert case.supervised_at is not None
    assert (CaseEvent.objects.filter(case=case).count(), Notice.objects.filter(case=case).count()) == snapshot
    assert list(
        CaseEvent.objects.filter(case=case, action__in=["escalate", "supervise"]).values_list("action", "to_level")
    ) == [("escalate", "community"), ("escalate", "street"), ("escalate", "district"), ("supervise", "district")]
    told = Counter(Notice.objects.filter(case=case).values_list("kind", "recipient__username"))
    assert told == Counter(
        {
            **{(NoticeKind.ESCALATED, u): 1 for u in ("wangge01", "wanggezhang01", "jianzhi01", "qu01")},
            **{(NoticeKind.ESCALATED, u): 2 for u in ("shequ01", "jiedao01", "jiedao02")},
            (NoticeKind.SUPERVISED, "qu01"): 1,
        }
    )
    # The worker emailed them (after commit, or from beat's outbox run).
    wait_for(
        lambda: not Notice.objects.filter(case=case, email_status=DeliveryStatus.PENDING).exists(),
        timeout=10,
        what="the notices' email",
    )
    assert set(Notice.objects.filter(case=case).values_list("email_status", flat=True)) == {DeliveryStatus.SENT}


# --- (b) two workers, four concurrent sweeps, 1,000 overdue cases: 1,000 escalations -----------------------


def test_concurrent_sweeps_on_two_workers_escalate_each_of_1000_cases_exactly_once(world, cluster_on, shared_redis_url):
    cluster = cluster_on(shared_redis_url, SWEEP_BATCH_SIZE="50")
    template = file_case(world, code="0101", title="暴露垃圾", description="批量")
    ids = overdue_copies(template, 999)
    assert len(ids) == 1000
    cluster.start_worker("w1", concurrency=2)
    cluster.start_worker("w2", concurrency=2)
    for _ in range(4):
        cluster.send("escalation.tasks.sweep")

    wait_for(lambda: not Case.objects.filter(level=Level.GRID).exists(), timeout=60, what="all 1,000 to climb")
    wait_for(lambda: sum(swept_counts(cluster.log("w1") + cluster.log("w2"))) >= 1000, timeout=20, what="sweep logs")
    time.sleep(1)

    assert escalations() == 1000
    assert CaseEvent.objects.filter(action="escalate").values("case_id").distinct().count() == 1000
    assert set(Case.objects.values_list("level", "escalation_count").distinct()) == {(Level.COMMUNITY, 1)}
    assert Notice.objects.filter(kind=NoticeKind.ESCALATED).count() == 1000 * 4  # grid team 3 + community 1
    per_sweep = swept_counts(cluster.log("w1")) + swept_counts(cluster.log("w2"))
    assert sum(per_sweep) == 1000  # what the sweeps report is what the database holds
    print("escalated per sweep run:", per_sweep)


# --- (c) worker killed mid-sweep, Redis killed and restarted empty: nothing lost ----------------------------


def test_killing_the_worker_mid_sweep_and_restarting_redis_loses_no_escalation(world, cluster_on, workdir):
    redis = RedisServer(PRIVATE_REDIS_PORT, workdir).start()
    try:
        cluster = cluster_on(redis.url, SWEEP_BATCH_SIZE="25")
        template = file_case(world, code="0101", title="暴露垃圾", description="批量")
        total = len(overdue_copies(template, 2999))
        cluster.start_worker("w1")
        cluster.send("escalation.tasks.sweep")

        wait_for(lambda: escalations() > 0, timeout=30, interval=0.01, what="the sweep to start committing")
        cluster.kill("w1", signal.SIGKILL)  # mid-sweep: some batches committed, one perhaps in flight
        redis.kill()  # and every queued message with it (no disk: --save "" --appendonly no)
        time.sleep(0.5)
        partial = escalations()
        assert 0 < partial < total, partial
        # No half batch: each case is either escalated with its event, or untouched.
        assert Case.objects.filter(level=Level.COMMUNITY, escalation_count=1).count() == partial
        assert Case.objects.filter(level=Level.GRID, escalation_count=0).count() == total - partial

        redis.start()
        assert redis.ping()
        cluster.start_worker("w1")
        cluster.start_beat()
        wait_for(lambda: not Case.objects.filter(level=Level.GRID).exists(), timeout=60, what="the rest to climb")
        time.sleep(SWEEP_INTERVAL)

        assert escalations() == total
        assert set(Case.objects.values_list("level", "escalation_count").distinct()) == {(Level.COMMUNITY, 1)}
        print(f"escalated before the kill: {partial}; after the restart: {total - partial}")
    finally:
        redis.kill()


# --- (d) the whistle: three departments summoned, one never reports in → district supervision ---------------


def test_a_department_that_never_reports_in_puts_the_case_under_district_supervision_once(
    world, cluster_on, shared_redis_url
):
    from escalation.services.whistles import summons_report_in, summons_respond, whistle_blow

    cluster = cluster_on(shared_redis_url)
    case = file_case(world, code="0202", title="违法搭建", description="楼顶违法搭建彩钢房")
    case_transition(case_id=case.id, action="accept", actor=world.street_officer)
    whistle = whistle_blow(
        case_id=case.id,
        actor=world.street_officer,
        department_ids=[world.departments[c].id for c in ("cgzf", "zj", "scjg")],
        reason="联合处置违法搭建",
        report_in_minutes=30,
    )
    summons = {s.department.code: s for s in whistle.summonses.select_related("department")}
    for code, liaison in (("cgzf", world.liaison), ("zj", world.liaison_zj)):
        summons_report_in(summons_id=summons[code].id, actor=liaison)
        summons_respond(summons_id=summons[code].id, actor=liaison, text="已到场处置")
    # 市场监管所 never reports in: its 30 minutes are over (moved back; the sweep runs for real).
    Summons.objects.filter(pk=summons["scjg"].pk).update(report_in_due_at=timezone.now() - timedelta(seconds=1))

    cluster.start_worker("w1", concurrency=2)
    cluster.start_beat()
    wait_for(
        lambda: Summons.objects.filter(pk=summons["scjg"].pk, overdue_at__isnull=False).exists(),
        timeout=20,
        what="the overdue summons to be supervised",
    )
    time.sleep(3 * SWEEP_INTERVAL)  # later sweeps change nothing

    case.refresh_from_db()
    assert case.supervised_at is not None
    supervision = Supervision.objects.get(case=case)
    assert (supervision.summons_id, supervision.region_id) == (summons["scjg"].pk, world.district.id)
    assert CaseEvent.objects.filter(case=case, action="supervise").count() == 1
    assert set(Summons.objects.filter(whistle=whistle).values_list("department__code", "status")) == {
        ("cgzf", SummonsStatus.RESPONDED),
        ("zj", SummonsStatus.RESPONDED),
        ("scjg", SummonsStatus.SUMMONED),
    }
    assert not Summons.objects.filter(whistle=whistle, overdue_at__isnull=False).exclude(pk=summons["scjg"].pk)
    overdue = Counter(
        Notice.objects.filter(case=case, kind=NoticeKind.SUMMONS_OVERDUE).values_list("recipient__username", flat=True)
    )
    assert overdue == Counter({"qu01": 1, "shijian01": 1})
