"""Keyset (cursor) pagination of the API lists (``core.pagination``): every row once, in order, forwards and
backwards, for every ordering (ties and NULLs included); the count capped, not scanned; bad cursors refused;
the same number of queries on the first, a deep and the last page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from cases.models import Case
from governance.models import User

from .helpers import at, file_case

URL = "/api/v1/cases/"


@pytest.fixture
def eleven(world):
    """11 cases in the street: reported in 4 distinct instants (ties), due times with NULLs and ties."""
    cases = [file_case(world, now=at(2026, 11, 16, 9 + i % 4)) for i in range(11)]
    base = at(2026, 11, 20, 9)
    for i, case in enumerate(cases):
        due = None if i % 3 == 0 else base + timedelta(hours=i % 2)
        Case.objects.filter(pk=case.pk).update(due_at=due)
    return list(Case.objects.filter(pk__in=[c.pk for c in cases]))


def oracle(cases: list[Case], ordering: str) -> list[int]:
    """The order written out: the field (NULL the largest value), then the id in the same direction."""
    field, desc = ordering.lstrip("-"), ordering.startswith("-")
    big = at(2100, 1, 1, 0)

    def key(c: Case):
        v = getattr(c, field)
        return ((big if v is None else v) if field == "due_at" else v, c.pk)

    return [c.pk for c in sorted(cases, key=key, reverse=desc)]


def walk(client, url: str, direction: str = "next") -> list[int]:
    seen: list[int] = []
    pages = 0
    while url:
        resp = client.get(url)
        assert resp.status_code == 200, resp.content
        body = resp.json()
        rows = [r["id"] for r in body["results"]]
        seen = seen + rows if direction == "next" else rows + seen
        url = body[direction]
        pages += 1
        assert pages < 50
    return seen


@pytest.mark.parametrize("ordering", ["", "reported_at", "-reported_at", "due_at", "-due_at", "number", "-status"])
def test_next_links_visit_every_row_once_in_order_and_previous_links_walk_back(api, world, eleven, ordering):
    client = api("street_officer")
    qs = f"?page_size=3&ordering={ordering}" if ordering else "?page_size=3"
    expected = oracle(eleven, ordering or "-reported_at")
    if ordering.lstrip("-") == "status":  # status ties everywhere: the id decides
        expected = sorted(expected, reverse=True)
    assert walk(client, URL + qs) == expected
    last = client.get(URL + qs).json()["last"]
    assert walk(client, last, direction="previous") == expected


def test_last_page_holds_the_last_rows_and_no_next(api, world, eleven):
    body = api("street_officer").get(api("street_officer").get(f"{URL}?page_size=4").json()["last"]).json()
    assert [r["id"] for r in body["results"]] == oracle(eleven, "-reported_at")[-4:]
    assert body["next"] is None and body["previous"]


def test_count_is_capped_not_scanned(api, world, eleven, settings):
    settings.LIST_COUNT_CAP = 5
    body = api("street_officer").get(f"{URL}?page_size=2").json()
    assert (body["count"], body["count_capped"]) == (5, True)
    settings.LIST_COUNT_CAP = 11
    body = api("street_officer").get(f"{URL}?page_size=2").json()
    assert (body["count"], body["count_capped"], body["count_estimate"]) == (11, False, None)


@pytest.mark.parametrize(
    "query",
    ["cursor=garbage", "cursor=eyJvIjoiLWlkIn0", "page=2", "page_size=0", "page_size=x"],
    ids=["garbage", "another-ordering", "offset-page", "zero-size", "text-size"],
)
def test_bad_paging_input_is_a_400(api, world, eleven, query):
    resp = api("street_officer").get(f"{URL}?{query}")
    assert resp.status_code == 400, resp.content
    assert resp.json()["code"] in {"cursor", "page", "page_size"}


def test_a_cursor_of_one_ordering_is_refused_under_another(api, world, eleven):
    client = api("street_officer")
    nxt = client.get(f"{URL}?page_size=3&ordering=due_at").json()["next"]
    resp = client.get(nxt.replace("ordering=due_at", "ordering=number"))
    assert resp.status_code == 400 and resp.json()["code"] == "cursor"


def test_first_deep_and_last_pages_run_the_same_queries(world, eleven, django_assert_num_queries):
    client = APIClient()
    client.force_authenticate(user=User.objects.get(pk=world.street_officer.pk))
    first = client.get(f"{URL}?page_size=2").json()
    deep = client.get(client.get(client.get(first["next"]).json()["next"]).json()["next"]).json()
    for url in (f"{URL}?page_size=2", deep["next"], first["last"], deep["previous"]):
        client.force_authenticate(user=User.objects.get(pk=world.street_officer.pk))  # nothing cached
        # capped count, page, categories, grids, regions, evidence counts, the officer's region
        with django_assert_num_queries(7):
            assert client.get(url).status_code == 200


def test_events_are_keyset_pages_oldest_first(api, world):
    from cases.services import case_transition

    case = file_case(world)
    for i in range(4):
        case_transition(case_id=case.id, action="note", actor=world.grid_worker, note=f"n{i}")
    client = api("street_officer")
    body = client.get(f"{URL}{case.id}/events/?page_size=2").json()
    assert [e["action"] for e in body["results"]] == ["report", "note"]
    notes = [e["note"] for e in body["results"]] + [e["note"] for e in client.get(body["next"]).json()["results"]]
    assert notes[1:] == ["n0", "n1", "n2"]
    assert api("outsider").get(f"{URL}{case.id}/events/").status_code == 404
