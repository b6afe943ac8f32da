"""Re-mask the residents' short phone numbers (7–10 digits): the old rule kept the first three and the last four
characters, which for a seven-digit local landline was the whole number. Those masks hold no "*", so they are
found and masked again from themselves — the encrypted number is not needed."""

from django.db import migrations


def remask(apps, schema_editor):
    from core.masking import mask_phone

    Resident = apps.get_model("residents", "Resident")
    shown = Resident.objects.exclude(phone_masked="").exclude(phone_masked__contains="*")
    for resident in shown.only("pk", "phone_masked").iterator():
        Resident.objects.filter(pk=resident.pk).update(phone_masked=mask_phone(resident.phone_masked))


class Migration(migrations.Migration):
    dependencies = [("residents", "0010_constraint_messages")]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop)]
