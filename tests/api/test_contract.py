"""The API keeps its published contract: schemathesis runs every operation of ``/api/schema/`` as each role
with all its checks and a bounded number of generated examples; zero failures.

One test per role walks every operation (one test database and one street for all of them, which keeps the
run to a few minutes on two cores); failures are collected across operations and reported together.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

from config.wsgi import application

EXAMPLES = 2  # per operation and role: ~110 operations × 5 roles stay within a few minutes on 2 cores
PERSONAS = [None, "grid_worker", "street_officer", "liaison", "admin"]


@pytest.fixture
def wsgi_schema():
    # Called straight through WSGI, Django would close the test's connection at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def run_operation(operation, headers: dict) -> list[str]:
    failures: list[str] = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
    )
    def check(case):
        try:
            case.call_and_validate(headers=headers)
        except BaseException as exc:  # every check failure of this operation, with the request that caused it
            failures.append(f"{operation.label}: {exc}"[:1500])
            raise

    try:
        check()
    except BaseException as exc:  # hypothesis re-raises the (minimal) failure: recorded above
        if isinstance(exc, KeyboardInterrupt):
            raise
    return failures[:1]


@pytest.mark.timeout(900)
@pytest.mark.postgres  # CI phase 2 (PostgreSQL), where the contract matters and NUL bytes used to be 500s
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_operation_keeps_its_contract(world, wsgi_schema, persona):
    headers = {}
    if persona:
        headers["Authorization"] = f"Token {Token.objects.get_or_create(user=world.users[persona])[0].key}"
    failures = []
    for result in wsgi_schema.get_all_operations():
        operation = result.ok()
        failures += run_operation(operation, headers)
    assert not failures, f"{len(failures)} operations fail:\n\n" + "\n\n".join(failures)
