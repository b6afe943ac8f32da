"""Mediation pages and API: scoped (404 outside), the parties' contact masked below the street and every unmasked
read in the access log, actions through the services, the figures, and the endpoints in the OpenAPI schema."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

from mediation.models import Dispute, DisputeEvent
from residents.models import AccessLog

from .helpers import T0, open_dispute, start

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["grid_worker", "community_officer", "street_officer", "admin"])
def test_pages_open(world, web, persona):
    d = open_dispute(world)
    c = web(persona)
    for path in ("/mediation/", "/mediation/new/", "/mediation/figures/", f"/mediation/{d.pk}/"):
        assert c.get(path).status_code == 200, path


def test_outsiders_get_404(world, web, api):
    d = open_dispute(world)
    assert web("community_b_officer").get(f"/mediation/{d.pk}/").status_code == 404
    assert api("outsider").get(f"/api/v1/mediation/disputes/{d.pk}/").status_code == 404
    assert (
        api("community_b_officer")
        .post(f"/api/v1/mediation/disputes/{d.pk}/start/", {"track": "people", "mediator_body": "x"}, format="json")
        .status_code
        == 404
    )


def test_contact_is_masked_for_the_community_and_logged_when_shown(world, web):
    d = open_dispute(world)
    page = web("community_officer").get(f"/mediation/{d.pk}/").content.decode()
    assert "13811112222" not in page and "138****2222" in page
    assert not AccessLog.objects.exists()
    page = web("street_officer").get(f"/mediation/{d.pk}/").content.decode()
    assert "13811112222" in page
    log = AccessLog.objects.get()
    assert (log.subject, log.object_id, log.channel, log.street_id) == (
        "dispute_party",
        str(d.pk),
        "page",
        world.street.pk,
    )


def test_register_and_mediate_on_the_pages(world, web):
    c = web("community_officer")
    r = c.post(
        "/mediation/new/",
        {
            "title": "物业费纠纷",
            "kind": "property",
            "description": "业主拒交物业费",
            "community": world.community.pk,
            "risk": "low",
            "amount": "1200",
            "party0_name": "业主王某",
            "party0_kind": "person",
            "party0_role": "applicant",
            "party0_phone": "13700001111",
            "party1_name": "某物业公司",
            "party1_kind": "organisation",
            "party1_role": "respondent",
            "party2_kind": "person",
            "party2_role": "other",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Dispute.objects.get(title="物业费纠纷")
    c.post(f"/mediation/{d.pk}/start/", {"start-track": "people", "start-mediator_body": "雄关社区人民调解委员会"})
    r = c.post(
        f"/mediation/{d.pk}/session/",
        {
            "session-held_at": "2026-01-05T10:00",
            "session-place": "调解室",
            "session-mediators": "王调解",
            "session-outcome": "agreement",
            "session-agreement_text": "业主补交物业费，物业整改电梯",
            "session-signatories": "业主王某、某物业公司",
        },
        follow=True,
    )
    d.refresh_from_db()
    assert d.status == "agreed", r.content.decode()[:3000]
    assert list(DisputeEvent.objects.filter(dispute=d).values_list("action", flat=True)) == ["open", "start", "session"]


def test_a_bad_form_changes_nothing_and_says_why(world, web):
    d = start(world, open_dispute(world))
    r = web("community_officer").post(f"/mediation/{d.pk}/session/", {"session-outcome": "agreement"})
    assert r.status_code == 400 and "调解时间" in r.content.decode()
    assert not d.sessions.exists()


def test_a_refused_session_comes_back_with_everything_the_mediator_wrote(world, web):
    """An agreement needs two signatories: the refusal is said in the session form, which stays open with the
    notes and the agreement as typed — it used to be a redirect and a flash, the text gone."""
    d = start(world, open_dispute(world))
    body = {
        "session-held_at": "2026-01-05T10:00",
        "session-place": "调解室",
        "session-mediators": "王调解",
        "session-outcome": "agreement",
        "session-notes": "双方陈述了各自意见，经过两个小时的调解……",
        "session-agreement_text": "业主补交物业费，物业整改电梯",
        "session-signatories": "业主王某",
    }
    r = web("community_officer").post(f"/mediation/{d.pk}/session/", body)
    html = r.content.decode()
    assert r.status_code == 400, r.status_code
    assert "双方陈述了各自意见，经过两个小时的调解……" in html and "业主补交物业费，物业整改电梯" in html
    assert "至少两名签字人" in html  # the reason, above the form
    assert not d.sessions.exists()
    d.refresh_from_db()
    assert d.status != "agreed"


def test_api_flow_and_masking(world, api):
    body = {
        "title": "工资纠纷",
        "kind": "labour",
        "description": "拖欠工资",
        "community": world.community.pk,
        "amount": "8000.00",
        "parties": [
            {"role": "applicant", "name": "工人甲", "phone": "13500002222"},
            {"role": "respondent", "name": "某公司", "kind": "organisation"},
        ],
    }
    r = api("community_officer").post("/api/v1/mediation/disputes/", body, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["parties"][0]["phone"] == "135****2222" and r.json()["contact_masked"] is True
    street = api("street_officer")
    assert street.get(f"/api/v1/mediation/disputes/{pk}/").json()["parties"][0]["phone"] == "13500002222"
    assert (
        street.post(
            f"/api/v1/mediation/disputes/{pk}/start/",
            {"track": "administrative", "mediator_body": "司法所"},
            format="json",
        ).status_code
        == 200
    )
    assert (
        street.post(
            f"/api/v1/mediation/disputes/{pk}/start/", {"track": "people", "mediator_body": "x"}, format="json"
        ).status_code
        == 409
    )
    r = street.post(
        f"/api/v1/mediation/disputes/{pk}/sessions/",
        {"held_at": "2026-01-05T10:00:00+08:00", "place": "司法所", "mediators": "李所长", "outcome": "no_agreement"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "failed"
    r = street.post(
        f"/api/v1/mediation/disputes/{pk}/to-case/", {"category": world.categories["0101"].pk}, format="json"
    )
    assert r.status_code == 200 and r.json()["result_case"]
    rows = street.get("/api/v1/mediation/disputes/figures/?by=community&date_from=2020-01-01&date_to=2030-12-31").json()
    assert rows[0]["found"] == 1 and rows[0]["concluded"] == 1 and rows[0]["success_rate"] == 0.0
    assert api("street_officer").get("/api/v1/mediation/disputes/figures/?by=planet").status_code == 400


def test_mediation_endpoints_are_in_the_schema(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--file", str(out))
    paths = yaml.safe_load(out.read_text(encoding="utf-8"))["paths"]
    for path in (
        "/api/v1/mediation/disputes/",
        "/api/v1/mediation/disputes/{id}/sessions/",
        "/api/v1/mediation/disputes/{id}/transfer/",
        "/api/v1/mediation/disputes/{id}/to-case/",
        "/api/v1/mediation/disputes/figures/",
    ):
        assert path in paths, path


def test_an_action_on_a_dispute_that_is_not_there_answers_404_and_a_refusal_a_message(world, web):
    """The page actions let a service's NotFound through to core's middleware (404); refusals become messages."""
    c = web("community_officer")
    assert c.post("/mediation/999999/start/", {"start-track": "people", "start-mediator_body": "x"}).status_code == 404
    d = open_dispute(world)
    start(world, d)
    response = c.post(f"/mediation/{d.pk}/start/", {"start-track": "people", "start-mediator_body": "x"})
    assert response.status_code == 409
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_signatories_are_masked_like_the_parties(world, web, api):
    """The agreement's signatories are the parties' names: masked where the parties are, logged where shown."""
    from mediation import services

    d = open_dispute(world)
    start(world, d)
    services.session_record(
        actor=world.community_officer,
        dispute_id=d.pk,
        held_at=T0,
        place="雄关社区调解室",
        mediators="王调解",
        notes="双方到场",
        outcome="agreement",
        agreement_text="楼上负责维修并赔偿",
        signatories=["张三", "李四"],
    )
    page = web("community_officer").get(f"/mediation/{d.pk}/").content.decode()
    assert "张三" not in page and "张*" in page
    body = api("community_officer").get(f"/api/v1/mediation/disputes/{d.pk}/").json()
    assert body["sessions"][0]["signatories"] == ["张*", "李*"]
    assert not AccessLog.objects.exists()
    body = api("street_officer").get(f"/api/v1/mediation/disputes/{d.pk}/").json()
    assert body["sessions"][0]["signatories"] == ["张三", "李四"]
    assert AccessLog.objects.get().channel == "api"
