"""A process made ready for its work: its code (and a web process's templates) loaded, then kept out of the garbage
collector's way.

Once its URLconf (every view module), its templates and its settings are loaded, a Django process holds about
170,000 long-lived objects, and every full (generation 2) collection walks all of them: about 125 ms at 1M cases on
the benchmark machine, paid by whichever request happens to trigger it — one request in fifteen of the dashboard
benchmark took five times its usual time (bench/dashboard.py; 158 → 44 ms for the slowest of 160 requests with the
freeze). ``gc.freeze()`` moves everything alive at that moment into a permanent generation the collector skips;
what requests and tasks allocate later is collected as before.

Who calls ``settle()``, once per process, before the first piece of work:
- each gunicorn worker, after the application is loaded (``post_worker_init`` in ``gunicorn.conf.py``); the
  dashboard benchmark does what a worker does;
- each Celery worker process when it starts, without the templates (``config/celery_app.py``): a sweep batch
  allocates enough (thousands of events and notices) to set off full collections — 1.52 → 1.29 s for 10,000
  escalations among 100,000 open cases (bench/sweep.py, ``sweep_unfrozen``); ``bench/sweep.py`` does what a worker
  does.
Not on import of ``config.wsgi``: the development server and the tests import it too.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import cast


def settle(*, templates: bool = True) -> int:
    """Load what the first requests or tasks would (the URLconf with every view and its reverse index — a task's
    first ``reverse`` would import them all, about 1.5 s; with ``templates``, each project template compiled by the
    cached loader), collect once, freeze the survivors. Returns how many objects are now frozen."""
    import logging

    from django.conf import settings
    from django.template.loader import get_template

    from .links import load_urlconf

    load_urlconf()  # imports every view module and builds the reverse index
    folders = cast("list[str | Path]", settings.TEMPLATES[0]["DIRS"]) if templates else []
    for folder in folders:
        root = Path(folder)
        for path in sorted(root.rglob("*.html")):
            try:
                get_template(path.relative_to(root).as_posix())
            except Exception:  # a template this install cannot compile fails where it is used, not at boot
                logging.getLogger(__name__).warning("settle: template %s not compiled", path, exc_info=True)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
