"""The governance API is read-only and scoped: lists are filtered, out-of-scope details answer 404."""

from __future__ import annotations

import pytest

from governance.choices import OrgKind, OrgLine
from governance.models import JurisdictionRule, Organisation
from governance.services import jurisdiction_rule_revise

REGION_SCOPE = {
    "admin": {"嘉峪关市", "示范区", "雄关街道", "水果湖街道", "雄关社区", "关城社区"},
    "district_officer": {"示范区", "雄关街道", "水果湖街道", "雄关社区", "关城社区"},
    "street_officer": {"雄关街道", "雄关社区", "关城社区"},
    "other_street_officer": {"水果湖街道"},
    "community_officer": {"雄关社区"},
    "grid_worker": {"嘉峪关市", "示范区", "雄关街道", "雄关社区"},
    "outsider": {"嘉峪关市", "示范区", "雄关街道", "关城社区"},
    "liaison": set(),
}


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


@pytest.mark.parametrize("persona", sorted(REGION_SCOPE))
def test_region_list_is_the_personas_scope(api, persona):
    assert names(api(persona).get("/api/v1/regions/")) == REGION_SCOPE[persona]


@pytest.mark.parametrize(
    ("persona", "region", "status"),
    [
        ("street_officer", "community", 200),
        ("street_officer", "district", 404),
        ("community_officer", "street", 404),
        ("community_officer", "community_b", 404),
        ("grid_worker", "city", 200),
        ("grid_worker", "community_b", 404),
        ("liaison", "street", 404),
        ("admin", "other_street", 200),
    ],
)
def test_region_detail_outside_scope_is_404(api, world, persona, region, status):
    assert api(persona).get(f"/api/v1/regions/{getattr(world, region).pk}/").status_code == status


def test_anonymous_gets_nothing(api):
    assert api(None).get("/api/v1/categories/").status_code in (401, 403)


@pytest.fixture
def organisations(world):
    street_committee = Organisation.objects.get(name="雄关街道党工委")
    community_committee = Organisation.objects.create(
        name="雄关社区党委", kind=OrgKind.COMMUNITY_PARTY_COMMITTEE, line=OrgLine.PARTY, region=world.community,
        parent=street_committee, is_extended=True,
    )  # fmt: skip
    community_committee.co_opted_members.create(unit_name="嘉峪关市第一中学", representative="王校长")
    return {"street": street_committee, "community": community_committee}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", {"雄关街道党工委", "雄关社区党委"}),
        ("street_officer", {"雄关街道党工委", "雄关社区党委"}),
        ("community_officer", {"雄关社区党委"}),
        ("community_b_officer", set()),
        ("grid_worker", {"雄关街道党工委", "雄关社区党委"}),
        ("outsider", {"雄关街道党工委"}),
        ("liaison", set()),
    ],
)
def test_organisation_list_is_scoped(api, organisations, persona, expected):
    assert names(api(persona).get("/api/v1/organisations/")) == expected


def test_organisation_detail_lists_co_opted_members_and_hides_out_of_scope(api, organisations):
    body = api("community_officer").get(f"/api/v1/organisations/{organisations['community'].pk}/").json()
    assert body["co_opted_members"][0]["unit_name"] == "嘉峪关市第一中学" and body["is_extended"] is True
    assert api("community_officer").get(f"/api/v1/organisations/{organisations['street'].pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["liaison", "grid_worker", "community_officer", "outsider"])
def test_catalogue_departments_and_rules_are_visible_to_every_signed_in_user(api, persona):
    client = api(persona)
    codes = {c["code"] for c in client.get("/api/v1/categories/").json()["results"]}
    assert {"01", "0101", "0202", "0301"} <= codes
    departments = {d["code"]: d for d in client.get("/api/v1/departments/").json()["results"]}
    assert departments["cgzf"]["liaisons"] == ["城管联络员"]
    assert client.get("/api/v1/rules/").json()["count"] == 12  # 5 level defaults + 7 categories


def test_category_filters_and_fields(api, world):
    client = api("grid_worker")
    body = client.get("/api/v1/categories/", {"grade": "B"}).json()
    assert {c["code"] for c in body["results"]} == {"0202", "0204", "0205"}
    majors = client.get("/api/v1/categories/", {"major": "true"}).json()["results"]
    assert all(c["parent"] is None and c["is_major"] for c in majors)
    sub = client.get(f"/api/v1/categories/{world.categories['0202'].pk}/").json()
    assert (sub["grade"], sub["parent_code"], sub["home_level"]) == ("B", "02", "street")


def test_rules_list_current_versions_unless_all_versions(api, world):
    rule = JurisdictionRule.objects.get(category=world.categories["0202"], valid_to=None)
    new = jurisdiction_rule_revise(rule=rule, handling_limit=10)
    client = api("street_officer")

    current = client.get("/api/v1/rules/", {"category_code": "0202"}).json()["results"]
    assert [(r["version"], r["handling"]) for r in current] == [(2, {"amount": 10, "unit": "working_days"})]
    assert sorted(current[0]["departments"]) == ["cgzf", "zj"]

    every = client.get("/api/v1/rules/", {"category_code": "0202", "all_versions": "1"}).json()["results"]
    assert [(r["version"], r["is_current"]) for r in every] == [(2, True), (1, False)]

    old = client.get(f"/api/v1/rules/{rule.pk}/").json()  # a case's version stays readable by id
    assert (old["handling"]["amount"], old["valid_to"] is not None) == (15, True)
    assert client.get(f"/api/v1/rules/{new.pk}/").json()["is_current"] is True


def test_rules_filter_by_level_and_department(api, world):
    client = api("liaison")
    defaults = client.get("/api/v1/rules/", {"default": "true"}).json()["results"]
    assert {r["level"] for r in defaults} == {"grid", "community", "street", "district", "city"}
    by_dept = client.get("/api/v1/rules/", {"department": world.departments["zj"].pk}).json()["results"]
    assert {r["category_code"] for r in by_dept} == {"0202", "0301"}


def test_the_api_is_read_only(api):
    assert api("admin").post("/api/v1/regions/", {"name": "x"}).status_code == 405


@pytest.mark.parametrize("url", ["/api/v1/departments/", "/api/v1/rules/?all_versions=1", "/api/v1/organisations/"])
def test_list_endpoints_use_a_constant_number_of_queries(api, organisations, url, django_assert_max_num_queries):
    from governance.choices import Role
    from governance.models import User
    from governance.services import department_create

    client = api("admin")
    client.get(url)
    for i in range(10):
        dept = department_create(name=f"部门{i}", code=f"d{i}", region=organisations["street"].region)
        User.objects.create_user(username=f"l{i}", role=Role.LIAISON, department=dept)
        Organisation.objects.create(name=f"党小组{i}", kind=OrgKind.BUILDING_PARTY_GROUP, line=OrgLine.PARTY,
                                    region=organisations["community"].region)  # fmt: skip
    for rule in JurisdictionRule.objects.filter(valid_to=None):
        jurisdiction_rule_revise(rule=rule, note="修订")
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
