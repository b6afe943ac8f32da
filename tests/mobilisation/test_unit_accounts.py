"""Units' own logins: staff open and end them through a service; a unit's account sees and acts for its own unit
only — duty list and 述职 (submits it), service tasks and points, wishes claimed as the unit — and another unit's
data answers 404 (pages) or is refused (services)."""

from __future__ import annotations

import pytest
from django.test import Client

from core.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from governance.models import User
from mobilisation import services
from mobilisation.choices import TaskType, UnitKind, WishStatus
from mobilisation.models import DutyReport, MobilisationEvent, PointsEntry, UnitAccount, Wish

from .helpers import at, published_wish, unit

pytestmark = pytest.mark.django_db

PASSWORD = "Gongdian#2026!"
T0 = at(2026, 11, 16, 9, 0)


def registered_unit(world, name: str, community, officer):
    u = unit(world, name=name, kind=UnitKind.COMMITTEE_MEMBER)
    reg = services.registration_submit(actor=officer, community=community, basis="work", unit=u)
    services.registration_decide(actor=officer, registration_id=reg.pk, confirm=True)
    return u


@pytest.fixture
def units(world):
    """Unit A (registered with 雄关社区, duties there) and unit B (registered with 关城社区), each with one login."""
    a = registered_unit(world, "市供电公司党委", world.community, world.community_officer)
    b = registered_unit(world, "市水务集团党委", world.community_b, world.community_b_officer)
    services.duty_add(actor=world.community_officer, unit=a, place=world.community, title="结对帮扶困难群众")
    services.duty_add(actor=world.community_b_officer, unit=b, place=world.community_b, title="供水设施巡查")
    acc_a = services.unit_account_create(
        actor=world.street_officer, unit=a, username="gongdian", full_name="供电联络人", password=PASSWORD
    )
    acc_b = services.unit_account_create(
        actor=world.community_b_officer, unit=b, username="shuiwu", full_name="水务联络人", password=PASSWORD
    )
    return a, b, acc_a.user, acc_b.user


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_staff_open_a_login_through_the_service_with_an_event(world, units):
    a, _b, user_a, _user_b = units
    assert (user_a.role, user_a.full_name, user_a.is_active) == ("citizen", "供电联络人", True)
    assert UnitAccount.objects.get(user=user_a).unit == a
    event = MobilisationEvent.objects.get(subject="unit_account", action="create", data__username="gongdian")
    assert event.actor == world.street_officer
    # the home page sends the unit's login to its unit's page
    assert login(user_a).get("/").url == "/party/unit/"


@pytest.mark.parametrize("persona", ["community_b_officer", "other_street_officer", "grid_worker", "liaison"])
def test_only_staff_over_the_unit_may_open_a_login(world, units, persona):
    a = units[0]
    with pytest.raises(Forbidden):
        services.unit_account_create(
            actor=world.users[persona], unit=a, username="x1", full_name="某人", password=PASSWORD
        )
    with pytest.raises(Forbidden):  # nor the unit's own login
        services.unit_account_create(actor=units[2], unit=a, username="x2", full_name="某人", password=PASSWORD)
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()


def test_bad_input_creates_nothing(world, units):
    a = units[0]
    with pytest.raises(InvalidInput):
        services.unit_account_create(actor=world.street_officer, unit=a, username="y", full_name="某人", password="123")
    with pytest.raises(NotAllowed):
        services.unit_account_create(
            actor=world.street_officer, unit=a, username="GONGDIAN", full_name="某人", password=PASSWORD
        )
    with pytest.raises(InvalidInput):
        services.unit_account_create(
            actor=world.street_officer, unit=a, username="有 空格", full_name="某人", password=PASSWORD
        )
    assert UnitAccount.objects.filter(unit=a).count() == 1 and not User.objects.filter(username="y").exists()


