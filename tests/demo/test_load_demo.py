"""`load_demo` builds the demo street of DEMO.md, and running it again changes nothing."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client
from django.utils import timezone
from shapely.geometry import shape

from cases.models import Case
from demo import escalation as escalation_demo
from demo.governance import CATALOGUE, DEMO_ACCOUNTS, DEPARTMENTS, demo_password
from demo.management.commands.load_demo import model_counts
from governance.choices import DayKind, Level, RegionLevel, Role, top_level
from governance.clock import add_working_time
from governance.models import CalendarDay, Category, Department, JurisdictionRule, Region, User
from governance.selectors import calendar_spec, clear_calendar_cache
from grids.choices import GridKind, StaffRole
from grids.models import Grid, GridAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module inside a transaction that is rolled back at the end.

    Each test still runs in its own savepoint (pytest-django's ``db``), so what a test writes is
    undone; loading the demo costs seconds, and every test here only reads it or loads it again.
    """
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = io.StringIO()
            call_command("load_demo", stdout=out)
            clear_calendar_cache()
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            clear_calendar_cache()


def test_loading_the_demo_twice_changes_nothing(demo):
    first = model_counts()
    out = io.StringIO()

    call_command("load_demo", stdout=out)

    assert model_counts() == first
    assert "0 added by this run" in out.getvalue()


