"""Test settings: fast hashing, locmem mail, media under a temp folder, eager Celery unless told otherwise."""

import tempfile

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="gridcase-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests run tasks in-process; the integration suite starts a real worker and turns this off.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
# Django's test client logs in without a request, which the lockout backend refuses: tests that exercise the
# lockout turn it on with override_settings(AXES_ENABLED=True).
AXES_ENABLED = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory. An in-memory test database is ONE connection that Django shares with every
    # live-server thread; two requests at once (a page and its SVG charts) then deadlock inside sqlite3.
    # With a file each thread opens its own connection, as in production. (xdist adds a suffix per worker.)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}  # noqa: F405
else:
    # A second alias on the same server, as a read replica would be (core/replica.py): the replica tests turn
    # REPLICA_READS on and declare the alias; every other test reads the primary only.
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
REPLICA_READS = False
