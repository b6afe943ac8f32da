"""``AppendOnly``: the migration operation that makes a table append-only in the database itself.

Triggers refuse every UPDATE and DELETE of the table's rows — the ORM's ``_base_manager.update()``, raw SQL
through a cursor, any other client — on PostgreSQL (a PL/pgSQL row trigger; ``TRUNCATE``, the owner's whole-table
wipe that ``flush`` uses, fires no row trigger) and on SQLite (two ``RAISE(ABORT)`` triggers, which ``flush`` lifts
for its wipe: ``residents/management/commands/flush.py``). Other vendors get nothing (the models' guards still
hold).

One UPDATE is let through: ``keep`` (the user foreign key) going from a value to NULL with every other column
unchanged — the database's own ``ON DELETE SET NULL`` when a user is deleted, so the rows outlive the account.
``columns`` are those other columns, listed in the migration (a migration must not change when the model does).

The SQL this writes is applied in deployed databases (``residents`` 0002, ``cases`` 0010): it must never change
for the same arguments; ``tests/core/test_append_only.py`` holds it byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.migrations.operations.base import Operation


def postgres_sql(table: str, keep: str, columns: Sequence[str]) -> tuple[list[str], list[str]]:
    """(install, remove) statements for PostgreSQL."""
    same = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in columns)
    name = f"{table}_append_only"
    install = [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$\n"
        "BEGIN\n"
        f"    IF TG_OP = 'UPDATE' AND OLD.{keep} IS NOT NULL AND NEW.{keep} IS NULL AND {same} THEN\n"
        "        RETURN NEW;\n"
        "    END IF;\n"
        f"    RAISE EXCEPTION '{table} is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';\n"
        "END;\n"
        "$$ LANGUAGE plpgsql;",
        f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table}\n    FOR EACH ROW EXECUTE FUNCTION {name}();",
    ]
    remove = [f"DROP TRIGGER IF EXISTS {name} ON {table};", f"DROP FUNCTION IF EXISTS {name}();"]
    return install, remove


def sqlite_sql(table: str, keep: str, columns: Sequence[str]) -> tuple[list[str], list[str]]:
    """(install, remove) statements for SQLite."""
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)
    install = [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}\n"
        f"    FOR EACH ROW WHEN NOT (OLD.{keep} IS NOT NULL AND NEW.{keep} IS NULL AND {same})\n"
        f"    BEGIN SELECT RAISE(ABORT, '{table} is append-only (UPDATE refused)'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}\n"
        f"    FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{table} is append-only (DELETE refused)'); END;",
    ]
    remove = [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]
    return install, remove


def append_only_sql(vendor: str, table: str, keep: str, columns: Sequence[str]) -> tuple[list[str], list[str]]:
    """(install, remove) statements for ``vendor``; both empty for a vendor without triggers here."""
    if vendor == "postgresql":
        return postgres_sql(table, keep, columns)
    if vendor == "sqlite":
        return sqlite_sql(table, keep, columns)
    return [], []


class AppendOnly(Operation):
    """Install (forwards) or remove (backwards) the append-only triggers of ``table``; no model state changes."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str, keep: str, columns: Sequence[str]) -> None:
        self.table = table
        self.keep = keep
        self.columns = list(columns)

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [], {"table": self.table, "keep": self.keep, "columns": self.columns})

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _run(self, schema_editor: Any, which: int) -> None:
        vendor = schema_editor.connection.vendor
        for statement in append_only_sql(vendor, self.table, self.keep, self.columns)[which]:
            schema_editor.execute(statement, params=None)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._run(schema_editor, 0)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._run(schema_editor, 1)

    def describe(self) -> str:
        return f"Append-only triggers on {self.table}"
