"""A search by a whole ID number or phone tells whether the number is someone's: it is a logged read of personal
data (who, when, where, whom it matched — never the number), and rationed per user and hour, so that the masked
number's area, last four digits and birth year can't be completed by a few hundred quiet guesses."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from residents.models import AccessLog
from tests.factories.world import PASSWORD
from tests.residents.setups import id_number


def _client(world, persona: str) -> Client:
    client = Client()
    assert client.login(username=world.users[persona].username, password=PASSWORD)
    return client


def _searches():
    return AccessLog.objects.filter(subject__in=["id_number_search", "phone_search"]).order_by("id")


def test_each_search_by_a_whole_number_is_logged_with_whom_it_matched_never_the_number(world, hood):
    person = hood.people["youth"]
    client = _client(world, "street_officer")
    assert person.name in client.get("/residents/", {"q": id_number(3)}).content.decode()
    assert person.name in client.get("/residents/", {"q": "139 0000 0003"}).content.decode()
    assert "没有符合条件的人员" in client.get("/residents/", {"q": id_number(4)}).content.decode()  # nobody's
    client.get("/residents/", {"q": person.name})  # a name search is not one of them
    rows = list(_searches().values("subject", "object_id", "channel", "user_id", "street_id", "path"))
    street = world.street_officer.region_id
    assert [(r["subject"], r["object_id"], r["channel"], r["street_id"]) for r in rows] == [
        ("id_number_search", str(person.pk), "page", street),
        ("phone_search", str(person.pk), "page", street),
        ("id_number_search", "-", "page", street),  # a miss is logged too, in the searcher's street
    ]
    assert all(r["user_id"] == world.street_officer.pk for r in rows)
    # nor does any row the searches wrote (the tagged person's read too): the paths keep their query strings
    logged = list(AccessLog.objects.values_list("object_id", "path"))
    assert any(path.startswith("/residents/?q=*") for _o, path in logged)
    stored = repr(logged)
    for number in (id_number(3), id_number(4), "13900000003", "139 0000 0003", "139+0000+0003"):
        assert number not in stored


def test_past_the_hours_ration_a_search_by_number_finds_nobody_and_says_when_it_comes_back(world, hood, api):
    person = hood.people["youth"]
    client = _client(world, "street_officer")
    start = timezone.now()
    with override_settings(RESIDENTS_EXACT_SEARCHES_PER_HOUR=3), time_machine.travel(start, tick=False):
        for n in (4, 5, 6):
            assert client.get("/residents/", {"q": id_number(n)}).status_code == 200
        response = client.get("/residents/", {"q": id_number(3)})
        html = response.content.decode()
        assert response.status_code == 429
        assert "一小时内按身份证号或电话号码查找最多 3 次" in html and person.name not in html
        assert f'value="{id_number(3)}"' in html  # what was typed stays in the box
        assert _searches().count() == 3  # the refused one matched nothing and logged nothing
        assert person.name in client.get("/residents/", {"q": person.name}).content.decode()  # names: unlimited
        # the API and the export are the same search, on the same ration
        refused = api("street_officer").get("/api/v1/residents/", {"q": "13900000003"})
        assert refused.status_code == 429 and refused.json()["code"] == "exact_search_limit"
        export = client.get("/residents/export.csv", {"q": id_number(3)})
        assert export.status_code == 302 and export["Location"].startswith("/residents/?")
        assert _searches().count() == 3
        # another user has a ration of their own
        assert api("admin").get("/api/v1/residents/", {"q": "13900000003"}).json()["results"][0]["id"] == person.pk
    with override_settings(RESIDENTS_EXACT_SEARCHES_PER_HOUR=3):
        with time_machine.travel(start + timedelta(minutes=59), tick=False):
            assert client.get("/residents/", {"q": id_number(3)}).status_code == 429
        with time_machine.travel(start + timedelta(minutes=61), tick=False):  # an hour after the first
            assert person.name in client.get("/residents/", {"q": id_number(3)}).content.decode()


def test_a_malformed_cursor_on_the_residents_lists_is_400_in_the_apis_shape(world, hood, api):
    import base64

    client = api("street_officer")
    for raw in ("p=a", "p=1&r=x", "o=x"):
        cursor = base64.b64encode(raw.encode()).decode()
        for path in ("residents", "buildings", "visits", "visit-plans", "diary-entries", "resident-tags"):
            response = client.get(f"/api/v1/{path}/", {"cursor": cursor})
            assert response.status_code == 400, (path, raw, response.status_code)
            assert response.json()["code"] == "cursor"
    first = client.get("/api/v1/residents/", {"page_size": 1}).json()
    assert client.get(first["next"]).status_code == 200  # a cursor the API made still pages
