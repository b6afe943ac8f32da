"""Case.house: a case may be about one home (房屋) of its grid — set when a diary entry becomes a case and when a
grid worker picks a home on filing (form and API), refused for a home of another grid, shown on the case page,
and counted per home (open cases only) on the building's household map (电子装户图)."""

from __future__ import annotations

import re

import pytest
from django.apps import apps as django_apps

from cases.models import Case
from cases.selectors import open_case_counts_by_house
from cases.services import case_file
from cases.services.diary import case_file_from_diary
from core.errors import InvalidInput
from residents.services import diary_write
from tests.cases.helpers import file_case
from tests.residents.setups import build_hood

pytestmark = pytest.mark.django_db


@pytest.fixture
def hood(world):
    return build_hood(world)


def form_data(world, **kw) -> dict:
    return {
        "category": world.categories["0102"].pk,
        "description": "楼道堆放杂物",
        "grid": world.grid_a.pk,
        "address": "雄关路1号 3号楼",
        **kw,
    }


def house_select(html: str) -> str:
    return re.findall(r'<select name="house"[^>]*>(.*?)</select>', html, re.S)[0]


def map_cell(html: str, house_id: int) -> str:
    return html.split(f'data-house="{house_id}"', 1)[1].split("</a>", 1)[0]


def test_a_diary_entry_about_a_home_makes_a_case_about_that_home(world, hood):
    entry = diary_write(
        actor=world.users["grid_worker"],
        grid=world.grid_a,
        house=hood.houses["a101"],
        text="楼道堆物",
        category=world.categories["0102"],
    )
    case = case_file_from_diary(actor=world.users["grid_worker"], entry_id=entry.pk)
    assert Case.objects.get(pk=case.pk).house_id == hood.houses["a101"].pk


def test_a_grid_worker_picks_a_home_on_filing_and_the_map_counts_its_open_cases(world, hood, web):
    client = web("grid_worker")
    page = house_select(client.get("/cases/new/").content.decode())
    assert f'<option value="{hood.houses["a102"].pk}">' in page  # homes of the worker's grid …
    assert f'<option value="{hood.houses["b101"].pk}">' not in page  # … only
    # no address typed: the home's address is the case's
    response = client.post("/cases/new/", form_data(world, house=hood.houses["a102"].pk, address="", file_anyway="1"))
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert (case.house, case.address) == (hood.houses["a102"], hood.houses["a102"].address)
    # neither home nor address: the address is still required
    assert client.post("/cases/new/", form_data(world, address="", file_anyway="1")).status_code == 400
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert re.search(rf'data-house="{case.house_id}"><a href="/residents/houses/{case.house_id}/">', detail)

    building = f"/residents/buildings/{hood.building_a.pk}/"
    assert 'class="hh-cases"' in map_cell(client.get(building).content.decode(), hood.houses["a102"].pk)
    assert 'class="hh-cases"' not in map_cell(client.get(building).content.decode(), hood.houses["a101"].pk)
    assert open_case_counts_by_house([hood.houses["a102"].pk, hood.houses["a101"].pk]) == {hood.houses["a102"].pk: 1}
    Case.objects.filter(pk=case.pk).update(status="closed")
    assert open_case_counts_by_house([hood.houses["a102"].pk]) == {}
    assert 'class="hh-cases"' not in map_cell(client.get(building).content.decode(), hood.houses["a102"].pk)


def field_div(html: str, name: str) -> str:
    """The form_field.html block around the control named ``name``."""
    return re.findall(rf'<div class="field[^"]*">(?:(?!<div class="field).)*?name="{name}".*?</div>', html, re.S)[0]


def test_the_address_is_not_marked_required_when_a_home_can_stand_for_it(world, hood, web):
    """With 房屋 on the form the address may stay empty (the help says so): no asterisk, no required attribute —
    the rule "address or home" is the form's, and leaving both empty says so next to the address."""
    client = web("grid_worker")
    html = client.get("/cases/new/").content.decode()
    address = field_div(html, "address")
    assert "field--required" not in address and " required" not in address
    assert "选择了房屋时可不填" in address
    assert "field--required" in field_div(html, "description")  # a required field still shows it

    response = client.post("/cases/new/", form_data(world, address="  ", file_anyway="1"))
    assert response.status_code == 400
    address = field_div(response.content.decode(), "address")
    assert "field--error" in address and "请填写详细地址，或选择事件涉及的房屋" in response.content.decode()
    assert not Case.objects.exists()

    # a typed address without a home, and a home without an address, are both filed
    assert client.post("/cases/new/", form_data(world, file_anyway="1")).status_code == 302
    response = client.post("/cases/new/", form_data(world, house=hood.houses["a101"].pk, address="", file_anyway="1"))
    assert response.status_code == 302
    assert list(Case.objects.order_by("id").values_list("address", flat=True)) == [
        "雄关路1号 3号楼",
        hood.houses["a101"].address,
    ]


