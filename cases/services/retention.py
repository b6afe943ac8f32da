"""Retention of citizens' contacts (PIPL: kept no longer than needed).

A configurable period after a case is closed (``CONTACT_RETENTION_DAYS``, default two years), the citizen's
name and phone on it are erased. The case, its events, ratings and every statistic stay: only the two
contact fields are emptied, set-wise, with one internal event per case saying that it happened. Idempotent:
a case whose contact is already empty is not touched again. Run daily by beat (``cases.tasks``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..choices import OPEN_STATUSES
from ..models import Case, CaseEvent
from .records import SYSTEM

BATCH = 1000


def contacts_due_for_anonymising(now: datetime) -> QuerySet[Case]:
    cutoff = now - timedelta(days=settings.CONTACT_RETENTION_DAYS)
    return (
        Case.objects.filter(closed_at__lt=cutoff)
        .exclude(status__in=OPEN_STATUSES)
        .exclude(citizen_name="", citizen_phone="")
        .order_by("pk")
    )


def case_contacts_anonymise_expired(*, now: datetime | None = None) -> int:
    """Erase name and phone on cases closed longer than the retention period; returns how many cases."""
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                contacts_due_for_anonymising(now)
                .select_for_update(skip_locked=True)
                .values_list("pk", "status", "level")[:BATCH]
            )
            if not ids:
                return done
            Case.objects.filter(pk__in=[pk for pk, _s, _l in ids]).update(citizen_name="", citizen_phone="")
            CaseEvent.objects.bulk_create(
                CaseEvent(
                    case_id=pk,
                    action="contact_anonymised",
                    actor=None,
                    actor_name=SYSTEM,
                    actor_role="",
                    from_status=status,
                    to_status=status,
                    from_level=level,
                    to_level=level,
                    note="",
                    data={"retention_days": settings.CONTACT_RETENTION_DAYS},
                    public=False,
                    at=now,
                )
                for pk, status, level in ids
            )
            done += len(ids)
