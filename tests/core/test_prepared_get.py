"""``PreparedGet`` answers exactly what ``queryset.get(field=value)`` answers — the same instances down the
``select_related`` chain, the same errors — in one statement; token authentication over it answers as DRF's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.api.serializers import ACTIVE_GRIDS
from core.db.prepared import PreparedGet
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
