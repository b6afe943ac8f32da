"""CaseEvent is append-only in the database too: triggers refuse UPDATE and DELETE (raw SQL included).

A frozen copy of ``cases/append_only.py`` at the time of writing (migrations must not follow code).
The one UPDATE let through: ``actor_id`` set to NULL with nothing else changed (a deleted user's events).
"""

from django.db import migrations

SQL = {
    "postgresql": (
        [
            "CREATE OR REPLACE FUNCTION cases_caseevent_append_only() RETURNS trigger AS $$\nBEGIN\n    IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND NEW.id IS NOT DISTINCT FROM OLD.id AND NEW.case_id IS NOT DISTINCT FROM OLD.case_id AND NEW.action IS NOT DISTINCT FROM OLD.action AND NEW.actor_name IS NOT DISTINCT FROM OLD.actor_name AND NEW.actor_role IS NOT DISTINCT FROM OLD.actor_role AND NEW.from_status IS NOT DISTINCT FROM OLD.from_status AND NEW.to_status IS NOT DISTINCT FROM OLD.to_status AND NEW.from_level IS NOT DISTINCT FROM OLD.from_level AND NEW.to_level IS NOT DISTINCT FROM OLD.to_level AND NEW.reason IS NOT DISTINCT FROM OLD.reason AND NEW.note IS NOT DISTINCT FROM OLD.note AND NEW.data IS NOT DISTINCT FROM OLD.data AND NEW.public IS NOT DISTINCT FROM OLD.public AND NEW.at IS NOT DISTINCT FROM OLD.at THEN\n        RETURN NEW;\n    END IF;\n    RAISE EXCEPTION 'cases_caseevent is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';\nEND;\n$$ LANGUAGE plpgsql;",
            "CREATE TRIGGER cases_caseevent_append_only BEFORE UPDATE OR DELETE ON cases_caseevent\n    FOR EACH ROW EXECUTE FUNCTION cases_caseevent_append_only();",
        ],
        [
            "DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent;",
            "DROP FUNCTION IF EXISTS cases_caseevent_append_only();",
        ],
    ),
    "sqlite": (
        [
            "CREATE TRIGGER cases_caseevent_no_update BEFORE UPDATE ON cases_caseevent\n    FOR EACH ROW WHEN NOT (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND NEW.id IS OLD.id AND NEW.case_id IS OLD.case_id AND NEW.action IS OLD.action AND NEW.actor_name IS OLD.actor_name AND NEW.actor_role IS OLD.actor_role AND NEW.from_status IS OLD.from_status AND NEW.to_status IS OLD.to_status AND NEW.from_level IS OLD.from_level AND NEW.to_level IS OLD.to_level AND NEW.reason IS OLD.reason AND NEW.note IS OLD.note AND NEW.data IS OLD.data AND NEW.public IS OLD.public AND NEW.at IS OLD.at)\n    BEGIN SELECT RAISE(ABORT, 'cases_caseevent is append-only (UPDATE refused)'); END;",
            "CREATE TRIGGER cases_caseevent_no_delete BEFORE DELETE ON cases_caseevent\n    FOR EACH ROW BEGIN SELECT RAISE(ABORT, 'cases_caseevent is append-only (DELETE refused)'); END;",
        ],
        ["DROP TRIGGER IF EXISTS cases_caseevent_no_update;", "DROP TRIGGER IF EXISTS cases_caseevent_no_delete;"],
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
    dependencies = [("cases", "0009_case_place_not_null")]

    operations = [RunSQLForVendor(SQL)]
