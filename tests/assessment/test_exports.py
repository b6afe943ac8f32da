"""The assessment's exports parse back: CSV (UTF-8 with BOM, streamed) and XLSX, with raw counts beside rates."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from assessment.periods import Period
from assessment.selectors import DIMENSIONS
from tests.assessment.test_assessment import build_scenarios
from tests.cases.helpers import at
from tests.cases.test_exports import read_csv, read_xlsx

NOW = at(2026, 11, 23, 9, 0)


@time_machine.travel(NOW, tick=False)
def test_assessment_csv_and_xlsx_carry_raw_counts_and_rates(world, web):
    build_scenarios(world)
    client = web("street_officer")
    rows = read_csv(client.get("/assessment/export.csv?from=2026-11-16&to=2026-11-22&by=grid&scheme=beijing"))
    header = rows[0]
    assert header[:3] == ["排名", "网格", "受理数"] and header[-1] == "综合得分（10/50/40）"
    grid_a = next(dict(zip(header, r, strict=True)) for r in rows[1:] if r[1].startswith("雄关一网格"))
    assert (grid_a["受理数"], grid_a["按时响应数"], grid_a["应办结数"], grid_a["办结数"]) == ("3", "2", "2", "2")
    assert (grid_a["评价数"], grid_a["基本满意"], grid_a["满意率"]) == ("1", "1", "90.00%")
    assert grid_a["综合得分（10/50/40）"] == "92.67%"

    wb = read_xlsx(client.get("/assessment/export.xlsx?from=2026-11-16&to=2026-11-22&scheme=seed"))
    assert wb.sheetnames == ["概览", *[str(label) for label in DIMENSIONS.values()]]
    summary = {r[0]: r[1] for r in wb["概览"].iter_rows(min_row=2, values_only=True)}
    assert summary["受理数"] == 4 and summary["应办结数"] == 2 and summary["准确派遣率"] == "50.00%"
    assert summary["综合得分"] == "97.50%"
    departments = list(wb["职能部门"].iter_rows(values_only=True))
    zj = next(r for r in departments[1:] if r[1] == "住建")
    assert zj[2:6] == (1, 0, 1, 1)
    assert zj[13] == pytest.approx(0.9)  # a real number, formatted as a percentage in Excel
    assert wb["职能部门"].cell(row=2, column=14).number_format == "0.00%"


def test_assessment_export_refuses_bad_dates(world, web):
    response = web("street_officer").get("/assessment/export.csv?from=2026-02-30")
    assert response.status_code == 400 and "YYYY-MM-DD" in response.content.decode()


def test_period_week_of():
    assert Period.week_of(date(2026, 11, 22)) == Period(date(2026, 11, 16), date(2026, 11, 22))
