"""The mobilisation API: in the OpenAPI schema, scoped (404 outside), refusals mapped to 400/403/409, the public
endpoints without personal data."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

from mobilisation.models import MobilisationEvent, Wish

from .helpers import confirmed_member, jpeg, published_wish

pytestmark = pytest.mark.django_db


def test_every_mobilisation_endpoint_is_in_the_schema(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--file", str(out))
    paths = yaml.safe_load(out.read_text(encoding="utf-8"))["paths"]
    for path in [
        "/api/v1/mobilisation/registrations/",
        "/api/v1/mobilisation/registrations/{id}/confirm/",
        "/api/v1/mobilisation/tasks/{id}/attendance/",
        "/api/v1/mobilisation/wishes/{id}/claim/",
        "/api/v1/mobilisation/wishes/{id}/fulfil/",
        "/api/v1/mobilisation/points/ranking/",
        "/api/v1/mobilisation/points/adjust/",
        "/api/v1/mobilisation/appraisals/{id}/rate/",
        "/api/v1/mobilisation/tricolour/{id}/adjust/",
        "/api/v1/mobilisation/topics/{id}/meetings/",
        "/api/v1/public/wishes/",
        "/api/v1/public/wishes/{token}/confirm/",
        "/api/v1/public/topics/",
    ]:
        assert path in paths, path


def test_wish_flow_over_the_api(world, api):
    member = confirmed_member(world)
    r = api(None).post(
        "/api/v1/public/wishes/",
        {
            "community": world.community.pk,
            "title": "想要老花镜",
            "description": "看不清药盒上的字",
            "resident_name": "韩奶奶",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    token, pk = r.json()["follow_up_token"], r.json()["id"]
    staff = api("community_officer")
    assert staff.post(f"/api/v1/mobilisation/wishes/{pk}/review/", {"accept": True}, format="json").status_code == 200
    assert staff.post(f"/api/v1/mobilisation/wishes/{pk}/review/", {"accept": True}, format="json").status_code == 409
    assert api("community_b_officer").post(f"/api/v1/mobilisation/wishes/{pk}/publish/").status_code == 404
    assert staff.post(f"/api/v1/mobilisation/wishes/{pk}/publish/").status_code == 200
    from rest_framework.test import APIClient

    m = APIClient()
    m.force_authenticate(member)
    assert m.post(f"/api/v1/mobilisation/wishes/{pk}/claim/").status_code == 200
    assert m.post(f"/api/v1/mobilisation/wishes/{pk}/fulfil/", {"note": "x"}, format="multipart").status_code == 400
    r = m.post(f"/api/v1/mobilisation/wishes/{pk}/fulfil/", {"photo": jpeg(), "note": "配好了"}, format="multipart")
    assert r.status_code == 200 and r.json()["resident_name"] == "韩**"
    assert api(None).post(f"/api/v1/public/wishes/{token}/confirm/").status_code == 200
    assert Wish.objects.get(pk=pk).status == "confirmed"
    assert MobilisationEvent.objects.filter(subject="wish", object_id=pk).count() == 6


def test_public_wish_list_has_no_personal_fields(world, api):
    published_wish(world)
    row = api(None).get("/api/v1/public/wishes/").json()["results"][0]
    assert set(row) == {"id", "community", "community_name", "title", "description", "status", "created_at"}


def test_manual_points_need_a_reason_over_the_api(world, api):
    member = confirmed_member(world)
    staff = api("community_officer")
    body = {"member": member.pk, "community": world.community.pk, "delta": 5, "reason": ""}
    assert staff.post("/api/v1/mobilisation/points/adjust/", body, format="json").status_code == 400
    body["reason"] = "补录"
    assert staff.post("/api/v1/mobilisation/points/adjust/", body, format="json").status_code == 201
    assert api("outsider").post("/api/v1/mobilisation/points/adjust/", body, format="json").status_code == 403
    rows = staff.get("/api/v1/mobilisation/points/ranking/?by=member").json()
    assert rows == [{"rank": 1, "key": member.pk, "name": "党员甲", "total": 5, "entries": 1}]


def test_public_wish_posting_is_rate_limited_per_address(world, api, settings):
    from django.core.cache import cache
    from rest_framework.settings import api_settings

    cache.clear()
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "public_wish": "2/h"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    body = {"community": world.community.pk, "title": "t", "description": "d", "resident_name": "n"}
    codes = [api(None).post("/api/v1/public/wishes/", body, format="json").status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert Wish.objects.count() == 2
    cache.clear()