def test_centre_staff_without_a_home_on_the_form_still_need_the_address(world, web):
    client = web("street_officer")
    html = client.get("/cases/new/").content.decode()
    assert 'name="house"' not in html
    assert "field--required" in field_div(html, "address")
    response = client.post("/cases/new/", form_data(world, address="", channel="hotline", file_anyway="1"))
    assert response.status_code == 400 and "field--error" in field_div(response.content.decode(), "address")
    assert not Case.objects.exists()


def test_a_home_of_another_grid_is_refused_and_nothing_is_filed(world, hood, web):
    client = web("grid_worker")
    response = client.post("/cases/new/", form_data(world, house=hood.houses["b101"].pk, file_anyway="1"))
    assert response.status_code == 400
    assert not Case.objects.exists()
    # centre staff choosing grid A and a home of grid B: the form says why
    client = web("street_officer")
    response = client.post(
        "/cases/new/", form_data(world, house=hood.houses["b101"].pk, channel="hotline", file_anyway="1")
    )
    assert response.status_code == 400
    assert "所选房屋不在所选网格内" in response.content.decode()
    assert not Case.objects.exists()


def test_the_service_keeps_the_home_in_the_case_grid(world, hood):
    with pytest.raises(InvalidInput) as err:
        file_case(world, actor=world.users["admin"], grid=world.grid_a, house=hood.houses["b101"])
    assert err.value.code == "house" and not Case.objects.exists()
    # without a grid, the home places the case
    args = {"category": world.categories["0102"], "title": "堆物", "description": "楼道堆物", "address": "1号楼"}
    case = case_file(actor=world.users["admin"], house=hood.houses["b101"], **args)
    assert (case.grid, case.house) == (world.grid_b, hood.houses["b101"])
    # a grid worker cannot file about a home outside their grids
    with pytest.raises(InvalidInput) as err:
        case_file(actor=world.users["grid_worker"], house=hood.houses["b101"], **args)
    assert err.value.code == "grid"


def test_centre_staff_file_from_a_home_page(world, hood, web):
    client = web("street_officer")
    house = hood.houses["a201"]
    page = client.get(f"/residents/houses/{house.pk}/").content.decode()
    assert f"/cases/new/?house={house.pk}" in page
    form = client.get(f"/cases/new/?house={house.pk}").content.decode()
    assert re.search(rf'<option value="{house.pk}" selected>', form)
    assert house_select(form).count("<option") == 2  # the empty choice and this home
    assert f'value="{house.address}"' in form
    # without a home, centre staff get no home list (thousands of homes)
    assert 'name="house"' not in client.get("/cases/new/").content.decode()
    # a home they may not see is not offered
    other = web("other_street_officer").get(f"/cases/new/?house={house.pk}").content.decode()
    assert 'name="house"' not in other


def test_the_api_takes_a_home_in_scope(world, hood, api):
    data = {"category": "0102", "title": "楼道堆物", "description": "堆物", "address": "3号楼", "grid": world.grid_a.id}
    response = api("grid_worker").post("/api/v1/cases/", {**data, "house": hood.houses["a101"].pk}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["house"] == {"id": hood.houses["a101"].pk, "address": hood.houses["a101"].address}
    case_id = response.json()["id"]
    assert api("grid_worker").get(f"/api/v1/cases/{case_id}/").json()["house"]["id"] == hood.houses["a101"].pk
    # a home outside the worker's grids reads as one that does not exist
    response = api("grid_worker").post("/api/v1/cases/", {**data, "house": hood.houses["b101"].pk}, format="json")
    assert response.status_code == 400 and "house" in response.json()["errors"]
    # in scope but in another grid than the case's
    response = api("admin").post("/api/v1/cases/", {**data, "house": hood.houses["b101"].pk}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "house"
    assert Case.objects.count() == 1


def test_the_api_takes_a_home_for_the_address_as_the_form_does(world, hood, api):
    """Address or home, as on the filing form: a home alone gives the case its address; neither is a 400 on
    ``address`` that files nothing; an address typed is kept."""
    data = {"category": "0102", "title": "楼道堆物", "description": "堆物", "grid": world.grid_a.id}
    client = api("grid_worker")
    home = hood.houses["a101"]
    response = client.post("/api/v1/cases/", {**data, "house": home.pk}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["address"] == home.address
    for empty in ({}, {"address": ""}, {"address": "   "}):
        response = client.post("/api/v1/cases/", {**data, **empty}, format="json")
        assert response.status_code == 400 and "address" in response.json()["errors"], empty
    response = client.post("/api/v1/cases/", {**data, "address": "3号楼门口", "house": home.pk}, format="json")
    assert response.status_code == 201 and response.json()["address"] == "3号楼门口"
    assert Case.objects.count() == 2


def test_the_migration_backfills_cases_made_from_a_diary_entry(world, hood):
    from importlib import import_module

    entry = diary_write(
        actor=world.users["grid_worker"],
        grid=world.grid_a,
        house=hood.houses["a202"],
        text="漏水",
        category=world.categories["0102"],
    )
    case = case_file_from_diary(actor=world.users["grid_worker"], entry_id=entry.pk)
    Case.objects.filter(pk=case.pk).update(house=None)
    import_module("cases.migrations.0015_case_house").from_diary(django_apps, None)
    assert Case.objects.get(pk=case.pk).house_id == hood.houses["a202"].pk
