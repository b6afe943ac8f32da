"""Email of notices through the outbox: rows are written with the change that caused them (``notices``),
sent after commit by a task, and re-sent by beat while they are pending and due.

A failed send backs off (1, 2, 4 … minutes, capped at ``NOTICE_BACKOFF_CAP_MINUTES``) and gives up after
``NOTICE_MAX_ATTEMPTS`` (``failed``). Two senders never take the same row: each claims a batch under
``FOR UPDATE SKIP LOCKED`` and pushes its next attempt out by a lease, so a sender that dies mid-batch
leaves its rows to be taken again once the lease is over.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from ..choices import DeliveryStatus
from ..models import Notice

log = logging.getLogger(__name__)

MAX_ATTEMPTS = getattr(settings, "NOTICE_MAX_ATTEMPTS", 6)
BACKOFF_CAP_MINUTES = getattr(settings, "NOTICE_BACKOFF_CAP_MINUTES", 60)
SEND_BATCH = getattr(settings, "NOTICE_SEND_BATCH", 200)
#: How long a sender holds the pending rows it claimed (another sender takes them after that).
LEASE = timedelta(seconds=getattr(settings, "NOTICE_LEASE_SECONDS", 300))


def schedule_delivery() -> None:
    """After commit, enqueue one delivery task for this transaction (however many notices it wrote).

    ``robust``: a broker that is down must not turn a committed change into an error — the beat
    task ``send_pending_notices`` sends what is still pending.
    """
    if connection.in_atomic_block and any(item[1] is _enqueue_delivery for item in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue_delivery, robust=True)


def _enqueue_delivery() -> None:
    from ..tasks import send_pending_notices

    send_pending_notices.delay()


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failures: 1, 2, 4 … minutes, capped."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), BACKOFF_CAP_MINUTES))


def _claim(now: datetime, limit: int, ids: Sequence[int] | None) -> list[int]:
    """Take up to ``limit`` pending, due notices for this worker: lock them (SKIP LOCKED where the database
    can) and push their next attempt out by the lease, so a concurrent sender leaves them alone and a
    crashed one's rows come back after the lease."""
    with transaction.atomic():
        qs = Notice.objects.filter(email_status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        if ids is not None:
            qs = qs.filter(pk__in=ids)
        qs = qs.order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        claimed = list(qs.values_list("id", flat=True)[:limit])
        if claimed:
            Notice.objects.filter(pk__in=claimed).update(next_attempt_at=now + LEASE)
    return claimed


def _message(notice: Notice) -> EmailMultiAlternatives:
    context = {"notice": notice, "site_url": getattr(settings, "SITE_URL", "")}
    subject = " ".join(render_to_string("emails/notice_subject.txt", context).split())
    text = render_to_string("emails/notice.txt", context)
    html = render_to_string("emails/notice.html", context)
    msg = EmailMultiAlternatives(subject=subject, body=text, to=[notice.recipient.email])
    msg.attach_alternative(html, "text/html")
    return msg


def notices_send_pending(
    *, now: datetime | None = None, ids: Sequence[int] | None = None, limit: int | None = None
) -> dict[str, int]:
    """Email pending notices that are due, batch by batch; returns {"sent", "failed", "retry", "skipped"}.

    For each claimed batch: one message per notice through Django's mail backend (one connection);
    sent rows are marked in one UPDATE; a failed one gets attempts + 1, ``last_error`` and its next
    try after ``backoff(attempts)``, or ``failed`` once ``NOTICE_MAX_ATTEMPTS`` are used.
    """
    counts = {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}
    total = 0
    while limit is None or total < limit:
        now_ = now or timezone.now()
        claimed = _claim(now_, min(SEND_BATCH, (limit - total) if limit else SEND_BATCH), ids)
        if not claimed:
            break
        total += len(claimed)
        notices = list(Notice.objects.filter(pk__in=claimed).select_related("recipient", "case"))
        no_address = [n.pk for n in notices if not n.recipient.email]
        if no_address:
            Notice.objects.filter(pk__in=no_address).update(email_status=DeliveryStatus.SKIPPED)
            counts["skipped"] += len(no_address)
        sent: list[int] = []
        conn = get_connection(fail_silently=False)
        try:
            conn.open()
            opened = None
        except Exception as exc:  # the mail server is down: every message of the batch fails this round
            opened = exc
        for notice in notices:
            if not notice.recipient.email:
                continue
            try:
                if opened is not None:
                    raise opened
                msg = _message(notice)
                msg.connection = conn
                msg.send()
                sent.append(notice.pk)
            except Exception as exc:
                gave_up = _record_failure(notice, exc, now_)
                counts["failed" if gave_up else "retry"] += 1
        if opened is None:
            try:
                conn.close()
            except Exception:  # closing a broken connection must not lose the outcome
                log.warning("closing the mail connection failed", exc_info=True)
        if sent:
            Notice.objects.filter(pk__in=sent).update(
                email_status=DeliveryStatus.SENT, sent_at=now_, attempts=F("attempts") + 1, last_error=""
            )
            counts["sent"] += len(sent)
        if ids is not None:
            break
    if any(counts.values()):
        log.info("notices: %s", counts)
    return counts


def _record_failure(notice: Notice, exc: Exception, now: datetime) -> bool:
    attempts = notice.attempts + 1
    gave_up = attempts >= MAX_ATTEMPTS
    Notice.objects.filter(pk=notice.pk).update(
        attempts=attempts,
        last_error=f"{type(exc).__name__}: {exc}"[:300],
        next_attempt_at=now + backoff(attempts),
        email_status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING,
    )
    log.warning("notice %s: email failed (attempt %s, gave up: %s): %s", notice.pk, attempts, gave_up, exc)
    return gave_up
