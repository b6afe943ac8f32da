"""The triage dashboard (指挥台): counters, the queue (scope, filters, keyset paging), bulk actions, the grid map,
whistles in flight, access, htmx fragments and a constant number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseDispatch
from cases.services import case_transition
from core.errors import InvalidInput
from escalation.selectors import triage
from escalation.services import bulk
from escalation.services.whistles import summons_report_in, whistle_blow
from tests.cases.helpers import at, file_case, photo

NOW = at(2026, 11, 18, 10, 0)  # a Wednesday


def q(**params) -> QueryDict:
    d = QueryDict(mutable=True)
    for k, v in params.items():
        if isinstance(v, list):
            d.setlist(k, [str(x) for x in v])
        else:
            d[k] = str(v)
    return d


def numbers(page) -> list[str]:
    return [c.number for c in page.rows]


@pytest.fixture
def street(world):
    """One case in each counter's state (street 雄关), plus one case in the other street."""
    w = world
    t = NOW - timedelta(hours=1)
    cases = {}
    cases["new"] = file_case(w, code="0101", title="新上报", now=t)
    cases["accepted"] = file_case(w, code="0202", title="待派遣违建", now=t, address="雄关路 1 号")
    case_transition(case_id=cases["accepted"].id, action="accept", actor=w.street_officer, now=t)
    cases["dispatched"] = file_case(w, code="0204", title="油烟", grid=w.grid_b, actor=w.outsider, now=t)
    case_transition(case_id=cases["dispatched"].id, action="accept", actor=w.street_officer, now=t)
    case_transition(
        case_id=cases["dispatched"].id,
        action="dispatch",
        actor=w.street_officer,
        departments=[w.departments["scjg"].id],
        now=t,
    )
    cases["returned"] = file_case(w, code="0204", title="被退回的油烟", now=t)
    case_transition(case_id=cases["returned"].id, action="accept", actor=w.street_officer, now=t)
    case_transition(
        case_id=cases["returned"].id,
        action="dispatch",
        actor=w.street_officer,
        departments=[w.departments["scjg"].id],
        now=t,
    )
    case_transition(
        case_id=cases["returned"].id,
        action="return_request",
        actor=w.liaison_scjg,
        note="非本部门",
        reason="not_in_remit",
        now=t,
    )
    case_transition(case_id=cases["returned"].id, action="return", actor=w.street_officer, now=t)
    cases["resolved"] = file_case(w, code="0101", title="待核查", now=t)
    case_transition(
        case_id=cases["resolved"].id, action="self_handle", actor=w.grid_worker, note="好了", now=t, files=[photo()]
    )
    # 0103: 5 working hours — filed Monday 09:00, red by Wednesday.
    # 0205: 2 hours (calendar), filed 08:20 → yellow at 10:00.
    cases["red"] = file_case(w, code="0103", title="超时道路不洁", now=at(2026, 11, 16, 9, 0))
    cases["yellow"] = file_case(w, code="0205", title="井盖缺失", now=at(2026, 11, 18, 8, 20))
    cases["supervised"] = file_case(w, code="0101", title="督办件", grid=w.grid_b, actor=w.outsider, now=t)
    case_transition(case_id=cases["supervised"].id, action="supervise", actor=w.street_officer, note="督办", now=t)
    cases["closed"] = file_case(w, code="0101", title="已结案", now=t)
    case_transition(
        case_id=cases["closed"].id, action="self_handle", actor=w.grid_worker, note="好了", now=t, files=[photo()]
    )
    case_transition(case_id=cases["closed"].id, action="verify_ok", actor=w.community_officer, now=t)
    from cases.services import case_file

    cases["elsewhere"] = case_file(
        actor=None,
        category=w.categories["0101"],
        title="别处",
        description="别处的案件",
        address="水果湖",
        community=_other_community(w),
        channel="citizen_web",
        now=t,
    )
    return cases


def _other_community(world):
    from governance.models import Region

    return Region.objects.create(name="湖滨社区", code="620201002001", level="community", parent=world.other_street)


# --- counters -------------------------------------------------------------------------------------------


def test_counters_for_the_street_in_one_query(world, street):
    user = world.street_officer
    user.region  # noqa: B018 - the user's region is loaded with the session in a request
    with CaptureQueriesContext(connection) as ctx:
        values = triage.counters(user, now=NOW)
    assert len(ctx) == 1
    assert "COUNT" in ctx.captured_queries[0]["sql"].upper()
    assert values == {
        "new": 4,  # new, red, yellow, supervised (all still reported)
        "awaiting_dispatch": 2,  # accepted, returned
        "in_progress": 1,
        "yellow": 1,
        "red": 1,
        "supervised": 1,
        "returned": 1,
        "awaiting_verification": 1,
    }


