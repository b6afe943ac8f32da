"""The Celery application. Broker and schedule come from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import worker_process_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("gridcase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect  # each prefork child
@worker_ready.connect  # the solo and thread pools run tasks in the main process
def load_urlconf(**kwargs) -> None:
    """Load the URLconf when a worker starts, not in its first sweep: the sweep's notices carry links, and the
    first ``reverse`` imports every view module (about 1.5 s) — once per process, in the middle of a batch."""
    from core.links import load_urlconf as load

    load()
