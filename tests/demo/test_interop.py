"""The demo's 12345 hotline: a partner on 雄关街道 and orders in different states, built once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.models import Rating
from interop.models import Order, OrderRequest, OutboundMessage, Partner

from .test_load_demo import demo  # noqa: F401 (the module-scoped loaded demo)

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_partner_and_orders_in_different_states(demo):  # noqa: F811
    partner = Partner.objects.get(key_id="demo12345")
    assert partner.street.name == "雄关街道" and partner.user.full_name.startswith("12345热线")
    assert partner.mappings.count() == 5
    orders = {o.order_id: o for o in Order.objects.select_related("case")}
    assert {o.case.channel for o in orders.values()} == {"hotline"}
    states = {oid: o.case.status for oid, o in orders.items()}
    assert states == {
        "DEMO-12345-0001": "reported",
        "DEMO-12345-0002": "in_progress",
        "DEMO-12345-0003": "reported",
        "DEMO-12345-0004": "accepted",
        "DEMO-12345-0005": "closed",
        "DEMO-12345-0006": "reported",
    }
    assert orders["DEMO-12345-0003"].in_triage
    emergency = orders["DEMO-12345-0006"]
    assert emergency.urgency == "emergency" and emergency.case.title.startswith("【特急】")
    assert emergency.case.due_at <= emergency.received_at + timedelta(hours=2)
    assert [r["code"] for r in orders["DEMO-12345-0004"].triage_reasons] == ["no_point"]
    assert OrderRequest.objects.get(order=orders["DEMO-12345-0004"]).state == "pending"
    rating = Rating.objects.get(case=orders["DEMO-12345-0005"].case)
    assert (rating.result, rating.recorded_by_id) == ("basic", partner.user_id)
    assert OutboundMessage.objects.filter(partner=partner).exists()  # waiting for the simulator


def test_loading_the_interop_demo_again_adds_nothing(demo):  # noqa: F811
    from demo import interop

    before = (Order.objects.count(), OutboundMessage.objects.count(), OrderRequest.objects.count())
    interop.build()
    assert (Order.objects.count(), OutboundMessage.objects.count(), OrderRequest.objects.count()) == before