def test_community_officer_counts_only_the_community(world, street):
    values = triage.counters(world.community_officer, now=NOW)
    # community A holds new, accepted, returned, resolved, red, yellow (grid A); not grid B's or the other street's
    assert values["new"] == 3 and values["awaiting_dispatch"] == 2 and values["in_progress"] == 0
    assert values["supervised"] == 0
    assert triage.counters(world.community_b_officer, now=NOW)["supervised"] == 1
    assert triage.counters(world.other_street_officer, now=NOW)["new"] == 1


def test_district_counts_both_streets(world, street):
    assert triage.counters(world.district_officer, now=NOW)["new"] == 5


#: Each counter's rule in Python, case by case — the oracle of the grouped SQL count (written apart from
#: ``escalation.filters.COUNTERS``; the light is ``Case.light``, the Python form of the light rule).
COUNTER_ORACLE = {
    "new": lambda c, now: c.status == "reported",
    "awaiting_dispatch": lambda c, now: c.status == "accepted",
    "in_progress": lambda c, now: c.status in ("dispatched", "in_progress"),
    "yellow": lambda c, now: c.light(now) == "yellow",
    "red": lambda c, now: c.light(now) == "red",
    "supervised": lambda c, now: c.supervised_at is not None,
    "returned": lambda c, now: c.status == "accepted" and c.return_count > 0,
    "awaiting_verification": lambda c, now: c.status == "resolved",
}


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("persona", ["street_officer", "community_officer", "community_b_officer", "district_officer"])
def test_the_counters_and_the_map_count_what_each_case_is(world, street, persona, seed):
    """``open_counts`` (one grouped query: per grid and status, one count per flag) against the oracle of every
    open case in scope classified in Python — statuses, lights, supervision and returns scattered at random."""
    import random

    from cases.choices import OPEN_STATUSES
    from cases.models import Case
    from cases.selectors import case_queryset_for

    rng = random.Random(seed)
    for i in range(24):  # more cases, in both of the street's grids, for every rule to meet cases on both sides
        in_b = {"grid": world.grid_b, "actor": world.outsider} if i % 3 == 0 else {}
        file_case(world, title=f"散布 {i}", now=NOW - timedelta(days=1), **in_b)
    for case in Case.objects.all():
        due = NOW + timedelta(hours=rng.choice([-5, -1, 1, 5])) if rng.random() > 0.15 else None
        Case.objects.filter(pk=case.pk).update(
            status=rng.choice(["reported", "accepted", "dispatched", "in_progress", "on_hold", "resolved", "closed"]),
            due_at=due,
            yellow_at=due - timedelta(hours=rng.choice([2, 4])) if due and rng.random() > 0.2 else None,
            supervised_at=NOW if rng.random() < 0.3 else None,
            return_count=rng.choice([0, 0, 1, 2]),
        )
    user = getattr(world, persona)
    user.region  # noqa: B018 - loaded with the session in a request
    with CaptureQueriesContext(connection) as ctx:
        counts = triage.open_counts(user, now=NOW)
    assert len(ctx) == 1
    totals, by_grid = counts.counters, counts.by_grid
    open_cases = [c for c in case_queryset_for(user) if c.status in {s.value for s in OPEN_STATUSES}]
    assert totals == {key: sum(rule(c, NOW) for c in open_cases) for key, rule in COUNTER_ORACLE.items()}
    assert counts.open == len(open_cases)
    assert triage.counters(user, now=NOW) == totals
    grids = {c.grid_id for c in open_cases} - {None}
    assert by_grid == {
        g: {
            "open": sum(c.grid_id == g for c in open_cases),
            "overdue": sum(c.grid_id == g and c.light(NOW) == "red" for c in open_cases),
        }
        for g in grids
    }
    if persona == "street_officer":  # each rule met by some open cases and not by others: the check can fail
        assert all(0 < value < len(open_cases) for value in totals.values()), totals
    # Each counter's queue lists what it counts, and the light filter what each case's light is (among all cases
    # in scope, closed ones too: a light keeps to the clock's statuses by itself).
    # … and the full page's queue, which takes its total from these counts, shows the total its own count gives.
    for key, rule in COUNTER_ORACLE.items():
        _fs, page = triage.queue(user, q(view=key), now=NOW, page_size=200)
        assert sorted(c.pk for c in page.rows) == sorted(c.pk for c in open_cases if rule(c, NOW)), key
        _fs, counted = triage.queue(user, q(view=key), now=NOW, page_size=200, counted=counts.view_totals())
        assert counted.total == page.total == len(page.rows), key
    for params in ({}, {"view": "open"}, {"view": "open", "sort": "due_at"}):
        with CaptureQueriesContext(connection) as ctx:
            _fs, counted = triage.queue(user, q(**params), now=NOW, page_size=200, counted=counts.view_totals())
        assert counted.total == len(open_cases) == len(counted.rows), params
        assert not any("COUNT(" in x["sql"] for x in ctx.captured_queries), params
    for light in ("red", "yellow", "green"):
        _fs, page = triage.queue(user, q(light=light), now=NOW, page_size=200)
        in_scope = case_queryset_for(user)
        assert sorted(c.pk for c in page.rows) == sorted(c.pk for c in in_scope if c.light(NOW) == light), light


