"""The five core special-population categories and 重点青少年 (GB/T 31000), with demo visit frequencies."""

from django.db import migrations

LEADS = ["grid_leader", "full_time_worker"]
CATEGORIES = [
    ("released", "刑满释放人员（安置帮教）", "Released prisoners (resettlement)", "core", 3, [*LEADS, "street_staff"], 90,
     "#7c3aed"),
    ("corrections", "社区矫正人员", "Community corrections", "core", 3, [*LEADS, "street_staff"], 30, "#b91c1c"),
    ("mental", "肇事肇祸等严重精神障碍患者", "Severe mental disorders", "core", 3,
     [*LEADS, "community_staff", "street_staff"], 30, "#be185d"),
    ("drugs", "吸毒人员", "Drug users", "core", 3, [*LEADS, "street_staff"], 30, "#9a3412"),
    ("aids_risk", "艾滋病危险人员", "People at risk of HIV", "core", 3, [*LEADS, "street_staff"], 90, "#0f766e"),
    ("youth", "重点青少年", "Youth needing attention", "youth", 2,
     [*LEADS, "part_time_worker", "community_staff", "street_staff"], 30, "#1d4ed8"),
]


def create(apps, schema_editor):
    TagCategory = apps.get_model("residents", "TagCategory")
    for code, name, name_en, group, sensitivity, audience, every, colour in CATEGORIES:
        TagCategory.objects.get_or_create(
            code=code,
            defaults=dict(name=name, name_en=name_en, group=group, sensitivity=sensitivity, audience=audience,
                          visit_every_days=every, colour=colour, builtin=True),
        )


class Migration(migrations.Migration):
    dependencies = [("residents", "0003_people_places_tags_visits")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
