"""Celery tasks of the mediation app: thin wrappers around services (imported inside the task)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="mediation.tasks.flag_overdue_disputes", acks_late=True, ignore_result=True)
def flag_overdue_disputes() -> int:
    """Beat: disputes past their track's time limit are flagged overdue (idempotent; once per track run)."""
    from .services import disputes_flag_overdue

    return disputes_flag_overdue()
