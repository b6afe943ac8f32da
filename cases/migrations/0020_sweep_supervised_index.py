# The database side builds without blocking on PostgreSQL (core.db.swap_index.add_index).

from django.db import migrations, models
from django.db.models import Q

from core.db.swap_index import add_index

INDEX = models.Index(
    fields=["due_at"],
    name="case_sweep_supervised_idx",
    condition=Q(status__in=["reported", "accepted", "dispatched", "in_progress"], supervised_at__isnull=False),
)


class Migration(migrations.Migration):
    """Supervised cases below the top level still climb when overdue (``cases.services.overdue``): the sweep finds
    them through this index of supervised open cases — few rows, so the sweep's other writes gain no entries. Not
    atomic: on PostgreSQL the index is built concurrently while the site keeps working."""

    atomic = False

    dependencies = [
        ("cases", "0019_reported_indexes_cover_the_status"),
    ]

    operations = [
        add_index("cases", "case", INDEX),
    ]
