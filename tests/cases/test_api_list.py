"""GET /api/v1/cases/: scope per persona, citizen contact masking, filters, ordering, pagination, and a
constant number of SQL queries per page whatever the number of rows."""

from __future__ import annotations

import pytest
import time_machine
from rest_framework.test import APIClient

from cases.services import case_file, case_transition
from governance.choices import RegionLevel
from governance.models import Region, User
from grids.models import Grid
from tests.factories.world import rect

from .helpers import at, file_case, photo

URL = "/api/v1/cases/"


def ids(resp) -> set[int]:
    assert resp.status_code == 200, resp.content
    return {row["id"] for row in resp.json()["results"]}


@pytest.fixture
def spread(world):
    """One case in grid A, one in grid B, one dispatched to 城管执法 (grid A), one in another street."""
    other_community = Region.objects.create(
        name="果园社区", code="620201002001", level=RegionLevel.COMMUNITY, parent=world.other_street
    )
    Grid.objects.create(code="SGH-01-01", name="果园一网格", community=other_community, boundary=rect(98.40, 39.80))
    a = file_case(world)
    b = file_case(world, actor=world.outsider, grid=world.grid_b)
    dept = file_case(world, code="0202")
    case_transition(case_id=dept.id, action="accept", actor=world.street_officer)
    case_transition(
        case_id=dept.id, action="dispatch", actor=world.street_officer, departments=[world.departments["cgzf"].id]
    )
    other = case_file(
        actor=world.other_street_officer,
        category=world.categories["0202"],
        title="他街违建",
        description="d",
        address="果园",
        community=other_community,
        channel="hotline",
    )
    return {"a": a.id, "b": b.id, "dept": dept.id, "other": other.id}


SCOPE = {
    "grid_worker": {"a", "dept"},
    "part_timer": {"a", "dept"},
    "outsider": {"b"},
    "community_officer": {"a", "dept"},
    "community_b_officer": {"b"},
    "street_officer": {"a", "b", "dept"},
    "street_officer_2": {"a", "b", "dept"},
    "other_street_officer": {"other"},
    "district_officer": {"a", "b", "dept", "other"},
    "liaison": {"dept"},
    "liaison_scjg": set(),
    "admin": {"a", "b", "dept", "other"},
}


@pytest.mark.parametrize("persona", list(SCOPE))
def test_list_returns_exactly_the_cases_in_the_personas_scope(api, spread, persona):
    assert ids(api(persona).get(URL)) == {spread[k] for k in SCOPE[persona]}


def test_anonymous_list_is_401_with_a_token_challenge(world):
    resp = APIClient().get(URL)
    assert resp.status_code == 401
    assert resp["WWW-Authenticate"].startswith("Token")


# --- citizen contact ------------------------------------------------------------------------------


@pytest.fixture
def hotline_case(world):
    return case_file(
        actor=world.street_officer,
        category=world.categories["0101"],
        title="垃圾",
        description="d",
        address="a",
        grid=world.grid_a,
        channel="hotline",
        citizen_name="张三丰",
        citizen_phone="13812345678",
    )


@pytest.mark.parametrize(
    ("persona", "name", "phone"),
    [
        ("grid_worker", "张**", "138****5678"),
        ("community_officer", "张**", "138****5678"),
        ("street_officer", "张三丰", "13812345678"),
        ("district_officer", "张三丰", "13812345678"),
        ("admin", "张三丰", "13812345678"),
    ],
)
def test_citizen_contact_is_full_for_street_and_above_and_masked_below(api, hotline_case, persona, name, phone):
    for resp in (api(persona).get(URL), api(persona).get(f"{URL}{hotline_case.id}/")):
        body = resp.json()
        row = body["results"][0] if "results" in body else body
        assert (row["citizen_name"], row["citizen_phone"]) == (name, phone)
        assert row["contact_masked"] is (name != "张三丰")
        assert ("13812345678" in resp.content.decode()) is (name == "张三丰")


def test_liaison_sees_masked_contact(api, world, hotline_case):
    case_transition(case_id=hotline_case.id, action="accept", actor=world.street_officer)
    case_transition(
        case_id=hotline_case.id,
        action="dispatch",
        actor=world.street_officer,
        departments=[world.departments["cgzf"].id],
    )
    row = api("liaison").get(f"{URL}{hotline_case.id}/").json()
    assert (row["citizen_name"], row["citizen_phone"]) == ("张**", "138****5678")


