"""Visit plans: due dates from the category's frequency; overdue plans turn yellow then red through the beat-driven
sweep — set-wise, exactly once — with notices through the escalation outbox to those who may see the tag;
a visit moves the plan on. Expiring permits become the grid worker's task the same way."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from django.utils import timezone

from escalation.models import Notice
from residents.choices import Light, PopulationKind
from residents.models import Resident, VisitPlan
from residents.services import plan_add, visit_record, visits_sweep
from residents.tasks import visits_sweep as visits_sweep_task
from tests.concurrency import run_at_once

TODAY = date(2026, 11, 30)


def _due(hood, key: str) -> VisitPlan:
    return VisitPlan.objects.get(tag=hood.tags[key], active=True)


def test_tagging_plans_the_first_visit_with_the_category_frequency(world, hood):
    plan = _due(hood, "corr")
    assert plan.every_days == 30 and plan.reason == "社区矫正人员"
    assert plan.due_on == timezone.localdate() and plan.light == Light.GREEN
    assert plan.red_on - plan.due_on == timedelta(days=7)


def test_overdue_turns_yellow_then_red_once_and_tells_only_who_may_see_the_tag(world, hood):
    VisitPlan.objects.update(due_on=TODAY - timedelta(days=3), yellow_on=TODAY - timedelta(days=2),
                             red_on=TODAY + timedelta(days=4))  # fmt: skip
    first = visits_sweep(today=TODAY)
    assert (first.yellow, first.red) == (5, 0)
    assert set(VisitPlan.objects.values_list("light", flat=True)) == {Light.YELLOW}
    # corrections (grid A): leader and full-time worker, not the part-timer (the category's audience)
    corr = _due(hood, "corr")
    told = set(Notice.objects.filter(dedupe_key__startswith=f"visit:{corr.pk}:").values_list("recipient__username",
                                                                                               flat=True))  # fmt: skip
    assert told == {"wanggezhang01", "wangge01"}
    # youth: the part-timer may see it, so is told too
    youth = _due(hood, "youth")
    assert Notice.objects.filter(dedupe_key__startswith=f"visit:{youth.pk}:", recipient__username="jianzhi01").exists()
    assert all(n.email_status in ("pending", "skipped") and n.kind == "other" for n in Notice.objects.all())
    notices = Notice.objects.count()
    again = visits_sweep(today=TODAY)
    assert (again.yellow, again.red) == (0, 0) and Notice.objects.count() == notices
    later = visits_sweep(today=TODAY + timedelta(days=4))
    assert (later.yellow, later.red) == (0, 5)
    assert set(VisitPlan.objects.values_list("light", flat=True)) == {Light.RED}
    assert Notice.objects.filter(dedupe_key__contains=":red:").count() == Notice.objects.count() - notices


def test_a_visit_moves_the_plan_on_and_back_to_green(world, hood):
    plan = _due(hood, "corr")
    VisitPlan.objects.filter(pk=plan.pk).update(light=Light.RED)
    visit = visit_record(actor=world.users["grid_worker"], plan=plan, found="在家，情绪稳定", follow_up=False)
    plan.refresh_from_db()
    assert visit.resident == hood.people["corr"] and visit.house == hood.houses["a101"]
    assert plan.light == Light.GREEN and plan.last_visited_on == visit.visited_on
    assert plan.due_on == visit.visited_on + timedelta(days=30)
    assert plan.yellow_on == plan.due_on + timedelta(days=1) and plan.red_on == plan.due_on + timedelta(days=7)


def test_a_worker_may_not_visit_for_a_tag_they_may_not_see(world, hood):
    from core.errors import NotFound

    with pytest.raises(NotFound):
        visit_record(actor=world.users["part_timer"], plan=_due(hood, "corr"), found="x")
    with pytest.raises(NotFound):
        visit_record(actor=world.users["outsider"], resident=hood.people["plain"], found="x")


def test_hand_added_plans_are_swept_too(world, hood):
    plan = plan_add(actor=world.users["grid_worker"], resident=hood.people["plain"], reason="租户回访", every_days=60,
                    due_on=TODAY - timedelta(days=10))  # fmt: skip
    result = visits_sweep(today=TODAY)
    plan.refresh_from_db()
    assert plan.light == Light.RED and result.red >= 1
    assert set(Notice.objects.filter(dedupe_key__startswith=f"visit:{plan.pk}:").values_list(
        "recipient__username", flat=True)) == {"wanggezhang01", "wangge01"}  # fmt: skip


def test_expiring_permit_becomes_a_task_once_per_expiry_date(world, hood):
    person = hood.people["youth"]
    Resident.objects.filter(pk=person.pk).update(kind=PopulationKind.FLOATING, permit_expires_on=TODAY + timedelta(10))
    assert visits_sweep(today=TODAY).permits == 1
    assert visits_sweep(today=TODAY).permits == 0
    keys = list(Notice.objects.filter(dedupe_key__startswith="permit:").values_list("recipient__username", flat=True))
    assert sorted(keys) == ["jianzhi01", "wangge01", "wanggezhang01"]
    Resident.objects.filter(pk=person.pk).update(permit_expires_on=TODAY + timedelta(20))  # renewed, then due again
    assert visits_sweep(today=TODAY).permits == 1


def test_the_grid_workers_tasks_read_in_the_readers_language(world, hood):
    """Visit and permit notices are stored as written (Chinese, by the beat sweep) and shown in the reader's
    language, as the case notices are (``escalation.notice_text``): an English reader saw them in Chinese."""
    from django.utils import translation

    from escalation.notice_text import localize

    VisitPlan.objects.update(due_on=TODAY - timedelta(days=3), yellow_on=TODAY - timedelta(days=2),
                             red_on=TODAY - timedelta(days=1))  # fmt: skip
    Resident.objects.filter(pk=hood.people["youth"].pk).update(
        kind=PopulationKind.FLOATING, permit_expires_on=TODAY + timedelta(10)
    )
    visits_sweep(today=TODAY)
    titles = set(Notice.objects.values_list("title", flat=True))
    assert titles == {"走访严重逾期：应走访日期 2026-11-27", "居住证即将到期：2026-12-10"}  # as written, unchanged
    with translation.override("en"):
        assert {localize(t) for t in titles} == {
            "Visit seriously overdue: due 2026-11-27",
            "Residence permit expires 2026-12-10",
        }


def test_the_beat_task_runs_the_sweep(world, hood):
    VisitPlan.objects.update(yellow_on=timezone.localdate() - timedelta(days=1))
    assert visits_sweep_task.delay().get()["yellow"] == 5


def test_the_sweep_is_scheduled_by_beat(settings):
    assert settings.CELERY_BEAT_SCHEDULE["residents-visit-sweep"]["task"] == "residents.tasks.visits_sweep"


def test_a_sweep_in_small_batches_reaches_every_plan(world, hood):
    VisitPlan.objects.update(yellow_on=TODAY - timedelta(days=1))
    assert visits_sweep(today=TODAY, batch=2).yellow == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_turn_each_plan_exactly_once(world):
    from tests.residents.setups import build_hood

    hood = build_hood(world)
    # 300 more overdue plans: hand-added for the untagged tenant (bulk copies of one plan)
    template = plan_add(actor=world.users["admin"], resident=hood.people["plain"], reason="回访", every_days=30,
                        due_on=TODAY - timedelta(days=2))  # fmt: skip
    fields = [f.attname for f in VisitPlan._meta.concrete_fields if f.attname != "id"]
    VisitPlan.objects.bulk_create(VisitPlan(**{f: getattr(template, f) for f in fields}) for _ in range(299))
    VisitPlan.objects.update(yellow_on=TODAY - timedelta(days=1), red_on=TODAY + timedelta(days=5))
    total = VisitPlan.objects.count()
    results = run_at_once(lambda: visits_sweep(today=TODAY, batch=7), lambda: visits_sweep(today=TODAY, batch=7))
    assert sum(r.yellow for r in results) == total == 305
    assert set(VisitPlan.objects.values_list("light", flat=True)) == {Light.YELLOW}
    per_plan = Counter(
        key.split(":")[1] for key in Notice.objects.filter(dedupe_key__startswith="visit:").values_list(
            "dedupe_key", flat=True)
    )  # fmt: skip
    assert len(per_plan) == 305
    # each plan told its readers exactly once: 300 hand-added + corr + mental → leader and full-time of grid A;
    # youth and elder → also the part-timer; drugs (grid B) → grid B's only seat
    assert Notice.objects.filter(dedupe_key__startswith="visit:").count() == 2 * 302 + 3 * 2 + 1
