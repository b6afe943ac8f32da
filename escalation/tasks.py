"""Celery tasks of the escalation app: thin wrappers around services (imported inside the task).

Both run from beat (``CELERY_BEAT_SCHEDULE``). No retries: the next beat run is the retry, and
both are idempotent (they act on what the database says is due now). ``acks_late`` with
``reject_on_worker_lost`` (settings) puts a task killed mid-run back on the queue.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="escalation.tasks.sweep", acks_late=True, ignore_result=True)
def sweep() -> dict[str, int]:
    """Escalate overdue cases, warn yellow ones, run the registered steps (overdue summonses)."""
    from .services.sweep import sweep as run_sweep

    return run_sweep()


@shared_task(name="escalation.tasks.send_pending_notices", acks_late=True, ignore_result=True)
def send_pending_notices() -> dict[str, int]:
    """Email the pending notices that are due (after a commit, and from beat for what a broker lost)."""
    from .services.outbox import notices_send_pending

    return notices_send_pending()