def test_the_unit_page_shows_its_own_unit_only(world, units):
    a, b, user_a, _user_b = units
    page = login(user_a).get("/party/unit/")
    assert page.status_code == 200
    text = page.content.decode()
    assert a.name in text and "结对帮扶困难群众" in text
    assert b.name not in text and "供水设施巡查" not in text
    # the staff's management pages are not theirs
    c = login(user_a)
    assert c.get("/party/units/").status_code == 404
    assert b.name not in c.get("/party/duties/").content.decode()
    # a user without a unit has no unit page
    assert Client().get("/party/unit/").status_code == 302
    member_client = Client()
    member_client.force_login(world.grid_worker)
    assert member_client.get("/party/unit/").status_code == 404


def test_the_unit_submits_its_report_once_and_only_for_itself(world, units):
    a, b, user_a, _user_b = units
    duty = a.duties.get()
    c = login(user_a)
    response = c.post(
        "/party/unit/",
        {"place": world.community.pk, "period": "2026-Q4", "text": "走访困难群众12户", f"item-{duty.pk}": "已结对3户"},
    )
    assert response.status_code == 302
    report = DutyReport.objects.get(unit=a)
    assert (report.period, report.submitted_by, report.items) == ("2026-Q4", user_a, {str(duty.pk): "已结对3户"})
    assert "走访困难群众12户" in c.get("/party/unit/").content.decode()
    with pytest.raises(NotAllowed):
        services.duty_report_submit(actor=user_a, unit=a, place=world.community, period="2026-Q4", text="再来")
    with pytest.raises(Forbidden):
        services.duty_report_submit(actor=user_a, unit=b, place=world.community_b, period="2026-Q4", text="冒名")
    with pytest.raises(InvalidInput):  # no duties of the unit there
        services.duty_report_submit(actor=user_a, unit=a, place=world.community_b, period="2026-Q4", text="无")
    # the place offered on the page is only where the unit holds duties
    c.post("/party/unit/", {"place": world.community_b.pk, "period": "2026-Q3", "text": "x"})
    assert DutyReport.objects.filter(unit=a).count() == 1


def test_the_unit_claims_a_wish_as_the_unit_and_its_points_count_for_it(world, units):
    a, _b, user_a, user_b = units
    services.points_rule_set(
        actor=world.street_officer, street=world.street, task_type=TaskType.WISH, points=15, monthly_cap=0
    )
    wish = published_wish(world, now=T0)
    c = login(user_a)
    assert wish.title in c.get("/party/unit/").content.decode()  # open to the unit
    assert c.post(f"/party/wishes/{wish.pk}/claim/").status_code == 302
    wish.refresh_from_db()
    assert (wish.status, wish.claimed_by, wish.claimed_unit) == (WishStatus.CLAIMED, user_a, a)
    from .helpers import jpeg

    services.wish_fulfil(actor=user_a, wish_id=wish.pk, photo=jpeg())
    services.wish_confirm(actor=world.community_officer, wish_id=wish.pk)
    entry = PointsEntry.objects.get(wish=wish)
    assert (entry.member, entry.unit, entry.points) == (user_a, a, 15)
    page = c.get("/party/unit/").content.decode()
    assert "data-points-total>15<" in page
    # the other unit is not registered in 雄关社区: the wish is not theirs to see or claim
    other = published_wish(world, title="另一个心愿", now=T0)
    assert login(user_b).get(f"/party/wishes/{other.pk}/").status_code == 404
    with pytest.raises(Forbidden):
        services.wish_claim(actor=user_b, wish_id=other.pk)
    assert Wish.objects.get(pk=other.pk).status == WishStatus.PUBLISHED


def test_the_unit_signs_up_for_a_task_and_attendance_credits_the_unit(world, units):
    a, _b, user_a, user_b = units
    services.points_rule_set(
        actor=world.street_officer, street=world.street, task_type=TaskType.CLEANUP, points=10, monthly_cap=0
    )
    task = services.task_create(
        actor=world.community_officer,
        community=world.community,
        title="小区环境整治",
        task_type=TaskType.CLEANUP,
        place="雄关小区",
        starts_at=T0,
    )
    c = login(user_a)
    assert task.title in c.get("/party/unit/").content.decode()
    assert c.post(f"/party/tasks/{task.pk}/signup/").status_code == 302
    services.task_record_attendance(actor=world.community_officer, task_id=task.pk, attended_member_ids=[user_a.pk])
    assert PointsEntry.objects.get(task=task).unit == a
    # another unit's login: 404 on the task, and the service refuses as if it did not exist
    assert login(user_b).get(f"/party/tasks/{task.pk}/").status_code == 404
    assert login(user_b).post(f"/party/tasks/{task.pk}/signup/").status_code == 404


