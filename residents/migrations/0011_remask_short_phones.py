"""Re-mask the residents' short phone numbers (7–10 characters): the old rule kept the first three and the last
four characters, which showed all of a seven-digit local landline and all but one to three digits of an 8–10 digit
one (622*2345). They are masked again from their stored mask (the encrypted number is not needed): the new rule
(``core.masking``) hides at least four characters, and a mask of 11 or more is already what it gives."""

from django.db import migrations
from django.db.models.functions import Length


def remask(apps, schema_editor):
    from core.masking import mask_phone

    Resident = apps.get_model("residents", "Resident")
    short = Resident.objects.annotate(n=Length("phone_masked")).filter(n__gte=1, n__lt=11)
    for pk, masked in short.values_list("pk", "phone_masked").iterator():
        if mask_phone(masked) != masked:
            Resident.objects.filter(pk=pk).update(phone_masked=mask_phone(masked))


class Migration(migrations.Migration):
    dependencies = [("residents", "0010_constraint_messages")]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop)]
