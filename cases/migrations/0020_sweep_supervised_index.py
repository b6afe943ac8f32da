# The database side builds without blocking on PostgreSQL (CREATE INDEX CONCURRENTLY).

from typing import Any

from django.db import migrations, models
from django.db.models import Q

INDEX = models.Index(
    fields=["due_at"],
    name="case_sweep_supervised_idx",
    condition=Q(status__in=["reported", "accepted", "dispatched", "in_progress"], supervised_at__isnull=False),
)


def build(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("cases", "case")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.add_index(model, INDEX)
        return
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{INDEX.name}"')  # an interrupted build is invalid
    schema_editor.execute(INDEX.create_sql(model, schema_editor, concurrently=True))


def drop(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("cases", "case")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.remove_index(model, INDEX)
        return
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{INDEX.name}"')


class Migration(migrations.Migration):
    """Supervised cases below the top level still climb when overdue (``cases.services.overdue``): the sweep finds
    them through this index of supervised open cases — few rows, so the sweep's other writes gain no entries. Not
    atomic: on PostgreSQL the index is built concurrently while the site keeps working."""

    atomic = False

    dependencies = [
        ("cases", "0019_reported_indexes_cover_the_status"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="case", index=INDEX)],
            database_operations=[migrations.RunPython(build, drop)],
        ),
    ]
