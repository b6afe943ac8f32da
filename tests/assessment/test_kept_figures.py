"""The kept figures (assessment.models.PeriodFigures): a district-wide scope's fixed periods read from one row that
beat refreshes, instead of the district's cases.

The oracle is the live count (``selectors.assessment`` without ``figures``), which test_assessment.py holds against
the hand computation of SCENARIOS §7: at the same instant, the page built from kept figures must show exactly what a
live count shows — every dimension, every fixed period, every kept scope — and one row is checked against the hand
table directly too.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment import selectors
from assessment.models import PeriodFigures
from assessment.periods import Period
from assessment.services import figures_refresh, fixed_periods, kept_scopes
from assessment.tasks import refresh_figures
from cases.models import Case
from cases.selectors import Scope, scope_for
from cases.services import case_file
from governance.choices import RegionLevel
from governance.models import Region
from tests.assessment.test_assessment import BEIJING, SEED, build_scenarios
from tests.assessment.test_hotline_channel import closed_hotline_case, follow_up
from tests.cases.helpers import at, file_case
from tests.interop.hotline_helpers import make_partner

#: The Monday after the scenarios' week: "last week" is 2026-11-16 … 22, "this month" and "the last 30 days" hold it.
T = at(2026, 11, 23, 9, 0)


@pytest.fixture
def busy(world):
    """Scenarios 1–4, two 12345 orders with follow-ups, a case known only to its street (no grid: the unranked
    bucket), and a second district with a case of its own — all in the week before T."""
    build_scenarios(world)
    with time_machine.travel(at(2026, 11, 19, 10, 0), tick=False):
        partner = make_partner(world)
        closed_hotline_case(world, partner, "H-1")
        closed_hotline_case(world, partner, "H-2")
        follow_up(partner, "H-1", valid=True, contacted=True, solved=True, satisfaction="satisfied")
        follow_up(partner, "H-2", valid=True, contacted=True, solved=False, satisfaction="basic")
    file_case(world, code="0101", now=at(2026, 11, 20, 9, 0))
    street_only(world, world.street)
    world.next_district = Region.objects.create(
        name="邻区", code="620202", level=RegionLevel.DISTRICT, parent=world.city
    )
    next_street = Region.objects.create(
        name="邻区街道", code="620202001", level=RegionLevel.STREET, parent=world.next_district, case_prefix="LQ"
    )
    street_only(world, next_street)
    street_only(world, next_street)
    return world


def street_only(world, street):
    """A case whose place is known only to its street (an outside order whose address is in no grid)."""
    return case_file(
        actor=None,
        category=world.categories["0101"],
        title="无网格事件",
        description="地址不在任何网格内",
        address="某路 1 号",
        street=street,
        now=at(2026, 11, 18, 15, 0),
    )


def snapshot(result: selectors.Assessment) -> dict:
    """What a page, an export or the API shows of an assessment."""
    return {
        "total": result.total.as_dict(),
        "total_rates": (result.total_rates.values, result.total_rates.composite),
        "rows": [
            (r.key, r.label, r.rank, r.counts.as_dict(), r.rates.values if r.rates else None) for r in result.rows
        ],
        "indicators": (result.indicators.counts, result.indicators.rates, result.indicators.durations),
        "composites": result.composites,
    }


def test_kept_figures_show_what_a_live_count_shows_for_every_scope_period_and_dimension(busy):
    world = busy
    figures_refresh(now=T)
    scopes = {key: scope for key, scope, _region in kept_scopes()}
    district_key, next_key = f"district_id={world.district.id}", f"district_id={world.next_district.id}"
    streets = {f"street_id={pk}" for pk in Region.objects.filter(level=RegionLevel.STREET).values_list("id", flat=True)}
    assert len(streets) >= 3  # the scenarios' streets and the next district's
    assert set(scopes) == {"all", district_key, next_key, f"district__parent_id={world.city.id}", *streets}
    assert scope_for(world.street_officer).place == scopes[f"street_id={world.street.id}"].place
    assert scope_for(world.district_officer).place == scopes[f"district_id={world.district.id}"].place
    assert scope_for(world.admin).place == scopes["all"].place
    periods = list(fixed_periods(T.date()).values())
    assert Period(date(2026, 11, 16), date(2026, 11, 22)) in periods
    checked = 0
    for key, scope in scopes.items():
        for period in periods:
            kept = selectors.kept_figures(scope, period, now=T)
            assert kept is not None and kept.computed_at == T, (key, period)
            live_hotline = selectors.hotline_figures(scope, period, SEED)
            assert selectors.hotline_figures(scope, period, SEED, figures=kept) == live_hotline
            for by in selectors.DIMENSIONS:
                for scheme in (SEED, BEIJING):
                    live = selectors.assessment(scope, period=period, scheme=scheme, by=by, now=T)
                    from_kept = selectors.assessment(scope, period=period, scheme=scheme, by=by, now=T, figures=kept)
                    assert snapshot(from_kept) == snapshot(live), (key, period, by, scheme.name)
                    checked += 1
    assert checked == len(scopes) * 5 * 5 * 2
    # each scope kept its own cases: the two districts add up to the whole, the street-only cases in the unranked
    # bucket of their own district
    week = Period(date(2026, 11, 16), date(2026, 11, 22))

    def received(key: str) -> int:
        return sum(c.received for c in selectors.kept_figures(scopes[key], week, now=T).place.values())

    assert (received(district_key), received(next_key)) == (8, 2)  # S1–S4, H-1, H-2, one patrol, one street-only
    assert received("all") == received(f"district__parent_id={world.city.id}") == 10
    nowhere = selectors.kept_figures(scopes[next_key], week, now=T).place
    assert list(nowhere) == [(None, None, Region.objects.get(code="620202001").id)]
    rows = selectors.rows_by(
        scopes[district_key], week, "grid", SEED, figures=selectors.kept_figures(scopes[district_key], week, now=T)
    )
    assert rows[-1].key is None and rows[-1].rank is None and rows[-1].counts.received == 1
    # And against the hand table (test_assessment.py's module docstring), read from the kept row alone.
    district = scopes[district_key]
    kept = selectors.kept_figures(district, week, now=T)
    with CaptureQueriesContext(connection) as ctx:
        rows = {r.label: r.counts for r in selectors.rows_by(district, week, "department", SEED, figures=kept)}
    assert len(ctx) == 1  # the departments' names; the counts come from the row
    assert (rows["城管执法"].received, rows["城管执法"].responded, rows["城管执法"].completed) == (1, 1, 1)
    assert (rows["住建"].received, rows["住建"].responded, rows["住建"].basic) == (1, 0, 1)
    grid_b = next(r for r in selectors.rows_by(district, week, "grid", SEED, figures=kept) if r.key == world.grid_b.id)
    assert (grid_b.counts.received, grid_b.counts.responded, grid_b.counts.due, grid_b.counts.completed) == (1, 1, 0, 0)


def test_streets_are_kept_and_communities_and_grid_workers_are_counted_live(busy):
    world = busy
    figures_refresh(now=T)
    week = Period(date(2026, 11, 16), date(2026, 11, 22))
    assert selectors.figures_key(scope_for(world.street_officer)) == f"street_id={world.street.id}"
    assert selectors.kept_figures(scope_for(world.street_officer), week, now=T) is not None
    for persona in ("community_officer", "grid_worker", "liaison_scjg"):
        assert selectors.figures_key(scope_for(world.users[persona])) is None, persona
    assert not PeriodFigures.objects.filter(scope__startswith="community_id").exists()


def test_the_levels_kept_are_a_setting(busy, settings):
    settings.ASSESSMENT_FIGURES_LEVELS = ["district", "city"]
    figures_refresh(now=T)
    week = Period(date(2026, 11, 16), date(2026, 11, 22))
    assert selectors.figures_key(scope_for(busy.street_officer)) is None
    assert selectors.kept_figures(scope_for(busy.street_officer), week, now=T) is None
    assert not PeriodFigures.objects.filter(scope__startswith="street_id").exists()
    assert selectors.kept_figures(scope_for(busy.district_officer), week, now=T) is not None


def test_figures_older_than_their_max_age_or_of_another_period_are_not_used(busy):
    world = busy
    figures_refresh(now=T)
    district = scope_for(world.district_officer)
    week = Period(date(2026, 11, 16), date(2026, 11, 22))
    age = timedelta(seconds=settings.ASSESSMENT_FIGURES_MAX_AGE)
    assert selectors.kept_figures(district, week, now=T + age - timedelta(seconds=1)) is not None
    assert selectors.kept_figures(district, week, now=T + age) is None
    assert selectors.kept_figures(district, Period(date(2026, 11, 17), date(2026, 11, 22)), now=T) is None


def test_a_refresh_replaces_its_rows_and_drops_periods_no_longer_fixed(busy):
    figures_refresh(now=T)
    count = PeriodFigures.objects.count()
    assert count == len(kept_scopes()) * len(set(fixed_periods(T.date()).values()))
    later = T + timedelta(minutes=10)
    file_case(busy, code="0101", now=later - timedelta(minutes=1))
    assert figures_refresh(now=later) == count
    assert PeriodFigures.objects.count() == count
    assert set(PeriodFigures.objects.values_list("computed_at", flat=True)) == {later}
    week = Period(date(2026, 11, 23), date(2026, 11, 29))
    kept = selectors.kept_figures(scope_for(busy.district_officer), week, now=later)
    assert sum(c.received for c in kept.place.values()) == 1  # the case filed in between is in the new row
    next_week = T + timedelta(days=7)
    figures_refresh(now=next_week)
    periods = set(fixed_periods(next_week.date()).values())
    assert {Period(a, b) for a, b in PeriodFigures.objects.values_list("date_from", "date_to")} == periods
    assert Period(date(2026, 11, 16), date(2026, 11, 22)) not in periods


def test_the_page_says_when_its_figures_were_counted_and_counts_live_on_request(busy, web):
    world = busy
    client = web("district_officer")
    week = "from=2026-11-16&to=2026-11-22"
    figures_refresh(now=T)
    with time_machine.travel(T + timedelta(minutes=5), tick=False):
        late = file_case(world, code="0101", now=at(2026, 11, 17, 9, 0))  # back-dated: lands in the kept week
        kept = client.get(f"/assessment/?{week}&by=grid")
        live = client.get(f"/assessment/?{week}&by=grid&live=1")
        api_kept = client.get(f"/api/v1/dashboard/assessment/?{week}").json()
        api_live = client.get(f"/api/v1/dashboard/assessment/?{week}&live=1").json()
    assert kept.status_code == live.status_code == 200
    text = kept.content.decode()
    assert f'data-computed-at="{timezone.localtime(T).isoformat()}"' in text
    assert "数据统计于 11-23 09:00（每 10 分钟更新）" in text
    assert "live=1" in text
    assert "data-computed-at" not in live.content.decode()
    assert api_kept["computed_at"] is not None and api_live["computed_at"] is None
    assert api_live["total"]["received"] == api_kept["total"]["received"] + 1
    assert Case.objects.filter(pk=late.pk).exists()
    # the fixed periods are offered as links, the shown one marked
    assert 'aria-current="true">上周</a>' in text
    for label in ("本周", "本月", "上月", "近30天"):
        assert f">{label}</a>" in text


def test_exports_from_kept_figures_equal_a_live_export_at_the_same_moment(busy, web):
    client = web("district_officer")
    figures_refresh(now=T)
    with time_machine.travel(T, tick=False):
        kept = client.get("/assessment/export.csv?from=2026-11-01&to=2026-11-30&by=department")
        live = client.get("/assessment/export.csv?from=2026-11-01&to=2026-11-30&by=department&live=1")
    assert kept.status_code == live.status_code == 200
    kept_csv, live_csv = b"".join(kept.streaming_content), b"".join(live.streaming_content)
    assert kept_csv == live_csv
    assert "城管执法".encode() in kept_csv and kept_csv.count(b"\n") > 3


def test_a_page_from_kept_figures_runs_fewer_queries_whatever_the_data(busy, web):
    client = web("district_officer")
    url = "/assessment/?from=2026-11-16&to=2026-11-22&by={}"

    def queries(by: str, extra: str = "") -> int:
        with time_machine.travel(T, tick=False), CaptureQueriesContext(connection) as ctx:
            assert client.get(url.format(by) + extra).status_code == 200
        return len(ctx)

    figures_refresh(now=T)
    kept = {by: queries(by) for by in selectors.DIMENSIONS}
    live = {by: queries(by, "&live=1") for by in selectors.DIMENSIONS}
    for i in range(5):
        file_case(busy, code="0101", now=at(2026, 11, 18, 9, i))
    figures_refresh(now=T)
    assert {by: queries(by) for by in selectors.DIMENSIONS} == kept
    for by in selectors.DIMENSIONS:
        assert kept[by] < live[by], by
    # the counts come from one row: what remains is the session, the schemes, the names and 走访完成率
    assert max(kept.values()) <= 20


def test_beat_refreshes_the_figures(busy):
    entry = settings.CELERY_BEAT_SCHEDULE["assessment-figures"]
    assert entry["task"] == refresh_figures.name
    assert entry["schedule"] == timedelta(seconds=settings.ASSESSMENT_FIGURES_INTERVAL)
    with time_machine.travel(T, tick=False):
        assert refresh_figures() == PeriodFigures.objects.count() > 0


def test_an_empty_scope_is_kept_as_zeros(world):
    figures_refresh(now=T)
    scope = Scope(Case.objects.filter(district_id=world.district.id), {"district_id": world.district.id})
    week = Period(date(2026, 11, 16), date(2026, 11, 22))
    kept = selectors.kept_figures(scope, week, now=T)
    assert kept is not None and kept.place == {} and kept.departments == {} and kept.persons == {}
    result = selectors.assessment(scope, period=week, scheme=SEED, by="grid", now=T, figures=kept)
    assert result.total.is_empty and result.rows == [] and result.total_rates.composite is None


def test_one_refresh_at_a_time(busy):
    from django.core.cache import cache

    from assessment.services import REFRESH_LOCK

    assert cache.add(REFRESH_LOCK, "another worker")
    assert figures_refresh(now=T) == 0
    assert not PeriodFigures.objects.exists()
    cache.delete(REFRESH_LOCK)
    assert figures_refresh(now=T) > 0
    assert cache.get(REFRESH_LOCK) is None  # released


def test_each_scope_is_stamped_when_its_own_count_began(busy):
    with time_machine.travel(T, tick=True):
        figures_refresh()
    from assessment.models import WeekFigures

    scopes = len(kept_scopes())
    stamps = dict(PeriodFigures.objects.values_list("scope", "computed_at").distinct())
    assert len(stamps) == scopes and all(T <= at_ < T + timedelta(minutes=5) for at_ in stamps.values())
    assert len(set(PeriodFigures.objects.values_list("computed_at", flat=True))) == scopes  # one instant per scope
    assert dict(WeekFigures.objects.values_list("scope", "computed_at").distinct()) == stamps  # the same instant


def test_a_live_page_keeps_live_in_its_dimension_and_export_links_and_the_workbook_says_when(busy, web):
    from io import BytesIO

    from openpyxl import load_workbook

    client = web("district_officer")
    figures_refresh(now=T)
    with time_machine.travel(T + timedelta(minutes=1), tick=False):
        live = client.get("/assessment/?from=2026-11-16&to=2026-11-22&by=grid&live=1").content.decode()
        kept_book = client.get("/assessment/export.xlsx?from=2026-11-16&to=2026-11-22")
        live_book = client.get("/assessment/export.xlsx?from=2026-11-16&to=2026-11-22&live=1")
    assert "export.csv?from=2026-11-16&amp;to=2026-11-22&amp;scheme=seed&amp;live=1&amp;by=grid" in live
    assert "by=department" in live and "live=1&amp;by=department" in live
    assert "查看定时统计" in live

    def counted_at(response) -> str:
        sheet = load_workbook(BytesIO(response.content)).worksheets[0]
        return next(row[1] for row in sheet.iter_rows(values_only=True) if row[0] == "统计时间")

    assert counted_at(kept_book) == "2026-11-23 09:00"
    assert counted_at(live_book) == "实时统计"


def test_the_api_says_when_in_local_time(busy, api):
    figures_refresh(now=T)
    with time_machine.travel(T, tick=False):
        body = api("district_officer").get("/api/v1/dashboard/assessment/?from=2026-11-16&to=2026-11-22").json()
    assert body["computed_at"] == "2026-11-23T09:00:00+08:00"


def test_the_visit_completion_kept_is_what_each_of_the_scopes_people_sees(world, web):
    """走访完成率 is kept with the figures: a region's centre staff all see the same plans (their reach depends on the
    region alone), an admin sees every plan. The oracle: the live figure for the person, and the hand table of
    ``tests.residents.setups.build_completion_table`` (March 2025: grid A 4 on time of 8 due, grid B 0 of 1)."""
    from residents.statistics import completion_from_json, visit_completion_for_assessment
    from tests.residents.setups import build_completion_table, build_hood

    build_completion_table(world, build_hood(world))
    april = at(2025, 4, 1, 9, 0)
    figures_refresh(now=april)
    march = Period(date(2025, 3, 1), date(2025, 3, 31))
    assert fixed_periods(april.date())["last_month"] == march
    # the district's staff do not see the 社区矫正 plan of grid A (its audience stops at the street): 4 of 8
    for persona, expected in (("district_officer", (4, 8)), ("admin", (4, 9))):
        user = world.users[persona]
        kept = selectors.kept_figures(scope_for(user), march, now=april)
        visits = completion_from_json(kept.visits["completion"])
        live = visit_completion_for_assessment(
            user=user, date_from=march.date_from, date_to=march.date_to, today=april.date()
        )
        assert visits == live, persona
        assert (visits["done"], visits["due"]) == expected, persona
    with time_machine.travel(april, tick=False):
        kept_page = web("district_officer").get("/assessment/?from=2025-03-01&to=2025-03-31").content.decode()
        live_page = web("district_officer").get("/assessment/?from=2025-03-01&to=2025-03-31&live=1").content.decode()
    assert "data-computed-at" in kept_page and "按期走访 4 / 应访 8" in kept_page

    def workers_table(html: str) -> str:
        start = html.index('data-table="visit-workers"')
        return html[start : html.index("</table>", start)]

    assert workers_table(kept_page) == workers_table(live_page)
    assert 'data-worker="wangge01"' in workers_table(kept_page)


# --- the eight-week chart's kept weeks (assessment.models.WeekFigures) ------------------------------------------


def test_kept_weeks_show_what_a_live_count_shows_for_every_scope_and_fixed_periods_chart(busy):
    """Each fixed period's chart (the eight weeks ending with its last day's week) read from the kept weeks equals
    the live count at the same instant — every kept scope, both schemes; the weeks hold the scenarios' cases."""
    figures_refresh(now=T)
    checked = 0
    for key, scope, _region in kept_scopes():
        for period in fixed_periods(T.date()).values():
            for scheme in (SEED, BEIJING):
                kept = selectors.weekly_rates(scope, last_day=period.date_to, weeks=8, scheme=scheme, now=T)
                live = selectors.weekly_rates(scope, last_day=period.date_to, weeks=8, scheme=scheme, live=True)
                assert {w["computed_at"] for w in kept} == {T}, key
                assert {w["computed_at"] for w in live} == {None}
                assert [(w["period"], w["counts"], w["rates"].values) for w in kept] == [
                    (w["period"], w["counts"], w["rates"].values) for w in live
                ], (key, period, scheme.name)
                checked += 1
    assert checked == len(kept_scopes()) * 5 * 2
    district = scope_for(busy.district_officer)
    weeks = selectors.weekly_rates(district, last_day=date(2026, 11, 22), weeks=8, scheme=SEED, now=T)
    assert weeks[-1]["counts"].received == 8  # the week of the scenarios (test_kept_figures' hand count above)


