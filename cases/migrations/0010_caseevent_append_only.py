"""CaseEvent is append-only in the database too: triggers refuse UPDATE and DELETE (raw SQL included).

The one UPDATE let through: ``actor_id`` set to NULL with nothing else changed (a deleted user's events). The SQL
comes from ``core.db.append_only`` with the columns listed here; it is the SQL this migration first applied
(``tests/core/test_append_only.py`` holds it byte for byte).
"""

from django.db import migrations

from core.db.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_case_place_not_null")]

    operations = [
        AppendOnly(
            table="cases_caseevent",
            keep="actor_id",
            columns=[
                "id",
                "case_id",
                "action",
                "actor_name",
                "actor_role",
                "from_status",
                "to_status",
                "from_level",
                "to_level",
                "reason",
                "note",
                "data",
                "public",
                "at",
            ],
        )
    ]
