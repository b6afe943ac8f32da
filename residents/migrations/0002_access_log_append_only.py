"""The access log is append-only in the database too: triggers refuse UPDATE and DELETE.

The one UPDATE let through: ``user_id`` set to NULL with nothing else changed (a deleted user's rows). The SQL
comes from ``core.db.append_only`` with the columns listed here; it is the SQL this migration first applied
(``tests/core/test_append_only.py`` holds it byte for byte).
"""

from django.db import migrations

from core.db.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("residents", "0001_access_log")]

    operations = [
        AppendOnly(
            table="residents_accesslog",
            keep="user_id",
            columns=["id", "username", "at", "subject", "object_id", "case_id", "street_id", "channel", "path"],
        )
    ]
