"""The 三率 and the 数字城管 indicators (assessment.selectors), checked against a hand computation (SCENARIOS §7).

The street's week 2026-11-16 … 2026-11-22 holds scenarios 1–4:

- S1 (grid A): filed Mon 09:10, self-handled 09:20, verified and closed 10:00 by the community officer.
- S2 (grid A): filed Fri 16:00, nobody acts (due Tue 11-24 16:00, after the week).
- S3 (grid A): filed Wed 10:00 (0202, grade B), accepted at once, whistle to 城管执法 and 住建 (report-in 30 min):
  城管 reports in 10:12 and responds 15:00; 住建 reports in late at 11:00 and responds Thu 09:30; the street
  resolves Thu 10:00, the grid worker verifies 11:00, the reporter rates "basically satisfied" 12:00.
- S4 (grid B): filed Thu 09:00 (0204), accepted 09:10, dispatched to 市场监管所 09:15, returned 10:00 (not in
  remit), re-dispatched to 市场监管所 and 生态环境 10:30 with a final ruling; not resolved by the week's end.

Hand computation (the module docstring's date rules):

| row | received | responded in time | due | completed | rated | basic |
|---|---|---|---|---|---|---|
| grid A | 3 (S1 S2 S3) | 2 (S1 09:20 ≤ 11:10; S3 10:00 ≤ 12:00) | 2 (S1 due 11-17; S3 closed) | 2 | 1 | 1 |
| grid B | 1 (S4) | 1 (09:10 ≤ 11:00) | 0 (due 11-26) | 0 | 0 | 0 |
| 城管执法 | 1 summons | 1 (10:12 ≤ 10:30) | 1 (S3 closed) | 1 | 1 | 1 |
| 住建 | 1 summons | 0 (11:00 > 10:30) | 1 | 1 | 1 | 1 |
| 市场监管所 | 2 dispatches | 1 (the returned one) | 0 | 0 | 0 | 0 |
| 生态环境 | 1 dispatch | 0 | 0 | 0 | 0 | 0 |

Seed scheme 10/40/50, basic = 1.0; Beijing 10/50/40, basic = 0.9. A missing rate drops out and the
others' weights are rescaled (grid B is judged on its response rate alone).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.indicators import Counts, Scheme, rates_for
from assessment.periods import Period
from assessment.selectors import (
    DIMENSIONS,
    daily_status,
    rows_by,
    scheme_for,
    standard_indicators,
    totals,
    weekly_rates,
)
from cases.models import CaseDispatch, Rating
from cases.selectors import scope_for
from cases.services import case_transition
from core.errors import InvalidInput
from escalation.services.whistles import summons_report_in, summons_respond, whistle_blow
from tests.cases.helpers import at, file_case, photo

WEEK = Period(date(2026, 11, 16), date(2026, 11, 22))
#: The two schemes the data migration stores (``test_schemes.py`` checks that the stored ones equal these).
SEED = Scheme("seed", "10/40/50", {"response": 10.0, "completion": 40.0, "satisfaction": 50.0}, 1.0)
BEIJING = Scheme("beijing", "10/50/40", {"response": 10.0, "completion": 50.0, "satisfaction": 40.0}, 0.9)


def build_scenarios(world) -> dict:
    """Scenarios 1–4 through the real services, at the times the stories give."""
    s1 = file_case(world, code="0101", title="暴露垃圾", now=at(2026, 11, 16, 9, 10), files=[photo()])
    case_transition(
        case_id=s1.id,
        action="self_handle",
        actor=world.grid_worker,
        note="已清理",
        files=[photo()],
        now=at(2026, 11, 16, 9, 20),
    )
    case_transition(case_id=s1.id, action="verify_ok", actor=world.community_officer, now=at(2026, 11, 16, 10, 0))

    s2 = file_case(world, code="0102", title="楼道堆物", now=at(2026, 11, 20, 16, 0))

    s3 = file_case(world, code="0202", title="违法搭建", now=at(2026, 11, 18, 10, 0))
    case_transition(case_id=s3.id, action="accept", actor=world.street_officer, now=at(2026, 11, 18, 10, 0))
    whistle = whistle_blow(
        case_id=s3.id,
        actor=world.street_officer,
        reason="屋顶违建，需城管、住建到场",
        department_ids=[world.departments["cgzf"].id, world.departments["zj"].id],
        report_in_minutes=30,
        now=at(2026, 11, 18, 10, 0),
    )
    by_dept = {s.department.code: s for s in whistle.summonses.select_related("department")}
    summons_report_in(summons_id=by_dept["cgzf"].id, actor=world.liaison, now=at(2026, 11, 18, 10, 12))
    summons_respond(summons_id=by_dept["cgzf"].id, actor=world.liaison, text="已责令停工", now=at(2026, 11, 18, 15))
    summons_report_in(summons_id=by_dept["zj"].id, actor=world.liaison_zj, now=at(2026, 11, 18, 11, 0))
    summons_respond(summons_id=by_dept["zj"].id, actor=world.liaison_zj, text="已出具认定", now=at(2026, 11, 19, 9, 30))
    case_transition(
        case_id=s3.id, action="resolve", actor=world.street_officer, note="已拆除", now=at(2026, 11, 19, 10, 0)
    )
    case_transition(case_id=s3.id, action="verify_ok", actor=world.grid_worker, now=at(2026, 11, 19, 11, 0))
    case_transition(case_id=s3.id, action="rate", actor=world.grid_worker, result="basic", now=at(2026, 11, 19, 12))

    s4 = file_case(
        world, code="0204", title="餐饮油烟扰民", grid=world.grid_b, actor=world.outsider, now=at(2026, 11, 19, 9, 0)
    )
    case_transition(case_id=s4.id, action="accept", actor=world.street_officer, now=at(2026, 11, 19, 9, 10))
    case_transition(
        case_id=s4.id,
        action="dispatch",
        actor=world.street_officer,
        departments=[world.departments["scjg"].id],
        now=at(2026, 11, 19, 9, 15),
    )
    case_transition(
        case_id=s4.id,
        action="return_request",
        actor=world.liaison_scjg,
        note="油烟排放属生态环境部门职责",
        reason="not_in_remit",
        now=at(2026, 11, 19, 10, 0),
    )
    case_transition(case_id=s4.id, action="return", actor=world.street_officer, now=at(2026, 11, 19, 10, 0))
    case_transition(
        case_id=s4.id,
        action="dispatch",
        actor=world.street_officer,
        final_ruling=True,
        departments=[world.departments["scjg"].id, world.departments["sthj"].id],
        now=at(2026, 11, 19, 10, 30),
    )
    return {"s1": s1, "s2": s2, "s3": s3, "s4": s4}


def counts(**kw) -> Counts:
    return Counts(**kw)


def by_key(rows):
    return {r.key: r for r in rows}


@pytest.fixture
def scenarios(world):
    return build_scenarios(world)


def test_grid_rows_match_the_hand_computation_under_both_schemes(world, scenarios):
    cases = scope_for(world.street_officer)
    rows = by_key(rows_by(cases, WEEK, "grid", SEED))
    assert rows[world.grid_a.id].counts == counts(received=3, responded=2, due=2, completed=2, rated=1, basic=1)
    assert rows[world.grid_b.id].counts == counts(received=1, responded=1)
    a = rows[world.grid_a.id].rates
    assert a.response == pytest.approx(2 / 3)
    assert a.completion == 1.0
    assert a.satisfaction == 1.0  # basic counts 1.0 in the seed scheme
    assert a.composite == pytest.approx(0.1 * 2 / 3 + 0.4 * 1 + 0.5 * 1)
    assert rows[world.grid_b.id].rates.composite == 1.0  # response only; completion and satisfaction undefined
    assert [rows[world.grid_b.id].rank, rows[world.grid_a.id].rank] == [1, 2]

    rows = by_key(rows_by(cases, WEEK, "grid", BEIJING))
    a = rows[world.grid_a.id].rates
    assert a.satisfaction == pytest.approx(0.9)
    assert a.composite == pytest.approx(0.1 * 2 / 3 + 0.5 * 1 + 0.4 * 0.9)


def test_department_rows_count_summonses_and_dispatches_by_hand(world, scenarios):
    cases = scope_for(world.street_officer)
    d = world.departments
    rows = by_key(rows_by(cases, WEEK, "department", SEED))
    assert rows[d["cgzf"].id].counts == counts(received=1, responded=1, due=1, completed=1, rated=1, basic=1)
    assert rows[d["zj"].id].counts == counts(received=1, responded=0, due=1, completed=1, rated=1, basic=1)
    assert rows[d["scjg"].id].counts == counts(received=2, responded=1)
    assert rows[d["sthj"].id].counts == counts(received=1, responded=0)
    assert rows[d["cgzf"].id].rates.composite == pytest.approx(1.0)
    assert rows[d["zj"].id].rates.composite == pytest.approx(0.4 + 0.5)
    assert rows[d["scjg"].id].rates.composite == pytest.approx(0.5)
    assert rows[d["sthj"].id].rates.composite == 0.0

    rows = by_key(rows_by(cases, WEEK, "department", BEIJING))
    assert rows[d["cgzf"].id].rates.composite == pytest.approx(0.1 + 0.5 + 0.4 * 0.9)
    assert rows[d["zj"].id].rates.composite == pytest.approx(0.5 + 0.4 * 0.9)
    assert [r.key for r in rows_by(cases, WEEK, "department", BEIJING)] == [
        d["cgzf"].id,
        d["zj"].id,
        d["scjg"].id,
        d["sthj"].id,
    ]


def test_street_total_community_and_person_rows(world, scenarios):
    cases = scope_for(world.street_officer)
    total = totals(cases, WEEK)
    assert total == counts(received=4, responded=3, due=2, completed=2, rated=1, basic=1)
    assert rates_for(total, SEED).composite == pytest.approx(0.075 + 0.4 + 0.5)
    assert rates_for(total, BEIJING).composite == pytest.approx(0.075 + 0.5 + 0.36)
    streets = by_key(rows_by(cases, WEEK, "street", SEED))
    assert streets[world.street.id].counts == total
    communities = by_key(rows_by(cases, WEEK, "community", SEED))
    assert communities[world.community.id].counts.received == 3
    assert communities[world.community_b.id].counts.received == 1
    people = by_key(rows_by(cases, WEEK, "person", SEED))
    assert people[world.grid_worker.id].counts == counts(received=1, responded=1, due=1, completed=1)
    assert people[world.street_officer.id].counts == counts(
        received=1, responded=1, due=1, completed=1, rated=1, basic=1
    )
    assert set(people) == {world.grid_worker.id, world.street_officer.id}


def test_indicators_count_one_return_in_two_dispatches(world, scenarios):
    ind = standard_indicators(scope_for(world.street_officer), WEEK, now=at(2026, 11, 23, 9, 0))
    c = ind.counts
    assert (c["dispatches"], c["returns"]) == (2, 1)
    assert ind.rates["correct_dispatch"] == 0.5
    assert (c["due"], c["closed"], c["closed_on_time"]) == (2, 2, 2)
    assert ind.rates["on_time_closure"] == 1.0
    assert (c["resolved"], c["resolved_on_time"]) == (2, 2)
    assert ind.rates["rework"] == 0.0 and ind.rates["extension"] == 0.0 and ind.rates["overdue"] == 0.0
    steps = {d["key"]: d["seconds"] for d in ind.durations}
    # S1: report→accept 10 min (self-handled at 09:20); S3: accepted at once. Average 5 min.
    assert steps["report_accept"] == pytest.approx(300, abs=1)
    # resolve→close: S1 40 min, S3 60 min → 50 min.
    assert steps["resolve_close"] == pytest.approx(3000, abs=1)
    assert steps["accept_dispatch"] is None  # neither closed case was dispatched


def test_overdue_rate_counts_a_case_past_its_deadline_unresolved(world):
    case = file_case(world, code="0103", now=at(2026, 11, 16, 9, 0))  # 5 working hours: due Mon 16:00
    ind = standard_indicators(scope_for(world.street_officer), WEEK, now=at(2026, 11, 23, 9, 0))
    assert ind.counts["due"] == 1 and ind.counts["overdue"] == 1
    assert ind.rates["overdue"] == 1.0
    ind = standard_indicators(scope_for(world.street_officer), WEEK, now=at(2026, 11, 16, 10, 0))
    assert ind.counts["overdue"] == 0, "not overdue yet at 10:00"
    assert case.due_at == at(2026, 11, 16, 16, 0)


def test_a_reopened_case_is_no_longer_completed(world, scenarios):
    s1 = scenarios["s1"]
    case_transition(
        case_id=s1.id, action="reopen", actor=world.street_officer, note="群众反映仍有垃圾", now=at(2026, 11, 17, 9, 0)
    )
    rows = by_key(rows_by(scope_for(world.street_officer), WEEK, "grid", SEED))
    assert rows[world.grid_a.id].counts.completed == 1  # only S3 now


def test_community_officer_sees_only_the_community_rows(world, scenarios):
    cases = scope_for(world.community_officer)
    assert totals(cases, WEEK) == counts(received=3, responded=2, due=2, completed=2, rated=1, basic=1)
    assert set(by_key(rows_by(cases, WEEK, "grid", SEED))) == {world.grid_a.id}
    assert world.departments["scjg"].id not in by_key(rows_by(cases, WEEK, "department", SEED))


def test_other_street_sees_nothing_of_this_street(world, scenarios):
    cases = scope_for(world.other_street_officer)
    assert totals(cases, WEEK).is_empty
    assert rows_by(cases, WEEK, "department", SEED) == []


def test_daily_and_weekly_trends(world, scenarios):
    cases = scope_for(world.street_officer)
    days = daily_status(cases, WEEK)
    assert [d["day"] for d in days] == [date(2026, 11, d) for d in range(16, 23)]
    per_day = {d["day"].day: d for d in days}
    assert per_day[16]["closed"] == 1 and per_day[16]["total"] == 1
    assert per_day[18]["closed"] == 1
    assert per_day[19]["handling"] == 1  # S4 is dispatched
    assert per_day[20]["waiting"] == 1  # S2 still reported
    weeks = weekly_rates(cases, last_day=date(2026, 11, 22), weeks=3, scheme=SEED)
    assert [w["period"].date_from for w in weeks] == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    assert weeks[-1]["counts"] == totals(cases, WEEK)
    assert weeks[0]["rates"].composite is None


def test_period_parsing_and_bad_input(db):
    assert Period.parse("", "", today=date(2026, 11, 21)) == WEEK
    assert Period.parse("2026-11-16", "", today=date(2026, 1, 1)) == Period(date(2026, 11, 16), date(2026, 11, 16))
    for bad in [
        ("2026-13-01", ""),
        ("2026-02-30", ""),
        ("tomorrow", ""),
        ("2026-11-22", "2026-11-16"),
        ("2024-01-01", "2026-01-01"),
    ]:
        with pytest.raises(InvalidInput):
            Period.parse(*bad)
    with pytest.raises(InvalidInput):
        scheme_for("nope")
    assert WEEK.start.isoformat() == "2026-11-16T00:00:00+08:00"
    assert WEEK.end.isoformat() == "2026-11-23T00:00:00+08:00"


def test_rates_are_none_without_denominators_and_composite_renormalises():
    r = rates_for(Counts(), SEED)
    assert (r.response, r.completion, r.satisfaction, r.composite) == (None, None, None, None)
    r = rates_for(Counts(due=4, completed=3, rated=2, basic=2), BEIJING)
    assert r.composite == pytest.approx((0.5 * 0.75 + 0.4 * 0.9) / 0.9)


def _cell(html: str, key, name: str) -> str:
    row = re.search(rf'<tr data-key="{key}">(.*?)</tr>', html, re.S).group(1)
    return re.search(rf'data-(?:count|rate)="{name}">(?:<strong>)?([^<]*)<', row).group(1).strip()


@time_machine.travel(at(2026, 11, 23, 9, 0), tick=False)
def test_assessment_page_shows_raw_counts_and_both_composites(world, scenarios, web):
    client = web("street_officer")
    html = client.get("/assessment/?from=2026-11-16&to=2026-11-22&by=grid&scheme=seed").content.decode()
    assert _cell(html, world.grid_a.id, "received") == "3"
    assert _cell(html, world.grid_a.id, "responded") == "2"
    assert _cell(html, world.grid_a.id, "due") == "2"
    assert _cell(html, world.grid_a.id, "completed") == "2"
    assert _cell(html, world.grid_a.id, "basic") == "1"
    assert _cell(html, world.grid_a.id, "response") == "66.7%"
    assert _cell(html, world.grid_a.id, "composite") == "96.67%"
    assert 'data-composite="seed">97.50%' in html
    assert 'data-composite="beijing">93.50%' in html
    html = client.get("/assessment/?from=2026-11-16&to=2026-11-22&by=department&scheme=beijing").content.decode()
    assert _cell(html, world.departments["zj"].id, "responded") == "0"
    assert _cell(html, world.departments["zj"].id, "composite") == "86.00%"
    assert _cell(html, world.departments["scjg"].id, "received") == "2"
    assert 'data-indicator="correct_dispatch">50.0%' in html


def test_assessment_page_refuses_bad_input_with_a_message(world, web):
    response = web("street_officer").get("/assessment/?from=2026-11-30&to=2026-11-01")
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert web("street_officer").get("/assessment/?by=planet").status_code == 400
    assert web("street_officer").get("/assessment/?scheme=nope").status_code == 400


@pytest.mark.parametrize("persona", ["grid_worker", "liaison", "outsider"])
def test_assessment_is_for_centre_staff_only(world, web, persona):
    assert web(persona).get("/assessment/").status_code == 403
    assert web(persona).get("/assessment/export.csv").status_code == 403


def test_assessment_page_runs_a_constant_number_of_queries(world, web):
    client = web("district_officer")
    url = "/assessment/?from=2026-11-16&to=2026-11-22&by={}"

    def queries(by: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url.format(by)).status_code == 200
        return len(ctx)

    s = file_case(world, code="0204", grid=world.grid_b, actor=world.outsider, now=at(2026, 11, 16, 9, 0))
    case_transition(case_id=s.id, action="accept", actor=world.street_officer, now=at(2026, 11, 16, 9, 5))
    case_transition(
        case_id=s.id,
        action="dispatch",
        actor=world.street_officer,
        departments=[world.departments["scjg"].id],
        now=at(2026, 11, 16, 9, 6),
    )
    case_transition(case_id=s.id, action="sign", actor=world.liaison_scjg, now=at(2026, 11, 16, 9, 7))
    case_transition(case_id=s.id, action="resolve", actor=world.liaison_scjg, note="ok", now=at(2026, 11, 16, 9, 8))
    few = {by: queries(by) for by in DIMENSIONS}
    build_scenarios(world)
    for i in range(6):
        file_case(world, code="0101", now=at(2026, 11, 17, 9, i))
    many = {by: queries(by) for by in DIMENSIONS}
    assert few == many
    # 29 before the place counts, the indicators and the 12345 counts shared one pass over the cases
    # (selectors.case_pass): of these, 2 for the 12345 channel's ratings (selectors.hotline_figures) and 10 for
    # 走访完成率 (the viewer's reach: categories, their departments, the region tree by level; grids; two completion
    # aggregates; seats; visits); 1 more since the district's fixed periods can be kept (the lookup of the kept row,
    # test_kept_figures.py, finds none here: the week asked for is not a fixed one)
    assert max(many.values()) <= 28


def test_dispatches_and_ratings_carry_their_cases_place(world, scenarios):
    for model in (CaseDispatch, Rating):
        rows = list(model.objects.select_related("case"))
        assert rows
        for row in rows:
            mine = {name: getattr(row, name) for name in model.place_fields}
            assert mine == {name: getattr(row.case, name) for name in model.place_fields}
    # A row made without its place gets it from the case when saved.
    made = CaseDispatch.objects.create(case=scenarios["s2"], level="street", department=world.departments["zj"])
    assert (made.community_id, made.street_id, made.district_id) == (
        scenarios["s2"].community_id,
        world.street.id,
        world.district.id,
    )


def test_a_scope_reads_rows_by_its_place_and_a_non_place_scope_through_its_cases(world, scenarios):
    street = scope_for(world.street_officer)
    assert street.place == {"street_id": world.street.id}
    assert set(street.rows(CaseDispatch).values_list("case_id", flat=True)) == {scenarios["s4"].id}
    assert set(street.rows(Rating).values_list("case_id", flat=True)) == {scenarios["s3"].id}
    assert not scope_for(world.other_street_officer).rows(CaseDispatch).exists()
    liaison = scope_for(world.liaison_scjg)
    assert liaison.place is None
    assert set(liaison.rows(CaseDispatch).values_list("case_id", flat=True)) == {scenarios["s4"].id}


def test_a_new_scored_indicator_joins_the_composite_through_the_one_list(monkeypatch):
    """The extension point: one more ``ScoredIndicator`` (here a lower-is-better 不满意率) and a scheme weight.

    Oracle: rated 4 = satisfied 2 + basic 1 + unsatisfied 1, basic worth 0.5 → satisfaction (2 + 0.5) / 4 = 0.625;
    unsatisfied rate 1 / 4 = 0.25, scored 1 − 0.25 = 0.75; weights 30 / 10 → (30·0.625 + 10·0.75) / 40 = 0.65625."""
    from assessment import indicators

    extra = indicators.ScoredIndicator(
        "unsatisfied", "不满意率", lambda c, s: c.unsatisfied, "rated", higher_is_better=False
    )
    monkeypatch.setattr(indicators, "SCORED_INDICATORS", [*indicators.SCORED_INDICATORS, extra])
    monkeypatch.setattr(indicators, "SCORED_BY_KEY", {**indicators.SCORED_BY_KEY, "unsatisfied": extra})
    scheme = Scheme("t", "t", {"satisfaction": 30.0, "unsatisfied": 10.0}, 0.5)

    rates = indicators.rates_for(Counts(rated=4, satisfied=2, basic=1, unsatisfied=1), scheme)

    assert rates.satisfaction == pytest.approx(0.625)
    assert rates.unsatisfied == pytest.approx(0.25)
    assert rates.response is None
    assert rates.composite == pytest.approx(0.65625)


@time_machine.travel(at(2026, 11, 23, 9, 0), tick=False)
def test_the_ranking_rows_escape_what_admins_typed(world, scenarios, web):
    """The ranking table's rows are built in Python (not a template loop): a grid's name is still escaped."""
    world.grid_a.name = '<img src=x onerror="alert(1)">东区'
    world.grid_a.save(update_fields=["name"])
    html = web("street_officer").get("/assessment/?from=2026-11-16&to=2026-11-22&by=grid").content.decode()
    row = re.search(rf'<tr data-key="{world.grid_a.id}">(.*?)</tr>', html, re.S).group(1)
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;东区" in row
    assert "<img src=x" not in html
    assert _cell(html, world.grid_a.id, "received") == "3"


@pytest.mark.parametrize("persona", ["street_officer", "community_officer", "district_officer"])
def test_the_one_case_pass_reads_what_the_three_separate_queries_read(world, scenarios, persona):
    """``case_pass`` (the page: one grouped query) against the oracle of the queries it replaces — the place
    counts, the indicators (durations included) and the 12345 counts, each read on its own."""
    from assessment.selectors import case_pass, hotline_figures, place_counts, scheme_for

    scope, now = scope_for(getattr(world, persona)), at(2026, 11, 23, 9, 0)
    with CaptureQueriesContext(connection) as ctx:
        one = case_pass(scope, WEEK, now=now)
    assert len(ctx) == 1
    assert place_counts(scope, WEEK, case_counts=one.place) == place_counts(scope, WEEK)
    apart = standard_indicators(scope, WEEK, now=now)
    together = standard_indicators(scope, WEEK, now=now, case_totals=one.indicators)
    assert together.counts == apart.counts and together.rates == apart.rates
    assert [d["seconds"] for d in together.durations] == pytest.approx(
        [d["seconds"] for d in apart.durations], abs=1e-6
    )
    scheme = scheme_for(user=getattr(world, persona))
    assert hotline_figures(scope, WEEK, scheme, case_counts=one.hotline) == hotline_figures(scope, WEEK, scheme)
    if persona != "community_officer":
        assert sum(c.received for c in one.place.values()) > 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_weeks_counts_are_what_that_week_alone_reads(world, scenarios, seed):
    """``weekly_rates`` buckets every case by the week of its reported, due and closed times in one grouped query
    and adds the counts up in Python; the oracle is ``totals`` of each week read on its own (its own filters).
    Cases are scattered over the eight weeks and around them — statuses merged and rejected included, due in one
    week and closed in another, responded late or never — and the ratings' times too."""
    import random
    from datetime import timedelta

    from cases.models import Case

    rng = random.Random(seed)
    for i in range(14):
        file_case(world, code="0101", title=f"散布 {i}", now=at(2026, 11, 2, 9, 0))
    weeks_start = at(2026, 9, 28, 0, 0)  # the Monday eight weeks before the week of 11-22, minus one week
    span = timedelta(weeks=10).total_seconds()

    def moment():
        return weeks_start + timedelta(seconds=rng.uniform(0, span)) if rng.random() > 0.1 else None

    statuses = ["closed", "closed", "closed", "merged", "rejected", "in_progress", "reported", "resolved"]
    for case in Case.objects.all():
        reported = weeks_start + timedelta(seconds=rng.uniform(0, span))
        responded = reported + timedelta(hours=rng.choice([1, 3, 30])) if rng.random() > 0.2 else None
        Case.objects.filter(pk=case.pk).update(
            status=rng.choice(statuses),
            reported_at=reported,
            responded_at=responded,
            response_due_at=reported + timedelta(hours=2) if rng.random() > 0.3 else None,
            due_at=moment(),
            closed_at=moment(),
        )
    for rating in Rating.objects.all():
        Rating.objects.filter(pk=rating.pk).update(rated_at=weeks_start + timedelta(seconds=rng.uniform(0, span)))
    for persona in ("street_officer", "district_officer"):
        cases = scope_for(getattr(world, persona))
        weeks = weekly_rates(cases, last_day=date(2026, 11, 22), weeks=8, scheme=SEED)
        assert len(weeks) == 8
        for week in weeks:
            assert week["counts"] == totals(cases, week["period"]), week["period"]
        assert sum(w["counts"].received for w in weeks) > 5 and sum(w["counts"].due for w in weeks) > 3


