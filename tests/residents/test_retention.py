"""Retention: a person who moved away is anonymised once ``RESIDENTS_RETENTION_DAYS`` have passed — by the daily
beat task, on the day the period ends and not before, everything that identifies them gone, the rest kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from residents.models import Resident, VisitPlan
from residents.services import resident_move_away, residents_anonymise_moved_away
from residents.tasks import anonymise_moved_away

pytestmark = pytest.mark.django_db


def test_the_period_is_a_setting_and_beat_runs_the_task_daily():
    assert settings.RESIDENTS_RETENTION_DAYS == 730
    entry = settings.CELERY_BEAT_SCHEDULE["residents-retention"]
    assert entry["task"] == "residents.tasks.anonymise_moved_away"
    assert entry["schedule"] == timedelta(hours=24)


@override_settings(RESIDENTS_RETENTION_DAYS=90)
def test_anonymised_on_the_day_the_period_ends_not_before(world, hood):
    today = timezone.localdate()
    due = hood.people["corr"]
    early = hood.people["plain"]
    living = hood.people["elder"]
    resident_move_away(actor=world.users["admin"], resident=due, moved_away_on=today - timedelta(days=90))
    resident_move_away(actor=world.users["admin"], resident=early, moved_away_on=today - timedelta(days=89))
    sex, kind = due.sex, due.kind
    assert anonymise_moved_away.delay().get() == 1  # the beat task (eager Celery)

    due.refresh_from_db()
    assert due.anonymised_at is not None
    for field in ("id_number_enc", "id_number_hmac", "id_number_masked", "phone_enc", "phone_hmac", "phone_masked",
                  "former_name", "hukou_address", "household_number", "employer"):  # fmt: skip
        assert getattr(due, field) == "", field
    assert due.name == "（已匿名）" and due.birth_date is None and due.house_id is None
    # what the counts need stays: grid, sex, kind, status, when they left
    assert (due.grid_id, due.sex, due.kind, due.status, due.moved_away_on) == (
        world.grid_a.id,
        sex,
        kind,
        "moved_away",
        today - timedelta(days=90),
    )
    assert not VisitPlan.objects.filter(resident=due, active=True).exists()
    assert not due.tags.filter(ended_on__isnull=True).exists()

    early.refresh_from_db()
    living.refresh_from_db()
    assert early.anonymised_at is None and early.name == "测试己" and early.id_number_enc
    assert living.anonymised_at is None and living.status == "living"

    # a day later the second one's period has ended too; the first is not picked again
    assert residents_anonymise_moved_away(today=today + timedelta(days=1)) == 1
    assert Resident.objects.filter(anonymised_at__isnull=False).count() == 2
    assert residents_anonymise_moved_away(today=today + timedelta(days=1)) == 0


@override_settings(RESIDENTS_RETENTION_DAYS=0)
def test_a_zero_period_anonymises_on_the_day_they_leave(world, hood):
    today = timezone.localdate()
    resident_move_away(actor=world.users["admin"], resident=hood.people["youth"], moved_away_on=today)
    assert residents_anonymise_moved_away(today=today) == 1
