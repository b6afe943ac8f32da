"""Shared fixtures: the test street (``world``) and its personas, API clients, frozen time."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.factories.world import PASSWORD, World, build_world


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a cached rule or subscription list must not outlive the test's
    rolled-back rows (the cache is the process's LocMemCache in tests)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def api(world):
    """``api(persona)`` → an APIClient logged in as that persona (session auth, CSRF enforced off for tests)."""

    def make(persona: str | None) -> APIClient:
        client = APIClient()
        if persona:
            client.force_authenticate(user=world.users[persona])
        return client

    return make


@pytest.fixture
def web(world, client):
    """``web(persona)`` → Django test client logged in as that persona."""

    def make(persona: str):
        from django.test import Client

        c = Client()
        assert c.login(username=world.users[persona].username, password=PASSWORD)
        return c

    return make


def pytest_collection_modifyitems(config, items):
    """Skip @postgres tests when the database is not PostgreSQL; @integration tests also need REDIS_URL."""
    import os

    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    on_pg = "postgresql" in engine
    has_redis = bool(os.environ.get("REDIS_URL"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL)")
    skip_int = pytest.mark.skip(reason="needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_pg:
            item.add_marker(skip_pg)
        if "integration" in item.keywords and not (on_pg and has_redis):
            item.add_marker(skip_int)


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (zh-hans); a test that activates English can't leak it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
