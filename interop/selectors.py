"""Reads of the interop app, scoped: street centre staff see their street's hotline orders (admins: all)."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from cases.choices import FINAL_STATUSES
from core.roles import is_admin, is_centre_staff

from .choices import URGENCY_RANK, MessageStatus, RequestState, Urgency
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


def urgency_rank() -> Case:
    """0 特急, 1 紧急, 2 一般: ``order_by(urgency_rank(), …)`` puts the most urgent first."""
    return Case(
        *[When(urgency=u, then=Value(rank)) for u, rank in URGENCY_RANK.items()],
        default=Value(len(URGENCY_RANK)),
        output_field=IntegerField(),
    )


def order_queue_for(user) -> dict[str, QuerySet[Order]]:
    """The street's hotline desk: the open 紧急/特急 orders on top (most urgent, then earliest due first), the 待分类
    queue (reasons shown) and orders with a request pending at the hotline — both most urgent first (特急, 紧急,
    then 一般; oldest first within) — and the latest orders with their undelivered-message counts."""
    mine = orders_for(user).annotate(rank=urgency_rank())
    triage = (
        mine.filter(triaged_at__isnull=True)
        .exclude(triage_reasons=[])
        .exclude(case__status__in=FINAL_STATUSES)
        .order_by("rank", "received_at", "id")
    )
    waiting = mine.filter(requests__state=RequestState.PENDING).distinct().order_by("rank", "received_at", "id")
    urgent = (
        mine.filter(rank__lt=URGENCY_RANK[Urgency.NORMAL])
        .exclude(case__status__in=FINAL_STATUSES)
        .order_by("rank", "case__due_at", "id")
    )
    recent = mine.annotate(undelivered=Count("messages", filter=~Q(messages__status=MessageStatus.DELIVERED))).order_by(
        "-received_at", "-id"
    )[:50]
    return {"urgent": urgent, "triage": triage, "waiting": waiting, "recent": recent}