def test_a_queue_filtered_beyond_its_view_counts_its_own_total(world, street):
    """The counters' totals stand in for the queue's count only when nothing but the view (and the page) is
    chosen: a grid, a status, a text or a bad value each count again."""
    wrong = {"open": 999_999, "red": 999_999, "new": 999_999}
    officer = world.street_officer
    _fs, plain = triage.queue(officer, q(), now=NOW)
    _fs, trusted = triage.queue(officer, q(sort="due_at"), now=NOW, counted=wrong)
    assert (trusted.total, trusted.total_capped) == (triage.COUNT_CAP, True)  # taken as given, capped as counted
    for params in ({"grid": world.grid_a.pk}, {"status": "reported"}, {"q": "超时"}, {"view": "new", "level": "grid"}):
        _fs, page = triage.queue(officer, q(**params), now=NOW, counted=wrong)
        _fs, counted_again = triage.queue(officer, q(**params), now=NOW)
        assert page.total == counted_again.total < triage.COUNT_CAP, params
    _fs, bad = triage.queue(officer, q(view="nonsense"), now=NOW, counted=wrong)
    assert bad.total == plain.total


# --- the queue --------------------------------------------------------------------------------------------


def test_queue_shows_open_cases_in_scope_only(world, street):
    _fs, page = triage.queue(world.street_officer, q(), now=NOW)
    got = set(numbers(page))
    assert street["closed"].number not in got, "closed cases are not in the queue by default"
    assert street["elsewhere"].number not in got, "the other street's case is out of scope"
    assert len(got) == 8
    _fs, page = triage.queue(world.community_b_officer, q(), now=NOW)
    assert set(numbers(page)) == {street["dispatched"].number, street["supervised"].number}
    _fs, page = triage.queue(world.street_officer, q(view="all"), now=NOW)
    assert street["closed"].number in numbers(page)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"view": "new"}, {"new", "red", "yellow", "supervised"}),
        ({"view": "awaiting_dispatch"}, {"accepted", "returned"}),
        ({"view": "in_progress"}, {"dispatched"}),
        ({"view": "returned"}, {"returned"}),
        ({"view": "supervised"}, {"supervised"}),
        ({"view": "awaiting_verification"}, {"resolved"}),
        ({"light": "red"}, {"red"}),
        ({"view": "yellow"}, {"yellow"}),
        ({"status": "accepted"}, {"accepted", "returned"}),
        ({"level": "street"}, {"accepted", "dispatched", "returned", "yellow"}),
        ({"grade": "B"}, {"accepted", "dispatched", "returned", "yellow"}),
        ({"category": "0204"}, {"dispatched", "returned"}),
        ({"category": "01"}, {"new", "resolved", "red", "supervised"}),
        ({"channel": "citizen_web"}, set()),
        ({"q": "油烟"}, {"dispatched", "returned"}),
        ({"q": "雄关路"}, {"accepted"}),
        (
            {"reported_at_after": "2026-11-17", "reported_at_before": "2026-11-18"},
            {"new", "accepted", "dispatched", "returned", "resolved", "yellow", "supervised"},
        ),
        ({"reported_at_before": "2026-11-16"}, {"red"}),
    ],
)
def test_queue_filters(world, street, params, expected):
    _fs, page = triage.queue(world.street_officer, q(**params), now=NOW)
    assert set(numbers(page)) == {street[k].number for k in expected}


def test_queue_filters_by_grid_community_and_active_department(world, street):
    _fs, page = triage.queue(world.street_officer, q(grid=world.grid_b.id), now=NOW)
    assert set(numbers(page)) == {street["dispatched"].number, street["supervised"].number}
    _fs, page = triage.queue(world.street_officer, q(community=world.community_b.id), now=NOW)
    assert set(numbers(page)) == {street["dispatched"].number, street["supervised"].number}
    _fs, page = triage.queue(world.street_officer, q(department=world.departments["scjg"].id), now=NOW)
    assert numbers(page) == [street["dispatched"].number], "a returned dispatch is no longer active"


def test_queue_by_text_matches_the_number(world, street):
    _fs, page = triage.queue(world.street_officer, q(q=street["red"].number), now=NOW)
    assert numbers(page) == [street["red"].number]


@time_machine.travel(NOW, tick=False)
def test_empty_fields_of_the_filter_form_mean_any(world, street, web):
    html = (
        web("street_officer")
        .get(
            "/dashboard/?view=awaiting_dispatch&q=&status=&level=&grid=&light=&reported_at_after=",
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="queue",
        )
        .content.decode()
    )
    assert "筛选条件无效" not in html
    assert street["accepted"].number in html and street["returned"].number in html
    assert 'hx-get="/dashboard/?view=awaiting_dispatch"' in html, "links carry only what was chosen"


