"""Imports of a 网格采集 sheet (CSV, XLSX): bad rows reported with their line, nothing imported if one is bad,
idempotent, progress. Masked exports for allowed roles. Retention anonymises people who moved away."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from residents.crypto import decrypt
from residents.importers import ImportFailed, import_houses, import_residents, read_rows
from residents.models import AccessLog, Building, House, Resident
from residents.services import resident_move_away, residents_anonymise_moved_away
from tests.residents.setups import id_number

HOUSES = """网格编码,小区,楼栋,楼栋地址,层数,单元数,单元,楼层,门牌号,用途
XG-01-01,雄关小区,7号楼,雄关路7号,6,2,1,1,101,自住
XG-01-01,雄关小区,7号楼,雄关路7号,6,2,1,1,102,出租
XG-01-01,雄关小区,7号楼,雄关路7号,6,2,2,3,301,空置
"""


def _csv(text: str) -> list:
    return read_rows(name="sheet.csv", data=text.encode("utf-8"))


def _residents_csv(rows: list[list[str]]) -> str:
    head = "网格编码,楼栋,单元,门牌号,姓名,性别,出生日期,公民身份号码,联系方式,人口类型,证件到期日期,与户主关系"
    return head + "\n" + "\n".join(",".join(r) for r in rows) + "\n"


def _good_people() -> list[list[str]]:
    return [
        ["XG-01-01", "7号楼", "1", "101", "导入甲", "", "", id_number(201), "13800000201", "户籍人口", "", "户主"],
        ["XG-01-01", "7号楼", "1", "101", "导入乙", "女", "1985-01-02", "", "", "", "", "配偶"],
        ["XG-01-01", "7号楼", "1", "102", "导入丙", "", "", id_number(203), "", "流动人口", "2027-01-31", "租户"],
    ]


def test_houses_then_residents_import_and_a_second_run_changes_nothing(world):
    admin = world.users["admin"]
    progress: list[tuple[int, int]] = []
    first = import_houses(actor=admin, rows=_csv(HOUSES), progress=lambda d, t: progress.append((d, t)))
    assert (first.created, first.updated, first.extra["buildings"]) == (3, 0, 1)
    assert progress[-1] == (3, 3)
    building = Building.objects.get(name="7号楼")
    assert (building.floors, building.units, building.compound.name) == (6, 2, "雄关小区")
    assert House.objects.get(number="102").use == "rented"
    people = import_residents(actor=admin, rows=_csv(_residents_csv(_good_people())))
    assert people.created == 3
    a = Resident.objects.get(name="导入甲")
    assert a.sex == "M" and a.birth_date == date(1980, 5, 17)  # from the ID number
    assert decrypt(a.id_number_enc) == id_number(201) and a.id_number_masked.endswith(id_number(201)[-4:])
    assert Resident.objects.get(name="导入丙").permit_expires_on == date(2027, 1, 31)
    again_h = import_houses(actor=admin, rows=_csv(HOUSES))
    again_p = import_residents(actor=admin, rows=_csv(_residents_csv(_good_people())))
    assert (again_h.created, again_h.updated, again_h.unchanged) == (0, 0, 3)
    assert (again_p.created, again_p.updated, again_p.unchanged) == (0, 0, 3)
    assert Resident.objects.count() == 3 and House.objects.count() == 3


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(world):
    admin = world.users["admin"]
    import_houses(actor=admin, rows=_csv(HOUSES))
    bad_check = id_number(204)[:17] + ("0" if id_number(204)[17] != "0" else "1")
    rows = [
        *_good_people(),
        ["XG-01-01", "7号楼", "1", "101", "坏甲", "", "", bad_check, "", "", "", ""],  # line 5: check digit
        ["XG-99-99", "7号楼", "1", "101", "坏乙", "男", "", "", "", "", "", ""],  # line 6: unknown grid
        ["XG-01-01", "7号楼", "1", "999", "坏丙", "男", "", "", "", "", "", ""],  # line 7: no such home
        ["XG-01-01", "7号楼", "1", "101", "坏丁", "", "", id_number(201), "", "", "", ""],  # line 8: duplicate of 2
        ["XG-01-01", "7号楼", "1", "101", "", "男", "", "", "", "", "", ""],  # line 9: no name
        ["XG-01-01", "7号楼", "1", "101", "坏戊", "男", "1990-13-01", "", "", "", "", ""],  # line 10: bad date
        ["XG-01-01", "7号楼", "1", "101", "坏己", "女", "", id_number(205), "", "", "", ""],  # line 11: sex vs ID
        ["XG-01-01", "7号楼", "1", "101", "坏庚", "男", "", "", "12ab", "", "", ""],  # line 12: phone
    ]
    with pytest.raises(ImportFailed) as failed:
        import_residents(actor=admin, rows=_csv(_residents_csv(rows)))
    lines = {e.line: e.message for e in failed.value.errors}
    assert sorted(lines) == [5, 6, 7, 8, 9, 10, 11, 12]
    assert "校验位" in lines[5] and "XG-99-99" in lines[6] and "请先导入房屋" in lines[7] and "第2行" in lines[8]
    assert "姓名" in lines[9] and "出生日期" in lines[10] and "性别" in lines[11] and "电话" in lines[12]
    assert Resident.objects.count() == 0


def test_a_grid_outside_the_importers_scope_is_a_bad_row(world):
    with pytest.raises(ImportFailed) as failed:
        import_houses(actor=world.users["outsider"], rows=_csv(HOUSES))
    assert [e.line for e in failed.value.errors] == [2, 3, 4]
    assert House.objects.count() == 0


def test_missing_and_unknown_columns_fail_on_line_one(world):
    with pytest.raises(ImportFailed) as failed:
        import_houses(actor=world.users["admin"], rows=_csv("网格编码,楼栋,颜色\nXG-01-01,1号楼,红\n"))
    assert [e.line for e in failed.value.errors] == [1, 1]


def test_xlsx_sheets_import_like_csv_through_the_page(world, web, django_capture_on_commit_callbacks):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in csv.reader(io.StringIO(HOUSES)):
        sheet.append([int(v) if v.isdigit() and len(v) < 4 else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    client = web("street_officer")
    upload = SimpleUploadedFile("sheet.xlsx", buffer.getvalue())
    with django_capture_on_commit_callbacks(execute=True):  # the Celery task (eager) starts after the commit
        response = client.post("/residents/import/", {"kind": "houses", "file": upload})
    assert response.status_code == 302
    assert "新增 3" in client.get(response["Location"]).content.decode()
    bad = SimpleUploadedFile("bad.csv", (HOUSES + "XG-01-01,,7号楼,,,,x,1,103,自住\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/residents/import/", {"kind": "houses", "file": bad})
    html = client.get(response["Location"]).content.decode()
    assert "第 5 行" in html and "单元应为整数" in html
    assert House.objects.count() == 3


def test_export_is_masked_logged_and_only_for_centre_staff(world, hood, web):
    assert web("grid_worker").get("/residents/export.csv").status_code == 404
    response = web("street_officer").get("/residents/export.csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 7
    for n in (1, 2, 3, 5, 7, 9, 11):
        assert id_number(n) not in text
        assert f"1390000{n:04d}" not in text
    assert id_number(1)[:6] + "********" + id_number(1)[-4:] in text and "139****0001" in text
    logged = AccessLog.objects.filter(channel="export", username="jiedao01")
    assert logged.count() == 7
    xlsx = web("street_officer").get("/residents/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@override_settings(RESIDENTS_RETENTION_DAYS=30)
def test_people_who_moved_away_are_anonymised_after_the_retention_period(world, hood):
    person = hood.people["corr"]
    today = date(2026, 11, 30)
    resident_move_away(actor=world.users["grid_worker"], resident=person, moved_away_on=today - timedelta(days=31))
    stay = hood.people["plain"]
    resident_move_away(actor=world.users["grid_worker"], resident=stay, moved_away_on=today - timedelta(days=10))
    assert residents_anonymise_moved_away(today=today) == 1
    person.refresh_from_db()
    assert person.name == "（已匿名）" and person.id_number_enc == "" and person.id_number_hmac == ""
    assert person.phone_enc == "" and person.birth_date is None and person.anonymised_at is not None
    assert not person.tags.filter(ended_on__isnull=True).exists()
    assert not person.plans.filter(active=True).exists()
    assert Resident.objects.get(pk=stay.pk).name == "测试己"
    assert residents_anonymise_moved_away(today=today) == 0


def test_the_api_is_in_the_schema_and_cursor_paginated(world, hood, api):
    schema = api("admin").get("/api/schema/").content.decode()
    for path in (
        "/api/v1/residents/",
        "/api/v1/resident-tags/{id}/",
        "/api/v1/buildings/{id}/household-map/",
        "/api/v1/visit-plans/",
        "/api/v1/visits/",
        "/api/v1/diary-entries/",
        "/api/v1/tag-categories/",
    ):
        assert path in schema, path  # fmt: skip
    client = api("admin")
    first = client.get("/api/v1/residents/?page_size=3").json()
    assert len(first["results"]) == 3 and "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})


def test_a_visit_and_a_diary_entry_through_the_api(world, hood, api):
    client = api("grid_worker")
    plan = hood.tags["corr"].plans.get()
    response = client.post("/api/v1/visits/", {"plan": plan.pk, "found": "在家"}, format="json")
    assert response.status_code == 201
    response = client.post("/api/v1/diary-entries/", {"grid": "XG-01-01", "text": "路灯坏了"}, format="json")
    assert response.status_code == 201
    assert api("outsider").post("/api/v1/visits/", {"plan": plan.pk, "found": "x"}, format="json").status_code == 404


def test_a_diary_entry_with_an_unknown_matter_is_refused_not_filed_without_it(world, hood, api):
    """An unknown ``category`` id was dropped without a word: 201, and the entry had no matter (input audit,
    2026-12-03)."""
    from residents.models import DiaryEntry

    client = api("grid_worker")
    for category in (999_999, 10**30):
        body = {"grid": "XG-01-01", "text": "路灯坏了", "category": category}
        response = client.post("/api/v1/diary-entries/", body, format="json")
        assert response.status_code == 400 and "category" in str(response.json()), category
    assert not DiaryEntry.objects.filter(text="路灯坏了").exists()
    known = {"grid": "XG-01-01", "text": "路灯坏了", "category": world.categories["0101"].pk}
    assert client.post("/api/v1/diary-entries/", known, format="json").status_code == 201
    assert DiaryEntry.objects.get(text="路灯坏了").category_id == world.categories["0101"].pk


def test_the_command_imports_with_progress_and_refuses_a_bad_file(world, tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "houses.csv"
    good.write_text(HOUSES, encoding="utf-8")
    out = io.StringIO()
    call_command("import_residents", "houses", str(good), stdout=out)
    assert "3 / 3 rows" in out.getvalue() and "created 3" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HOUSES.replace("6,2,2,3,301", "6,2,2,x,302"), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_residents", "houses", str(bad), stdout=io.StringIO(), stderr=err)
    assert "line 4" in err.getvalue()
    assert House.objects.count() == 3


def test_exports_write_a_formula_as_text_and_drop_control_characters(world, hood, web):
    """A name that would start a formula is text in both formats, through core.exports (OWASP CSV injection)."""
    import openpyxl

    Resident.objects.filter(pk=hood.people["corr"].pk).update(name='=HYPERLINK("http://x","点我")')
    Resident.objects.filter(pk=hood.people["plain"].pk).update(name="@SUM(1)\x01")
    text = web("street_officer").get("/residents/export.csv").content.decode("utf-8-sig")
    names = {row[1] for row in csv.reader(io.StringIO(text))}
    assert '\'=HYPERLINK("http://x","点我")' in names and "'@SUM(1)" in names
    book = openpyxl.load_workbook(io.BytesIO(web("street_officer").get("/residents/export.xlsx").content))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert '=HYPERLINK("http://x","点我")' in {c.value for c in cells} and "@SUM(1)" in {c.value for c in cells}


@pytest.mark.parametrize(
    ("address", "name", "expected"),
    [
        ("雄关路7号", "7号楼", "雄关路7号 7号楼1单元101"),
        ("雄关一网格1号楼", "1号楼", "雄关一网格1号楼1单元101"),  # the address names the building already
        ("建设路12号", "2号", "建设路12号 2号1单元101"),  # a number that only ends like the name does not
    ],
)
def test_a_homes_address_names_its_building_once(world, address, name, expected):
    """Made by hand (``house_create``) or by the import, a home without an address of its own gets its
    building's: the building's name is not repeated when the building's address already ends with it."""
    from residents.services import building_create, house_create

    admin = world.users["admin"]
    building = building_create(actor=admin, grid=world.grid_a, name=name, address=address, floors=6, units=2)
    assert house_create(actor=admin, building=building, unit=1, floor=1, number="101").address == expected
    head = "网格编码,小区,楼栋,楼栋地址,层数,单元数,单元,楼层,门牌号,用途"
    sheet = f"{head}\n{world.grid_a.code},,{name},{address},6,2,1,1,102,自住\n"
    import_houses(actor=admin, rows=_csv(sheet))
    assert House.objects.get(building=building, number="102").address == expected.replace("101", "102")
