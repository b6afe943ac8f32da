"""走访完成率 on the assessment page beside the 三率: the total of the viewer's grids and one row per grid
leader / full-time worker, for the page's period, scoped to the categories the viewer may see (the oracle
table of ``tests.residents.setups.build_completion_table``: March 2025 in grid A is (4 on time, 8 due), one
of them a 社区矫正 plan; grid B has (0, 1))."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grids.choices import StaffRole, StaffSource
from grids.services import staff_assign
from residents.models import House
from residents.services import plan_add, resident_save, visit_record
from tests.residents.setups import build_completion_table, build_hood, id_number

pytestmark = pytest.mark.django_db

MARCH = "/assessment/?from=2025-03-01&to=2025-03-31"


@pytest.fixture
def table(world):
    return build_completion_table(world, build_hood(world))


def card(html: str) -> str:
    m = re.search(r'data-rate="visits">([^<]*)<', html)
    assert m, "no 走访完成率 card"
    return m.group(1)


def worker_row(html: str, username: str) -> dict[str, str]:
    m = re.search(rf'<tr data-worker="{username}">(.*?)</tr>', html, re.S)
    assert m, f"no row for {username}"
    return dict(re.findall(r'data-(?:count|rate)="([\w-]+)">([^<]*)<', m.group(1)))


def test_street_staff_see_the_rate_beside_the_three_rates_and_per_worker(world, web, table):
    html = web("street_officer").get(MARCH).content.decode()
    assert card(html) == "44.4%"  # (4 + 0) / (8 + 1): both communities of the street
    assert "按期走访 4 / 应访 9" in html
    # the grid's full-time worker: grid A's due dates; every visit of the table was recorded by the admin
    assert worker_row(html, "wangge01") == {"due": "8", "on_time": "4", "visit-rate": "50.0%", "visits": "0"}
    outsider = worker_row(html, world.users["outsider"].username)
    assert (outsider["due"], outsider["on_time"]) == ("1", "0")
    # ranked by rate: grid A's workers (50%) before grid B's (0%)
    assert html.index('data-worker="wangge01"') < html.index(f'data-worker="{world.users["outsider"].username}"')


def test_a_hidden_category_leaves_no_trace_in_the_figure(world, web, table):
    """社区矫正 is not in the community centre's audience: its plan (P3) is not counted for them."""
    html = web("community_officer").get(MARCH).content.decode()
    assert card(html) == "57.1%"  # 4 / 7, grid A only
    assert "按期走访 4 / 应访 7" in html
    assert worker_row(html, "wangge01")["due"] == "7"
    assert f'data-worker="{world.users["outsider"].username}"' not in html  # grid B is another community


def test_other_street_and_non_centre_staff(world, web, table):
    html = web("other_street_officer").get(MARCH).content.decode()
    assert card(html) == "—"
    assert "data-worker=" not in html
    assert web("grid_worker").get(MARCH).status_code == 403


def test_english(world, web, table):
    client = web("street_officer")
    client.cookies["django_language"] = "en"
    html = client.get(MARCH, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "visited on time 4 / due 9" in html


def test_the_visit_figures_keep_the_page_query_count_constant(world, web, table):
    client = web("district_officer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(MARCH).status_code == 200
        return len(ctx)

    few = queries()
    admin = world.users["admin"]
    for k, house in enumerate(House.objects.all()):
        person = resident_save(actor=admin, house=house, name=f"更多{k}", id_number=id_number(300 + k))
        plan = plan_add(actor=admin, resident=person, reason="更多", every_days=7, due_on=date(2025, 3, 3))
        visit_record(actor=admin, plan=plan, found="正常", visited_on=date(2025, 3, 5))
    staff_assign(
        grid=world.grid_b,
        user=world.users["grid_leader"],
        role=StaffRole.GRID_LEADER,
        source=StaffSource.COMMUNITY_STAFF,
    )
    assert queries() == few


def test_workers_with_nothing_due_and_no_visit_are_named_not_rows_of_zeros(world, web, table):
    """A street has some fifty grid leaders and full-time workers; most weeks most have nothing due. Their rows of
    zeros made the page very long on a phone (UI round, 2026-12-03): they are now one line of names."""
    html = web("street_officer").get("/assessment/?from=2026-01-05&to=2026-01-11").content.decode()
    assert "data-worker=" not in html  # nothing due in that week, no visit
    idle = re.search(r'<details class="small visit-idle" data-idle="(\d+)">(.*?)</details>', html, re.S)
    assert idle and int(idle.group(1)) >= 2 and str(world.users["grid_worker"]) in idle.group(2)
    march = web("street_officer").get(MARCH).content.decode()
    assert worker_row(march, "wangge01")["due"] == "8"  # a week with visits due still has its rows