def test_bad_filter_values_are_reported_and_ignored(world, street):
    _fs, page = triage.queue(world.street_officer, q(status="bogus"), now=NOW)
    assert "status" in page.errors
    with pytest.raises(InvalidInput):
        triage.queue(world.street_officer, q(after="garbage"), now=NOW)
    with pytest.raises(InvalidInput):
        triage.queue(world.street_officer, q(page=triage.MAX_OFFSET_PAGE + 1), now=NOW)


def _walk(user, params: dict, page_size: int) -> list[str]:
    seen, cursor = [], None
    for _i in range(50):
        extra = {"after": cursor} if cursor else {}
        _fs, page = triage.queue(user, q(**params, **extra), now=NOW, page_size=page_size)
        seen += numbers(page)
        cursor = page.next_cursor
        if not cursor:
            return seen
    raise AssertionError("paging does not end")


@pytest.mark.parametrize("sort", ["-reported_at", "reported_at", "due_at", "-due_at"])
def test_keyset_paging_visits_every_row_once_in_order(world, street, sort):
    ids = Case.objects.filter(street=world.street).values_list("pk", flat=True)
    Case.objects.filter(pk__in=list(ids)[:3]).update(reported_at=NOW - timedelta(days=3))  # ties on the sort value
    Case.objects.filter(pk=street["new"].pk).update(due_at=None)  # a NULL deadline sorts last ascending
    _fs, whole = triage.queue(world.street_officer, q(view="all", sort=sort), now=NOW, page_size=100)
    walked = _walk(world.street_officer, {"view": "all", "sort": sort}, page_size=3)
    assert walked == numbers(whole)
    assert len(walked) == len(set(walked)) == 9


def test_previous_page_returns_to_the_same_rows(world, street):
    _fs, p1 = triage.queue(world.street_officer, q(), now=NOW, page_size=3)
    _fs, p2 = triage.queue(world.street_officer, q(after=p1.next_cursor, pn=2), now=NOW, page_size=3)
    _fs, back = triage.queue(world.street_officer, q(before=p2.prev_cursor, pn=1), now=NOW, page_size=3)
    assert numbers(back) == numbers(p1)
    assert back.prev_cursor is None and p2.page_number == 2
    _fs, by_offset = triage.queue(world.street_officer, q(page=2), now=NOW, page_size=3)
    assert numbers(by_offset) == numbers(p2)


# --- bulk actions -----------------------------------------------------------------------------------------


def test_bulk_accept_reports_successes_and_refusals_each_in_its_own_transaction(world, street):
    a, b = file_case(world, code="0202", now=NOW), file_case(world, code="0202", now=NOW)
    case_transition(case_id=b.id, action="accept", actor=world.street_officer_2, now=NOW)
    result = bulk.bulk_apply(
        actor=world.street_officer, case_ids=[a.id, b.id, street["elsewhere"].id], action="accept", now=NOW
    )
    by_id = {o.case_id: o for o in result.outcomes}
    assert by_id[a.id].ok
    assert not by_id[b.id].ok and "冯街道" in by_id[b.id].message and "受理" in by_id[b.id].message
    assert not by_id[street["elsewhere"].id].ok and "辖区" in by_id[street["elsewhere"].id].message
    assert by_id[street["elsewhere"].id].number == f"#{street['elsewhere'].id}", (
        "the number of an unseen case leaks not"
    )
    a.refresh_from_db()
    assert a.status == "accepted" and a.events.filter(action="accept").count() == 1
    assert b.events.filter(action="accept").count() == 1


def test_bulk_dispatch_to_departments_grid_and_community(world):
    cases = [file_case(world, code="0202", now=NOW) for _ in range(3)]
    for c in cases:
        case_transition(case_id=c.id, action="accept", actor=world.street_officer, now=NOW)
    result = bulk.bulk_apply(
        actor=world.street_officer,
        case_ids=[cases[0].id],
        action="dispatch",
        target="departments",
        department_ids=[world.departments["cgzf"].id, world.departments["zj"].id],
        now=NOW,
    )
    assert [o.ok for o in result.outcomes] == [True]
    assert set(cases[0].dispatches.values_list("department__code", flat=True)) == {"cgzf", "zj"}
    bulk.bulk_apply(actor=world.street_officer, case_ids=[cases[1].id], action="dispatch", target="grid", now=NOW)
    bulk.bulk_apply(actor=world.street_officer, case_ids=[cases[2].id], action="dispatch", target="community", now=NOW)
    assert cases[1].dispatches.get().grid_id == world.grid_a.id
    assert cases[2].dispatches.get().region_id == world.community.id
    with pytest.raises(InvalidInput):
        bulk.bulk_apply(actor=world.street_officer, case_ids=[cases[0].id], action="dispatch", target="departments")
    with pytest.raises(InvalidInput):
        bulk.bulk_apply(actor=world.street_officer, case_ids=[], action="accept")
    with pytest.raises(InvalidInput):
        bulk.bulk_apply(actor=world.street_officer, case_ids=[cases[0].id], action="close")