def test_another_units_data_is_404(world, units):
    _a, b, user_a, user_b = units
    appraisal = services.appraisal_open(
        actor=world.community_b_officer,
        unit=b,
        place=world.community_b,
        period="2026",
        raters=[world.community_b_officer, world.street_officer, world.street_officer_2],
    )
    c = login(user_a)
    assert c.get(f"/party/appraisals/{appraisal.pk}/").status_code == 404
    assert c.get(f"/party/points/member/{user_b.pk}/").status_code == 404
    assert c.post(f"/party/units/accounts/{UnitAccount.objects.get(user=user_b).pk}/end/").status_code == 404
    assert UnitAccount.objects.get(user=user_b).active


def test_ending_a_login_stops_it(world, units):
    _a, _b, user_a, _user_b = units
    account = UnitAccount.objects.get(user=user_a)
    c = Client()
    c.force_login(world.street_officer)
    page = c.get("/party/units/").content.decode()
    assert "gongdian" in page and "shuiwu" in page  # the street's units, both
    c2 = Client()
    c2.force_login(world.community_officer)
    page = c2.get("/party/units/").content.decode()
    assert "gongdian" in page and "shuiwu" not in page  # a community: the units registered with it
    assert c2.post(f"/party/units/accounts/{account.pk}/end/", {"reason": "人员调动"}).status_code == 302
    account.refresh_from_db()
    user_a.refresh_from_db()
    assert (account.active, user_a.is_active) == (False, False)
    assert not Client().login(username="gongdian", password=PASSWORD)
    assert MobilisationEvent.objects.get(subject="unit_account", action="end").note == "人员调动"
    with pytest.raises(NotAllowed):
        services.unit_account_end(actor=world.street_officer, account_id=account.pk)


def test_the_staff_page_opens_a_login(world, units):
    a = units[0]
    c = Client()
    c.force_login(world.community_officer)
    response = c.post(
        "/party/units/",
        {"unit": a.pk, "full_name": "第二联系人", "username": "gongdian2", "password": PASSWORD, "phone": ""},
    )
    assert response.status_code == 302
    assert UnitAccount.objects.filter(unit=a, user__username="gongdian2").exists()
    # a unit outside the community's reach is not offered
    b = units[1]
    c.post("/party/units/", {"unit": b.pk, "full_name": "冒名", "username": "mao", "password": PASSWORD})
    assert not User.objects.filter(username="mao").exists()


def test_the_api_opens_and_ends_logins_and_serves_the_units_own_duties(world, units, api):
    a, b, user_a, _user_b = units
    street = api("street_officer")
    created = street.post(
        "/api/v1/mobilisation/unit-accounts/",
        {"unit": a.pk, "username": "gongdian3", "full_name": "第三联系人", "password": PASSWORD},
        format="json",
    )
    assert created.status_code == 201 and "password" not in created.json()
    assert (
        api("community_b_officer").get(f"/api/v1/mobilisation/unit-accounts/{created.json()['id']}/").status_code == 404
    )
    refused = api("community_b_officer").post(
        "/api/v1/mobilisation/unit-accounts/",
        {"unit": a.pk, "username": "mao2", "full_name": "冒名", "password": PASSWORD},
        format="json",
    )
    assert refused.status_code == 403
    ended = street.post(f"/api/v1/mobilisation/unit-accounts/{created.json()['id']}/end/", {}, format="json")
    assert ended.status_code == 200 and ended.json()["active"] is False
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user=user_a)
    duties = client.get("/api/v1/mobilisation/duties/").json()
    rows = duties["results"] if isinstance(duties, dict) else duties
    assert {d["unit_name"] for d in rows} == {a.name}
    assert client.get("/api/v1/mobilisation/unit-accounts/").json()["results"] == []
    report = client.post(
        "/api/v1/mobilisation/duty-reports/",
        {"unit": b.pk, "place": world.community_b.pk, "period": "2026", "text": "冒名"},
        format="json",
    )
    assert report.status_code == 403


