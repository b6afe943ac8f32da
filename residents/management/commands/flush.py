"""``flush`` — Django's, plus: on SQLite, lift the access log's append-only triggers for the wipe.

``flush`` is the owner's deliberate wipe of every table. PostgreSQL wipes with TRUNCATE, which
fires no row trigger; SQLite wipes with ``DELETE FROM``, which the append-only trigger refuses.
So on SQLite the triggers are dropped for the wipe and created again right after (also when the
wipe fails). Test runs that reset the database between tests (live-server, transactional) use it.
"""

from __future__ import annotations

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import DEFAULT_DB_ALIAS, connections

from residents import append_only


class Command(DjangoFlush):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        append_only.remove(connection)
        try:
            return super().handle(**options)
        finally:
            append_only.install(connection)
