"""Values the columns cannot hold (text longer than the field, a number out of the column's range, a point off the
globe) are bad rows with their line and nothing is imported — on every database: PostgreSQL failed the whole write
with a DataError and no line, SQLite kept what no form accepts, and a long 姓名 was cut to 50 characters."""

from __future__ import annotations

import pytest

from residents.importers import ImportFailed, import_houses, import_residents, read_rows
from residents.models import Building, House, Resident

HEAD = "网格编码,小区,楼栋,楼栋地址,层数,单元数,单元,楼层,门牌号,用途,纬度,经度"
GOOD_HOUSE = "XG-01-01,雄关小区,7号楼,雄关路7号,6,2,1,1,101,自住,,"
PEOPLE_HEAD = "网格编码,楼栋,单元,门牌号,姓名,性别,民族,人口类型,户籍地,户籍详址,户号,办证类型"


def _csv(text: str) -> list:
    return read_rows(name="sheet.csv", data=text.encode("utf-8"))


def _house(**values: str) -> str:
    """A good house row with ``values`` (by header) replaced."""
    row = dict(zip(HEAD.split(","), GOOD_HOUSE.split(","), strict=True)) | values
    return ",".join(row.values())


def _person(**values: str) -> str:
    good = ["XG-01-01", "7号楼", "1", "101", "导入甲", "女", "", "流动人口", "", "", "", ""]
    row = dict(zip(PEOPLE_HEAD.split(","), good, strict=True)) | values
    return ",".join(row.values())


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"门牌号": "1" * 21}, ["门牌号", "20"]),
        ({"楼栋": "楼" * 61}, ["楼栋", "60"]),
        ({"楼栋地址": "路" * 201}, ["楼栋地址", "200"]),
        ({"小区": "园" * 101}, ["小区", "100"]),
        ({"楼层": "99999"}, ["楼层", "32767"]),  # a smallint
        ({"楼层": "-99999"}, ["楼层", "-32768"]),
        ({"层数": "40000"}, ["层数", "32767"]),
        ({"单元数": "40000"}, ["单元数", "32767"]),
        ({"单元": "40000"}, ["单元", "32767"]),
        ({"纬度": "999", "经度": "98.29"}, ["纬度", "-90", "90"]),
        ({"纬度": "-90.5", "经度": "98.29"}, ["纬度"]),
        ({"纬度": "39.77", "经度": "181"}, ["经度", "-180", "180"]),
        ({"纬度": "nan", "经度": "98.29"}, ["纬度"]),
        ({"纬度": "39.77", "经度": "inf"}, ["经度"]),
        # its home's address: the building's address, its name, the unit and the number
        ({"楼栋": "8号楼", "楼栋地址": "路" * 195}, ["房屋地址", "200"]),
    ],
)
def test_a_value_the_column_cannot_hold_is_a_bad_row_with_its_line(world, values, words):
    with pytest.raises(ImportFailed) as failed:
        import_houses(actor=world.users["admin"], rows=_csv(f"{HEAD}\n{GOOD_HOUSE}\n{_house(**values)}\n"))
    [error] = failed.value.errors
    assert error.line == 3
    assert all(word in error.message for word in words), error.message
    assert not House.objects.exists() and not Building.objects.exists()


def test_every_bad_row_is_reported_with_its_line(world):
    rows = [GOOD_HOUSE, _house(门牌号="1" * 21), _house(门牌号="102", 楼层="99999"), _house(门牌号="103", 纬度="999")]
    with pytest.raises(ImportFailed) as failed:
        import_houses(actor=world.users["admin"], rows=_csv(HEAD + "\n" + "\n".join(rows) + "\n"))
    assert [e.line for e in failed.value.errors] == [3, 4, 5]
    assert not House.objects.exists()


def test_values_at_the_columns_limits_are_imported(world):
    row = _house(楼栋="楼" * 60, 楼栋地址="路" * 100, 门牌号="1" * 20, 楼层="32767", 纬度="-90", 经度="180")
    low = _house(楼栋="楼" * 60, 楼栋地址="路" * 100, 门牌号="2", 楼层="-32768", 纬度="90", 经度="-180")
    result = import_houses(actor=world.users["admin"], rows=_csv(f"{HEAD}\n{row}\n{low}\n"))
    assert result.created == 2
    top = House.objects.get(number="1" * 20)
    assert (top.floor, top.lat, top.lng) == (32767, -90.0, 180.0)
    assert House.objects.get(number="2").floor == -32768
    assert Building.objects.get().floors == 32767


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"姓名": "阿" * 51}, ["姓名", "50"]),  # was cut to 50 characters silently
        ({"民族": "族" * 21}, ["民族", "20"]),
        ({"户籍地": "地" * 101}, ["户籍地", "100"]),
        ({"户籍详址": "址" * 201}, ["户籍详址", "200"]),
        ({"户号": "1" * 31}, ["户号", "30"]),
        ({"办证类型": "证" * 31}, ["办证类型", "30"]),
    ],
)
def test_an_overlong_resident_value_is_a_bad_row_not_cut_silently(world, values, words):
    import_houses(actor=world.users["admin"], rows=_csv(f"{HEAD}\n{GOOD_HOUSE}\n"))
    people = f"{PEOPLE_HEAD}\n{_person(姓名='导入乙')}\n{_person(**values)}\n"
    with pytest.raises(ImportFailed) as failed:
        import_residents(actor=world.users["admin"], rows=_csv(people))
    [error] = failed.value.errors
    assert error.line == 3
    assert all(word in error.message for word in words), error.message
    assert not Resident.objects.exists()


def test_a_name_of_fifty_characters_is_kept_whole(world):
    import_houses(actor=world.users["admin"], rows=_csv(f"{HEAD}\n{GOOD_HOUSE}\n"))
    name = "阿" * 50
    people = f"{PEOPLE_HEAD}\n{_person(姓名=name, 民族='族' * 20, 户号='1' * 30, 办证类型='证' * 30)}\n"
    assert import_residents(actor=world.users["admin"], rows=_csv(people)).created == 1
    assert Resident.objects.get().name == name
