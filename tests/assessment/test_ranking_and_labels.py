"""The assessment page's ranking and count labels.

- The bucket of cases outside every grid (（未划入网格）) is shown — its figures count in the totals — but it is not a
  grid: it gets no rank and comes after the ranked grids, which are ranked 1..n among themselves.
- Each indicator's raw counts are worded by what they count: 及时处置率 counts cases resolved (处置) in the period,
  not completed (办结: closed, as in the 办结率), so one word never names two counts on the page.
"""

from __future__ import annotations

import re

import time_machine

from assessment.selectors import rows_by, standard_indicators, totals
from cases.models import Case
from cases.selectors import scope_for
from cases.services import case_transition
from tests.cases.helpers import at, file_case

from .test_assessment import SEED, WEEK, build_scenarios

PAGE = "/assessment/?from=2026-11-16&to=2026-11-22&by=grid&scheme=seed"


def _no_grid_cases(world) -> list[Case]:
    """Two cases handled on the spot and closed at once (a perfect record), then taken out of every grid."""
    made = []
    for day in (17, 18):
        case = file_case(world, code="0101", now=at(2026, 11, day, 9, 0))
        case_transition(
            case_id=case.id, action="self_handle", actor=world.grid_worker, note="已清理", now=at(2026, 11, day, 9, 5)
        )
        case_transition(
            case_id=case.id, action="verify_ok", actor=world.community_officer, now=at(2026, 11, day, 9, 30)
        )
        made.append(case)
    Case.objects.filter(pk__in=[c.pk for c in made]).update(grid=None)
    return made


def test_the_no_grid_bucket_is_listed_last_without_a_rank(world):
    build_scenarios(world)
    _no_grid_cases(world)
    scope = scope_for(world.street_officer)

    rows = rows_by(scope, WEEK, "grid", SEED)

    assert [r.key for r in rows] == [world.grid_b.id, world.grid_a.id, None]
    bucket = rows[-1]
    assert bucket.label == "（未划入网格）"
    assert bucket.rates.composite == 1.0  # as good as the best grid, and still not ranked
    assert bucket.rank is None
    assert [r.rank for r in rows[:-1]] == [1, 2]
    # its figures still count: the rows add up to the scope's totals
    assert sum(r.counts.received for r in rows) == totals(scope, WEEK).received == 6
    assert bucket.counts.received == bucket.counts.completed == 2


@time_machine.travel(at(2026, 11, 23, 9, 0), tick=False)
def test_the_ranking_table_shows_no_rank_for_the_no_grid_bucket(world, web):
    build_scenarios(world)
    _no_grid_cases(world)

    html = web("street_officer").get(PAGE).content.decode()

    rows = re.findall(r'<tr data-key="([^"]*)">\s*<td class="num sticky-1">([^<]*)</td>\s*<th[^>]*>([^<]*)</th>', html)
    assert rows == [
        (str(world.grid_b.id), "1", f"{world.grid_b.name}（{world.grid_b.code}）"),
        (str(world.grid_a.id), "2", f"{world.grid_a.name}（{world.grid_a.code}）"),
        ("", "—", "（未划入网格）"),
    ]


def _raw(html: str, key: str) -> str:
    cell = re.search(rf'data-indicator="{key}">[^<]*</td>\s*<td class="muted small">(.*?)</td>', html, re.S)
    return " ".join(cell.group(1).split())


@time_machine.travel(at(2026, 11, 23, 9, 0), tick=False)
def test_indicator_counts_are_worded_by_what_they_count(world, web):
    build_scenarios(world)
    counts = standard_indicators(scope_for(world.street_officer), WEEK, now=at(2026, 11, 23, 9, 0)).counts
    assert (counts["resolved_on_time"], counts["resolved"], counts["closed"], counts["due"]) == (2, 2, 2, 2)
    client = web("street_officer")

    html = client.get(PAGE).content.decode()
    assert _raw(html, "on_time_handling") == "按时处置 2 / 处置 2"
    assert _raw(html, "on_time_closure") == "按期结案 2 / 应办结 2"
    assert _raw(html, "rework") == "返工 0 / 结案 2"
    assert _raw(html, "reopen") == "重办 0 / 结案 2"  # it had no counts at all
    assert "按时办结" not in html
    assert 'data-step="sign_resolve"' in html and "签收→处置" in html and "处置→结案" in html
    assert "签收→办结" not in html and "办结→结案" not in html

    client.cookies["django_language"] = "en"
    en = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _raw(en, "on_time_handling") == "2 resolved on time / 2 resolved"
    assert _raw(en, "reopen") == "0 reopened / 2 closed"
    # 办结 (the 办结率's count: closed in the period) is "completed" in English, not a second "resolved"
    assert "2 completed / 2 due" in en
    assert '<th class="num">Completed</th>' in en
