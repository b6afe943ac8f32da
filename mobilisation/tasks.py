"""Celery tasks of the mobilisation app: thin wrappers around services (imported inside the task)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="mobilisation.tasks.return_overdue_wishes", acks_late=True, ignore_result=True)
def return_overdue_wishes() -> int:
    """Beat: claimers of wishes nearing their deadline are warned, then claimed wishes past their deadline go back
    to the pool with notices (idempotent; exactly once per wish). Returns how many went back."""
    from .services import wishes_return_overdue, wishes_warn_due

    wishes_warn_due()
    return wishes_return_overdue()