# --- filters ------------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(world):
    c1 = file_case(world, code="0101", title="垃圾满溢", address="雄关一网格 3 号楼", now=at(2026, 11, 16, 9))
    c2 = file_case(world, code="0102", title="楼道堆物", address="雄关一网格 5 号楼", now=at(2026, 11, 17, 9))
    c3 = file_case(world, code="0202", title="违法搭建", address="屋顶", now=at(2026, 11, 18, 10))
    c4 = case_file(
        actor=world.street_officer,
        category=world.categories["0204"],
        title="餐饮油烟",
        description="d",
        address="美食街",
        grid=world.grid_b,
        channel="hotline",
        now=at(2026, 11, 19, 10),
    )
    case_transition(case_id=c3.id, action="accept", actor=world.street_officer, now=at(2026, 11, 18, 10, 5))
    return {"c1": c1, "c2": c2, "c3": c3, "c4": c4}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=reported", {"c1", "c2", "c4"}),
        ("status=reported&status=accepted", {"c1", "c2", "c3", "c4"}),
        ("status=accepted", {"c3"}),
        ("level=grid", {"c1", "c2"}),
        ("level=street", {"c3", "c4"}),
        ("grade=B", {"c3", "c4"}),
        ("channel=hotline", {"c4"}),
        ("channel=patrol", {"c1", "c2", "c3"}),
        ("category=0101", {"c1"}),
        ("category=01", {"c1", "c2"}),  # a major category includes its subcategories
        ("q=油烟", {"c4"}),
        ("q=号楼", {"c1", "c2"}),
        ("q=XG-2026-000003", {"c3"}),
        ("reported_at_after=2026-11-17&reported_at_before=2026-11-18", {"c2", "c3"}),
        ("reported_at_before=2026-11-16", {"c1"}),
    ],
)
def test_filters_narrow_the_list(api, catalogue, query, expected):
    got = ids(api("street_officer").get(f"{URL}?{query}"))
    assert got == {catalogue[k].id for k in expected}


def test_grid_community_and_street_filters(api, world, catalogue):
    client = api("street_officer")
    assert ids(client.get(f"{URL}?grid={world.grid_b.id}")) == {catalogue["c4"].id}
    assert ids(client.get(f"{URL}?community={world.community.id}")) == {catalogue[k].id for k in ("c1", "c2", "c3")}
    assert len(ids(client.get(f"{URL}?street={world.street.id}"))) == 4
    assert ids(client.get(f"{URL}?street={world.other_street.id}")) == set()


def test_filters_never_widen_the_scope(api, world, catalogue):
    assert ids(api("grid_worker").get(f"{URL}?grid={world.grid_b.id}")) == set()
    assert ids(api("community_officer").get(f"{URL}?street={world.street.id}&level=street")) == {catalogue["c3"].id}


def test_invalid_filter_value_is_400(api, catalogue):
    assert api("street_officer").get(f"{URL}?status=bogus").status_code == 400
    assert api("street_officer").get(f"{URL}?light=purple").status_code == 400


def test_light_filter_and_field_follow_the_clock(api, world):
    # 0103: 5 working hours at grid level; yellow at 80 %.
    red = file_case(world, code="0103", now=at(2026, 11, 13, 9))  # due Fri 16:00 → overdue on Monday
    yellow = file_case(world, code="0103", now=at(2026, 11, 16, 9))  # due Mon 16:00, yellow from 15:00
    green = file_case(world, code="0102", now=at(2026, 11, 16, 15))  # 2 working days: far from yellow
    done = file_case(world, code="0103", now=at(2026, 11, 13, 9))
    case_transition(case_id=done.id, action="self_handle", actor=world.grid_worker, note="ok", now=at(2026, 11, 13, 10))
    client = api("street_officer")
    with time_machine.travel(at(2026, 11, 16, 15, 30), tick=False):
        for light, case in [("red", red), ("yellow", yellow), ("green", green)]:
            resp = client.get(f"{URL}?light={light}")
            assert ids(resp) == {case.id}, light
            assert resp.json()["results"][0]["light"] == light
        lights = {row["id"]: row["light"] for row in client.get(URL).json()["results"]}
    assert lights[done.id] == ""