def test_loading_the_demo_again_after_beat_moved_its_live_objects_adds_nothing(demo):
    """Between two ``make run``s beat sweeps: it escalates the demo's waiting whistle, climbs its ladder case to the
    district, turns visit plans red, returns overdue wishes… The next ``load_demo`` still adds nothing: the demo
    finds its objects by stable keys (titles, codes, external ids), never by the state the sweeps change.
    """
    from config.celery_app import app

    app.loader.import_default_modules()
    tasks = [app.tasks[entry["task"]] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    start = timezone.now()
    for minutes in (5, 10, 20, 40, 60 * 24 * 2):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            for task in tasks:
                task()
    assert Case.objects.get(title=escalation_demo.LADDER_TITLE).supervised_at is not None
    swept = model_counts()
    with time_machine.travel(start + timedelta(days=2, minutes=5), tick=False):
        out = io.StringIO()
        call_command("load_demo", stdout=out)

    after = model_counts()
    assert {k: (swept[k], after[k]) for k in after if after[k] != swept[k]} == {}
    assert "0 added by this run" in out.getvalue()


def test_demo_prints_counts_and_one_login_per_role(demo):
    assert "governance.Region" in demo
    assert f"password: {demo_password()}" in demo
    for username, _what in DEMO_ACCOUNTS:
        assert username in demo


def test_every_demo_account_can_log_in(demo):
    for username, _what in DEMO_ACCOUNTS:
        assert Client().login(username=username, password=demo_password()), username


def test_demo_accounts_have_their_roles_and_scopes(demo):
    users = {u.username: u for u in User.objects.filter(username__in=[a for a, _ in DEMO_ACCOUNTS])}
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert (users["shequ01"].role, users["shequ01"].region.level) == (Role.CENTRE_STAFF, RegionLevel.COMMUNITY)
    assert (users["jiedao01"].role, users["jiedao01"].region.name) == (Role.CENTRE_STAFF, "雄关街道")
    assert (users["qu01"].role, users["qu01"].region.level) == (Role.CENTRE_STAFF, RegionLevel.DISTRICT)
    assert (users["chengguan01"].role, users["chengguan01"].department.name) == (Role.LIAISON, "城管执法")
    assert (users["paichusuo01"].role, users["paichusuo01"].department.name) == (Role.LIAISON, "公安派出所")
    seat = GridAssignment.objects.get(user=users["wangge01"], ended_on__isnull=True)
    expected = ("雄关一网格", "雄关社区", StaffRole.FULL_TIME_WORKER)
    assert (seat.grid.name, seat.grid.community.name, seat.role) == expected
    other = GridAssignment.objects.get(user=users["wangge02"], ended_on__isnull=True)
    assert other.grid != seat.grid


def test_demo_region_tree_follows_demo_md(demo):
    city = Region.objects.get(code="620200")
    district = Region.objects.get(code="620201", parent=city)
    streets = {s.name: s for s in Region.objects.filter(parent=district, level=RegionLevel.STREET)}
    assert set(streets) == {"雄关街道", "水果湖街道"}
    assert Region.objects.filter(parent=streets["雄关街道"], level=RegionLevel.COMMUNITY).count() == 4
    assert Region.objects.filter(parent=streets["水果湖街道"], level=RegionLevel.COMMUNITY).count() == 2
    for community in Region.objects.filter(parent=streets["雄关街道"]):
        assert 5 <= community.grids.filter(kind=GridKind.COMMUNITY).count() <= 8
    for community in Region.objects.filter(parent=streets["水果湖街道"]):
        assert community.grids.filter(kind=GridKind.COMMUNITY).count() == 5


def test_every_demo_grid_is_fully_staffed_one_plus_one_plus_n(demo):
    active = Q(assignments__ended_on__isnull=True)
    grids = Grid.objects.annotate(
        leaders=Count("assignments", filter=active & Q(assignments__role=StaffRole.GRID_LEADER)),
        full_time=Count("assignments", filter=active & Q(assignments__role=StaffRole.FULL_TIME_WORKER)),
        part_time=Count("assignments", filter=active & Q(assignments__role=StaffRole.PART_TIME_WORKER)),
    )
    assert grids.count() >= 30
    for grid in grids:
        assert (grid.leaders, grid.full_time) == (1, 1), grid.code
        assert grid.part_time >= 1, grid.code
        if grid.kind == GridKind.COMMUNITY:
            assert 2 <= grid.part_time <= 4, grid.code
            assert 250 <= grid.households <= 500, grid.code
        assert grid.party_branch is not None, grid.code
    staffed = GridAssignment.objects.filter(ended_on__isnull=True).select_related("user", "grid")[:20]
    for seat in staffed:  # staffing went through grids.services: the grid permissions were granted
        assert seat.user.has_perm("grids.work_in_grid", seat.grid)


def test_demo_has_the_dedicated_grid_kinds(demo):
    kinds = set(Grid.objects.values_list("kind", flat=True))
    assert {GridKind.SCHOOL, GridKind.MARKET, GridKind.ENTERPRISE, GridKind.RELIGIOUS} <= kinds


def test_demo_grid_boundaries_do_not_overlap(demo):
    shapes = {g.code: shape(g.boundary) for g in Grid.objects.all()}
    for (a, sa), (b, sb) in combinations(shapes.items(), 2):
        assert sa.intersection(sb).area == pytest.approx(0, abs=1e-12), (a, b)
    centre_lng = sum(s.centroid.x for s in shapes.values()) / len(shapes)
    centre_lat = sum(s.centroid.y for s in shapes.values()) / len(shapes)
    assert abs(centre_lat - 39.77) < 0.02 and abs(centre_lng - 98.29) < 0.02


def test_every_liaison_is_in_their_department_group(demo):
    assert Department.objects.count() >= len(DEPARTMENTS)
    for code, name, _level, username, _full in DEPARTMENTS:
        department = Department.objects.get(code=code)
        assert department.name == name
        assert department.group is not None and department.group.name == f"dept:{code}"
        assert department.group.user_set.filter(username=username).exists()


def test_catalogue_rules_sit_at_each_category_home_level(demo):
    for code, _major, name, _en, grade, limit, unit, dept_codes, _note in CATALOGUE:
        category = Category.objects.get(code=code)
        assert (category.name, category.grade, category.parent is not None) == (name, grade, True)
        rule = JurisdictionRule.objects.get(category=category, level=category.home_level, valid_to__isnull=True)
        assert (rule.handling_limit, rule.handling_unit) == (limit, unit), code
        assert set(rule.departments.values_list("code", flat=True)) == set(dept_codes), code
    defaults = dict(
        JurisdictionRule.objects.filter(category__isnull=True, valid_to__isnull=True).values_list(
            "level", "handling_limit"
        )
    )
    # no rule above the configured top (the district by default): the city's default is not made then
    expected = {Level.GRID: 1, Level.COMMUNITY: 2, Level.STREET: 3, Level.DISTRICT: 5}
    if top_level() == Level.CITY:
        expected[Level.CITY] = 5
    assert defaults == expected


def test_demo_calendar_has_2026_holidays_and_make_up_days(demo):
    days = dict(CalendarDay.objects.values_list("date", "kind"))
    assert days[date(2026, 1, 1)] == DayKind.HOLIDAY
    assert days[date(2026, 2, 17)] == DayKind.HOLIDAY  # 春节
    assert days[date(2026, 10, 7)] == DayKind.HOLIDAY
    assert days[date(2026, 10, 10)] == DayKind.WORKDAY  # a Saturday worked (调休)
    assert days[date(2026, 2, 14)] == DayKind.WORKDAY
    # The clock follows it: one working day from Wed 30 Sep 10:00 skips the National Day week to Thu 8 Oct.
    tz = ZoneInfo("Asia/Shanghai")
    due = add_working_time(datetime(2026, 9, 30, 10, 0, tzinfo=tz), 1, "working_days", calendar_spec())
    assert due == datetime(2026, 10, 8, 10, 0, tzinfo=tz)


def test_the_demo_shows_the_most_specific_weight_scheme(demo):
    from assessment.selectors import scheme_for

    users = {u.username: u for u in User.objects.filter(username__in=["jiedao01", "shequ01", "qu01", "admin"])}
    assert scheme_for(user=users["jiedao01"]).label == "雄关街道 10/40/50"
    assert scheme_for(user=users["shequ01"]).label == "雄关街道 10/40/50", "a community takes its street's"
    district = scheme_for(user=users["qu01"])
    assert (district.label, district.weights, district.basic_weight) == (
        "示范区 10/50/40",
        {"response": 10.0, "completion": 50.0, "satisfaction": 40.0},
        0.9,
    )
    assert scheme_for(user=users["admin"]).name == "seed"


def test_demo_has_wishes_in_every_state_and_the_party_pages_show_them(demo):
    from django.test import Client

    from mobilisation.choices import WishStatus
    from mobilisation.models import Appraisal, PointsEntry, Registration, Topic, TriColourRating, Wish

    assert set(Wish.objects.values_list("status", flat=True)) == set(WishStatus.values)
    assert Registration.objects.filter(member__username="dangyuan01", status="confirmed").count() == 2
    assert Registration.objects.filter(status="pending").exists()
    assert PointsEntry.objects.filter(member__username="dangyuan01", points__gt=0).count() == 2
    assert set(Appraisal.objects.values_list("status", flat=True)) == {"open", "closed"}
    assert set(Topic.objects.values_list("status", flat=True)) == {"open", "decided", "published"}
    assert TriColourRating.objects.exists()
    c = Client()
    assert c.login(username="dangyuan01", password=demo_password())
    assert "想要一台助行器" in c.get("/party/").content.decode()
    assert "想要一台助行器" in Client().get("/wishes/").content.decode()


def test_demo_has_disputes_in_every_state_and_the_figures_show_them(demo):
    from django.test import Client

    from mediation.choices import Status
    from mediation.models import Dispute, DisputeEvent

    assert set(Dispute.objects.values_list("status", flat=True)) == set(Status.values)
    assert Dispute.objects.filter(overdue_at__isnull=False).count() == 1
    assert DisputeEvent.objects.filter(action="transfer").exists()
    c = Client()
    assert c.login(username="jiedao01", password=demo_password())
    page = c.get("/mediation/figures/").content.decode()
    assert "雄关社区" in page and "关城社区" in page


def test_demo_unit_login_sees_its_own_unit(demo):
    from django.test import Client

    from mobilisation.models import UnitAccount

    account = UnitAccount.objects.get(user__username="gongdian01")
    assert account.unit.name == "国网嘉峪关供电公司" and account.active
    c = Client()
    assert c.login(username="gongdian01", password=demo_password())
    assert c.get("/").url == "/party/unit/"
    page = c.get("/party/unit/").content.decode()
    assert "每季度开展一次安全用电入户检查" in page and "2026-H2" in page
    assert "提供就业岗位信息" not in page  # 酒钢集团公司's duty: another unit
