"""The dispute figures export (CSV and XLSX): the page's rows in the user's scope, a total recomputed from the raw
counts, text that would start a formula written as text, bad parameters refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mediation import services
from tests.cases.test_exports import read_csv, read_xlsx

from .helpers import T0, open_dispute, start

pytestmark = pytest.mark.django_db

QUERY = "by=community&date_from=2026-11-01&date_to=2026-11-30"


@pytest.fixture
def disputes(world):
    """Community A: two found, one agreed at the community, one failed; community B: one found, open."""

    def conclude(d, outcome, **kw):
        start(world, d)
        services.session_record(
            actor=world.community_officer,
            dispute_id=d.pk,
            held_at=T0,
            place="调解室",
            mediators="调解员",
            outcome=outcome,
            now=T0 + timedelta(hours=1),
            **kw,
        )

    conclude(open_dispute(world, title="一"), "agreement", agreement_text="和解", signatories=["张三", "李四"])
    conclude(open_dispute(world, title="二"), "no_agreement")
    open_dispute(world, title="三", actor=world.outsider, grid=world.grid_b)


def test_csv_has_the_scope_rows_and_a_recomputed_total(world, web, disputes):
    rows = read_csv(web("street_officer").get(f"/mediation/figures/export.csv?{QUERY}"))
    assert rows[0][:6] == ["社区", "排查发现", "已调解", "已办结", "调解成功", "成功率"]
    body = {r[0]: r for r in rows[1:]}
    assert body["雄关社区"][1:6] == ["2", "2", "2", "1", "50.0%"]
    assert body["雄关社区"][7] == "1" and body["雄关社区"][10] == "100.0%"  # agreed at the community, within the street
    assert body["关城社区"][1:6] == ["1", "0", "0", "0", ""]
    assert rows[-1][0] == "合计" and rows[-1][1:6] == ["3", "2", "2", "1", "50.0%"]


def test_the_community_exports_only_its_own(world, web, disputes):
    rows = read_csv(web("community_officer").get(f"/mediation/figures/export.csv?{QUERY}"))
    assert [r[0] for r in rows[1:]] == ["雄关社区", "合计"]
    assert rows[-1][1] == "2"
    rows = read_csv(web("other_street_officer").get(f"/mediation/figures/export.csv?{QUERY}"))
    assert rows[1:] == [["合计", "0", "0", "0", "0", "", "0", "0", "0", "0", ""]]


def test_xlsx_has_numbers_and_rates_as_fractions(world, web, disputes):
    wb = read_xlsx(web("street_officer").get(f"/mediation/figures/export.xlsx?{QUERY.replace('community', 'grid')}"))
    ws = wb.worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "网格"
    by_name = {v[0]: v for v in values[1:]}
    grid_a = by_name[world.grid_a.name]
    assert grid_a[1:5] == [2, 2, 2, 1] and grid_a[5] == pytest.approx(0.5)
    assert ws.cell(row=2, column=6).number_format == "0.0%"
    assert by_name["合计"][1] == 3
    assert wb.worksheets[1].cell(row=2, column=2).value == "2026-11-01 — 2026-11-30"


def test_a_name_that_looks_like_a_formula_stays_text(world, web, disputes):
    world.grid_a.name = '=HYPERLINK("http://evil.example","x")'
    world.grid_a.save(update_fields=["name"])
    q = QUERY.replace("community", "grid")
    rows = read_csv(web("street_officer").get(f"/mediation/figures/export.csv?{q}"))
    assert "'" + world.grid_a.name in [r[0] for r in rows]
    ws = read_xlsx(web("street_officer").get(f"/mediation/figures/export.xlsx?{q}")).worksheets[0]
    cells = [row[0] for row in ws.iter_rows(min_row=2)]
    evil = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert evil.data_type == "s"  # a string, never a formula


def test_bad_parameters_are_refused(world, web):
    c = web("street_officer")
    assert c.get("/mediation/figures/export.csv?by=planet").status_code == 400
    assert c.get("/mediation/figures/export.xlsx?date_from=2026-12-01&date_to=2026-11-01").status_code == 400
    assert c.get("/mediation/figures/export.xlsx?date_from=yesterday").status_code == 400


def test_anonymous_is_sent_to_log_in(client):
    assert client.get("/mediation/figures/export.csv").status_code == 302


def test_the_page_links_the_exports_with_its_filters(world, web):
    page = web("street_officer").get(f"/mediation/figures/?{QUERY}").content.decode()
    assert f"/mediation/figures/export.csv?{QUERY.replace('&', '&amp;')}" in page
    assert "/mediation/figures/export.xlsx?" in page
