"""The database half of "CaseEvent is append-only": triggers that refuse UPDATE and DELETE of audit rows.

The model and its queryset already refuse ``save()`` of an existing row, ``update()`` and ``delete()``; these
triggers also stop ``_base_manager.update()``, raw SQL through a cursor and any other client of the database.

One exception: when a user is deleted, the database nulls ``actor_id`` (Django's ``SET_NULL``); an UPDATE that
changes nothing but ``actor_id`` from a value to NULL is let through, so deleting a user keeps the trail
(``actor_name`` still says who acted). A case cannot be deleted while it has events (``PROTECT``).

PostgreSQL: a PL/pgSQL row trigger (``TRUNCATE``, the owner's whole-table wipe, fires no row trigger).
SQLite: two ``RAISE(ABORT)`` triggers; ``flush`` lifts every trigger for its wipe and puts them back
(``residents/management/commands/flush.py``). Migration 0010 holds its own copy of this SQL.
"""

from __future__ import annotations

TABLE = "cases_caseevent"
OTHER_COLUMNS = [
    "id",
    "case_id",
    "action",
    "actor_name",
    "actor_role",
    "from_status",
    "to_status",
    "from_level",
    "to_level",
    "reason",
    "note",
    "data",
    "public",
    "at",
]
_PG_SAME = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in OTHER_COLUMNS)
_SQLITE_SAME = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in OTHER_COLUMNS)

POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION cases_caseevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND {_PG_SAME} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{TABLE} is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER cases_caseevent_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION cases_caseevent_append_only();""",
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS cases_caseevent_append_only ON {TABLE};",
    "DROP FUNCTION IF EXISTS cases_caseevent_append_only();",
]
SQLITE_INSTALL = [
    f"""CREATE TRIGGER cases_caseevent_no_update BEFORE UPDATE ON {TABLE}
    FOR EACH ROW WHEN NOT (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND {_SQLITE_SAME})
    BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only (UPDATE refused)'); END;""",
    f"""CREATE TRIGGER cases_caseevent_no_delete BEFORE DELETE ON {TABLE}
    FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only (DELETE refused)'); END;""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS cases_caseevent_no_update;",
    "DROP TRIGGER IF EXISTS cases_caseevent_no_delete;",
]
