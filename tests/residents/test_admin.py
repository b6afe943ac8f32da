"""The admin edits people, buildings, homes, tags and visit plans through the services: ID numbers and phones are
encrypted with their keyed hash and mask, bad input is refused with nothing written, opening a tagged person is
logged, and staff who are not admins see only their scope and the tag categories they may see."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.utils import timezone

from residents.crypto import blind_index, decrypt
from residents.models import AccessLog, Building, House, Resident, ResidentTag, VisitPlan
from tests.factories.world import PASSWORD
from tests.residents.setups import id_number

pytestmark = pytest.mark.django_db


def errors(response) -> list[str]:
    return re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)


def admin_client(world) -> Client:
    c = Client()
    assert c.login(username=world.users["admin"].username, password=PASSWORD)
    return c


def resident_form(world, hood, **kw) -> dict:
    return {
        "house": hood.houses["a202"].pk,
        "grid": "",
        "name": "后台新增",
        "ethnicity": "汉族",
        "kind": "registered",
        "relation": "head",
        "hukou_matches": "on",
        "id_number": id_number(77),
        "phone": "13900000077",
        **kw,
    }


def test_admin_adds_a_person_encrypted_with_hash_and_mask(world, hood):
    response = admin_client(world).post("/admin/residents/resident/add/", resident_form(world, hood))
    assert response.status_code == 302, errors(response)
    person = Resident.objects.get(name="后台新增")
    assert person.grid == world.grid_a and person.house == hood.houses["a202"]
    assert person.id_number_hmac == blind_index(id_number(77)) and decrypt(person.id_number_enc) == id_number(77)
    assert person.id_number_masked.startswith("620201") and "*" in person.id_number_masked
    assert person.phone_masked == "139****0077" and person.sex  # sex from the ID number
    with connection.cursor() as cur:
        cur.execute("SELECT id_number_enc, phone_enc FROM residents_resident WHERE id = %s", [person.pk])
        raw = " ".join(cur.fetchone())
    assert id_number(77) not in raw and "13900000077" not in raw


def test_a_bad_id_number_is_refused_and_nothing_written(world, hood):
    bad = id_number(78)[:-1] + ("0" if id_number(78)[-1] != "0" else "1")
    response = admin_client(world).post("/admin/residents/resident/add/", resident_form(world, hood, id_number=bad))
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Resident.objects.filter(name="后台新增").exists()


def test_an_edit_keeps_the_numbers_unless_new_ones_are_typed_and_a_tagged_read_is_logged(world, hood):
    client = admin_client(world)
    person = hood.people["corr"]  # tagged 社区矫正
    before = AccessLog.objects.filter(object_id=str(person.pk), channel="admin").count()
    page = client.get(f"/admin/residents/resident/{person.pk}/change/").content.decode()
    assert AccessLog.objects.filter(object_id=str(person.pk), channel="admin").count() == before + 1
    assert id_number(1) not in page and person.id_number_masked in page
    data = resident_form(world, hood, house=hood.houses["a101"].pk, name="测试甲改", id_number="", phone="")
    response = client.post(f"/admin/residents/resident/{person.pk}/change/", data)
    assert response.status_code == 302, errors(response)
    person.refresh_from_db()
    assert person.name == "测试甲改" and decrypt(person.id_number_enc) == id_number(1)
    assert person.phone_hmac == blind_index("13900000001")


def test_moving_a_person_away_in_the_admin_ends_their_plans(world, hood):
    person = hood.people["mental"]
    data = resident_form(world, hood, house=hood.houses["a201"].pk, name=person.name, id_number="", phone="")
    data["moved_away_on"] = timezone.localdate().isoformat()
    assert admin_client(world).post(f"/admin/residents/resident/{person.pk}/change/", data).status_code == 302
    person.refresh_from_db()
    assert person.status == "moved_away" and not VisitPlan.objects.filter(resident=person, active=True).exists()


def test_buildings_and_homes_go_through_the_services(world, hood):
    client = admin_client(world)
    response = client.post(
        "/admin/residents/building/add/",
        {"grid": world.grid_a.pk, "name": "9号楼", "address": "雄关路9号", "floors": 5, "units": 2},
    )
    assert response.status_code == 302
    building = Building.objects.get(name="9号楼")
    response = client.post(
        "/admin/residents/house/add/",
        {"building": building.pk, "unit": 2, "floor": 3, "number": "302", "use": "rented", "address": ""},
    )
    assert response.status_code == 302, errors(response)
    house = House.objects.get(building=building)
    assert house.grid == world.grid_a and house.address == "雄关路9号 9号楼2单元302"
    # a building whose homes belong to grid A does not move to grid B
    response = client.post(
        f"/admin/residents/building/{hood.building_a.pk}/change/",
        {"grid": world.grid_b.pk, "name": "3号楼", "address": "雄关路1号", "floors": 6, "units": 2},
    )
    assert response.status_code == 200 and "楼栋已有房屋" in response.content.decode()
    assert Building.objects.get(pk=hood.building_a.pk).grid == world.grid_a
    # a home with people living in it stays in its grid
    a101 = hood.houses["a101"]
    response = client.post(
        f"/admin/residents/house/{a101.pk}/change/",
        {"grid": world.grid_b.pk, "unit": 1, "floor": 1, "number": "101", "use": "owner", "address": a101.address},
    )
    assert response.status_code == 200 and House.objects.get(pk=a101.pk).grid == world.grid_a


def test_tags_and_plans_through_the_services(world, hood):
    client = admin_client(world)
    person = hood.people["plain"]
    first = timezone.localdate() + timedelta(days=3)
    response = client.post(
        "/admin/residents/residenttag/add/",
        {
            "resident": person.pk,
            "category": hood.categories["elderly_alone"].pk,
            "since": timezone.localdate().isoformat(),
            "note": "",
            "first_visit_on": first.isoformat(),
        },
    )
    assert response.status_code == 302, errors(response)
    tag = ResidentTag.objects.get(resident=person)
    plan = VisitPlan.objects.get(tag=tag, active=True)
    assert plan.due_on == first and plan.every_days == 30  # the category's frequency
    # a second active tag of the same category is refused
    response = client.post(
        "/admin/residents/residenttag/add/",
        {"resident": person.pk, "category": hood.categories["elderly_alone"].pk, "since": first.isoformat()},
    )
    assert response.status_code == 200 and ResidentTag.objects.filter(resident=person).count() == 1

    # moving the due date recomputes the plan's dates and puts the light back to green
    VisitPlan.objects.filter(pk=plan.pk).update(light="red")
    new_due = timezone.localdate() + timedelta(days=10)
    response = client.post(
        f"/admin/residents/visitplan/{plan.pk}/change/",
        {"resident": person.pk, "reason": plan.reason, "every_days": 30, "due_on": new_due.isoformat(), "active": "on"},
    )
    assert response.status_code == 302, errors(response)
    plan.refresh_from_db()
    assert (plan.due_on, plan.yellow_on, plan.light) == (new_due, new_due + timedelta(days=1), "green")
    assert plan.red_on == new_due + timedelta(days=hood.categories["elderly_alone"].red_after_days)

    # ending the tag ends its plan
    ended = timezone.localdate()
    response = client.post(f"/admin/residents/residenttag/{tag.pk}/change/", {"ended_on": ended.isoformat()})
    assert response.status_code == 302, errors(response)
    assert ResidentTag.objects.get(pk=tag.pk).ended_on == ended
    assert VisitPlan.objects.get(pk=plan.pk).active is False and VisitPlan.objects.get(pk=plan.pk).ended_on == ended


def test_staff_who_are_not_admins_see_only_the_categories_they_may_see(world, hood):
    """The community centre is not in 社区矫正's audience: its tag, its plan and the category leave no trace."""
    officer = world.users["community_officer"]
    officer.is_staff = True
    officer.save()
    officer.user_permissions.add(*Permission.objects.filter(content_type__app_label="residents"))
    client = Client()
    assert client.login(username=officer.username, password=PASSWORD)
    corrections = hood.tags["corr"]
    tags = client.get("/admin/residents/residenttag/").content.decode()
    assert f"/admin/residents/residenttag/{corrections.pk}/change/" not in tags
    assert f"/admin/residents/residenttag/{hood.tags['elder'].pk}/change/" in tags
    assert client.get(f"/admin/residents/residenttag/{corrections.pk}/change/").status_code == 302  # "does not exist"
    plan = VisitPlan.objects.get(tag=corrections)
    assert (
        f"/admin/residents/visitplan/{plan.pk}/change/"
        not in client.get("/admin/residents/visitplan/").content.decode()
    )
    add = client.get("/admin/residents/residenttag/add/").content.decode()
    assert hood.categories["corrections"].name not in add and hood.categories["elderly_alone"].name in add
    # grid B's people are outside the community centre's reach
    people = client.get("/admin/residents/resident/").content.decode()
    assert f"/admin/residents/resident/{hood.people['drugs_b'].pk}/change/" not in people
