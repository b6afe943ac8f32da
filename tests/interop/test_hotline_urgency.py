"""Urgency (一般 / 紧急 / 特急): stricter limits (the partner's, counted from the order's arrival, unless the hotline's
own are stricter), first in the street's hotline desk, shown on the order, the queue and the case page."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from cases.models import Case
from interop.models import Order
from tests.cases.helpers import at

from .hotline_helpers import make_partner, order, signed_post

URL = "/interop/12345/orders/"
NOW = at(2026, 11, 18, 10, 0)


@pytest.fixture
def partner(world):
    return make_partner(world)


def receive(partner, order_id: str, **extra):
    with time_machine.travel(NOW, tick=False):
        resp = signed_post(Client(), URL, order(order_id, **extra), partner)
    assert resp.status_code == 201, resp.content
    return Case.objects.get(hotline_order__order_id=order_id)


def test_an_emergency_order_gets_the_partners_emergency_limits(world, partner):
    case = receive(partner, "BJ-E", urgency="emergency", resolution_due_at="2026-11-28T10:00:00+08:00")
    assert case.external_due_at == NOW + timedelta(hours=2) == case.due_at  # 2 h beats 10 days and the rule
    assert case.accept_due_at == NOW + timedelta(minutes=30) == case.response_due_at
    assert case.title.startswith("【特急】")
    stored = Order.objects.get(order_id="BJ-E")
    assert (stored.urgency, stored.resolution_due_at) == ("emergency", NOW + timedelta(hours=2))


def test_urgent_limits_apply_unless_the_hotline_is_stricter(world, partner):
    loose = receive(partner, "BJ-U1", urgency="urgent", resolution_due_at="2026-11-25T10:00:00+08:00")
    assert loose.due_at == NOW + timedelta(hours=24) and loose.accept_due_at == NOW + timedelta(hours=2)
    tight = receive(
        partner,
        "BJ-U2",
        urgency="urgent",
        response_due_at="2026-11-18T10:20:00+08:00",
        resolution_due_at="2026-11-18T13:00:00+08:00",
    )
    assert (tight.accept_due_at, tight.due_at) == (at(2026, 11, 18, 10, 20), at(2026, 11, 18, 13, 0))
    assert tight.title.startswith("【紧急】")


def test_a_normal_order_and_a_partner_without_own_limits_keep_the_hotlines_deadlines(world, partner):
    normal = receive(partner, "BJ-N", resolution_due_at="2026-11-19T12:00:00+08:00")
    assert normal.due_at == at(2026, 11, 19, 12, 0) and not normal.title.startswith("【")
    partner.emergency_resolution_hours = 0
    partner.emergency_response_minutes = 0
    partner.save()
    unset = receive(partner, "BJ-E0", urgency="emergency", resolution_due_at="2026-11-19T12:00:00+08:00")
    assert unset.due_at == at(2026, 11, 19, 12, 0)


def test_the_desk_puts_the_most_urgent_first_and_shows_urgency(world, partner, web):
    for order_id, urgency in [("BJ-1", "normal"), ("BJ-2", "emergency"), ("BJ-3", "urgent")]:
        receive(partner, order_id, urgency=urgency, category_code="C-9999")  # all in 待分类
    page = web("street_officer").get("/interop/12345/queue/").content.decode()
    urgent, rest = page.split('id="urgent"')[1].split("待分类", 1)
    assert urgent.index("BJ-2") < urgent.index("BJ-3") and "BJ-1" not in urgent
    triage = rest.split("待热线审核的申请")[0]
    assert triage.index("BJ-2") < triage.index("BJ-3") < triage.index("BJ-1")
    assert "urgency-emergency" in page and "urgency-urgent" in page


def test_the_case_page_shows_the_order_and_its_urgency(world, partner, web):
    case = receive(partner, "BJ-E", urgency="emergency", category_code="C-9999")
    page = web("street_officer").get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    panel = text.split('id="hotline-order"')[1].split("</section>")[0]
    assert "BJ-E" in panel and "特急" in panel and "urgency-emergency" in panel
    assert "没有对应的事项小类" in panel  # the 待分类 reason


def test_the_case_page_in_english(world, partner, web):
    case = receive(partner, "BJ-E", urgency="emergency")
    client = web("street_officer")
    client.cookies["django_language"] = "en"
    page = client.get(f"/cases/{case.pk}/")
    panel = page.content.decode().split('id="hotline-order"')[1].split("</section>")[0]
    assert "12345 hotline order" in panel and "Emergency" in panel
