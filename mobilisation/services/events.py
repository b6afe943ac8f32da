"""The audit trail: one ``MobilisationEvent`` per state change, written in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from ..models import RESIDENT_ACTOR, SYSTEM_ACTOR, MobilisationEvent

SYSTEM = SYSTEM_ACTOR
RESIDENT = RESIDENT_ACTOR


def actor_name(actor) -> str:
    return actor.display_name if actor is not None else SYSTEM


def record(
    *,
    subject: str,
    object_id: int,
    community_id: int | None,
    action: str,
    actor,
    note: str = "",
    data: dict | None = None,
    at: datetime | None = None,
    name: str | None = None,
) -> MobilisationEvent:
    return MobilisationEvent.objects.create(
        subject=subject,
        object_id=object_id,
        community_id=community_id,
        action=action,
        actor=actor,
        actor_name=name or actor_name(actor),
        note=note,
        data=data or {},
        at=at or timezone.now(),
    )
