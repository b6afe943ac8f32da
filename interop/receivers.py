"""Interop listens to what ``cases`` announces: every case event may owe the hotline or a subscriber a message.

``events_recorded`` arrives inside the transaction that wrote the events, so the outbox rows commit or roll
back with the change; delivery waits for the commit (``services.outbox.schedule_delivery``).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cases.models import Case
from cases.signals import events_recorded

from .models import Subscription
from .services.outbox import messages_for_events, subscriptions_changed


@receiver(events_recorded, sender=Case, dispatch_uid="interop.messages_for_events")
def write_messages(sender, *, events, **kwargs) -> None:
    messages_for_events(events=events)


@receiver(post_save, sender=Subscription, dispatch_uid="interop.subscription_saved")
@receiver(post_delete, sender=Subscription, dispatch_uid="interop.subscription_deleted")
def forget_subscriptions(sender, **kwargs) -> None:
    """A subscription added, switched off or deleted counts from the next event (the cached list is dropped)."""
    subscriptions_changed()
