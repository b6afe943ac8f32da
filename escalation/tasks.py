"""Celery tasks of the escalation app: thin wrappers around services (imported inside the task).

Both run from beat (``CELERY_BEAT_SCHEDULE``). No retries: the next beat run is the retry, and
both are idempotent (they act on what the database says is due now). ``acks_late`` with
``reject_on_worker_lost`` (settings) puts a task killed mid-run back on the queue.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="escalation.tasks.sweep", acks_late=True, ignore_result=True)
def sweep() -> dict[str, int]:
    """Escalate overdue cases, warn yellow ones, run the registered steps (overdue summonses).

    With ``SWEEP_SHARDS`` > 1 (a province): fan out one ``sweep_shard`` task per shard of the districts, so
    that as many workers sweep at once, each its own districts."""
    from django.conf import settings

    from .services.sweep import sweep as run_sweep

    shards = int(getattr(settings, "SWEEP_SHARDS", 1))
    if shards > 1:
        for i in range(shards):
            sweep_shard.delay(i, shards)
        return {"shards": shards}
    return run_sweep()


@shared_task(name="escalation.tasks.sweep_shard", acks_late=True, ignore_result=True)
def sweep_shard(shard: int, shards: int) -> dict[str, int]:
    """One shard of a sharded sweep: the cases of every ``shards``-th district, from ``shard``."""
    from .services.sweep import sweep as run_sweep

    return run_sweep(shard=(shard, shards))


@shared_task(name="escalation.tasks.send_pending_notices", acks_late=True, ignore_result=True)
def send_pending_notices() -> dict[str, int]:
    """Email the pending notices that are due (after a commit, and from beat for what a broker lost)."""
    from .services.outbox import notices_send_pending

    return notices_send_pending()
