"""Project configuration: settings, URLs and the Celery app (imported here so @shared_task binds to it)."""

from .celery_app import app as celery_app

__all__ = ("celery_app",)
