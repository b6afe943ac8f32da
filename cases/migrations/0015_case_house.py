"""Case.house: the home a case is about (nullable; residents sits below cases). Cases already made from a diary
entry about a house get that house."""

import django.db.models.deletion
from django.db import migrations, models


def from_diary(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    DiaryEntry = apps.get_model("residents", "DiaryEntry")
    by_house: dict[int, list[int]] = {}
    links = DiaryEntry.objects.filter(case_id__isnull=False, house_id__isnull=False).values_list("case_id", "house_id")
    for case_id, house_id in links.iterator():
        by_house.setdefault(house_id, []).append(case_id)
    for house_id, case_ids in by_house.items():
        Case.objects.filter(pk__in=case_ids, house__isnull=True).update(house_id=house_id)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_bulk_insert_db_defaults"),
        ("residents", "0005_visit_due_and_plan_end"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="house",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="residents.house",
                verbose_name="房屋",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("house__isnull", False)), fields=["house", "status"], name="case_house_status_idx"
            ),
        ),
        migrations.RunPython(from_diary, migrations.RunPython.noop),
    ]
