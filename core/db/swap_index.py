"""``swap_index``: replace one index of a filled table by another of the same name, without blocking the table.

On PostgreSQL the new index is built ``CONCURRENTLY`` under a temporary name, the old one dropped ``CONCURRENTLY``,
the new one renamed — reads and writes of the table go on meanwhile (a plain DROP + CREATE holds an exclusive lock
through a build that reads the whole table: minutes of outage at a province's 10M cases). A build an earlier,
interrupted run left behind (``CREATE INDEX CONCURRENTLY`` leaves an invalid index when it fails) is dropped first,
so the migration can simply be run again. Elsewhere (SQLite) a plain drop and create.

For migrations with ``atomic = False`` (PostgreSQL refuses ``CONCURRENTLY`` inside a transaction): ``swap_indexes``
is the whole operation (state and database, both ways); ``swap_index`` the database step for one index;
``add_index`` the operation that adds a new index the same way (Django's own ``AddIndexConcurrently`` is
PostgreSQL's only, and does not clear an interrupted build).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import migrations, models


def swap_index(schema_editor: Any, model: type[models.Model], old: models.Index, new: models.Index) -> None:
    """Replace ``old`` by ``new`` on ``model``'s table; both carry the same name."""
    if old.name != new.name:
        raise ValueError(f"swap_index keeps the name: {old.name} vs {new.name}")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.remove_index(model, old)
        schema_editor.add_index(model, new)
        return
    name = new.name
    temporary = f"{name}_new"
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{temporary}"')
    built = new.clone()
    built.name = temporary
    schema_editor.execute(built.create_sql(model, schema_editor, concurrently=True))
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')
    schema_editor.execute(f'ALTER INDEX "{temporary}" RENAME TO "{name}"')


def swap_indexes(
    app_label: str, model_name: str, old: list[models.Index], new: list[models.Index]
) -> migrations.SeparateDatabaseAndState:
    """The migration operation that replaces each of ``old`` by the index of the same name in ``new`` (in order):
    in the migration state a RemoveIndex and an AddIndex each, in the database ``swap_index`` one after another —
    and back again when the migration is reversed. The migration needs ``atomic = False``."""

    def run(apps: Any, schema_editor: Any, *, forward: bool) -> None:
        model = apps.get_model(app_label, model_name)
        for before, after in zip(old, new, strict=True):
            swap_index(schema_editor, model, *((before, after) if forward else (after, before)))

    return migrations.SeparateDatabaseAndState(
        state_operations=[
            *[migrations.RemoveIndex(model_name=model_name, name=index.name) for index in old],
            *[migrations.AddIndex(model_name=model_name, index=index) for index in new],
        ],
        database_operations=[
            migrations.RunPython(partial(run, forward=True), partial(run, forward=False)),
        ],
    )


def add_index(app_label: str, model_name: str, index: models.Index) -> migrations.SeparateDatabaseAndState:
    """The migration operation that adds ``index``: an AddIndex in the migration state; in the database, on
    PostgreSQL, ``CREATE INDEX CONCURRENTLY`` after dropping what an interrupted earlier build left under the name
    (reversed: ``DROP INDEX CONCURRENTLY``), elsewhere a plain create (and drop). The migration needs
    ``atomic = False``."""

    def run(apps: Any, schema_editor: Any, *, forward: bool) -> None:
        model = apps.get_model(app_label, model_name)
        if schema_editor.connection.vendor != "postgresql":
            (schema_editor.add_index if forward else schema_editor.remove_index)(model, index)
            return
        # backward the drop itself; forward it clears what an interrupted build left under the name
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{index.name}"')
        if forward:
            schema_editor.execute(index.create_sql(model, schema_editor, concurrently=True))

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddIndex(model_name=model_name, index=index)],
        database_operations=[migrations.RunPython(partial(run, forward=True), partial(run, forward=False))],
    )
