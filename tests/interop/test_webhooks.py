"""Webhook subscriptions: the event types asked for, signed with the subscription's secret, a delivery log and
replay; a failing subscriber never blocks or slows a transition; the inbound endpoints are in the OpenAPI schema."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from cases.services import case_transition
from interop.models import OutboundMessage, Subscription
from interop.services import message_deliver, message_resend, messages_deliver_due
from interop.simulator import HotlineSimulator
from tests.cases.helpers import file_case


@pytest.fixture
def receiver():
    """A signature-checking receiver (the simulator's server) keyed to the subscription below."""
    server = HotlineSimulator(base_url="http://127.0.0.1:1", key_id="", secret="hook-secret").start()
    yield server
    server.stop()


def subscribe(receiver, *types: str, **kw) -> Subscription:
    sub = Subscription.objects.create(
        name="区数据中台", url=receiver.callback_url, secret="hook-secret", event_types=list(types), **kw
    )
    receiver.key_id = f"sub-{sub.pk}"
    return sub


def deliver_all() -> None:
    for _round in range(10):
        if not messages_deliver_due(inline=True):
            return


def test_a_subscriber_gets_the_event_types_it_asked_for_signed(world, receiver):
    subscribe(receiver, "case.accept", "case.dispatch")
    case = file_case(world)
    officer = world.community_officer
    case_transition(case_id=case.id, action="note", actor=officer, note="内部：不外发")
    case_transition(case_id=case.id, action="accept", actor=officer)
    assert [m.event_type for m in OutboundMessage.objects.all()] == ["case.accept"]
    deliver_all()
    [got] = receiver.received
    assert got.signature_ok and got.answered == 200
    assert got.body["type"] == "case.accept"
    assert got.body["case"]["number"] == case.number and got.body["event"]["to_status"] == "accepted"
    assert "13900001111" not in json.dumps(got.body, ensure_ascii=False)


def test_star_subscribes_to_everything_and_internal_notes_keep_their_text(world, receiver):
    subscribe(receiver, "*")
    case = file_case(world)
    case_transition(case_id=case.id, action="note", actor=world.community_officer, note="内部：当事人是熟人")
    types = [m.event_type for m in OutboundMessage.objects.order_by("id")]
    assert types == ["case.report", "case.note"]
    note = json.loads(OutboundMessage.objects.get(event_type="case.note").body)
    assert note["event"]["note"] == ""


def test_inactive_subscriptions_get_nothing(world, receiver):
    subscribe(receiver, "*", active=False)
    file_case(world)
    assert not OutboundMessage.objects.exists()


def test_the_cached_subscription_list_follows_every_change_at_once(world, receiver):
    """The active subscriptions are cached (every case event asks); adding, switching off and deleting one
    counts from the next event."""
    file_case(world)  # caches "no subscription"
    sub = subscribe(receiver, "*")
    file_case(world)
    assert OutboundMessage.objects.filter(subscription=sub).count() == 1
    sub.active = False
    sub.save()
    file_case(world)
    assert OutboundMessage.objects.filter(subscription=sub).count() == 1
    sub.active = True
    sub.save()
    file_case(world)
    assert OutboundMessage.objects.filter(subscription=sub).count() == 2
    other = subscribe(receiver, "*")
    OutboundMessage.objects.filter(subscription=sub).delete()
    sub.delete()
    file_case(world)  # the deleted subscription is not written to (it would fail the foreign key)
    assert OutboundMessage.objects.filter(subscription=other).count() == 1


def test_summons_steps_are_their_own_event_types(world, receiver):
    from cases.models import CaseEvent
    from interop.services.outbox import event_type_of

    assert event_type_of(CaseEvent(action="comment", reason="summons_report_in")) == "summons.report_in"
    assert event_type_of(CaseEvent(action="escalate", reason="overdue")) == "case.escalate"


def test_a_failing_subscriber_never_blocks_or_slows_a_transition(world, receiver):
    subscribe(receiver, "*")
    receiver.slow = 3.0
    receiver.fail_next(5, 500)
    case = file_case(world)
    started = time.monotonic()
    case_transition(case_id=case.id, action="accept", actor=world.community_officer)
    assert time.monotonic() - started < 1.0  # the transition only wrote the outbox row
    case.refresh_from_db()
    assert case.status == "accepted"


def test_the_delivery_log_and_replay(world, receiver):
    subscribe(receiver, "case.accept")
    case = file_case(world)
    case_transition(case_id=case.id, action="accept", actor=world.community_officer)
    message = OutboundMessage.objects.get()
    receiver.drop_next(1)
    assert message_deliver(message_id=message.pk) == "retry"
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    deliver_all()
    message.refresh_from_db()
    assert message.status == "delivered"
    assert [(d.status_code, bool(d.error)) for d in message.deliveries.all()] == [(None, True), (200, False)]
    assert message_resend(message_ids=[message.pk]) == 1  # replay a delivered message
    deliver_all()
    assert [d.key for d in receiver.received][1:] == [str(message.idempotency_key)] * 2
    assert len(receiver.messages) == 1  # the receiver dropped the replay by its key


def test_admin_lists_messages_with_their_attempts_and_resends(world, receiver, web):
    subscribe(receiver, "case.accept")
    case = file_case(world)
    case_transition(case_id=case.id, action="accept", actor=world.community_officer)
    message = OutboundMessage.objects.get()
    OutboundMessage.objects.filter(pk=message.pk).update(status="dead", attempts=8)
    admin = web("admin")
    listing = admin.get("/admin/interop/outboundmessage/?status__exact=dead")
    assert listing.status_code == 200 and "case.accept" in listing.content.decode()
    assert admin.get(f"/admin/interop/outboundmessage/{message.pk}/change/").status_code == 200
    resp = admin.post(
        "/admin/interop/outboundmessage/", {"action": "resend", "_selected_action": [message.pk]}, follow=True
    )
    assert resp.status_code == 200
    message.refresh_from_db()
    assert message.status in ("pending", "delivered")


def test_the_inbound_endpoints_are_in_the_openapi_schema(world):
    resp = Client().get("/api/schema/?format=json")
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    assert "post" in paths["/interop/12345/orders/"]
    assert "post" in paths["/interop/12345/orders/{order_id}/decisions/"]
    params = {p["name"] for p in paths["/interop/12345/orders/"]["post"]["parameters"]}
    assert {"X-GC-Key-Id", "X-GC-Timestamp", "X-GC-Signature"} <= params


def test_admin_adds_a_partner_with_its_account_and_imports_mappings(world, web):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from interop.models import Partner

    admin = web("admin")
    resp = admin.post(
        "/admin/interop/partner/add/",
        {
            "name": "区12345",
            "key_id": "qu12345",
            "secret": "a-long-enough-secret",
            "street": world.street.id,
            "fallback_category": world.categories["0103"].id,
            "callback_url": "https://12345.example.cn/cb",
            "urgent_response_minutes": "120",
            "urgent_resolution_hours": "24",
            "emergency_response_minutes": "30",
            "emergency_resolution_hours": "4",
            "active": "on",
            "mappings-TOTAL_FORMS": "0",
            "mappings-INITIAL_FORMS": "0",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    partner = Partner.objects.get(key_id="qu12345")
    assert partner.user.region_id == world.street.id and not partner.user.is_active
    assert partner.emergency_resolution_hours == 4  # the urgency limits are the partner's, set in the admin
    assert not partner.user.has_usable_password()
    page = admin.get(f"/admin/interop/partner/{partner.pk}/change/").content.decode()
    assert f"/admin/interop/partner/{partner.pk}/import-mappings/" in page
    csv = SimpleUploadedFile("m.csv", b"code,category\nQ-1,0101\nQ-2,0202\n")
    resp = admin.post(f"/admin/interop/partner/{partner.pk}/import-mappings/", {"file": csv})
    assert resp.status_code == 302
    assert dict(partner.mappings.values_list("code", "category__code")) == {"Q-1": "0101", "Q-2": "0202"}
    bad = SimpleUploadedFile("m.csv", b"Q-3,9999\n")
    resp = admin.post(f"/admin/interop/partner/{partner.pk}/import-mappings/", {"file": bad})
    assert resp.status_code == 200 and "9999" in resp.content.decode()
    assert partner.mappings.count() == 2
