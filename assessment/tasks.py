"""Celery task of the assessment: the kept figures' refresh, run from beat (``CELERY_BEAT_SCHEDULE``).

No retries: the next beat run is the retry, and the refresh is idempotent (it reads what the database says now)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="assessment.tasks.refresh_figures", acks_late=True, ignore_result=True)
def refresh_figures() -> int:
    """Read and keep the district-wide scopes' figures for the page's fixed periods (``services.figures_refresh``)."""
    from .services import figures_refresh

    return figures_refresh()
