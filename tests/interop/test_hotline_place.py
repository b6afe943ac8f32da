"""待分类: street staff place a hotline case (its 小类 and grid) — the clock follows the chosen rule under the
hotline's deadline, an event records it, the order leaves the queue; bad input changes nothing. Page and API."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from cases.models import Case, CaseEvent
from cases.services import case_transition
from core.errors import InvalidInput, NotAllowed
from interop.models import CategoryMapping, Order
from interop.services import order_place
from tests.cases.helpers import at

from .hotline_helpers import OUTSIDE, make_partner, order, signed_post

URL = "/interop/12345/orders/"
NOW = at(2026, 11, 18, 10, 0)  # a Wednesday, in office hours
HOTLINE_DUE = "2026-11-25T12:00:00+08:00"


@pytest.fixture
def partner(world):
    return make_partner(world)


@pytest.fixture
def waiting(world, partner):
    """An order with an unknown code and a point in no grid: filed under the fallback 小类, at the street."""
    with time_machine.travel(NOW, tick=False):
        resp = signed_post(
            Client(), URL, order(category_code="C-9999", location=OUTSIDE, resolution_due_at=HOTLINE_DUE), partner
        )
    assert resp.status_code == 201
    placed = Order.objects.select_related("case").get()
    assert placed.in_triage and placed.case.grid_id is None
    return placed


def test_placing_sets_category_grid_and_the_rules_clock_and_leaves_the_queue(world, waiting, web):
    before_due = waiting.case.due_at
    with time_machine.travel(at(2026, 11, 18, 11, 0), tick=False):
        order_place(
            order_id=waiting.pk,
            actor=world.street_officer,
            category_id=world.categories["0205"].id,  # 井盖缺失: 2 hours at the street
            grid_id=world.grid_a.id,
        )
    waiting.refresh_from_db()
    case = Case.objects.get()
    assert not waiting.in_triage and waiting.triaged_at == at(2026, 11, 18, 11, 0)
    assert (case.category.code, case.grade, case.grid_id, case.community_id) == (
        "0205",
        "B",
        world.grid_a.id,
        world.community.id,
    )
    assert (case.level, case.handler_region_id, case.status) == ("street", world.street.id, "reported")
    assert case.due_at == at(2026, 11, 18, 12, 0)  # 2 h from its arrival at the street: time spent counts
    assert case.due_at != before_due and case.rule.category_id == world.categories["0205"].id
    event = CaseEvent.objects.filter(case=case, action="note").get()
    assert event.data["hotline"] == "placed" and event.reason == "placed" and not event.public
    assert event.data["before"] == {"category": "0103", "grid": None}
    assert event.data["after"] == {"category": "0205", "grid": world.grid_a.code}
    assert event.data["rule"]["id"] == case.rule_id
    queue = web("street_officer").get("/interop/12345/queue/").content.decode()
    assert "BJ-0001" not in queue.split("最近工单")[0]


def test_the_hotline_deadline_still_wins_over_a_longer_rule(world, waiting):
    order_place(
        order_id=waiting.pk,
        actor=world.street_officer,
        category_id=world.categories["0202"].id,  # 违法搭建: 15 working days at the street
        grid_id=world.grid_a.id,
        now=at(2026, 11, 18, 11, 0),
    )
    case = Case.objects.get()
    assert case.due_at == at(2026, 11, 25, 12, 0) == case.external_due_at
    assert case.accept_due_at <= case.due_at


def test_remember_mapping_maps_the_code_for_the_next_orders(world, partner, waiting):
    order_place(
        order_id=waiting.pk,
        actor=world.street_officer,
        category_id=world.categories["0202"].id,
        grid_id=world.grid_a.id,
        remember_mapping=True,
    )
    assert CategoryMapping.objects.get(partner=partner, code="C-9999").category == world.categories["0202"]
    resp = signed_post(Client(), URL, order("BJ-0002", category_code="C-9999"), partner)
    assert resp.json()["triage"] == []
    assert Case.objects.get(hotline_order__order_id="BJ-0002").category.code == "0202"


def _unchanged(waiting) -> None:
    waiting.refresh_from_db()
    case = Case.objects.get()
    assert waiting.in_triage
    assert (case.category.code, case.grid_id) == ("0103", None)
    assert not CaseEvent.objects.filter(case=case, action="note").exists()


def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(world, waiting):
    from grids.models import Grid
    from tests.factories.world import rect

    inactive = world.categories["0102"]
    inactive.active = False
    inactive.save()
    with pytest.raises(InvalidInput, match="已停用"):
        order_place(order_id=waiting.pk, actor=world.street_officer, category_id=inactive.id, grid_id=world.grid_a.id)
    major = world.categories["0202"].parent
    with pytest.raises(InvalidInput, match="事项小类"):
        order_place(order_id=waiting.pk, actor=world.street_officer, category_id=major.id, grid_id=world.grid_a.id)
    from governance.models import Region

    street = world.other_street
    community = Region.objects.create(name="水果湖社区", code="620201002001", level="community", parent=street)
    far = Grid.objects.create(code="SGH-01", name="水果湖一网格", community=community, boundary=rect(98.40, 39.77))
    with pytest.raises(InvalidInput, match="水果湖一网格"):
        order_place(
            order_id=waiting.pk, actor=world.street_officer, category_id=world.categories["0202"].id, grid_id=far.id
        )
    with pytest.raises(InvalidInput, match="网格"):  # the order gave no grid in the street: one is needed
        order_place(order_id=waiting.pk, actor=world.street_officer, category_id=world.categories["0202"].id)
    _unchanged(waiting)


def test_a_dispatched_case_is_not_placed_and_another_street_cannot(world, waiting):
    from core.errors import Forbidden

    with pytest.raises(Forbidden):
        order_place(
            order_id=waiting.pk,
            actor=world.other_street_officer,
            category_id=world.categories["0202"].id,
            grid_id=world.grid_a.id,
        )
    _unchanged(waiting)
    officer = world.street_officer
    case_transition(case_id=waiting.case_id, action="accept", actor=officer)
    case_transition(case_id=waiting.case_id, action="dispatch", actor=officer, departments=[world.departments["zj"].id])
    with pytest.raises(NotAllowed, match="已派遣"):
        order_place(
            order_id=waiting.pk, actor=officer, category_id=world.categories["0202"].id, grid_id=world.grid_a.id
        )
    assert Order.objects.get().in_triage


def test_the_page_places_and_shows_refusals(world, waiting, web):
    page = web("street_officer")
    url = f"/interop/12345/order/{waiting.pk}/"
    assert "确定分类" in page.get(url).content.decode()
    inactive = world.categories["0102"]
    inactive.active = False
    inactive.save()
    refused = page.post(url, {"action": "place", "place-category": inactive.id, "place-grid": world.grid_a.id})
    assert refused.status_code == 200 and "请选择一个启用的事项小类" in refused.content.decode()
    _unchanged(waiting)
    done = page.post(
        url, {"action": "place", "place-category": world.categories["0202"].id, "place-grid": world.grid_a.id}
    )
    assert done.status_code == 302
    assert Case.objects.get().category.code == "0202" and not Order.objects.get().in_triage


def test_the_api_lists_the_queue_and_places(world, waiting, api):
    client = api("street_officer")
    listed = client.get("/api/v1/hotline-orders/?triage=true")
    assert listed.status_code == 200, listed.content
    rows = listed.json()["results"] if isinstance(listed.json(), dict) else listed.json()
    assert [r["order_id"] for r in rows] == ["BJ-0001"] and rows[0]["triage"][0]["code"] == "unmapped_code"
    assert client.get("/api/v1/hotline-orders/?triage=maybe").status_code == 400
    assert client.get("/api/v1/hotline-orders/?triage=false").json()["count"] == 0
    url = f"/api/v1/hotline-orders/{waiting.pk}/place/"
    bad = client.post(url, {"category": world.categories["0202"].id}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "grid"
    _unchanged(waiting)
    ok = client.post(url, {"category": world.categories["0202"].id, "grid": world.grid_a.id}, format="json")
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert (body["category"], body["grid"], body["in_triage"]) == ("0202", world.grid_a.code, False)
    assert api("other_street_officer").post(url, {"category": 1}, format="json").status_code == 404
    again = client.post(url, {"category": world.categories["0202"].id, "grid": world.grid_a.id}, format="json")
    assert again.status_code == 409
