"""One migration operation (``core.db.append_only.AppendOnly``) writes the append-only triggers of the case events
and of the access log. Their SQL is applied in deployed databases: it must stay byte for byte what migrations
``cases`` 0010 and ``residents`` 0002 first wrote (frozen below). That the triggers refuse a raw UPDATE/DELETE is
tested with each table (tests/cases/test_transitions_audit.py, tests/residents/test_access_log.py)."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from core.db.append_only import AppendOnly, append_only_sql

# fmt: off
RESIDENTS = {'postgresql': (['CREATE OR REPLACE FUNCTION residents_accesslog_append_only() RETURNS trigger AS '
                 '$$\n'
                 'BEGIN\n'
                 "    IF TG_OP = 'UPDATE' AND OLD.user_id IS NOT NULL AND NEW.user_id IS NULL AND "
                 'NEW.id IS NOT DISTINCT FROM OLD.id AND NEW.username IS NOT DISTINCT FROM '
                 'OLD.username AND NEW.at IS NOT DISTINCT FROM OLD.at AND NEW.subject IS NOT '
                 'DISTINCT FROM OLD.subject AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id '
                 'AND NEW.case_id IS NOT DISTINCT FROM OLD.case_id AND NEW.street_id IS NOT '
                 'DISTINCT FROM OLD.street_id AND NEW.channel IS NOT DISTINCT FROM OLD.channel AND '
                 'NEW.path IS NOT DISTINCT FROM OLD.path THEN\n'
                 '        RETURN NEW;\n'
                 '    END IF;\n'
                 "    RAISE EXCEPTION 'residents_accesslog is append-only (% refused)', TG_OP "
                 "USING ERRCODE = 'insufficient_privilege';\n"
                 'END;\n'
                 '$$ LANGUAGE plpgsql;',
                 'CREATE TRIGGER residents_accesslog_append_only BEFORE UPDATE OR DELETE ON '
                 'residents_accesslog\n'
                 '    FOR EACH ROW EXECUTE FUNCTION residents_accesslog_append_only();'],
                ['DROP TRIGGER IF EXISTS residents_accesslog_append_only ON residents_accesslog;',
                 'DROP FUNCTION IF EXISTS residents_accesslog_append_only();']),
 'sqlite': (['CREATE TRIGGER residents_accesslog_no_update BEFORE UPDATE ON residents_accesslog\n'
             '    FOR EACH ROW WHEN NOT (OLD.user_id IS NOT NULL AND NEW.user_id IS NULL AND '
             'NEW.id IS OLD.id AND NEW.username IS OLD.username AND NEW.at IS OLD.at AND '
             'NEW.subject IS OLD.subject AND NEW.object_id IS OLD.object_id AND NEW.case_id IS '
             'OLD.case_id AND NEW.street_id IS OLD.street_id AND NEW.channel IS OLD.channel AND '
             'NEW.path IS OLD.path)\n'
             "    BEGIN SELECT RAISE(ABORT, 'residents_accesslog is append-only (UPDATE "
             "refused)'); END;",
             'CREATE TRIGGER residents_accesslog_no_delete BEFORE DELETE ON residents_accesslog\n'
             "    FOR EACH ROW BEGIN SELECT RAISE(ABORT, 'residents_accesslog is append-only "
             "(DELETE refused)'); END;"],
            ['DROP TRIGGER IF EXISTS residents_accesslog_no_update;',
             'DROP TRIGGER IF EXISTS residents_accesslog_no_delete;'])}
CASES = {'postgresql': (['CREATE OR REPLACE FUNCTION cases_caseevent_append_only() RETURNS trigger AS $$\n'
                 'BEGIN\n'
                 "    IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL "
                 'AND NEW.id IS NOT DISTINCT FROM OLD.id AND NEW.case_id IS NOT DISTINCT FROM '
                 'OLD.case_id AND NEW.action IS NOT DISTINCT FROM OLD.action AND NEW.actor_name IS '
                 'NOT DISTINCT FROM OLD.actor_name AND NEW.actor_role IS NOT DISTINCT FROM '
                 'OLD.actor_role AND NEW.from_status IS NOT DISTINCT FROM OLD.from_status AND '
                 'NEW.to_status IS NOT DISTINCT FROM OLD.to_status AND NEW.from_level IS NOT '
                 'DISTINCT FROM OLD.from_level AND NEW.to_level IS NOT DISTINCT FROM OLD.to_level '
                 'AND NEW.reason IS NOT DISTINCT FROM OLD.reason AND NEW.note IS NOT DISTINCT FROM '
                 'OLD.note AND NEW.data IS NOT DISTINCT FROM OLD.data AND NEW.public IS NOT '
                 'DISTINCT FROM OLD.public AND NEW.at IS NOT DISTINCT FROM OLD.at THEN\n'
                 '        RETURN NEW;\n'
                 '    END IF;\n'
                 "    RAISE EXCEPTION 'cases_caseevent is append-only (% refused)', TG_OP USING "
                 "ERRCODE = 'insufficient_privilege';\n"
                 'END;\n'
                 '$$ LANGUAGE plpgsql;',
                 'CREATE TRIGGER cases_caseevent_append_only BEFORE UPDATE OR DELETE ON '
                 'cases_caseevent\n'
                 '    FOR EACH ROW EXECUTE FUNCTION cases_caseevent_append_only();'],
                ['DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent;',
                 'DROP FUNCTION IF EXISTS cases_caseevent_append_only();']),
 'sqlite': (['CREATE TRIGGER cases_caseevent_no_update BEFORE UPDATE ON cases_caseevent\n'
             '    FOR EACH ROW WHEN NOT (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND '
             'NEW.id IS OLD.id AND NEW.case_id IS OLD.case_id AND NEW.action IS OLD.action AND '
             'NEW.actor_name IS OLD.actor_name AND NEW.actor_role IS OLD.actor_role AND '
             'NEW.from_status IS OLD.from_status AND NEW.to_status IS OLD.to_status AND '
             'NEW.from_level IS OLD.from_level AND NEW.to_level IS OLD.to_level AND NEW.reason IS '
             'OLD.reason AND NEW.note IS OLD.note AND NEW.data IS OLD.data AND NEW.public IS '
             'OLD.public AND NEW.at IS OLD.at)\n'
             "    BEGIN SELECT RAISE(ABORT, 'cases_caseevent is append-only (UPDATE refused)'); "
             'END;',
             'CREATE TRIGGER cases_caseevent_no_delete BEFORE DELETE ON cases_caseevent\n'
             "    FOR EACH ROW BEGIN SELECT RAISE(ABORT, 'cases_caseevent is append-only (DELETE "
             "refused)'); END;"],
            ['DROP TRIGGER IF EXISTS cases_caseevent_no_update;',
             'DROP TRIGGER IF EXISTS cases_caseevent_no_delete;'])}
# fmt: on

MIGRATIONS = [
    ("residents.migrations.0002_access_log_append_only", "residents_accesslog", "user_id", RESIDENTS),
    ("cases.migrations.0010_caseevent_append_only", "cases_caseevent", "actor_id", CASES),
]


def operation_of(module: str) -> AppendOnly:
    (operation,) = importlib.import_module(module).Migration.operations
    assert isinstance(operation, AppendOnly)
    return operation


@pytest.mark.parametrize(("module", "table", "keep", "frozen"), MIGRATIONS)
@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_the_migrations_write_exactly_the_sql_first_applied(module, table, keep, frozen, vendor):
    operation = operation_of(module)
    assert (operation.table, operation.keep) == (table, keep)
    install, remove = append_only_sql(vendor, operation.table, operation.keep, operation.columns)
    assert (install, remove) == (list(frozen[vendor][0]), list(frozen[vendor][1]))


def test_other_vendors_get_no_trigger():
    assert append_only_sql("mysql", "cases_caseevent", "actor_id", ["id"]) == ([], [])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("module", "table", "keep", "frozen"), MIGRATIONS)
def test_backwards_removes_the_triggers_and_forwards_puts_them_back(module, table, keep, frozen):
    operation = operation_of(module)

    def triggers() -> set[str]:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table]
                )
            else:
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
            return {row[0] for row in cursor.fetchall()}

    installed = triggers()
    assert installed
    with connection.schema_editor() as editor:
        operation.database_backwards("x", editor, None, None)
    assert triggers() == set()
    with connection.schema_editor() as editor:
        operation.database_forwards("x", editor, None, None)
    assert triggers() == installed
