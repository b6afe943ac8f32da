"""core.db.swap_index: one index of a filled table replaced by another of the same name (concurrently on PostgreSQL,
where an interrupted earlier build is cleared first), on the database the suite runs on."""

from __future__ import annotations

import pytest
from django.db import connection, models

from cases.models import Case
from core.db.swap_index import swap_index

NAME = "case_district_reported_idx"
PLAIN = models.Index(fields=["district", "reported_at"], name=NAME)
COVERING = models.Index(fields=["district", "reported_at"], include=["status"], name=NAME)


def _indexes(prefix: str = NAME) -> dict[str, str]:
    """Index name → its definition as the database states it (the case table's ``…reported_idx*`` by default)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_case'")
        else:
            cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases_case'")
        return {name: sql for name, sql in cur.fetchall() if name.startswith(prefix)}


def _swap(old: models.Index, new: models.Index) -> None:
    with connection.schema_editor(atomic=False) as editor:
        swap_index(editor, Case, old, new)


@pytest.mark.django_db(transaction=True)
def test_swap_replaces_the_index_under_its_name_and_back():
    covering = connection.features.supports_covering_indexes
    try:
        _swap(COVERING, PLAIN)
        (definition,) = _indexes().values()
        assert "reported_at" in definition and "INCLUDE" not in definition
        Case.objects.filter(district_id=1, reported_at__isnull=False).count()  # the table still answers
    finally:
        _swap(PLAIN, COVERING)
    assert list(_indexes()) == [NAME]
    assert ("INCLUDE (status)" in _indexes()[NAME]) is covering


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent builds are PostgreSQL's")
def test_a_build_an_interrupted_run_left_is_cleared_first():
    with connection.cursor() as cur:  # what a failed CREATE INDEX CONCURRENTLY leaves: the temporary name, taken
        cur.execute(f'CREATE INDEX "{NAME}_new" ON cases_case (id)')
    try:
        _swap(COVERING, PLAIN)
        assert list(_indexes()) == [NAME] and "INCLUDE" not in _indexes()[NAME]
    finally:
        _swap(PLAIN, COVERING)
    assert list(_indexes()) == [NAME] and "INCLUDE (status)" in _indexes()[NAME]


def test_the_name_is_kept():
    with pytest.raises(ValueError, match="keeps the name"):
        swap_index(None, Case, PLAIN, models.Index(fields=["district"], name="other_idx"))


@pytest.mark.django_db(transaction=True)
def test_the_operation_swaps_in_the_state_and_both_ways_in_the_database():
    from django.apps import apps

    from core.db.swap_index import swap_indexes

    operation = swap_indexes("cases", "case", [COVERING], [PLAIN])
    assert [type(op).__name__ for op in operation.state_operations] == ["RemoveIndex", "AddIndex"]
    assert operation.state_operations[1].index is PLAIN
    (run,) = operation.database_operations
    covering = connection.features.supports_covering_indexes
    try:
        with connection.schema_editor(atomic=False) as editor:
            run.code(apps, editor)  # forward: COVERING → PLAIN
        assert list(_indexes()) == [NAME] and "INCLUDE" not in _indexes()[NAME]
    finally:
        with connection.schema_editor(atomic=False) as editor:
            run.reverse_code(apps, editor)  # back: PLAIN → COVERING
    assert list(_indexes()) == [NAME] and ("INCLUDE (status)" in _indexes()[NAME]) is covering


ADDED = models.Index(fields=["due_at"], name="case_added_concurrently_idx", condition=models.Q(status="on_hold"))


@pytest.mark.django_db(transaction=True)
def test_add_index_adds_in_the_state_and_builds_and_drops_in_the_database():
    """The operation of migrations 0020 and 0022: forward builds the partial index (on PostgreSQL after clearing what
    an interrupted build left under its name — here a different index), backward drops it."""
    from django.apps import apps

    from core.db.swap_index import add_index

    operation = add_index("cases", "case", ADDED)
    assert [type(op).__name__ for op in operation.state_operations] == ["AddIndex"]
    assert operation.state_operations[0].index is ADDED
    (run,) = operation.database_operations
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:  # a leftover under the name, not the index asked for
            cur.execute(f'CREATE INDEX "{ADDED.name}" ON cases_case (id)')
    try:
        with connection.schema_editor(atomic=False) as editor:
            run.code(apps, editor)
        (definition,) = _indexes(ADDED.name).values()
        assert "due_at" in definition and "on_hold" in definition
    finally:
        with connection.schema_editor(atomic=False) as editor:
            run.reverse_code(apps, editor)
    assert _indexes(ADDED.name) == {}
