"""``flush`` — Django's, plus: on SQLite, lift the append-only triggers for the wipe.

``flush`` is the owner's deliberate wipe of every table. PostgreSQL wipes with TRUNCATE, which
fires no row trigger; SQLite wipes with ``DELETE FROM``, which the append-only triggers (the access
log's and the case events', ``core.db.append_only``) refuse. So on SQLite every trigger is dropped
for the wipe and created again from its own stored SQL right after (also when the wipe fails); this
command knows no app above it. Test runs that reset the database between tests (live-server,
transactional) use it.
"""

from __future__ import annotations

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import DEFAULT_DB_ALIAS, connections


class Command(DjangoFlush):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL")
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for _name, sql in triggers:
                    cursor.execute(sql)