def test_ordering_and_pagination(api, world):
    cases = [file_case(world, now=at(2026, 11, 16, 9 + i)) for i in range(5)]
    client = api("street_officer")
    page = client.get(f"{URL}?page_size=2").json()
    assert (page["count"], page["count_capped"]) == (5, False)
    assert [r["id"] for r in page["results"]] == [cases[4].id, cases[3].id]  # newest first by default
    assert page["next"] and page["previous"] is None
    second = client.get(page["next"]).json()
    assert [r["id"] for r in second["results"]] == [cases[2].id, cases[1].id]
    last = client.get(second["next"]).json()
    assert [r["id"] for r in last["results"]] == [cases[0].id] and last["next"] is None
    assert [r["id"] for r in client.get(page["last"]).json()["results"]] == [cases[1].id, cases[0].id]
    oldest = client.get(f"{URL}?ordering=reported_at&page_size=1").json()["results"]
    assert oldest[0]["id"] == cases[0].id
    by_number = client.get(f"{URL}?ordering=-number&page_size=1").json()["results"]
    assert by_number[0]["number"] == "XG-2026-000005"
    assert client.get(f"{URL}?page=2").status_code == 400  # offset pages are gone: follow the links


# --- queries per page -----------------------------------------------------------------------------------

#: Queries for one page — capped count, rows, the page's categories, grids, places (regions) and evidence counts:
#: 6 — plus the persona's own scope lookup where it needs one.
LIST_QUERIES = {
    "street_officer": 8,  # … + the officer's region (for the contact rule) + one access-log insert (unmasked contacts)
    "grid_worker": 6,  # (the staffed grids are a subquery of the same statement)
    "liaison": 7,  # … + the liaison's department (for the grant subquery)
}


def _populate(world, n: int) -> None:
    for i in range(n):
        case = file_case(world, files=[photo(color="blue")] if i % 2 else [], citizen_phone="13812345678")
        if i % 3 == 0:
            case_transition(case_id=case.id, action="accept", actor=world.street_officer)
            case_transition(
                case_id=case.id,
                action="dispatch",
                actor=world.street_officer,
                departments=[world.departments["cgzf"].id],
            )
        elif i % 5 == 1:
            case_transition(case_id=case.id, action="self_handle", actor=world.grid_worker, note="ok")
            case_transition(case_id=case.id, action="verify_ok", actor=world.community_officer)
            case_transition(case_id=case.id, action="rate", actor=world.grid_worker, result="satisfied")


@pytest.mark.parametrize("persona", list(LIST_QUERIES))
@pytest.mark.parametrize("n", [5, 50])
def test_list_runs_a_constant_number_of_queries_whatever_the_rows(world, django_assert_num_queries, persona, n):
    _populate(world, n)
    client = APIClient()
    client.force_authenticate(user=User.objects.get(pk=world.users[persona].pk))  # fresh: nothing cached
    with django_assert_num_queries(LIST_QUERIES[persona]):
        resp = client.get(f"{URL}?page_size=50")
    rows = resp.json()["results"]
    expected = {"street_officer": n, "grid_worker": n, "liaison": len(range(0, n, 3))}[persona]
    assert len(rows) == expected
    if persona == "street_officer":
        assert sum(r["evidence_count"] for r in rows) == n // 2
        assert sum(1 for r in rows if r["rating"] == "satisfied") == len([i for i in range(n) if i % 3 and i % 5 == 1])


def test_list_rows_built_directly_equal_the_generic_serializer(api, world, rf):
    """The list serializer's direct row equals DRF's generic field walk, for every persona's view of the rows."""
    from rest_framework import serializers as drf

    from cases.api.serializers import CaseListSerializer
    from cases.selectors import attach_list_rows, case_list_queryset

    _populate(world, 12)
    for persona in LIST_QUERIES:
        user = User.objects.get(pk=world.users[persona].pk)
        request = rf.get(URL)
        request.user = user
        rows = attach_list_rows(list(case_list_queryset(user).order_by("-id")))
        assert rows
        fast = CaseListSerializer(rows, many=True, context={"request": request}).data
        generic_serializer = CaseListSerializer(context={"request": request})
        generic = [drf.ModelSerializer.to_representation(generic_serializer, c) for c in rows]
        assert [dict(r) for r in fast] == [dict(r) for r in generic], persona
