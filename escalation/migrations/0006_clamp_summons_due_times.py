"""Bring the clocks of waiting summonses stored beyond the horizon back to it (now + ``MAX_DUE_HORIZON_DAYS``).

Before 0005's release an extension to 9999 could be asked and approved (``test_summons_far_future``). Such a due
time is refused now when asked, and the pages read it, but a case held (挂账) and resumed moves its summonses'
clocks on by the held time (``resume_summonses``), which cannot add to 9999-12-31 — the resume of that case failed.
Only summonses still waiting for their department are touched: a finished one's times are the record of what was.
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

WAITING = ("summoned", "reported_in")


def clamp(apps, schema_editor):
    Summons = apps.get_model("escalation", "Summons")
    horizon = timezone.now() + timedelta(days=settings.MAX_DUE_HORIZON_DAYS)
    waiting = Summons.objects.filter(status__in=WAITING)
    for field in ("report_in_due_at", "respond_due_at"):
        waiting.filter(**{f"{field}__gt": horizon}).update(**{field: horizon})


class Migration(migrations.Migration):
    dependencies = [("escalation", "0005_summons_withdrawn")]

    operations = [migrations.RunPython(clamp, migrations.RunPython.noop)]
