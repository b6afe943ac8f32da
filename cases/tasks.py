"""Celery tasks of the cases app: thin wrappers around services (imported inside the task)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="cases.tasks.anonymise_expired_contacts", acks_late=True, ignore_result=True)
def anonymise_expired_contacts() -> int:
    """Daily: erase citizens' contacts on cases closed longer than CONTACT_RETENTION_DAYS."""
    from .services.retention import case_contacts_anonymise_expired

    return case_contacts_anonymise_expired()