def test_bulk_post_with_htmx_returns_the_queue_with_the_outcomes(world, street, web):
    client = web("street_officer")
    new = street["new"]
    response = client.post(
        "/dashboard/bulk/",
        {"ids": [new.id, street["accepted"].id], "action": "accept", "back": "view=new"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="queue"'), "a fragment, not a page"
    assert "成功 1 件" in html and "未处理 1 件" in html
    assert re.search(rf'data-case="{street["accepted"].id}">.*?✗', html, re.S)
    new.refresh_from_db()
    assert new.status == "accepted"


@pytest.mark.parametrize(
    "body,message",
    [
        ({"action": "accept"}, "请先勾选要处理的案件"),
        ({"action": "dispatch", "target": "departments", "ids": ["accepted"]}, None),  # no department ticked
    ],
)
def test_a_refused_bulk_post_with_htmx_shows_why_in_the_queue_it_swaps_in(world, street, web, body, message):
    """htmx swaps no 4xx answer: answered 400, the refusal's line never showed and the officer saw nothing happen."""
    body = {**body, "back": ""}
    if "ids" in body:
        body["ids"] = [street[k].id for k in body["ids"]]
    response = web("street_officer").post("/dashboard/bulk/", body, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    alert = re.search(r'<div class="message message--error" role="alert">([^<]+)</div>', html)
    assert alert, html[:500]
    if message:
        assert message in alert.group(1)
    street["accepted"].refresh_from_db()
    assert street["accepted"].status == "accepted"


def test_bulk_post_without_htmx_redirects_with_messages(world, street, web):
    client = web("street_officer")
    response = client.post(
        "/dashboard/bulk/",
        {
            "ids": [street["accepted"].id],
            "action": "dispatch",
            "target": "departments",
            "departments": [world.departments["cgzf"].id],
            "back": "",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/dashboard/?"
    assert "批量派遣成功 1 件" in response.content.decode()
    response = client.post("/dashboard/bulk/", {"action": "accept", "back": ""}, follow=True)
    assert "请先勾选要处理的案件" in response.content.decode()


# --- the page, fragments and access ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["grid_worker", "liaison", "outsider"])
def test_dashboard_is_for_centre_staff(world, web, persona):
    client = web(persona)
    for url in [
        "/dashboard/",
        "/dashboard/counters/",
        "/dashboard/map/",
        "/dashboard/whistles/",
        "/dashboard/export.csv",
        "/dashboard/charts/daily.svg",
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post("/dashboard/bulk/", {"ids": [1], "action": "accept"}).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@time_machine.travel(NOW, tick=False)
def test_page_shows_counters_linked_to_queue_views(world, street, web):
    html = web("street_officer").get("/dashboard/").content.decode()
    assert re.search(r'href="/dashboard/\?view=red#queue" data-counter="red">\s*<span class="counter__value">1<', html)
    assert 'hx-trigger="every 15s"' in html
    assert street["red"].number in html and street["elsewhere"].number not in html


@time_machine.travel(NOW, tick=False)
def test_htmx_queue_request_gets_the_fragment_only(world, street, web):
    response = web("street_officer").get("/dashboard/?view=red", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="queue"') and "<html" not in html
    assert street["red"].number in html and street["new"].number not in html
    counters = web("street_officer").get("/dashboard/counters/?view=red").content.decode()
    assert counters.lstrip().startswith('<section id="counters"') and 'aria-current="true"' in counters


def test_map_draws_every_grid_in_scope_coloured_by_its_cases(world, street):
    cells = {c.id: c for c in triage.grid_map(world.street_officer, now=NOW)}
    assert set(cells) == {world.grid_a.id, world.grid_b.id}
    assert cells[world.grid_a.id].overdue == 1  # the red case
    from escalation.grid_map import grid_map_svg

    svg = str(grid_map_svg(list(cells.values()), href=lambda c: f"/dashboard/?grid={c.id}"))
    for grid in (world.grid_a, world.grid_b):
        assert f'href="/dashboard/?grid={grid.id}"' in svg
        match = re.search(rf'data-grid="{grid.id}"><path class="map-cell" d="([^"]+)"', svg)
        assert match, f"no polygon for {grid.code}"
        points = re.findall(r"[\d.]+,[\d.]+", match.group(1))
        assert len(points) == 5  # the rectangle's ring, closed
        assert grid.name in svg
    # the community officer's map holds only grid A
    assert [c.id for c in triage.grid_map(world.community_officer, now=NOW)] == [world.grid_a.id]


def test_the_maps_boundaries_are_what_the_grids_store_and_follow_an_edit(world, street):
    """The map reads each boundary as text and decodes it through a per-process cache (``boundary_from_text``):
    what it draws must be the stored GeoJSON, and a changed boundary must be drawn changed, not the cached one."""
    from grids.models import Grid

    stored = {g.id: g.boundary for g in Grid.objects.filter(pk__in=[world.grid_a.id, world.grid_b.id])}
    assert {c.id: c.boundary for c in triage.grid_map(world.street_officer, now=NOW)} == stored
    moved = {"type": "Polygon", "coordinates": [[[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 2.0], [1.0, 1.0]]]}
    grid = Grid.objects.get(pk=world.grid_a.id)
    grid.boundary = moved
    grid.save()
    officer = type(world.street_officer).objects.get(pk=world.street_officer.pk)  # a new request's user
    cells = {c.id: c for c in triage.grid_map(officer, now=NOW)}
    assert cells[world.grid_a.id].boundary == moved
    assert cells[world.grid_b.id].boundary == stored[world.grid_b.id]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_queue_rows_label_status_level_and_holder_as_the_models_display_does(world, street, language):
    """The rows' labels come from the choices read once per page; they must be what ``get_FOO_display`` says, in
    the request's language."""
    from django.utils import translation

    from escalation.views.dashboard import _present_rows

    with translation.override(language):
        _filters, page = triage.queue(world.street_officer, QueryDict("view=all"), now=NOW)
        assert page.rows
        _present_rows(page.rows, NOW)
        for c in page.rows:
            assert c.ui_status_label == c.get_status_display()
            assert c.get_level_display() in c.ui_level_text
            if not c.ui_departments:
                assert c.ui_handler == c.get_handler_kind_display()
            active = CaseDispatch.objects.filter(case=c, active=True, department__isnull=False).order_by("id")
            assert c.ui_departments == [d.department.name for d in active]
        assert any(c.ui_departments for c in page.rows)


def test_a_queue_rows_place_line_joins_only_the_parts_it_has(world, street, web):
    """A 12345 order whose address places it nowhere (no grid, no community: only the street) must not read
    "违法搭建 · B ·  · 在街道"; a case in a grid names it, one known only to its community names that."""
    from cases.services import case_file

    nowhere = case_file(
        actor=world.street_officer,
        category=world.categories["0202"],
        title="无定位的12345工单",
        description="工单未附地址定位",
        address="工单地址无法定位",
        street=world.street,
        channel="hotline",
        now=NOW - timedelta(hours=1),
    )
    assert (nowhere.grid_id, nowhere.community_id) == (None, None)
    in_community = case_file(
        actor=world.street_officer,
        category=world.categories["0101"],
        title="只知社区",
        description="只知道在哪个社区",
        address="雄关社区某处",
        community=world.grid_a.community,
        channel="hotline",
        now=NOW - timedelta(hours=1),
    )
    with time_machine.travel(NOW, tick=False):
        html = web("street_officer").get("/dashboard/?view=all").content.decode()

    def meta(case) -> str:
        row = html.split(f'data-case="{case.pk}"', 1)[1].split("</tr>", 1)[0]
        text = re.search(r'<span class="muted small cell-meta">(.*?)</span></td>', row, re.S).group(1)
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()

    def expected(case, *place) -> str:
        return " · ".join([case.category.name, case.grade, *place, f"在{case.get_level_display()}"])

    assert meta(nowhere) == expected(nowhere) == f"{world.categories['0202'].name} · {nowhere.grade} · 在街道"
    assert meta(in_community) == expected(in_community, world.grid_a.community.name)
    assert meta(street["new"]) == expected(street["new"], world.grid_a.name)


def test_map_fill_reflects_overdue_then_open_then_nothing():
    from escalation.grid_map import cell_fill

    assert cell_fill(0, 0, 0, 0) == "#e3f3e7"
    assert cell_fill(3, 0, 3, 0) != cell_fill(3, 1, 3, 1)
    assert cell_fill(1, 1, 5, 1) == cell_fill(9, 1, 9, 1), "any overdue grid at the maximum is the darkest red"


def test_map_label_layout_names_a_grid_only_at_a_readable_size_inside_its_tile():
    from escalation.grid_map import MIN_LABEL, label_layout, text_em

    # a roomy tile: the name on one line, the counts at full size
    assert label_layout("雄关一网格", "3/1", 120, 80) == (["雄关一网格"], 12.0, 13.0)
    # a narrow tile: the same name on two lines (never narrower than MIN_LABEL)
    lines, name_size, count_size = label_layout("雄关一网格", "3/1", 48, 52)
    assert lines == ["雄关一", "网格"] and name_size >= MIN_LABEL and count_size >= MIN_LABEL
    assert max(text_em(line) for line in lines) * name_size <= 48
    # a dedicated grid's long name does not fit that tile at a readable size: it is named without "专属网格"
    assert label_layout("嘉峪关市第三中学专属网格", "0/0", 48, 52) == (["嘉峪关市", "第三中学"], 10.5, 13.0)
    # … and when even that is too wide, the counts only
    assert label_layout("长城社区宗教活动场所专属网格", "0/0", 48, 52) == ([], 0.0, 13.0)
    # a grid saved without a name: its counts alone (no division by an empty name's width)
    assert label_layout("", "2/1", 48, 52) == ([], 0.0, 13.0)
    assert label_layout("  ", "2/1", 48, 52) == ([], 0.0, 13.0)
    # a sliver: not even the counts — nothing is drawn (the <title> names it)
    assert label_layout("雄关一网格", "13/0", 20, 52) is None
    assert label_layout("雄关一网格", "1/0", 60, 9) is None
    # Latin text is measured too: an English-ish name that is too wide is left out
    assert label_layout("Xiongguan Market Dedicated Grid", "0/0", 60, 60)[0] == []


def test_the_street_maps_labels_are_readable_and_inside_their_tiles():
    """The demo street's shape: 4 rows of 6–7 tiles (about 45 × 50 units each), the last tile of each row a
    dedicated grid with a long name. Every label drawn is at least MIN_LABEL and no wider than its tile; the
    ordinary grids are named, the dedicated ones without "专属网格" where that fits, the rest left to the <title>,
    which names every grid."""
    from types import SimpleNamespace

    from escalation.grid_map import MIN_LABEL, grid_map_svg, text_em

    long_names = [
        "长城社区宗教活动场所专属网格",
        "示范工业园企业专属网格",
        "雄关农贸市场专属网格",
        "嘉峪关市第三中学专属网格",
    ]
    cells = []
    for row, community in enumerate(["雄关", "关城", "明珠", "长城"]):
        for col in range(7):
            x, y = 98.0 + col * 0.006, 39.8 + row * 0.005
            name = long_names[row] if col == 6 else f"{community}{'一二三四五六'[col]}网格"
            square = [[x, y], [x + 0.006, y], [x + 0.006, y + 0.005], [x, y + 0.005], [x, y]]
            cells.append(
                SimpleNamespace(
                    id=len(cells),
                    code=f"G{len(cells)}",
                    name=name,
                    community=community + "社区",
                    boundary={"type": "Polygon", "coordinates": [square]},
                    open=len(cells) % 14,
                    overdue=col % 2,
                )
            )
    svg = str(grid_map_svg(cells, href=lambda c: f"/dashboard/?grid={c.id}"))
    tiles = {}
    for grid_id, d in re.findall(r'data-grid="(\d+)"><path class="map-cell[^"]*" d="([^"]+)"', svg):
        pts = [tuple(map(float, p.split(","))) for p in re.findall(r"[\d.]+,[\d.]+", d)]
        tiles[int(grid_id)] = (
            min(p[0] for p in pts),
            max(p[0] for p in pts),
            min(p[1] for p in pts),
            max(p[1] for p in pts),
        )
    assert len(tiles) == len(cells)

    named = set()
    texts = re.findall(
        r'<text x="([\d.]+)" y="([\d.]+)" font-size="([\d.]+)"[^>]*class="(map-\w+)"[^>]*>(.*?)</text>', svg
    )
    assert texts
    for x, y, size, kind, body in texts:
        x, y, size = float(x), float(y), float(size)
        assert size >= MIN_LABEL, (body, size)
        x0, x1, y0, y1 = next(t for t in tiles.values() if t[0] <= x <= t[1] and t[2] <= y <= t[3])
        spans = re.findall(r'<tspan x="[\d.]+" y="([\d.]+)">(.*?)</tspan>', body) or [(y, body)]
        lines = [line for _y, line in spans]
        assert max(text_em(line) for line in lines) * size <= x1 - x0, (body, size, x1 - x0)
        assert y0 <= float(spans[0][0]) - 0.8 * size and float(spans[-1][0]) <= y1, (body, size, y0, y1)
        if kind == "map-name":
            named.add("".join(lines))
    # the dedicated grids by their short names where those fit; the longest by its <title> only
    assert named == {c.name for c in cells if c.name not in long_names} | {
        "示范工业园企业",
        "雄关农贸市场",
        "嘉峪关市第三中学",
    }
    assert len(re.findall(r'class="map-count"', svg)) == len(cells)
    for cell in cells:
        assert f"<title>{cell.name}（{cell.community} · {cell.code}）" in svg


def test_whistles_in_flight_list_waiting_summonses_with_time_left(world, web):
    case = file_case(world, code="0202", now=NOW)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=NOW)
    whistle = whistle_blow(
        case_id=case.id,
        actor=world.street_officer,
        reason="违建",
        report_in_minutes=30,
        now=NOW,
        department_ids=[world.departments["cgzf"].id, world.departments["zj"].id],
    )
    cg = whistle.summonses.get(department__code="cgzf")
    summons_report_in(summons_id=cg.id, actor=world.liaison, now=NOW + timedelta(minutes=5))
    rows, total = triage.whistles_in_flight(world.street_officer, now=NOW + timedelta(minutes=10))
    assert total == 2
    assert [r.summons.department.code for r in rows] == ["zj", "cgzf"], "the report-in clock is the most urgent"
    assert rows[0].clock.kind == "report_in" and rows[0].clock.seconds_left == 20 * 60
    assert rows[1].clock.kind == "respond"
    assert triage.whistles_in_flight(world.other_street_officer, now=NOW)[1] == 0
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        html = web("street_officer").get("/dashboard/whistles/").content.decode()
    assert "剩 20 分钟" in html and "住建" in html and "城管执法" in html


def test_countdown_text():
    from escalation.views.dashboard import countdown_text

    # the one countdown wording of every page (core.durations)
    assert countdown_text(65) == "剩 1 分钟"
    assert countdown_text(-3725) == "超时 1 小时 2 分钟"
    assert countdown_text(27 * 3600) == "剩 1 天 3 小时"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_pages_tickers_count_down_in_the_pages_language(world, street, web, language):
    """The dashboard's tickers (static/js/countdown.js) rewrite the server's countdown every minute from the patterns
    on their script tag: those are the server's own wording, in the page's language. Written as template literals
    they never translated, and an English page's "1 min left" turned into "剩 1 分钟" a minute after loading."""
    from django.utils import translation

    from core.durations import countdown_text, countdown_words

    client = web("street_officer")
    client.cookies["django_language"] = language
    html = client.get("/dashboard/").content.decode()
    tag = re.search(r'<script src="[^"]*countdown\.js"[^>]*>', html)
    assert tag is not None
    patterns = dict(re.findall(r'data-(\w+)="([^"]*)"', tag.group(0)))
    with translation.override(language):
        assert patterns == countdown_words()
        # what the ticker writes for 27 hours left is what the server wrote
        span = patterns["dh"].replace("%(d)s", "1").replace("%(h)s", "3")
        assert patterns["left"].replace("%(span)s", span) == countdown_text(27 * 3600)
    if language == "en":
        assert not re.search(r"[\u4e00-\u9fff]", "".join(patterns.values()))


def test_charts_are_svg_with_one_bar_per_day(world, street, web):
    client = web("street_officer")
    response = client.get("/dashboard/charts/daily.svg?from=2026-11-16&to=2026-11-22")
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.startswith("<svg") and svg.count("<rect") >= 1 + 3  # background + bars
    assert "11-17" in svg
    weekly = client.get("/dashboard/charts/weekly.svg?from=2026-11-16&to=2026-11-22&scheme=beijing").content.decode()
    assert "<polyline" in weekly or "<circle" in weekly
    assert client.get("/dashboard/charts/daily.svg?from=bad").status_code == 400


def test_pages_run_a_constant_number_of_queries(world, web):
    client = web("district_officer")

    def count(url: str, **headers) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, **headers).status_code == 200
        return len(ctx)

    urls = [
        "/dashboard/",
        "/dashboard/?view=all&sort=due_at",
        "/dashboard/counters/",
        "/dashboard/map/",
        "/dashboard/whistles/",
    ]
    file_case(world, code="0101", now=NOW)
    few = [count(u) for u in urls] + [count("/dashboard/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue")]
    for i in range(25):
        c = file_case(
            world,
            code=["0101", "0204"][i % 2],
            now=NOW - timedelta(minutes=i),
            grid=[world.grid_a, world.grid_b][i % 2],
            actor=[world.grid_worker, world.outsider][i % 2],
        )
        if i % 2:
            case_transition(case_id=c.id, action="accept", actor=world.street_officer, now=NOW)
            case_transition(
                case_id=c.id,
                action="dispatch",
                actor=world.street_officer,
                now=NOW,
                departments=[world.departments["scjg"].id, world.departments["sthj"].id],
            )
    many = [count(u) for u in urls] + [count("/dashboard/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue")]
    assert few == many
    assert many[0] <= 16


def test_a_light_view_keeps_to_the_clock_statuses():
    from escalation.filters import View

    with pytest.raises(ValueError, match="clock's statuses"):
        View("late_on_hold", "x", "red", ("on_hold",), "red")
    assert View("late", "x", "red", ("accepted",), "red").flag == "red"


def test_the_queue_counts_its_cases_in_english_plurals(world, street, web):
    """The queue's total read '25 case in all' in English (the singular of a plural entry): it counts now."""
    client = web("street_officer")
    client.cookies["django_language"] = "en"
    html = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    total = re.search(r'data-total="(\d+)">([^<]*)<', html)
    assert total is not None and int(total.group(1)) > 1
    assert total.group(2) == f"{total.group(1)} cases in all"
