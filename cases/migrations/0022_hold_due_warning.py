# The database side of the index builds without blocking on PostgreSQL (CREATE INDEX CONCURRENTLY).

from typing import Any

from django.db import migrations, models
from django.db.models import Q

INDEX = models.Index(
    fields=["hold_until"],
    name="case_sweep_hold_due_idx",
    condition=Q(status="on_hold", hold_until__isnull=False, hold_due_warned_at__isnull=True),
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
    """A hold past its expected end (``hold_until``) is announced by the sweep once per hold: ``hold_due_warned_at``
    marks it (nullable: adding it rewrites nothing), and the sweep finds the holds still to announce through a
    partial index of held cases — few rows. Not atomic: on PostgreSQL the index is built concurrently while the
    site keeps working."""

    atomic = False

    dependencies = [
        ("cases", "0021_dispatch_recalled"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="hold_due_warned_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="挂账到期提醒时间"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="case", index=INDEX)],
            database_operations=[migrations.RunPython(build, drop)],
        ),
    ]
