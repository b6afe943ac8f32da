"""manage.py import_regions: all rows validated first, every bad row reported by line, idempotent."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from governance.importers import ImportRejected, regions_import
from governance.models import Region

FIXTURES = Path(__file__).resolve().parents[2] / "governance" / "fixtures"


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_regions", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_sample_file_imports_the_tree_then_a_second_run_changes_nothing():
    out = run(FIXTURES / "regions_sample.csv")
    assert "7 created, 0 updated, 0 unchanged" in out
    community = Region.objects.get(code="620201001001")
    assert [community.parent.code, community.parent.parent.code] == ["620201001", "620201"]
    assert Region.objects.get(code="620201001").case_prefix == "XG"

    assert "0 created, 0 updated, 7 unchanged" in run(FIXTURES / "regions_sample.csv")
    assert Region.objects.count() == 7


@pytest.mark.django_db
def test_bad_file_reports_every_bad_row_with_its_line_and_imports_nothing():
    with pytest.raises(CommandError) as exc:
        run(FIXTURES / "regions_bad_sample.csv")
    message = str(exc.value)
    assert "第 3 行：层级 'town' 无效" in message
    assert "第 4 行：缺少名称" in message
    assert "第 5 行：上级编码 999999 不存在" in message
    assert "第 6 行：编码 620200 与第 2 行重复" in message
    assert "发现 5 处错误" in message  # the good first row is not among them
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_children_may_come_before_their_parents():
    csv = "code,name,level,parent_code\n11,社区,community,1\n1,街道,street,0\n0,区,district,C\nC,市,city,\n"
    report = regions_import(source=io.StringIO(csv))
    assert (report.created, report.updated) == (4, 0)
    assert Region.objects.get(code="11").parent.code == "1"


@pytest.mark.django_db
def test_a_changed_name_is_an_update_and_a_missing_prefix_column_keeps_the_prefix():
    regions_import(source=FIXTURES / "regions_sample.csv")
    csv = "code,name,level,parent_code\n620201001,雄关街道办事处,street,620201\n"
    report = regions_import(source=io.StringIO(csv))
    assert str(report) == "0 created, 1 updated, 0 unchanged"
    street = Region.objects.get(code="620201001")
    assert (street.name, street.case_prefix) == ("雄关街道办事处", "XG")


@pytest.mark.django_db
def test_a_stored_regions_level_cannot_change_and_parents_must_be_one_level_up():
    regions_import(source=FIXTURES / "regions_sample.csv")
    csv = "code,name,level,parent_code\n620201001,雄关,community,620201\n620201009,新街道,street,620200\n"
    with pytest.raises(ImportRejected) as exc:
        regions_import(source=io.StringIO(csv))
    reasons = [str(e) for e in exc.value.errors]
    assert reasons[0].startswith("第 2 行：区域 620201001 已存在且层级为 street")
    assert any(r.startswith("第 3 行：上级 620200 的层级是 city") for r in reasons)
    assert Region.objects.get(code="620201001").level == "street"


@pytest.mark.django_db
def test_missing_columns_reject_the_file_at_the_header():
    with pytest.raises(ImportRejected) as exc:
        regions_import(source=io.StringIO("code,name\n1,x\n"))
    assert str(exc.value.errors[0]).startswith("第 1 行：缺少列：level, parent_code")


@pytest.mark.django_db
def test_line_numbers_count_physical_lines_through_quoted_newlines_and_blank_lines():
    csv = 'code,name,level,parent_code\nC,"嘉峪\n关市",city,\n\nD,区,nowhere,C\n'
    with pytest.raises(ImportRejected) as exc:
        regions_import(source=io.StringIO(csv))
    assert [e.line for e in exc.value.errors] == [5]


@pytest.mark.django_db
def test_progress_is_printed_every_n_rows(tmp_path):
    lines = ["code,name,level,parent_code", "C,市,city,", "D,区,district,C"]
    lines += [f"S{i:03d},街道{i},street,D" for i in range(25)]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run(path, "--every", "10")
    assert "校验 10/27" in out and "校验 20/27" in out and "导入 20/27" in out
    assert "27 created, 0 updated, 0 unchanged" in out


@pytest.mark.django_db
def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        run(tmp_path / "nope.csv")
