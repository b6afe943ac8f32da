"""Dashboard and assessment reads on a read replica, when one is configured (``DATABASE_REPLICA_URL``).

Three parts, all inert unless the databases include a ``replica`` alias (``REPLICA_READS`` off: unused):

- ``replica_reads()``: a context manager that marks the reads inside it as replica-safe;
- ``ReplicaReadsMiddleware``: opens that context for a GET/HEAD request whose URL name matches one of
  ``settings.REPLICA_READ_VIEWS`` (shell patterns of ``app:name``, e.g. ``assessment:*``) — the command
  centre's dashboard, the assessment pages, their charts, exports and API;
- ``ReplicaRouter``: inside that context, reads of the case data (``REPLICA_READ_APPS``: cases, escalation,
  assessment) go to ``replica``; everything else stays on ``default``: every write, every read inside a
  transaction, and the reads a lagging replica would get wrong for the person asking (sessions, users,
  regions, grids, tokens — someone who just logged in or was just given a grid). The replica is never migrated.

A replica lags its primary by a moment: a dashboard may show a case filed a second ago one refresh later.
Pages that act (a case page, the queue's bulk actions, any POST) read the primary.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fnmatch import fnmatchcase
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
#: Apps whose reads may go to the replica inside ``replica_reads``.
REPLICA_READ_APPS = frozenset({"cases", "escalation", "assessment"})
_reading = contextvars.ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    """A ``replica`` alias exists and ``settings.REPLICA_READS`` is on."""
    return REPLICA in connections.settings and bool(getattr(settings, "REPLICA_READS", True))


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads of the case data inside this block may go to the replica (when configured)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    """Case-data reads inside ``replica_reads`` → ``replica``; everything else → ``default``."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if (
            _reading.get()
            and model._meta.app_label in REPLICA_READ_APPS
            and replica_configured()
            and not connections["default"].in_atomic_block
        ):
            return REPLICA
        return "default"

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # one database, two ways in

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db != REPLICA


class ReplicaReadsMiddleware:
    """Open ``replica_reads`` for GET/HEAD requests to the views named in ``settings.REPLICA_READ_VIEWS``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.patterns = tuple(getattr(settings, "REPLICA_READ_VIEWS", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = None
        request._replica_token = None  # type: ignore[attr-defined]  # set by process_view, read here
        try:
            response = self.get_response(request)
        finally:
            token = request._replica_token  # type: ignore[attr-defined]
            if token is not None:
                _reading.reset(token)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> None:
        if request.method not in ("GET", "HEAD") or not replica_configured() or request.resolver_match is None:
            return None
        name = request.resolver_match.view_name
        if any(fnmatchcase(name, pattern) for pattern in self.patterns):
            request._replica_token = _reading.set(True)  # type: ignore[attr-defined]
        return None
