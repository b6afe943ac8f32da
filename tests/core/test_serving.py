"""A web worker settles before its first request (``core.serving.settle``, called by ``config.wsgi``): its views
and templates loaded, then frozen out of the garbage collector's full sweeps."""

from __future__ import annotations

import gc
import importlib
import sys

from django.template import engines


def test_a_worker_loads_its_views_and_templates_then_freezes_what_it_holds():
    gc.unfreeze()
    try:
        import config.wsgi  # noqa: F401 - what gunicorn imports in each worker

        importlib.reload(sys.modules["config.wsgi"])
        frozen = gc.get_freeze_count()
        assert frozen > 10_000
        assert "cases.views.pages" in sys.modules and "assessment.views" in sys.modules  # views imported
        from django.template.loader import get_template

        get_template("cases/_timeline.html")  # compiled: found in the engine's cached loader, nothing new to freeze
        loaders = engines["django"].engine.template_loaders
        cached = [loader for loader in loaders if hasattr(loader, "get_template_cache")]
        if cached:  # the cached loader (DEBUG off) holds every project template after settle()
            assert any("cases/_timeline.html" in key for key in cached[0].get_template_cache)
        # what requests allocate later is collected as before: the freeze does not stop collection
        garbage = [[] for _ in range(100)]
        for item in garbage:
            item.append(item)  # reference cycles: only the collector frees them
        del garbage, item
        assert gc.collect() >= 100
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
