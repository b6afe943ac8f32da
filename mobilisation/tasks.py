"""Celery tasks of the mobilisation app: thin wrappers around services (imported inside the task)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="mobilisation.tasks.return_overdue_wishes", acks_late=True, ignore_result=True)
def return_overdue_wishes() -> int:
    """Beat: claimed wishes past their deadline go back to the pool (idempotent; exactly once per wish)."""
    from .services import wishes_return_overdue

    return wishes_return_overdue()
