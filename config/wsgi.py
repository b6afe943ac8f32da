"""WSGI entry point (gunicorn config.wsgi): each worker imports it, builds the application and settles
(``core.serving.settle``: code and templates loaded, then frozen out of the garbage collector's full sweeps)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()

from core.serving import settle  # noqa: E402 - Django must be set up first

settle()
