"""The replica router (core/replica.py), with a second alias on the same PostgreSQL server: the dashboard's and
the assessment's case reads go to ``replica``; writes, reads in a transaction, other pages and the reads that
must not lag (session, user) stay on ``default``; without a replica everything is on ``default``."""

from __future__ import annotations

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from core.replica import REPLICA, ReplicaRouter, replica_reads
from governance.models import User
from tests.cases.helpers import file_case

WRITES = ("INSERT", "UPDATE", "DELETE")


BOTH = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture
def replica(settings):
    """The ``replica`` alias of the test settings (a second connection to the same test database), in use."""
    settings.REPLICA_READS = True
    return connections[REPLICA]


def _sql(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.postgres
@BOTH
@pytest.mark.parametrize(
    "url", ["/dashboard/", "/dashboard/counters/", "/dashboard/charts/daily.svg", "/api/v1/dashboard/counters/"]
)
def test_dashboard_and_assessment_read_cases_on_the_replica(world, web, replica, url):
    file_case(world)
    client = web("street_officer")
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_default:
        assert client.get(url).status_code == 200
    replica_sql = _sql(on_replica)
    assert any('"cases_case"' in s for s in replica_sql), replica_sql
    assert not any(s.lstrip().upper().startswith(WRITES) for s in replica_sql)
    # the reads that must not lag stay on the primary
    assert not any('FROM "django_session"' in s or 'FROM "governance_user"' in s for s in replica_sql)
    assert any('"django_session"' in s for s in _sql(on_default))


@pytest.mark.postgres
@BOTH
def test_writes_and_other_pages_never_touch_the_replica(world, web, replica, api):
    case = file_case(world)
    with CaptureQueriesContext(replica) as on_replica:
        assert web("street_officer").get(f"/cases/{case.id}/").status_code == 200
        assert web("street_officer").get("/cases/").status_code == 200
        resp = api("street_officer").post(f"/api/v1/cases/{case.id}/transitions/accept/", {"note": ""}, format="json")
        assert resp.status_code == 200, resp.content
        # a bulk action is a POST to a dashboard URL: the primary
        web("street_officer").post("/dashboard/bulk/", {"action": "accept", "cases": [case.id]})
    assert _sql(on_replica) == []
    assert Case.objects.get(pk=case.id).status == "accepted"


@pytest.mark.postgres
@BOTH
def test_router_reads_in_a_transaction_and_writes_go_to_default(world, replica):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Case) == REPLICA
        assert router.db_for_read(User) == "default"  # a user just created must be found
        assert router.db_for_write(Case) == "default"
        with transaction.atomic():
            assert router.db_for_read(Case) == "default"
    assert router.db_for_read(Case) == "default"
    assert router.allow_migrate(REPLICA, "cases") is False and router.allow_migrate("default", "cases") is True


@pytest.mark.django_db
def test_without_a_replica_in_use_everything_reads_the_primary(world, settings):
    router = ReplicaRouter()
    settings.REPLICA_READS = False  # the test settings' default: the alias exists (on PostgreSQL) but is unused
    with replica_reads():
        assert router.db_for_read(Case) == "default"
