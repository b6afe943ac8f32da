"""The access log is append-only in the database too: triggers refuse UPDATE and DELETE.

A frozen copy of ``residents/append_only.py`` at the time of writing (migrations must not follow code).
The one UPDATE let through: ``user_id`` set to NULL with nothing else changed (a deleted user's rows).
"""

from django.db import migrations

SQL = {
    "postgresql": (
        [
            "CREATE OR REPLACE FUNCTION residents_accesslog_append_only() RETURNS trigger AS $$\nBEGIN\n    IF TG_OP = 'UPDATE' AND OLD.user_id IS NOT NULL AND NEW.user_id IS NULL AND NEW.id IS NOT DISTINCT FROM OLD.id AND NEW.username IS NOT DISTINCT FROM OLD.username AND NEW.at IS NOT DISTINCT FROM OLD.at AND NEW.subject IS NOT DISTINCT FROM OLD.subject AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id AND NEW.case_id IS NOT DISTINCT FROM OLD.case_id AND NEW.street_id IS NOT DISTINCT FROM OLD.street_id AND NEW.channel IS NOT DISTINCT FROM OLD.channel AND NEW.path IS NOT DISTINCT FROM OLD.path THEN\n        RETURN NEW;\n    END IF;\n    RAISE EXCEPTION 'residents_accesslog is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';\nEND;\n$$ LANGUAGE plpgsql;",
            "CREATE TRIGGER residents_accesslog_append_only BEFORE UPDATE OR DELETE ON residents_accesslog\n    FOR EACH ROW EXECUTE FUNCTION residents_accesslog_append_only();",
        ],
        [
            "DROP TRIGGER IF EXISTS residents_accesslog_append_only ON residents_accesslog;",
            "DROP FUNCTION IF EXISTS residents_accesslog_append_only();",
        ],
    ),
    "sqlite": (
        [
            "CREATE TRIGGER residents_accesslog_no_update BEFORE UPDATE ON residents_accesslog\n    FOR EACH ROW WHEN NOT (OLD.user_id IS NOT NULL AND NEW.user_id IS NULL AND NEW.id IS OLD.id AND NEW.username IS OLD.username AND NEW.at IS OLD.at AND NEW.subject IS OLD.subject AND NEW.object_id IS OLD.object_id AND NEW.case_id IS OLD.case_id AND NEW.street_id IS OLD.street_id AND NEW.channel IS OLD.channel AND NEW.path IS OLD.path)\n    BEGIN SELECT RAISE(ABORT, 'residents_accesslog is append-only (UPDATE refused)'); END;",
            "CREATE TRIGGER residents_accesslog_no_delete BEFORE DELETE ON residents_accesslog\n    FOR EACH ROW BEGIN SELECT RAISE(ABORT, 'residents_accesslog is append-only (DELETE refused)'); END;",
        ],
        [
            "DROP TRIGGER IF EXISTS residents_accesslog_no_update;",
            "DROP TRIGGER IF EXISTS residents_accesslog_no_delete;",
        ],
    ),
}


class RunSQLForVendor(migrations.RunSQL):
    """RunSQL with one script per database vendor (others: nothing — the model guard still holds)."""

    def __init__(self, scripts):
        self.scripts = scripts
        super().__init__(sql=migrations.RunSQL.noop, reverse_sql=migrations.RunSQL.noop)

    def deconstruct(self):
        return (self.__class__.__name__, [self.scripts], {})

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        forwards = self.scripts.get(schema_editor.connection.vendor, ((), ()))[0]
        if forwards:
            self._run_sql(schema_editor, list(forwards))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        backwards = self.scripts.get(schema_editor.connection.vendor, ((), ()))[1]
        if backwards:
            self._run_sql(schema_editor, list(backwards))


class Migration(migrations.Migration):
    dependencies = [("residents", "0001_access_log")]

    operations = [RunSQLForVendor(SQL)]
