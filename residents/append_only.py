"""The database half of "append-only": triggers that refuse UPDATE and DELETE of access-log rows.

One exception: when a user is deleted, the database nulls ``user_id`` (Django's ``SET_NULL``);
an UPDATE that changes nothing but ``user_id`` from a value to NULL is let through, so deleting a
user keeps their log rows (``username`` still says who it was).

PostgreSQL: a PL/pgSQL row trigger (``TRUNCATE``, the owner's whole-table wipe that ``flush``
uses, fires no row trigger). SQLite: two ``RAISE(ABORT)`` triggers; ``flush`` (which wipes with
``DELETE``) lifts them for the wipe and puts them back (``residents/management/commands/flush.py``).
Migration 0002 holds its own copy of this SQL, as migrations must not change when code does.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "residents_accesslog"
_OTHER_COLUMNS = ["id", "username", "at", "subject", "object_id", "case_id", "street_id", "channel", "path"]

_PG_SAME = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in _OTHER_COLUMNS)
_SQLITE_SAME = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _OTHER_COLUMNS)

POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION residents_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.user_id IS NOT NULL AND NEW.user_id IS NULL AND {_PG_SAME} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{TABLE} is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER residents_accesslog_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION residents_accesslog_append_only();
"""
POSTGRES_REMOVE = f"""
DROP TRIGGER IF EXISTS residents_accesslog_append_only ON {TABLE};
DROP FUNCTION IF EXISTS residents_accesslog_append_only();
"""

SQLITE_INSTALL = [
    f"""CREATE TRIGGER residents_accesslog_no_update BEFORE UPDATE ON {TABLE}
    FOR EACH ROW WHEN NOT (OLD.user_id IS NOT NULL AND NEW.user_id IS NULL AND {_SQLITE_SAME})
    BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only (UPDATE refused)'); END;""",
    f"""CREATE TRIGGER residents_accesslog_no_delete BEFORE DELETE ON {TABLE}
    FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only (DELETE refused)'); END;""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS residents_accesslog_no_update;",
    "DROP TRIGGER IF EXISTS residents_accesslog_no_delete;",
]


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers on ``connection`` (PostgreSQL or SQLite; other vendors get the model guard only)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_INSTALL)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_INSTALL:
                cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_REMOVE)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_REMOVE:
                cursor.execute(statement)
