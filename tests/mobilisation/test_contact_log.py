"""Who read which member's phone, unit's contact or wish's resident (PIPL): every unmasked read in the mobilisation
app — page, API, admin — writes the shared access log; below the managing staff the contact is masked."""

from __future__ import annotations

import pytest

from mobilisation import services
from mobilisation.models import RegisteredUnit, Registration
from residents.models import AccessLog

from .helpers import confirmed_member, published_wish

pytestmark = pytest.mark.django_db

PHONE = "13900001111"
RESIDENT_PHONE = "13812345678"


def rows(subject: str) -> list[tuple]:
    qs = AccessLog.objects.filter(subject=subject).order_by("id")
    return list(qs.values_list("username", "object_id", "channel", "street_id"))


def test_registration_phone_is_masked_for_a_grid_worker_and_logged_for_the_community(world, web, api):
    member = confirmed_member(world)
    reg = Registration.objects.get(member=member)
    page = web("grid_worker").get("/party/registrations/").content.decode()
    assert PHONE not in page and "139****1111" in page
    body = api("grid_worker").get(f"/api/v1/mobilisation/registrations/{reg.pk}/").json()
    assert body["phone"] == "139****1111"
    assert rows("party_member") == []

    page = web("community_officer").get("/party/registrations/").content.decode()
    assert PHONE in page
    body = api("community_officer").get("/api/v1/mobilisation/registrations/").json()
    assert body["results"][0]["phone"] == PHONE
    assert rows("party_member") == [
        ("shequ01", str(reg.pk), "page", world.street.pk),
        ("shequ01", str(reg.pk), "api", world.street.pk),
    ]


def test_a_member_reads_their_own_phone_without_a_log_row(world, api):
    member = confirmed_member(world)
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(member)
    body = client.get("/api/v1/mobilisation/registrations/").json()
    assert body["results"][0]["phone"] == PHONE
    assert rows("party_member") == []


def test_wish_resident_is_logged_on_the_page_and_the_api_for_the_managing_staff(world, web, api):
    wish = published_wish(world)
    page = web("grid_worker").get(f"/party/wishes/{wish.pk}/").content.decode()
    assert RESIDENT_PHONE not in page
    assert rows("wish_resident") == []

    page = web("community_officer").get(f"/party/wishes/{wish.pk}/").content.decode()
    assert RESIDENT_PHONE in page
    body = api("street_officer").get(f"/api/v1/mobilisation/wishes/{wish.pk}/").json()
    assert body["resident_phone"] == RESIDENT_PHONE
    api("street_officer").get("/api/v1/mobilisation/wishes/")
    assert rows("wish_resident") == [
        ("shequ01", str(wish.pk), "page", world.street.pk),
        ("jiedao01", str(wish.pk), "api", world.street.pk),
        ("jiedao01", str(wish.pk), "api", world.street.pk),
    ]


def test_api_answer_after_an_action_is_logged(world, api):
    wish = services.wish_submit(
        actor=world.grid_worker,
        community=world.community,
        title="想要一个助行器",
        description="腿脚不便",
        resident_name="张大爷",
        resident_phone=RESIDENT_PHONE,
        resident_address="雄关小区3栋",
    )
    body = (
        api("community_officer")
        .post(f"/api/v1/mobilisation/wishes/{wish.pk}/review/", {"accept": True}, format="json")
        .json()
    )
    assert body["resident_phone"] == RESIDENT_PHONE
    assert rows("wish_resident") == [("shequ01", str(wish.pk), "api", world.street.pk)]


def test_admin_pages_with_contacts_are_logged(world, web):
    member = confirmed_member(world)
    reg = Registration.objects.get(member=member)
    wish = published_wish(world)
    unit = RegisteredUnit.objects.create(
        name="市供电公司党委",
        kind="resident_unit",
        street=world.street,
        contact_name="赵联络",
        contact_phone="13700001234",
    )
    c = web("admin")
    assert c.get(f"/admin/mobilisation/registration/{reg.pk}/change/").status_code == 200
    assert c.get(f"/admin/mobilisation/wish/{wish.pk}/change/").status_code == 200
    assert c.get(f"/admin/mobilisation/registeredunit/{unit.pk}/change/").status_code == 200
    listing = c.get("/admin/mobilisation/registeredunit/").content.decode()
    assert "赵联络" not in listing  # the list shows no contact; opening one is logged
    assert rows("party_member") == [("admin", str(reg.pk), "admin", world.street.pk)]
    assert rows("wish_resident") == [("admin", str(wish.pk), "admin", world.street.pk)]
    assert rows("party_unit") == [("admin", str(unit.pk), "admin", world.street.pk)]
    assert c.get("/admin/mobilisation/wish/abc/change/").status_code in (302, 404)


def test_the_units_page_logs_the_contact_phones_it_shows(world, web):
    unit = RegisteredUnit.objects.create(name="市供电公司党委", kind="resident_unit", street=world.street)
    services.unit_account_create(
        actor=world.street_officer,
        unit=unit,
        username="gongdian",
        full_name="供电联络人",
        password="a-Long-pass-9182",
        phone="13700005678",
    )
    page = web("street_officer").get("/party/units/").content.decode()
    assert "13700005678" in page
    assert rows("party_unit") == [("jiedao01", str(unit.pk), "page", world.street.pk)]


def test_the_points_export_writes_formulas_as_text_without_control_characters(world, web):
    """The ranking CSV goes through core.exports like every other export (tab and CR too, control characters out)."""
    import csv
    import io

    for username, name in (("m1", "\t=1+1"), ("m2", "+86\x01甲"), ("m3", "-乙")):
        user = confirmed_member(world, username=username, full_name=name)
        services.points_adjust(
            actor=world.community_officer, member=user, delta=5, reason="测试", community=world.community
        )
    response = web("community_officer").get("/party/points/export.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    names = [row[1] for row in list(csv.reader(io.StringIO(text)))[1:]]
    assert len(names) == 3 and all(n.startswith("'") and "\x01" not in n for n in names), names
