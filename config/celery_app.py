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
def settle(**kwargs) -> None:
    """Ready the process when it starts, not in its first task: the URLconf loaded (the sweep's notices carry links,
    and the first ``reverse`` imports every view module), then the startup heap frozen out of the garbage
    collector's full sweeps (``core.serving``)."""
    from core.serving import settle as settle_process

    settle_process(templates=False)
