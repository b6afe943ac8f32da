"""A gunicorn worker settles before its first request (``gunicorn.conf.py`` → ``core.serving.settle``): its views
and templates loaded, then frozen out of the garbage collector's full sweeps; a Celery worker process settles when
it starts, without the templates. Importing ``config.wsgi`` (the development server, the tests) does not."""

from __future__ import annotations

import gc
import importlib
import runpy
import sys
import weakref
from pathlib import Path

from celery.signals import worker_process_init
from django.conf import settings
from django.template import engines
from django.urls import clear_url_caches, get_resolver

import config.celery_app  # noqa: F401  # connects the worker's start-up receivers

CONF = Path(settings.BASE_DIR) / "gunicorn.conf.py"


def test_importing_the_wsgi_module_does_not_freeze_the_process():
    gc.unfreeze()
    import config.wsgi  # noqa: F401

    importlib.reload(sys.modules["config.wsgi"])
    assert gc.get_freeze_count() == 0


def test_a_gunicorn_worker_loads_its_views_and_templates_then_freezes_what_it_holds():
    gc.unfreeze()
    try:
        hooks = runpy.run_path(str(CONF))
        hooks["post_worker_init"](None)  # what gunicorn calls in each worker once the application is loaded
        frozen = gc.get_freeze_count()
        assert frozen > 10_000
        assert "cases.views.pages" in sys.modules and "assessment.views" in sys.modules  # views imported
        cached = [
            loader for loader in engines["django"].engine.template_loaders if hasattr(loader, "get_template_cache")
        ]
        assert cached, "the cached template loader holds the compiled templates"
        assert any("cases/_timeline.html" in key for key in cached[0].get_template_cache)
        # what requests allocate later is collected as before: the freeze does not stop collection
        garbage = [[] for _ in range(100)]
        for item in garbage:
            item.append(item)  # reference cycles: only the collector frees them
        del garbage, item
        assert gc.collect() >= 100
    finally:
        gc.unfreeze()


class _Cycle:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_a_celery_worker_process_starting_loads_the_urlconf_and_freezes_its_startup_heap():
    gc.unfreeze()
    clear_url_caches()
    try:
        assert not get_resolver()._populated
        alive_at_start = _Cycle()

        worker_process_init.send(sender=None)  # what Celery sends in each worker process as it starts

        assert get_resolver()._populated  # the reverse index built: a task's first ``reverse`` imports nothing
        assert gc.get_freeze_count() > 10_000
        frozen, allocated_later = weakref.ref(alive_at_start), weakref.ref(_Cycle())
        del alive_at_start
        gc.collect()
        assert frozen() is not None  # what the process held when it settled is left alone …
        assert allocated_later() is None  # … what a task allocates afterwards is collected as before
    finally:
        gc.unfreeze()
