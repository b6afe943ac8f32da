"""Interop listens to what ``cases`` announces: every case event may owe the hotline or a subscriber a message.

``events_recorded`` arrives inside the transaction that wrote the events, so the outbox rows commit or roll
back with the change; delivery waits for the commit (``services.outbox.schedule_delivery``).
"""

from __future__ import annotations

from django.dispatch import receiver

from cases.models import Case
from cases.signals import events_recorded

from .services.outbox import messages_for_events


@receiver(events_recorded, sender=Case, dispatch_uid="interop.messages_for_events")
def write_messages(sender, *, events, **kwargs) -> None:
    messages_for_events(events=events)
