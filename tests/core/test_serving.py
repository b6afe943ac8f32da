"""A gunicorn worker settles before its first request (``gunicorn.conf.py`` → ``core.serving.settle``): its views
and templates loaded, then frozen out of the garbage collector's full sweeps. Importing ``config.wsgi`` (the
development server, the tests) does not."""

from __future__ import annotations

import gc
import importlib
import runpy
import sys
from pathlib import Path

from django.conf import settings
from django.template import engines

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