def test_a_chart_missing_a_kept_week_or_older_than_the_max_age_is_counted_live(busy):
    from assessment.models import WeekFigures

    figures_refresh(now=T)
    district = scope_for(busy.district_officer)
    age = timedelta(seconds=settings.ASSESSMENT_FIGURES_MAX_AGE)
    periods = selectors.week_periods(date(2026, 11, 22), 8)
    assert selectors.kept_week_counts(district, periods, now=T + age - timedelta(seconds=1)) is not None
    assert selectors.kept_week_counts(district, periods, now=T + age) is None
    assert selectors.kept_week_counts(scope_for(busy.community_officer), periods, now=T) is None  # live
    far = selectors.week_periods(date(2025, 11, 22), 8)  # a year back: no chart of the fixed periods shows it
    assert selectors.kept_week_counts(district, far, now=T) is None
    WeekFigures.objects.filter(scope=f"district_id={busy.district.id}", week_from=date(2026, 10, 5)).delete()
    assert selectors.kept_week_counts(district, periods, now=T) is None


def test_a_refresh_keeps_exactly_the_weeks_the_fixed_periods_charts_show(busy):
    from assessment.models import WeekFigures
    from assessment.services import chart_weeks

    figures_refresh(now=T)
    shown = {w.date_from for p in fixed_periods(T.date()).values() for w in selectors.week_periods(p.date_to, 8)}
    kept = set(WeekFigures.objects.values_list("week_from", flat=True))
    assert kept == shown  # one run of weeks: no gap between the charts' windows at T
    assert [w.date_from for w in chart_weeks(list(fixed_periods(T.date()).values()))] == sorted(shown)
    assert WeekFigures.objects.count() == len(kept_scopes()) * len(shown)
    later = T + timedelta(days=35)
    figures_refresh(now=later)
    shown_later = {
        w.date_from for p in fixed_periods(later.date()).values() for w in selectors.week_periods(p.date_to, 8)
    }
    assert set(WeekFigures.objects.values_list("week_from", flat=True)) == shown_later
    assert set(WeekFigures.objects.values_list("computed_at", flat=True)) == {later}


def test_the_chart_reads_the_kept_weeks_and_counts_live_on_request(busy, web):
    world = busy
    client = web("district_officer")
    week = "from=2026-11-16&to=2026-11-22"
    figures_refresh(now=T)
    with time_machine.travel(T + timedelta(minutes=5), tick=False):
        before = client.get(f"/dashboard/charts/weekly.svg?{week}&live=1").content
        file_case(world, code="0101", now=at(2026, 11, 17, 9, 0))  # back-dated: lands in the kept week
        kept = client.get(f"/dashboard/charts/weekly.svg?{week}")
        live = client.get(f"/dashboard/charts/weekly.svg?{week}&live=1")
        page = client.get(f"/assessment/?{week}&live=1").content.decode()
    assert kept.status_code == live.status_code == 200
    assert kept.content == before  # the kept weeks don't have the late case yet
    assert live.content != before
    assert "/charts/weekly.svg?" in page and "live=1" in page.split("/charts/weekly.svg?")[1].split('"')[0]
