"""Dates nobody can have meant are refused on every channel (``residents.validators``): a birth date in the future
or before 1900, a visit date in the future or before 2000, a permit expiring before it was registered. Before,
9999-12-31 and 0001-01-01 were kept (the person's page read 出生年份 9999) and so was a visit on 0001-01-01.

The page forms say it next to the field; the service, the API and the import refuse it too; nothing is stored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.errors import InvalidInput
from residents.importers import ImportFailed, import_residents
from residents.models import Resident, Visit
from residents.services import resident_save, visit_record
from tests.residents.setups import id_number

pytestmark = pytest.mark.django_db


def person_form(hood, **extra) -> dict:
    return {"name": "日期测试", "house": hood.houses["a202"].pk, "sex": "M", "ethnicity": "汉族", "kind": "registered",
            "relation": "head", **extra}  # fmt: skip


@pytest.mark.parametrize(
    ("birth_date", "message"),
    [
        ("9999-12-31", "出生日期不能晚于今天"),
        ("0001-01-01", "出生日期不能早于1900年"),
        ("1899-12-31", "出生日期不能早于1900年"),
    ],
)
def test_the_person_form_refuses_an_impossible_birth_date_next_to_the_field(world, hood, web, birth_date, message):
    response = web("grid_worker").post("/residents/people/new/", person_form(hood, birth_date=birth_date))
    assert response.status_code == 200
    assert response.context["form"].errors["birth_date"] == [message]
    assert not Resident.objects.filter(name="日期测试").exists()


def test_the_person_form_refuses_a_new_impossible_birth_date_on_edit(world, hood, web):
    person = resident_save(actor=world.users["admin"], house=hood.houses["a202"], name="日期测试", sex="M")
    response = web("grid_worker").post(
        f"/residents/people/{person.pk}/edit/", person_form(hood, birth_date="9999-12-31")
    )
    assert response.context["form"].errors["birth_date"] == ["出生日期不能晚于今天"]
    person.refresh_from_db()
    assert person.birth_date is None


def test_a_birth_date_is_kept_from_1900_to_today_and_refused_a_day_outside(world, hood, web):
    client = web("grid_worker")
    today = timezone.localdate()
    for name, born, kept in [
        ("早一天", date(1899, 12, 31), False),
        ("最早", date(1900, 1, 1), True),
        ("今天", today, True),
        ("明天", today + timedelta(days=1), False),
    ]:
        response = client.post("/residents/people/new/", person_form(hood, name=name, birth_date=born.isoformat()))
        assert response.status_code == (302 if kept else 200), name
        assert list(Resident.objects.filter(name=name).values_list("birth_date", flat=True)) == ([born] if kept else [])


def test_the_person_form_refuses_a_permit_expiring_before_its_registration(world, hood, web):
    client = web("grid_worker")
    data = person_form(hood, kind="floating", registered_on="2026-03-01", permit_expires_on="2026-02-28")
    response = client.post("/residents/people/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["permit_expires_on"] == ["证件到期日期不能早于登记日期"]
    assert not Resident.objects.filter(name="日期测试").exists()
    data["permit_expires_on"] = "2026-03-01"  # expiring on the day it was registered: odd, but possible
    assert client.post("/residents/people/new/", data).status_code == 302
    assert Resident.objects.get(name="日期测试").permit_expires_on == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("registered_on", "message"),
    [
        ("0001-01-01", "登记日期不能早于1985年"),
        ("1984-12-31", "登记日期不能早于1985年"),
        ("9999-01-01", "登记日期不能晚于今天"),
    ],
)
def test_a_registration_date_nobody_meant_is_refused_next_to_it(world, hood, web, registered_on, message):
    """0001-01-01 passed as long as the expiry came later (input audit, 2026-12-03)."""
    data = person_form(hood, kind="floating", registered_on=registered_on, permit_expires_on="9999-12-31")
    response = web("grid_worker").post("/residents/people/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["registered_on"] == [message]
    assert not Resident.objects.filter(name="日期测试").exists()
    with pytest.raises(InvalidInput) as refused:
        resident_save(actor=world.users["admin"], house=hood.houses["a202"], name="日期测试", sex="M",
                      kind="floating", registered_on=date.fromisoformat(registered_on))  # fmt: skip
    assert (refused.value.code, refused.value.message) == ("registered_on", message)


def test_the_service_refuses_the_same_dates_for_every_other_caller(world, hood):
    admin, house = world.users["admin"], hood.houses["a202"]
    with pytest.raises(InvalidInput) as refused:
        resident_save(actor=admin, house=house, name="日期测试", sex="M", birth_date=date(9999, 12, 31))
    assert (refused.value.code, refused.value.message) == ("birth_date", "出生日期不能晚于今天")
    with pytest.raises(InvalidInput) as refused:  # the birth date an ID number holds is held to the rule too
        resident_save(actor=admin, house=house, name="日期测试", id_number=id_number(60, born=date(1890, 1, 1)))
    assert (refused.value.code, refused.value.message) == ("birth_date", "出生日期不能早于1900年")
    with pytest.raises(InvalidInput) as refused:
        resident_save(actor=admin, house=house, name="日期测试", sex="M", kind="floating",
                      registered_on=date(2026, 3, 1), permit_expires_on=date(2025, 3, 1))  # fmt: skip
    assert (refused.value.code, refused.value.message) == ("permit_expires_on", "证件到期日期不能早于登记日期")
    assert not Resident.objects.filter(name="日期测试").exists()


@pytest.mark.parametrize(
    ("visited_on", "message"),
    [
        ("0001-01-01", "走访日期不能早于2000年"),
        ("1999-12-31", "走访日期不能早于2000年"),
        ("9999-12-31", "走访日期不能晚于今天"),
    ],
)
def test_the_visit_form_refuses_an_impossible_visit_date_next_to_the_field(world, hood, web, visited_on, message):
    plan = hood.tags["corr"].plans.get()
    response = web("grid_worker").post(
        f"/residents/visits/new/?plan={plan.pk}", {"visited_on": visited_on, "found": "在家"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["visited_on"] == [message]
    assert not Visit.objects.exists()


def test_a_visit_on_the_first_day_of_2000_is_kept_and_on_the_day_before_refused(world, hood, web):
    client = web("grid_worker")
    url = f"/residents/visits/new/?house={hood.houses['a101'].pk}"
    assert client.post(url, {"visited_on": "1999-12-31", "found": "补录纸质走访记录"}).status_code == 200
    assert not Visit.objects.exists()
    assert client.post(url, {"visited_on": "2000-01-01", "found": "补录纸质走访记录"}).status_code == 302
    assert Visit.objects.get().visited_on == date(2000, 1, 1)


def test_the_api_and_the_service_refuse_an_impossible_visit_date(world, hood, api):
    house = hood.houses["a101"]
    response = api("grid_worker").post(
        "/api/v1/visits/", {"house": house.pk, "found": "在家", "visited_on": "0001-01-01"}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"] == {"visited_on": ["走访日期不能早于2000年"]}
    with pytest.raises(InvalidInput) as refused:
        visit_record(actor=world.users["admin"], house=house, found="在家", visited_on=date(1, 1, 1))
    assert (refused.value.code, refused.value.message) == ("visited_on", "走访日期不能早于2000年")
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(InvalidInput, match="走访日期不能晚于今天"):
        visit_record(actor=world.users["admin"], house=house, found="在家", visited_on=tomorrow)
    assert not Visit.objects.exists()


def test_the_import_refuses_the_same_dates_with_their_lines(world, hood):
    head = {"网格编码": world.grid_a.code, "楼栋": "3号楼", "单元": "2", "门牌号": "202", "性别": "男"}
    rows = [
        (2, {**head, "姓名": "导入甲", "出生日期": "9999-12-31"}),
        (3, {**head, "姓名": "导入乙", "出生日期": "0001-01-01"}),
        (4, {**head, "姓名": "导入丙", "人口类型": "流动人口", "登记日期": "2026-03-01", "证件到期日期": "2025-03-01"}),
        (5, {**head, "姓名": "导入丁", "出生日期": "1980-01-01"}),
    ]
    with pytest.raises(ImportFailed) as refused:
        import_residents(actor=world.users["admin"], rows=rows)
    assert [(e.line, e.message) for e in refused.value.errors] == [
        (2, "出生日期不能晚于今天"),
        (3, "出生日期不能早于1900年"),
        (4, "证件到期日期不能早于登记日期"),
    ]
    assert not Resident.objects.filter(name__startswith="导入").exists()
