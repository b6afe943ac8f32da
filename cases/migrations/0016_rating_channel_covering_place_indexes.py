"""Ratings carry their case's channel (a case's channel never changes), and the place indexes of ratings cover the
columns the assessment counts: a scope's ratings of a period — the hotline channel's included — are read from the
index alone. Existing ratings get their case's channel (one UPDATE; on an empty database it changes nothing)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_case_house"),
        ("governance", "0003_rule_return_window_labels"),
        ("grids", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="rating",
            name="rating_community_rated_idx",
        ),
        migrations.RemoveIndex(
            model_name="rating",
            name="rating_street_rated_idx",
        ),
        migrations.RemoveIndex(
            model_name="rating",
            name="rating_district_rated_idx",
        ),
        migrations.AddField(
            model_name="rating",
            name="channel",
            field=models.CharField(blank=True, db_default="", default="", max_length=16, verbose_name="来源渠道"),
        ),
        migrations.RunSQL(
            "UPDATE cases_rating SET channel = "
            "(SELECT cases_case.channel FROM cases_case WHERE cases_case.id = cases_rating.case_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name="rating",
            index=models.Index(
                fields=["community", "rated_at"],
                include=(
                    "id",
                    "result",
                    "latest",
                    "grid_id",
                    "community_id",
                    "street_id",
                    "case_id",
                    "channel",
                    "contacted",
                    "solved",
                ),
                name="rating_community_rated_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="rating",
            index=models.Index(
                fields=["street", "rated_at"],
                include=(
                    "id",
                    "result",
                    "latest",
                    "grid_id",
                    "community_id",
                    "street_id",
                    "case_id",
                    "channel",
                    "contacted",
                    "solved",
                ),
                name="rating_street_rated_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="rating",
            index=models.Index(
                fields=["district", "rated_at"],
                include=(
                    "id",
                    "result",
                    "latest",
                    "grid_id",
                    "community_id",
                    "street_id",
                    "case_id",
                    "channel",
                    "contacted",
                    "solved",
                ),
                name="rating_district_rated_idx",
            ),
        ),
    ]
