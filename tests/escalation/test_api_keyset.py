"""Notices and summonses API lists page by keyset (``core.pagination``): every row once in the list's order
(unread first for notices, newest whistle first for summonses), back again through the previous links, and the
same number of queries on the first and a later page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from escalation.choices import NoticeKind
from escalation.models import Notice, Summons
from escalation.services.notices import NoticeSpec, notices_write, person
from governance.models import User
from tests.cases.helpers import at

from .whistle_helpers import T0, whistled_case

pytestmark = pytest.mark.django_db


def walk(client, url: str, direction: str = "next") -> list[int]:
    seen: list[int] = []
    for _ in range(50):
        body = client.get(url).json()
        rows = [r["id"] for r in body["results"]]
        seen = seen + rows if direction == "next" else rows + seen
        url = body[direction]
        if not url:
            return seen
    raise AssertionError("paging does not end")


@pytest.fixture
def nine_notices(world):
    """Nine notices for the community officer in three instants (ties), every third one read."""
    for i in range(9):
        notices_write(
            specs=[
                NoticeSpec(
                    kind=NoticeKind.OTHER,
                    title=f"通知{i}",
                    targets=[person(world.community_officer.id)],
                    dedupe_key=f"k{i}",
                )
            ],
            now=at(2026, 11, 16, 9) + timedelta(minutes=i % 3),
        )
    rows = list(Notice.objects.filter(recipient=world.community_officer))
    Notice.objects.filter(pk__in=[n.pk for n in rows if n.pk % 3 == 0]).update(read_at=at(2026, 11, 17, 9))
    return list(Notice.objects.filter(recipient=world.community_officer))


def test_notices_pages_visit_every_notice_once_unread_first(api, world, nine_notices):
    expected = [n.pk for n in sorted(nine_notices, key=lambda n: (n.read_at is None, n.created_at, n.pk), reverse=True)]
    client = api("community_officer")
    assert walk(client, "/api/v1/notices/?page_size=2") == expected
    last = client.get("/api/v1/notices/?page_size=2").json()["last"]
    assert walk(client, last, "previous") == expected


def test_notices_first_and_later_pages_run_the_same_queries(world, nine_notices, django_assert_num_queries):
    client = APIClient()
    client.force_authenticate(user=User.objects.get(pk=world.community_officer.pk))
    first = client.get("/api/v1/notices/?page_size=2").json()
    later = client.get(client.get(first["next"]).json()["next"]).json()
    for url in ("/api/v1/notices/?page_size=2", later["next"], first["last"]):
        with django_assert_num_queries(2):  # capped count, page (with its case joined)
            assert client.get(url).status_code == 200


def test_summonses_pages_visit_every_summons_once_newest_whistle_first(api, world):
    for i in range(4):
        whistled_case(world, now=T0 + timedelta(hours=i % 2))  # two whistles at each instant: ties
    rows = list(Summons.objects.select_related("whistle", "department"))
    expected = [s.pk for s in sorted(rows, key=lambda s: (-s.whistle.blown_at.timestamp(), s.department.code, s.pk))]
    client = api("street_officer")
    assert walk(client, "/api/v1/summonses/?page_size=3") == expected
    last = client.get("/api/v1/summonses/?page_size=3").json()["last"]
    assert walk(client, last, "previous") == expected


def test_summonses_first_and_later_pages_run_the_same_queries(world, django_assert_num_queries):
    for i in range(4):
        whistled_case(world, now=T0 + timedelta(hours=i))
    client = APIClient()
    client.force_authenticate(user=User.objects.get(pk=world.street_officer.pk))
    first = client.get("/api/v1/summonses/?page_size=3").json()
    counts = []
    for url in ("/api/v1/summonses/?page_size=3", first["next"], first["last"]):
        client.force_authenticate(user=User.objects.get(pk=world.street_officer.pk))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(set(counts)) == 1, counts
