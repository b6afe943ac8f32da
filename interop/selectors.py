"""Reads of the interop app, scoped: street centre staff see their street's hotline orders (admins: all)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from cases.choices import FINAL_STATUSES
from core.roles import is_admin, is_centre_staff

from .choices import MessageStatus, RequestState
from .models import Order


def orders_for(user) -> QuerySet[Order]:
    """The hotline orders ``user`` may see: an admin all, centre staff of a partner's street that street's."""
    qs = Order.objects.select_related("case", "partner", "case__category")
    if user is None or not user.is_authenticated:
        return qs.none()
    if is_admin(user):
        return qs
    if is_centre_staff(user):
        return qs.filter(Q(partner__street_id=user.region_id) | Q(partner__street__parent_id=user.region_id))
    return qs.none()


def order_queue_for(user) -> dict[str, QuerySet[Order]]:
    """The street's hotline desk: the 待分类 queue (reasons shown), orders with a request pending at the hotline,
    and the latest orders with their undelivered-message counts."""
    mine = orders_for(user)
    triage = (
        mine.filter(triaged_at__isnull=True)
        .exclude(triage_reasons=[])
        .exclude(case__status__in=FINAL_STATUSES)
        .order_by("received_at", "id")
    )
    waiting = mine.filter(requests__state=RequestState.PENDING).distinct().order_by("received_at", "id")
    recent = mine.annotate(undelivered=Count("messages", filter=~Q(messages__status=MessageStatus.DELIVERED))).order_by(
        "-received_at", "-id"
    )[:50]
    return {"triage": triage, "waiting": waiting, "recent": recent}
