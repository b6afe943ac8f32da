"""The hotline's times beyond ``MAX_DUE_HORIZON_DAYS`` (2045, 9999) are refused with the field as the code and
nothing written: the decision can be sent again right (an approval to 2045 was a 500 on every retry, the
request pending for ever)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cases.models import Case
from core.errors import InvalidInput
from interop.models import InboundDecision, Order, OrderRequest
from interop.services import order_extension_request

from .hotline_helpers import make_partner, order, signed_post
from .test_hotline_exchange import closed_by_street, in_hand

URL = "/interop/12345/orders/"
FAR_FUTURE = ["2045-01-01T10:00:00+08:00", "9999-12-31T10:00:00+08:00"]


@pytest.fixture
def partner(world):
    return make_partner(world)


@pytest.fixture
def hotline_case(world, partner):
    assert signed_post(Client(), URL, order(), partner).status_code == 201
    return Case.objects.get()


def decide(partner, **payload):
    return signed_post(Client(raise_request_exception=False), f"{URL}BJ-0001/decisions/", payload, partner)


@pytest.mark.parametrize("when", FAR_FUTURE)
def test_an_extension_approved_far_in_the_future_is_refused_and_can_be_sent_again_right(
    world, partner, hotline_case, when
):
    in_hand(hotline_case, world.street_officer, world)
    case = Case.objects.get()
    order_extension_request(
        order_id=Order.objects.get().pk, actor=world.street_officer, requested_due_at=case.due_at + timedelta(days=5),
        text="协调",
    )  # fmt: skip
    before = (case.due_at, case.external_due_at, case.extension_count)

    resp = decide(partner, decision_id="D-FAR", kind="extension_approved", due_at=when)

    assert resp.status_code == 400, resp.content
    assert resp.json()["code"] == "due_at"
    case.refresh_from_db()
    assert (case.due_at, case.external_due_at, case.extension_count) == before
    assert OrderRequest.objects.get().state == "pending"
    assert not InboundDecision.objects.exists()
    later = case.due_at + timedelta(days=3)
    ok = decide(partner, decision_id="D-FAR", kind="extension_approved", due_at=later.isoformat())
    assert ok.status_code == 201, ok.content
    case.refresh_from_db()
    assert case.due_at == later


@pytest.mark.parametrize("when", FAR_FUTURE)
def test_a_reopen_with_a_far_future_deadline_is_refused_and_the_case_stays_closed(world, partner, hotline_case, when):
    closed_by_street(hotline_case, world.street_officer, world)

    resp = decide(partner, decision_id="D-REOPEN", kind="reopen", resolution_due_at=when)

    assert resp.status_code == 400, resp.content
    assert resp.json()["code"] == "resolution_due_at"
    case = Case.objects.get()
    assert (case.status, case.reopen_count) == ("closed", 0)
    assert Order.objects.get().resolution_due_at is None
    assert not InboundDecision.objects.exists()
    soon = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    ok = decide(partner, decision_id="D-REOPEN", kind="reopen", resolution_due_at=soon.isoformat())
    assert ok.status_code == 201, ok.content


def test_the_street_cannot_ask_the_hotline_for_an_extension_far_in_the_future(world, partner, hotline_case):
    in_hand(hotline_case, world.street_officer, world)
    with pytest.raises(InvalidInput) as refused:
        order_extension_request(
            order_id=Order.objects.get().pk,
            actor=world.street_officer,
            requested_due_at=timezone.now().replace(year=2045),
            text="协调",
        )
    assert refused.value.code == "datetime"
    assert not OrderRequest.objects.exists()
    assert not Case.objects.get().extension_requests.exists()
