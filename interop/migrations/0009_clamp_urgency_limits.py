"""Clamp a hotline partner's urgency limits saved before they were bounded (0008) to the longest allowed: an
order's due time is now + the limit, and a limit past year 9999 made every order of that urgency fail."""

from django.db import migrations

MINUTES = ("emergency_response_minutes", "urgent_response_minutes")
HOURS = ("emergency_resolution_hours", "urgent_resolution_hours")


def clamp(apps, schema_editor):
    from governance.choices import max_limit_hours, max_limit_minutes

    Partner = apps.get_model("interop", "Partner")
    for field, most in [(f, max_limit_minutes()) for f in MINUTES] + [(f, max_limit_hours()) for f in HOURS]:
        Partner.objects.filter(**{f"{field}__gt": most}).update(**{field: most})


class Migration(migrations.Migration):
    dependencies = [("interop", "0008_constraint_messages_and_urgency_limit_bounds")]

    operations = [migrations.RunPython(clamp, migrations.RunPython.noop)]
