"""Clamp the limits of rules saved before rules were bounded (``JurisdictionRule.limit_errors``) to the longest
their unit allows (``limit_ceiling``): the clock cannot place a longer one, so every filing of such a category
was refused — and the sweep, which places the next level's deadline from the same rule, would stop on its cases.
Only the versions in force are clamped: a closed version is the record of what applied then (the sweep and
filing use the current one). A rule within its bounds is not touched."""

from django.db import migrations

LIMIT_FIELDS = (("accept_limit", "accept_unit"), ("handling_limit", "handling_unit"), ("return_limit", "return_unit"))


def clamp(apps, schema_editor):
    from governance.choices import TimeUnit, limit_ceiling

    Rule = apps.get_model("governance", "JurisdictionRule")
    for rule in Rule.objects.filter(valid_to__isnull=True).iterator():  # the rules in force; history stays as it was
        changed = {}
        for limit_field, unit_field in LIMIT_FIELDS:
            amount, unit = getattr(rule, limit_field), getattr(rule, unit_field)
            if amount is not None and unit in TimeUnit.values and amount > limit_ceiling(unit):
                changed[limit_field] = limit_ceiling(unit)
        if changed:
            Rule.objects.filter(pk=rule.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("governance", "0005_constraint_messages")]

    operations = [migrations.RunPython(clamp, migrations.RunPython.noop)]
