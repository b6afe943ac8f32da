"""Exports parse back: CSV (UTF-8 with BOM, streamed) and XLSX (openpyxl), with the right rows."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from cases import exports
from cases.selectors import case_queryset_for
from cases.services import case_transition
from tests.cases.helpers import at, file_case

NOW = at(2026, 11, 23, 9, 0)


def read_csv(response) -> list[list[str]]:
    assert response.streaming, "CSV is streamed"
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode()), "a BOM so Excel reads the Chinese"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def read_xlsx(response) -> openpyxl.Workbook:
    assert response["Content-Type"] == exports.XLSX_TYPE
    return openpyxl.load_workbook(io.BytesIO(response.content))


@pytest.fixture
def cases(world):
    made = [
        file_case(world, code="0101", title="暴露垃圾，门口", now=at(2026, 11, 16, 9, 0)),
        file_case(world, code="0202", title="违法搭建", now=at(2026, 11, 17, 9, 0)),
        file_case(
            world, code="0101", title="关城垃圾", grid=world.grid_b, actor=world.outsider, now=at(2026, 11, 18, 9, 0)
        ),
    ]
    case_transition(case_id=made[1].id, action="accept", actor=world.street_officer, now=at(2026, 11, 17, 9, 5))
    return made


def test_case_csv_has_a_header_and_one_row_per_case(world, cases):
    qs = case_queryset_for(world.street_officer).order_by("reported_at")
    rows = read_csv(exports.cases_csv(qs))
    assert rows[0][:4] == ["编号", "标题", "事项编码", "事项"]
    assert [r[0] for r in rows[1:]] == [c.number for c in cases]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["标题"] == "暴露垃圾，门口"  # the comma survives quoting
    assert first["状态"] == "待受理" and first["网格"] == "雄关一网格" and first["街道"] == "雄关街道"
    assert first["上报时间"] == "2026-11-16 09:00"
    assert dict(zip(rows[0], rows[2], strict=True))["状态"] == "待派遣"


def test_case_xlsx_has_the_same_rows_with_real_dates(world, cases):
    qs = case_queryset_for(world.community_officer).order_by("reported_at")
    wb = read_xlsx(exports.cases_xlsx(qs))
    ws = wb.worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    assert values[0][0] == "编号"
    assert [v[0] for v in values[1:]] == [cases[0].number, cases[1].number], "grid B is not the community's"
    reported = values[1][values[0].index("上报时间")]
    assert reported.year == 2026 and (reported.month, reported.day, reported.hour) == (11, 16, 9)


def test_dashboard_export_follows_the_current_filters(world, cases, web):
    client = web("street_officer")
    rows = read_csv(client.get("/dashboard/export.csv?view=new&sort=reported_at"))
    assert [r[0] for r in rows[1:]] == [cases[0].number, cases[2].number]
    rows = read_csv(client.get(f"/dashboard/export.csv?grid={world.grid_b.id}"))
    assert [r[0] for r in rows[1:]] == [cases[2].number]
    wb = read_xlsx(client.get("/dashboard/export.xlsx?q=违法"))
    assert [r[0] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)] == [cases[1].number]
    assert client.get("/dashboard/export.pdf").status_code == 404
    assert web("community_b_officer").get("/dashboard/export.csv").status_code == 200
    rows = read_csv(web("community_b_officer").get("/dashboard/export.csv"))
    assert [r[0] for r in rows[1:]] == [cases[2].number]


def test_xlsx_export_stops_at_the_row_limit_and_says_so():
    sheet = exports.Sheet(title="t", header=["n"], rows=([i] for i in range(10)))
    wb = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([sheet], max_rows=4)))
    values = [r[0] for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert values[:5] == ["n", 0, 1, 2, 3] and "仅导出前 4 行" in values[5] and len(values) == 6
