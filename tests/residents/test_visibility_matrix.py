"""Special-population tags: persona × category × action, against an oracle written from the categories' audiences.

Whoever may not see a tag sees no trace of it — not in lists, counts, search, exports, the household map or the
API (404 for the tag's detail). Every (persona, tag, action) is checked and every leak or miss collected: the
test asserts the list is empty.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from residents.models import AccessLog
from residents.statistics import grid_statistics
from tests.factories.world import PASSWORD

# tag key → (person key, category code, category name, sensitivity)
TAGS = {
    "corr": ("corr", "corrections", "社区矫正人员", 3),  # grid A; leader, full-time, street; 司法所
    "youth": ("youth", "youth", "重点青少年", 2),  # grid A; leader, full, part, community, street
    "mental": ("mental", "mental", "肇事肇祸等严重精神障碍患者", 3),  # grid A; leader, full, community, street
    "elder": ("elder", "elderly_alone", "独居老人", 1),  # grid A; all grid roles, community, street, district
    "drugs_b": ("drugs_b", "drugs", "吸毒人员", 3),  # grid B; leader, full-time, street
}
ALL = set(TAGS)
# The oracle: which tags each persona may see (from DESIGN/RESIDENTS: audience by seat and centre level).
SEES = {
    "grid_leader": {"corr", "youth", "mental", "elder"},
    "grid_worker": {"corr", "youth", "mental", "elder"},
    "part_timer": {"youth", "elder"},
    "outsider": {"drugs_b"},
    "community_officer": {"youth", "mental", "elder"},
    "community_b_officer": set(),
    "street_officer": ALL,
    "other_street_officer": set(),
    "district_officer": {"elder"},
    "liaison": set(),
    "liaison_sfs": {"corr"},
    "admin": ALL,
}
A_PEOPLE = {"corr", "corr_wife", "youth", "mental", "elder", "plain"}
PEOPLE = {
    "grid_leader": A_PEOPLE,
    "grid_worker": A_PEOPLE,
    "part_timer": A_PEOPLE,
    "outsider": {"drugs_b"},
    "community_officer": A_PEOPLE,
    "community_b_officer": {"drugs_b"},
    "street_officer": A_PEOPLE | {"drugs_b"},
    "other_street_officer": set(),
    "district_officer": A_PEOPLE | {"drugs_b"},
    "liaison": set(),
    "liaison_sfs": {"corr"},
    "admin": A_PEOPLE | {"drugs_b"},
}
LIAISONS = {"liaison", "liaison_sfs"}
EXPORTERS = {"community_officer", "community_b_officer", "street_officer", "other_street_officer", "district_officer",
             "admin"}  # fmt: skip


def _results(response) -> str:
    """The result rows of a list page (not the search box, not the category filter)."""
    html = response.content.decode()
    if 'class="person-list"' not in html:
        return ""
    return html.split('class="person-list"', 1)[1].split("</ul>", 1)[0]


def _client(world, persona: str) -> Client:
    c = Client()
    assert c.login(username=world.users[persona].username, password=PASSWORD)
    return c


@pytest.mark.parametrize("persona", sorted(SEES))
def test_tag_visibility_matrix_has_no_leaks(world, hood, persona):
    client = _client(world, persona)
    user = world.users[persona]
    problems: list[str] = []

    def expect(action: str, tag: str, shown: bool) -> None:
        visible = tag in SEES[persona]
        if persona in LIAISONS and action in ("household-map", "api-household-map", "count"):
            visible = False  # liaisons reach people only through their tags: no maps, no grid statistics
        if shown != visible:
            problems.append(f"{persona} {action} {tag}: {'LEAK' if shown else 'MISSING'}")

    # Stats (counts): tag columns and per-grid counts.
    stats = grid_statistics(user=user, today=timezone.localdate())
    counts: dict[str, int] = {}
    if stats is not None:
        for i, c in enumerate(stats["categories"]):
            counts[c.code] = stats["totals"]["tags"][i]
    csv_text = ""
    if persona in EXPORTERS:
        response = client.get("/residents/export.csv")
        assert response.status_code == 200
        csv_text = response.content.decode("utf-8-sig")
    else:
        assert client.get("/residents/export.csv").status_code == 404, persona
    api_categories = {c["code"] for c in client.get("/api/v1/tag-categories/").json()}

    for tag, (person_key, code, name, sensitivity) in TAGS.items():
        person = hood.people[person_key]
        # 1. list filtered by the category
        html = _results(client.get(f"/residents/?tag={code}"))
        expect("list-filter", tag, person.name in html)
        # 2. search by name: the row shows the category only if visible
        html = _results(client.get(f"/residents/?q={person.name}"))
        if person_key in PEOPLE[persona]:
            expect("search-row", tag, name in html)
        else:
            assert person.name not in html, (persona, "search shows a person out of scope")
        # 3. the person's page
        response = client.get(f"/residents/people/{person.pk}/")
        if person_key in PEOPLE[persona]:
            expect("detail", tag, name in response.content.decode())
        else:
            assert response.status_code == 404, (persona, person_key)
        # 4. the household map
        building = hood.building_a if person_key != "drugs_b" else hood.building_b
        response = client.get(f"/residents/buildings/{building.pk}/")
        if response.status_code == 200:
            expect("household-map", tag, f'data-tag="{code}"' in response.content.decode())
        else:
            assert response.status_code == 404
            expect("household-map", tag, False)
        # 5. counts
        expect("count", tag, counts.get(code, 0) > 0)
        # 6. export (masked; never sensitivity 3)
        if persona in EXPORTERS and sensitivity < 3:
            rows = list(csv.reader(io.StringIO(csv_text)))
            expect("export", tag, any(name in r[-1] for r in rows[1:] if r[1] == person.name))
        assert not (sensitivity == 3 and name in csv_text), (persona, "highly sensitive category exported")
        # 7. API: tag detail 404 unless visible; list filter; person detail's tags
        response = client.get(f"/api/v1/resident-tags/{hood.tags[tag].pk}/")
        assert response.status_code in (200, 404)
        expect("api-tag-detail", tag, response.status_code == 200)
        listed = client.get(f"/api/v1/residents/?tag={code}").json()["results"]
        expect("api-list-filter", tag, any(r["id"] == person.pk for r in listed))
        response = client.get(f"/api/v1/residents/{person.pk}/")
        if person_key in PEOPLE[persona]:
            expect("api-detail", tag, code in response.json()["tags"])
        else:
            assert response.status_code == 404
        expect("api-categories", tag, code in api_categories or False) if tag in SEES[persona] else None
        # 8. the household map through the API
        response = client.get(f"/api/v1/buildings/{building.pk}/household-map/")
        if response.status_code == 200:
            expect("api-household-map", tag, any(code in h["tags"] for h in response.json()["houses"]))
        else:
            assert response.status_code == 404

    # Categories the persona may see nowhere are not even named to them.
    visible_codes = {TAGS[t][1] for t in SEES[persona]}
    hidden_codes = {TAGS[t][1] for t in ALL} - visible_codes
    if persona not in ("street_officer", "admin"):
        # (a category visible on another grid would be listed; these personas see categories only where listed)
        assert not (api_categories & hidden_codes - _visible_elsewhere(persona)), (persona, api_categories)
    assert problems == [], "\n".join(problems)


def _visible_elsewhere(persona: str) -> set[str]:
    """Categories the persona may see in some place even though no test person of theirs carries them."""
    return {
        "grid_leader": {"drugs", "released", "aids_risk"},
        "grid_worker": {"drugs", "released", "aids_risk"},
        "outsider": {"corrections", "youth", "mental", "elderly_alone", "released", "aids_risk"},
        "community_officer": set(),
        "community_b_officer": {"youth", "mental", "elderly_alone"},
        "other_street_officer": {"corrections", "youth", "mental", "elderly_alone", "drugs", "released", "aids_risk"},
        "part_timer": set(),
        "district_officer": set(),
        "liaison": set(),
        "liaison_sfs": set(),
    }[persona]


def test_every_read_of_a_tagged_person_is_logged(world, hood):
    client = _client(world, "grid_worker")
    person = hood.people["corr"]
    before = AccessLog.objects.count()
    client.get(f"/residents/people/{person.pk}/")
    client.get(f"/api/v1/residents/{person.pk}/")
    client.get(f"/residents/buildings/{hood.building_a.pk}/")
    rows = list(AccessLog.objects.order_by("id")[before:])
    assert [(r.subject, r.channel, r.object_id) for r in rows[:2]] == [
        ("resident_tag", "page", str(person.pk)),
        ("resident_tag", "api", str(person.pk)),
    ]
    # the household map logs every tagged person it marked (corr, youth, mental, elder)
    map_rows = {r.object_id for r in rows[2:]}
    assert map_rows == {str(hood.people[k].pk) for k in ("corr", "youth", "mental", "elder")}
    assert all(r.username == "wangge01" and r.street_id == world.street.id for r in rows)


def test_reading_an_untagged_person_writes_no_log(world, hood):
    client = _client(world, "grid_worker")
    before = AccessLog.objects.count()
    assert client.get(f"/residents/people/{hood.people['plain'].pk}/").status_code == 200
    assert AccessLog.objects.count() == before
