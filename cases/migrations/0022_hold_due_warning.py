# The index builds without blocking on PostgreSQL (core.db.swap_index.add_index).

from django.db import migrations, models
from django.db.models import Q

from core.db.swap_index import add_index

INDEX = models.Index(
    fields=["hold_until"],
    name="case_sweep_hold_due_idx",
    condition=Q(status="on_hold", hold_until__isnull=False, hold_due_warned_at__isnull=True),
)


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
        add_index("cases", "case", INDEX),
    ]
