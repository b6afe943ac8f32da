"""Every residents page opens for the roles that use it, and is 404 for those outside."""

from __future__ import annotations

import pytest

from residents.services import visit_record


@pytest.mark.parametrize("persona", ["grid_worker", "street_officer", "admin"])
def test_every_page_opens(world, hood, web, persona):
    client = web(persona)
    visit = visit_record(actor=world.users["admin"], resident=hood.people["corr"], found="在家")
    plan = hood.tags["corr"].plans.get()
    for path in [
        "/residents/",
        "/residents/?q=测试&tag=youth",
        f"/residents/people/{hood.people['corr'].pk}/",
        f"/residents/people/{hood.people['corr'].pk}/edit/",
        "/residents/people/new/",
        "/residents/buildings/",
        f"/residents/buildings/{hood.building_a.pk}/",
        f"/residents/houses/{hood.houses['a101'].pk}/",
        "/residents/plans/",
        "/residents/plans/?light=red",
        f"/residents/visits/new/?plan={plan.pk}",
        f"/residents/visits/new/?house={hood.houses['a101'].pk}",
        "/residents/diary/",
        "/residents/diary/new/",
        f"/residents/diary/new/?visit={visit.pk}",
        "/residents/statistics/",
        "/residents/import/",
    ]:
        assert client.get(path).status_code == 200, (persona, path)


def test_liaisons_get_no_grid_pages(world, hood, web):
    client = web("liaison")
    for path in ["/residents/diary/new/", "/residents/statistics/", "/residents/import/", "/residents/people/new/",
                 f"/residents/buildings/{hood.building_a.pk}/"]:  # fmt: skip
        assert client.get(path).status_code == 404, path


def test_register_and_edit_a_person_through_the_page(world, hood, web):
    from residents.models import Resident
    from tests.residents.setups import id_number

    client = web("grid_worker")
    response = client.post(
        "/residents/people/new/",
        {"name": "测试新", "house": hood.houses["a202"].pk, "id_number": id_number(50), "phone": "13912345678",
         "ethnicity": "汉族", "kind": "registered", "relation": "head", "hukou_matches": "on"},
    )  # fmt: skip
    person = Resident.objects.get(name="测试新")
    assert response.status_code == 302 and person.phone_masked == "139****5678" and person.sex == "F"
    response = client.post(
        f"/residents/people/{person.pk}/edit/",
        {"name": "测试新改", "house": hood.houses["a202"].pk, "id_number": "", "phone": "", "ethnicity": "汉族",
         "kind": "registered", "relation": "head", "sex": "F"},
    )  # fmt: skip
    person.refresh_from_db()
    assert response.status_code == 302 and person.name == "测试新改"
    assert person.id_number_masked.endswith(id_number(50)[-4:])  # blank on edit keeps the stored number
    bad = client.post("/residents/people/new/", {"name": "测试坏", "house": hood.houses["a202"].pk,
                                                   "id_number": "620201198005170001", "ethnicity": "汉族",
                                                   "kind": "registered", "relation": "head"})  # fmt: skip
    assert bad.status_code == 200 and "校验位" in bad.content.decode()
    assert not Resident.objects.filter(name="测试坏").exists()


def test_a_liaison_sees_the_tagged_person_but_not_their_housemates(world, hood):
    from django.test import Client

    from tests.factories.world import PASSWORD

    client = Client()
    assert client.login(username=world.users["liaison_sfs"].username, password=PASSWORD)
    html = client.get(f"/residents/people/{hood.people['corr'].pk}/").content.decode()
    assert hood.people["corr"].name in html and "社区矫正人员" in html
    assert hood.people["corr_wife"].name not in html
    assert client.get(f"/residents/people/{hood.people['corr_wife'].pk}/").status_code == 404


def test_a_visit_that_comes_back_says_at_the_top_what_to_correct_and_keeps_the_words(world, hood, web):
    """On a phone the form runs past the screen: the summary at the top names each field to correct and links to
    it; what the worker wrote stays in its field."""
    from residents.models import Visit

    client = web("grid_worker")
    plan = hood.tags["corr"].plans.get()
    html = client.post(
        f"/residents/visits/new/?plan={plan.pk}", {"visited_on": "昨天", "found": "在家，情绪稳定"}
    ).content.decode()
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert '<a href="#id_visited_on">走访日期</a>' in summary and "走访情况" not in summary
    assert "在家，情绪稳定" in html.split("data-error-summary", 1)[1]
    assert not Visit.objects.exists()


def test_a_form_without_errors_has_no_summary(world, hood, web):
    assert "data-error-summary" not in web("grid_worker").get("/residents/diary/new/").content.decode()


def test_a_diary_entry_begun_from_a_visit_carries_its_home_notes_and_follow_up(world, hood, web):
    """Saving a visit with "then write a diary entry" opens the diary form filled from it: the person's home (not
    the first house of the list), what was found, and the follow-up mark the worker set."""
    import re

    person = hood.people["mental"]  # lives in a201, not the list's first house
    visit = visit_record(actor=world.users["grid_worker"], resident=person, found="情绪低落，需要复诊", follow_up=True)
    html = web("grid_worker").get(f"/residents/diary/new/?visit={visit.pk}").content.decode()
    houses = html.split('name="house"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="(\d+)"[^>]*selected', houses) == [str(hood.houses["a201"].pk)]
    assert "情绪低落，需要复诊" in html
    assert re.search(r'<input type="checkbox" name="needs_follow_up"[^>]*checked', html)