def test_the_schema_has_the_unit_account_endpoints(tmp_path):
    import yaml
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--file", str(out))
    paths = yaml.safe_load(out.read_text(encoding="utf-8"))["paths"]
    assert "/api/v1/mobilisation/unit-accounts/" in paths
    assert "/api/v1/mobilisation/unit-accounts/{id}/end/" in paths


def test_the_contact_person_replaces_the_initial_password(world, units):
    user_a = units[2]
    c = login(user_a)
    assert c.get("/party/unit/password/").status_code == 200
    weak = c.post("/party/unit/password/", {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200
    new = "Xiongguan-Power-77"
    done = c.post("/party/unit/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done.url == "/party/unit/"
    assert Client().login(username="gongdian", password=new)


def test_a_unit_login_cannot_register_as_a_party_member(world, units):
    user_a = units[2]
    with pytest.raises(NotAllowed):
        services.registration_submit(actor=user_a, community=world.community, basis="work", member=user_a)
    with pytest.raises(NotAllowed):
        services.registration_submit(
            actor=world.community_officer, community=world.community, basis="work", member=user_a
        )


def test_a_wish_the_unit_cant_see_answers_every_action_as_one_that_does_not_exist(world, units):
    """Outside the public list and its own claims, another community's wish is 404 to a unit's login for every
    action, exactly as an id that does not exist — a 409 ("its state is …") or a 403 told it was there, and how far
    it had gone."""
    from rest_framework.test import APIClient

    from .helpers import jpeg

    _a, _b, user_a, user_b = units
    submitted = services.wish_submit(
        actor=world.grid_worker,
        community=world.community,
        title="未发布的心愿",
        description="……",
        resident_name="李奶奶",
        resident_phone="13812345679",
        resident_address="雄关小区1栋",
    )
    claimed = published_wish(world, title="已认领的心愿", now=T0)
    services.wish_claim(actor=user_a, wish_id=claimed.pk, now=T0)
    fulfilled = published_wish(world, title="已完成的心愿", now=T0)
    services.wish_claim(actor=user_a, wish_id=fulfilled.pk, now=T0)
    services.wish_fulfil(actor=user_a, wish_id=fulfilled.pk, photo=jpeg(), now=T0)
    api = APIClient()
    api.force_authenticate(user_b)
    missing = api.post("/api/v1/mobilisation/wishes/999999/claim/", {}, format="json")
    assert missing.status_code == 404
    for wish in (submitted, claimed, fulfilled):
        for action in ("claim", "confirm", "review", "publish"):
            data = {"accept": True} if action == "review" else {}
            response = api.post(f"/api/v1/mobilisation/wishes/{wish.pk}/{action}/", data, format="json")
            assert (response.status_code, response.json()) == (404, missing.json()), (wish.title, action)
        response = api.post(f"/api/v1/mobilisation/wishes/{wish.pk}/fulfil/", {"photo": jpeg()}, format="multipart")
        assert (response.status_code, response.json()) == (404, missing.json()), (wish.title, "fulfil")
        for call in (services.wish_claim, services.wish_confirm):
            with pytest.raises(NotFound):
                call(actor=user_b, wish_id=wish.pk)
    assert list(Wish.objects.order_by("pk").values_list("status", flat=True)) == [
        WishStatus.SUBMITTED,
        WishStatus.CLAIMED,
        WishStatus.FULFILLED,
    ]
    # the unit that claimed them still acts on its own
    services.wish_fulfil(actor=user_a, wish_id=claimed.pk, photo=jpeg(), now=T0)
