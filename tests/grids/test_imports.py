"""import_grids (GeoJSON) and import_staff (CSV): every bad row reported with where it is, nothing half-imported."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from governance.importers import ImportRejected
from governance.models import User
from grids.choices import StaffRole
from grids.importers import grids_import, read_feature_collection, staff_import
from grids.models import Grid, GridAssignment
from grids.selectors import grids_worked_by

ROOT = Path(__file__).resolve().parents[2]
GRIDS = ROOT / "grids" / "fixtures"
REGIONS = ROOT / "governance" / "fixtures" / "regions_sample.csv"


def run(command: str, path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command(command, str(path), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def regions(db):
    call_command("import_regions", str(REGIONS), stdout=io.StringIO())


# --- Finding the line where each feature starts ----------------------------------------------------


def test_feature_lines_are_found_in_the_raw_text_even_with_tricky_strings():
    text = (
        '{"name": "a { tricky [ \\"name\\" ]\\n",\n'
        '  "type": "FeatureCollection",\n'
        '  "features": [\n'
        '    {"type": "Feature", "properties": {"code": "},{"}},\n'
        "\n"
        "    {\n"
        '      "type": "Feature"\n'
        '    }, {"type": "Feature"}\n'
        "  ]\n"
        "}\n"
    )
    top, features = read_feature_collection(text)
    assert top["type"] == "FeatureCollection" and top["name"].startswith("a {")
    assert [(f.index, f.line) for f in features] == [(0, 4), (1, 6), (2, 8)]
    assert features[0].data["properties"]["code"] == "},{"
    assert top["features"] == [f.data for f in features]


def test_feature_lines_agree_with_the_sample_file():
    _, features = read_feature_collection((GRIDS / "grids_sample.geojson").read_text(encoding="utf-8"))
    lines = (GRIDS / "grids_sample.geojson").read_text(encoding="utf-8").splitlines()
    assert len(features) == 4
    for feature in features:
        assert lines[feature.line - 1].strip() == "{"
        assert feature.data["properties"]["code"] in lines[feature.line + 1]


def test_broken_json_is_refused_with_its_line(regions):
    text = '{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature",}\n ]}\n'
    with pytest.raises(ImportRejected) as exc:
        grids_import(source=io.StringIO(text))
    assert exc.value.errors[0].line == 3 and "JSON 格式错误" in str(exc.value.errors[0])


def test_a_file_that_is_not_a_feature_collection_is_refused(regions):
    with pytest.raises(ImportRejected, match="FeatureCollection"):
        grids_import(source=io.StringIO('{"type": "Feature", "geometry": null, "properties": {}}'))


# --- Grids ----------------------------------------------------------------------------------------


def test_grid_sample_imports_then_a_second_run_changes_nothing(regions):
    out = run("import_grids", GRIDS / "grids_sample.geojson")
    assert "4 created, 0 updated, 0 unchanged" in out
    school = Grid.objects.get(code="XG-01-S1")
    assert (school.kind, school.community.code, school.population) == ("school", "620201001001", 1200)
    assert (school.min_lng, school.max_lat) == (98.292, 39.775)  # bounding box derived on save

    assert "0 created, 0 updated, 4 unchanged" in run("import_grids", GRIDS / "grids_sample.geojson")
    assert Grid.objects.count() == 4


def test_bad_geojson_reports_every_feature_with_its_index_and_line_and_imports_nothing(regions):
    with pytest.raises(CommandError) as exc:
        run("import_grids", GRIDS / "grids_bad_sample.geojson")
    message = str(exc.value)
    assert "features[1]（第 5 行）：边界不是有效多边形" in message
    assert "features[2]（第 7 行）：类型 'castle' 无效" in message
    assert "features[2]（第 7 行）：社区编码 999 不存在" in message
    assert "features[2]（第 7 行）：households 必须是不小于 0 的整数" in message
    assert "features[3]（第 8 行）：边界类型必须是 Polygon 或 MultiPolygon" in message
    assert "features[3]（第 8 行）：网格编码 XG-09-01 与features[0]（第 4 行）重复" in message
    assert "features[0]（第 4 行）：" not in message  # the good feature is not reported
    assert Grid.objects.count() == 0


def test_changed_properties_are_updates(regions, tmp_path):
    grids_import(source=GRIDS / "grids_sample.geojson")
    data = json.loads((GRIDS / "grids_sample.geojson").read_text(encoding="utf-8"))
    data["features"][1]["properties"]["households"] = 999
    path = tmp_path / "changed.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert "0 created, 1 updated, 3 unchanged" in run("import_grids", path)
    assert Grid.objects.get(code="XG-01-02").households == 999


@pytest.mark.parametrize("households", ["²", "3000000000", "١٢", -5, True, "12.5"])
def test_a_household_count_that_is_no_whole_number_the_column_holds_is_refused(regions, tmp_path, households):
    data = json.loads((GRIDS / "grids_sample.geojson").read_text(encoding="utf-8"))
    data["features"][1]["properties"]["households"] = households
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        run("import_grids", path)
    assert "households 必须是不小于 0 的整数" in str(exc.value)
    assert Grid.objects.count() == 0


def test_grid_import_prints_progress(regions, tmp_path):
    features = [
        {
            "type": "Feature",
            "properties": {"code": f"G{i:03d}", "name": f"网格{i}", "community_code": "620201001001"},
            "geometry": {"type": "Polygon", "coordinates": [[[i, 0], [i + 1, 0], [i + 1, 1], [i, 0]]]},
        }
        for i in range(12)
    ]
    path = tmp_path / "many.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    out = run("import_grids", path, "--every", "5")
    assert "校验 5/12" in out and "导入 10/12" in out and "12 created" in out


# --- Staff ----------------------------------------------------------------------------------------


@pytest.fixture
def grids(regions):
    grids_import(source=GRIDS / "grids_sample.geojson")


def test_staff_sample_creates_users_and_seats_then_a_second_run_changes_nothing(grids):
    out = run("import_staff", GRIDS / "staff_sample.csv")
    assert "7 created, 0 updated, 0 unchanged" in out
    leader = User.objects.get(username="wgz0101")
    assert (leader.full_name, leader.phone, leader.role) == ("李建国", "13900000101", "grid_worker")
    assert not leader.has_usable_password()
    assert list(grids_worked_by(leader)) == [Grid.objects.get(code="XG-01-01")]  # seated through staff_assign
    police = User.objects.get(username="mj0101")
    assert {g.code for g in grids_worked_by(police)} == {"XG-01-01", "XG-01-02"}
    seat = GridAssignment.objects.get(user=leader)
    assert (seat.role, seat.source, str(seat.started_on)) == (StaffRole.GRID_LEADER, "two_committees", "2026-01-05")

    assert "0 created, 0 updated, 7 unchanged" in run("import_staff", GRIDS / "staff_sample.csv")
    assert GridAssignment.objects.count() == 7 and User.objects.count() == 6


def test_bad_staff_file_reports_every_bad_row_with_its_line_and_imports_nothing(grids):
    staff_import(source=io.StringIO("grid_code,username,full_name,phone,role,source\n"
                                    "XG-01-01,wgz0101,李建国,1,grid_leader,two_committees\n"))  # fmt: skip
    users_before = User.objects.count()
    with pytest.raises(CommandError) as exc:
        run("import_staff", GRIDS / "staff_bad_sample.csv")
    message = str(exc.value)
    assert "第 3 行：网格 XG-01-01 已有在岗网格长（李建国），请先结束其任职" in message
    assert "第 3 行：网格 XG-01-01 的网格长在文件中出现两次（见第 2 行）" in message
    assert "第 4 行：网格 XG-99-99 不存在" in message
    assert "第 5 行：用户名 'bad user!' 无效" in message
    assert "第 5 行：岗位 'captain' 无效" in message
    assert "第 5 行：来源 'aliens' 无效" in message
    assert "第 5 行：起始日期 '2026-13-40' 无效" in message
    assert "第 6 行：同一人员在同一网格重复（见第 2 行）" in message
    assert "第 2 行：" not in message
    assert User.objects.count() == users_before and GridAssignment.objects.count() == 1


def test_a_person_seated_in_another_role_must_be_ended_first(grids):
    staff_import(source=GRIDS / "staff_sample.csv")
    csv = "grid_code,username,full_name,phone,role,source\nXG-01-01,mj0101,张警官,,full_time_worker,police\n"
    with pytest.raises(ImportRejected, match="已在网格 XG-01-01 担任兼职网格员"):
        staff_import(source=io.StringIO(csv))


def test_changed_name_and_phone_are_updates_and_blank_cells_keep_what_is_stored(grids):
    staff_import(source=GRIDS / "staff_sample.csv")
    csv = (
        "grid_code,username,full_name,phone,role,source\n"
        "XG-01-01,wgz0101,李建国,13911111111,grid_leader,two_committees\n"
        "XG-01-01,wgy0101,,,full_time_worker,community_staff\n"
    )
    report = staff_import(source=io.StringIO(csv))
    assert str(report) == "0 created, 1 updated, 1 unchanged"
    assert User.objects.get(username="wgz0101").phone == "13911111111"
    assert User.objects.get(username="wgy0101").full_name == "王丽"


def test_an_existing_user_is_seated_without_being_recreated(world):
    csv = "grid_code,username,full_name,phone,role,source\nXG-02-01,shequ02,,,grid_leader,two_committees\n"
    report = staff_import(source=io.StringIO(csv))
    assert str(report) == "1 created, 0 updated, 0 unchanged"
    officer = User.objects.get(username="shequ02")
    assert officer.role == "centre_staff" and officer.has_usable_password()
    assert list(grids_worked_by(officer)) == [world.grid_b]
