"""``PreparedGet`` answers exactly what ``queryset.get(field=value)`` answers — the same instances down the
``select_related`` chain, the same errors — in one statement; token authentication over it answers as DRF's.
``PreparedInsert`` sends the statement the ORM sends for a new row, and leaves the instance as ``save`` does."""

from __future__ import annotations

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.api.serializers import ACTIVE_GRIDS
from cases.models import Case, CaseEvent
from core.db.prepared import PreparedGet, PreparedInsert
from grids.models import Grid


def _fields(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def _chain(grid: Grid) -> list[dict]:
    community = grid.community
    return [_fields(grid), _fields(community), _fields(community.parent), _fields(community.parent.parent)]


def test_a_grid_with_its_region_chain_equals_the_querysets_in_one_statement(world):
    lookup = PreparedGet(ACTIVE_GRIDS, "pk")
    for grid in (world.grid_a, world.grid_b):
        expected = ACTIVE_GRIDS.get(pk=grid.pk)
        with CaptureQueriesContext(connection) as ctx:
            got = lookup.get(grid.pk)
            chain = _chain(got)  # the regions came with the grid: no further statement
        assert len(ctx.captured_queries) == 1
        assert chain == _chain(expected)
        assert got.boundary == expected.boundary and isinstance(got.boundary, dict)  # JSON converted as the ORM does
        assert got._state.db == "default" and not got._state.adding
        assert str(grid.pk) == str(lookup.get(str(grid.pk)).pk)  # "1" is taken as the ORM takes it


@pytest.mark.parametrize("value", ["x", "", None, 10**30, -(10**30), -1, 10**9, 1.5, []])
def test_the_same_errors_as_the_queryset(world, value):
    lookup = PreparedGet(ACTIVE_GRIDS, "pk")

    def outcome(get):
        try:
            return ("found", get().pk)
        except Exception as exc:  # the type is the assertion
            return ("error", type(exc))

    assert outcome(lambda: lookup.get(value)) == outcome(lambda: ACTIVE_GRIDS.get(pk=value))


def test_filters_of_the_queryset_hold(world):
    world.grid_b.active = False
    world.grid_b.save()
    with pytest.raises(Grid.DoesNotExist):
        PreparedGet(ACTIVE_GRIDS, "pk").get(world.grid_b.pk)


def test_a_queryset_it_cannot_run_is_refused_when_compiled(world):
    from django.db.models import Count

    lookup = PreparedGet(Grid.objects.annotate(n=Count("assignments")), "pk")
    with pytest.raises(ValueError):
        lookup.get(world.grid_a.pk)


def _token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_token_authentication_answers_as_drf(world):
    token = Token.objects.create(user=world.grid_worker)
    assert _token_client(token.key).get("/api/v1/cases/").status_code == 200
    unknown = _token_client("0" * 40).get("/api/v1/cases/")
    assert unknown.status_code == 401 and unknown["WWW-Authenticate"].startswith("Token")
    world.grid_worker.is_active = False
    world.grid_worker.save()
    inactive = _token_client(token.key).get("/api/v1/cases/")
    assert inactive.status_code == 401
    assert inactive.json()["detail"] != unknown.json()["detail"]  # "inactive or deleted", not "invalid token"


def test_token_and_user_are_one_statement(world):
    from core.authentication import PreparedTokenAuthentication

    token = Token.objects.create(user=world.grid_worker)
    with CaptureQueriesContext(connection) as ctx:
        user, auth = PreparedTokenAuthentication().authenticate_credentials(token.key)
        assert user.username == world.grid_worker.username  # the user came with the token
    assert len(ctx.captured_queries) == 1
    assert auth.pk == token.pk and auth.user_id == world.grid_worker.pk


def _event(case, **kw) -> CaseEvent:
    values = {
        "case": case,
        "action": "note",
        "actor": None,
        "actor_name": "系统",
        "actor_role": "系统",
        "from_status": case.status,
        "to_status": case.status,
        "from_level": case.level,
        "to_level": case.level,
        "note": "同一条记录",
        "data": {"k": [1, "二"]},
        "at": case.reported_at,
    }
    return CaseEvent(**{**values, **kw})


def _insert(obj, *, orm: bool, monkeypatch) -> list[str]:
    if orm:
        monkeypatch.setattr(PreparedInsert, "_do_insert", models.Model._do_insert)
    with CaptureQueriesContext(connection) as ctx:
        obj.save()
    monkeypatch.undo()
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


def test_a_new_row_is_the_orms_statement_and_the_same_row(world, monkeypatch):
    from tests.cases.helpers import file_case

    case = file_case(world)
    fast, slow = _event(case), _event(case)
    fast_sql = _insert(fast, orm=False, monkeypatch=monkeypatch)
    slow_sql = _insert(slow, orm=True, monkeypatch=monkeypatch)
    assert len(fast_sql) == 1 and fast_sql == slow_sql  # the same SQL with the same values
    assert fast.pk and slow.pk and fast.pk != slow.pk
    assert not fast._state.adding and fast._state.db == "default"
    stored = CaseEvent.objects.get(pk=fast.pk)
    assert {f.attname: getattr(stored, f.attname) for f in CaseEvent._meta.concrete_fields if f.name != "id"} == {
        f.attname: getattr(slow, f.attname) for f in CaseEvent._meta.concrete_fields if f.name != "id"
    }


def test_a_new_case_is_the_orms_statement(world, monkeypatch):
    import time_machine

    from tests.cases.helpers import file_case

    def copy_of(case: Case, number: str) -> Case:
        clone = Case.objects.get(pk=case.pk)
        clone.pk, clone._state.adding = None, True
        clone.number, clone.follow_up_token = number, number * 8
        return clone

    case = file_case(world)
    with time_machine.travel(case.reported_at, tick=False):  # updated_at (auto_now) the same for both
        fast, slow = copy_of(case, "A-01"), copy_of(case, "B-02")
        fast_sql = _insert(fast, orm=False, monkeypatch=monkeypatch)
        slow_sql = _insert(slow, orm=True, monkeypatch=monkeypatch)
    assert len(fast_sql) == 1 and fast_sql == [sql.replace("B-02", "A-01") for sql in slow_sql]
    stored = Case.objects.get(pk=fast.pk)
    assert (stored.number, stored.updated_at, stored.follow_up_token) == ("A-01", fast.updated_at, "A-01" * 8)


def test_an_expression_value_takes_the_orms_path(world):
    from django.db.models.functions import Now

    from tests.cases.helpers import file_case

    event = _event(file_case(world), at=Now())
    event.save()
    assert CaseEvent.objects.get(pk=event.pk).at is not None
