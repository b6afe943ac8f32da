"""Celery tasks of the residents app: thin wrappers around the services (beat runs them)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="residents.tasks.visits_sweep")
def visits_sweep() -> dict[str, int]:
    """Overdue visit plans → yellow/red with notices; expiring permits → reminders. Exactly once per turn."""
    from .services import visits_sweep as sweep

    result = sweep()
    return {"yellow": result.yellow, "red": result.red, "permits": result.permits}


@shared_task(name="residents.tasks.anonymise_moved_away")
def anonymise_moved_away() -> int:
    """Retention: anonymise people who moved away longer ago than RESIDENTS_RETENTION_DAYS."""
    from .services import residents_anonymise_moved_away

    return residents_anonymise_moved_away()


@shared_task(name="residents.tasks.run_import")
def run_import(job_id: int) -> str:
    """A web import of a 网格采集 sheet (``ImportJob``): check every row, write all or nothing, record progress."""
    from .services import import_job_run

    return import_job_run(job_id)
