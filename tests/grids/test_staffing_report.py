"""The staffing report lists grids short of 1+1+N, with what is missing, in one aggregate query."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from governance.choices import Role
from governance.models import User
from grids.choices import StaffRole
from grids.models import Grid, GridAssignment
from grids.selectors import staffing_report
from grids.services import staff_assign, staff_end
from tests.factories.world import rect


def test_fully_staffed_grids_are_left_out_and_gaps_say_what_is_missing(world):
    gaps = staffing_report()
    assert [g.grid for g in gaps] == [world.grid_b]  # grid A has leader + full-time + part-time
    gap = gaps[0]
    assert (gap.leaders, gap.full_time, gap.part_time) == (0, 1, 0)
    assert gap.missing == ["缺网格长", "缺兼职网格员"]


def test_an_ended_seat_no_longer_counts(world):
    seat = GridAssignment.objects.get(grid=world.grid_a, role=StaffRole.PART_TIME_WORKER)
    staff_end(assignment=seat, ended_on=timezone.localdate())
    gap = next(g for g in staffing_report() if g.grid == world.grid_a)
    assert gap.missing == ["缺兼职网格员"] and gap.part_time == 0


def test_a_grid_with_nobody_lacks_all_three_and_inactive_grids_are_ignored(world):
    empty = Grid.objects.create(code="XG-01-09", name="空网格", community=world.community, boundary=rect(98.4, 39.7))
    Grid.objects.create(code="XG-01-10", name="停用网格", community=world.community, active=False)
    gaps = {g.grid.code: g for g in staffing_report()}
    assert set(gaps) == {"XG-01-09", "XG-02-01"}
    assert gaps[empty.code].missing == ["缺网格长", "缺专职网格员", "缺兼职网格员"]


def test_the_report_is_limited_to_a_region(world):
    assert [g.grid for g in staffing_report(region=world.community_b)] == [world.grid_b]
    assert staffing_report(region=world.community) == []
    assert [g.grid for g in staffing_report(region=world.street)] == [world.grid_b]
    assert staffing_report(region=world.other_street) == []


def test_the_report_is_one_query_however_many_grids(world, django_assert_num_queries):
    for i in range(20):
        grid = Grid.objects.create(code=f"XG-03-{i:02d}", name=f"网格{i}", community=world.community)
        user = User.objects.create_user(username=f"w{i}", role=Role.GRID_WORKER)
        staff_assign(grid=grid, user=user, role=StaffRole.FULL_TIME_WORKER)
    with django_assert_num_queries(1):
        gaps = staffing_report()
        assert len(gaps) == 21 and all(g.grid.community.parent.name for g in gaps)


# --- Page and command ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "street_officer", "community_b_officer", "district_officer"])
def test_staff_see_the_report_page_with_the_gaps_in_their_scope(web, persona):
    response = web(persona).get("/grids/staffing/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "XG-02-01" in html and "缺网格长" in html


def test_community_officer_sees_only_their_community(web):
    response = web("community_officer").get("/grids/staffing/")
    assert response.status_code == 200 and "XG-02-01" not in response.content.decode()


@pytest.mark.parametrize("persona", ["grid_worker", "liaison", "outsider"])
def test_non_staff_are_refused_the_report_page(web, persona):
    assert web(persona).get("/grids/staffing/").status_code == 403


def test_a_region_outside_scope_is_404_and_anonymous_is_sent_to_login(web, client, world):
    assert web("other_street_officer").get("/grids/staffing/", {"region": world.street.code}).status_code == 404
    assert web("street_officer").get("/grids/staffing/", {"region": world.community.code}).status_code == 200
    assert client.get("/grids/staffing/").status_code == 302


def test_staffing_report_command_prints_the_gaps(world):
    out = io.StringIO()
    call_command("staffing_report", stdout=out)
    text = out.getvalue()
    assert "XG-02-01" in text and "缺网格长、缺兼职网格员" in text and "未配齐网格：1" in text
    out = io.StringIO()
    call_command("staffing_report", "--region", world.community.code, stdout=out)
    assert "未配齐网格：0" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("staffing_report", "--region", "nope", stdout=io.StringIO())
