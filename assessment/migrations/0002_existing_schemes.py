"""The two schemes that were hard-coded in settings (``ASSESSMENT_SCHEMES``) become rows.

- ``seed`` — the seed street's 10/40/50 (response / completion / satisfaction), "basically satisfied" worth 1.0;
  it was the default (``ASSESSMENT_SCHEME=seed``) and stays the default;
- ``beijing`` — Beijing's 10/50/40, "basically satisfied" worth 0.9.

Made only when missing (by name), so a scheme already edited is left as it is; reversing removes nothing.
"""

from decimal import Decimal

from django.db import migrations

SCHEMES = [
    ("seed", "10/40/50", (10, 40, 50), Decimal("1"), True),
    ("beijing", "10/50/40", (10, 50, 40), Decimal("0.9"), False),
]
INDICATORS = ("response", "completion", "satisfaction")


def add_schemes(apps, schema_editor):
    WeightScheme = apps.get_model("assessment", "WeightScheme")
    SchemeWeight = apps.get_model("assessment", "SchemeWeight")
    has_default = WeightScheme.objects.filter(is_default=True).exists()
    for name, label, weights, basic, is_default in SCHEMES:
        if WeightScheme.objects.filter(name=name).exists():
            continue
        scheme = WeightScheme.objects.create(
            name=name, label=label, basic_credit=basic, is_default=is_default and not has_default
        )
        SchemeWeight.objects.bulk_create(
            SchemeWeight(scheme=scheme, indicator=key, weight=Decimal(w), counted=True)
            for key, w in zip(INDICATORS, weights, strict=True)
        )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(add_schemes, migrations.RunPython.noop)]