@pytest.mark.parametrize(
    ("period", "before", "after"),
    [
        # a week steps by a week
        (("2026-11-16", "2026-11-22"), ("2026-11-09", "2026-11-15"), ("2026-11-23", "2026-11-29")),
        # a calendar month by calendar months, whatever their lengths (and across a year)
        (("2026-03-01", "2026-03-31"), ("2026-02-01", "2026-02-28"), ("2026-04-01", "2026-04-30")),
        (("2026-12-01", "2026-12-31"), ("2026-11-01", "2026-11-30"), ("2027-01-01", "2027-01-31")),
        (("2028-01-01", "2028-01-31"), ("2027-12-01", "2027-12-31"), ("2028-02-01", "2028-02-29")),
        # any other period by its own length: 30 days by 30 days, a day by a day, half a month by its 15 days
        (("2026-11-02", "2026-12-01"), ("2026-10-03", "2026-11-01"), ("2026-12-02", "2026-12-31")),
        (("2026-11-20", "2026-11-20"), ("2026-11-19", "2026-11-19"), ("2026-11-21", "2026-11-21")),
        (("2026-11-01", "2026-11-15"), ("2026-10-17", "2026-10-31"), ("2026-11-16", "2026-11-30")),
    ],
)
def test_the_previous_and_next_period_are_periods_of_the_same_kind(period, before, after):
    p = Period(date.fromisoformat(period[0]), date.fromisoformat(period[1]))
    assert p.step(-1) == Period(date.fromisoformat(before[0]), date.fromisoformat(before[1]))
    assert p.step(1) == Period(date.fromisoformat(after[0]), date.fromisoformat(after[1]))


def test_the_pages_previous_period_link_steps_by_the_periods_length(world, web):
    html = web("street_officer").get("/assessment/?from=2026-11-02&to=2026-12-01&by=grid").content.decode()
    assert "from=2026-10-03&amp;to=2026-11-01" in html  # ‹ 前一周期: the 30 days before
    assert "from=2026-12-02&amp;to=2026-12-31" in html  # 后一周期 ›
