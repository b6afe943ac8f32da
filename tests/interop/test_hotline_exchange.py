"""What goes back and what comes in: the signed outbox to the partner (order, retries, dead letters, re-send),
the street's requests, and the hotline's decisions applied through the case transitions as the hotline."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from cases.models import Case, CaseEvent, Rating
from cases.services import case_transition
from interop.models import DeliveryAttempt, Order, OrderRequest, OutboundMessage
from interop.services import (
    message_deliver,
    message_resend,
    messages_deliver_due,
    order_extension_request,
    order_return_request,
)
from interop.simulator import HotlineSimulator
from tests.cases.helpers import at

from .hotline_helpers import make_partner, order, signed_post

URL = "/interop/12345/orders/"


@pytest.fixture
def sim():
    simulator = HotlineSimulator(base_url="http://127.0.0.1:1", key_id="bj12345", secret="s3cret-key").start()
    yield simulator
    simulator.stop()


@pytest.fixture
def partner(world, sim):
    return make_partner(world, callback_url=sim.callback_url)


@pytest.fixture
def hotline_case(world, partner):
    assert signed_post(Client(), URL, order(), partner).status_code == 201
    return Case.objects.get()


def decide(partner, order_id: str, **payload):
    return signed_post(Client(), f"/interop/12345/orders/{order_id}/decisions/", payload, partner)


def in_hand(case, officer, world) -> None:
    """The street accepts the order, dispatches it to its own centre and signs for it: the case is being handled."""
    case_transition(case_id=case.id, action="accept", actor=officer)
    case_transition(case_id=case.id, action="dispatch", actor=officer, region=world.street.id)
    case_transition(case_id=case.id, action="sign", actor=officer)


def closed_by_street(case, officer, world) -> None:
    """In hand (``in_hand``), then resolved ("已清运") and closed by the same officer."""
    in_hand(case, officer, world)
    case_transition(case_id=case.id, action="resolve", actor=officer, note="已清运")
    case_transition(case_id=case.id, action="close", actor=officer)


def deliver_all() -> None:
    for _round in range(10):
        if not messages_deliver_due(inline=True):
            return


def test_signing_for_an_order_sends_a_signed_message_after_commit(world, hotline_case, sim):
    case_transition(case_id=hotline_case.id, action="accept", actor=world.street_officer)
    [message] = OutboundMessage.objects.all()
    assert (message.event_type, message.sequence, message.status, message.order.order_id) == (
        "signed",
        1,
        "pending",
        "BJ-0001",
    )
    deliver_all()
    [got] = sim.received
    assert got.signature_ok and got.answered == 200 and got.key == str(message.idempotency_key)
    assert got.body["type"] == "signed" and got.body["order_id"] == "BJ-0001" and got.body["sequence"] == 1
    assert got.body["case_number"] == hotline_case.number and got.body["status"] == "accepted"
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("delivered", 1)
    assert DeliveryAttempt.objects.get().status_code == 200


def test_no_message_when_the_transition_rolls_back(world, hotline_case):
    with pytest.raises(RuntimeError), transaction.atomic():
        case_transition(case_id=hotline_case.id, action="accept", actor=world.street_officer)
        raise RuntimeError("the caller fails after the transition")
    assert not OutboundMessage.objects.exists()
    assert Case.objects.get().status == "reported"


def test_a_failed_delivery_backs_off_then_dead_letters_and_resend_delivers_the_same_message(
    world, hotline_case, sim, web
):
    case_transition(case_id=hotline_case.id, action="accept", actor=world.street_officer)
    message = OutboundMessage.objects.get()
    sim.fail_next(1, 500)
    with override_settings(INTEROP_MAX_ATTEMPTS=2, INTEROP_BACKOFF_BASE_SECONDS=60):
        before = timezone.now()
        assert message_deliver(message_id=message.pk) == "retry"
        message.refresh_from_db()
        assert message.attempts == 1 and message.last_error == "HTTP 500"
        page = web("street_officer").get(f"/interop/12345/order/{message.order_id}/").content.decode()
        assert "热线平台处理出错（HTTP 500），将自动重试" in page  # in the officer's words, the detail beside
        assert message.next_attempt_at >= before + timedelta(seconds=60)
        assert messages_deliver_due(inline=True) == 0  # not due yet
        sim.drop_next(1)
        assert message_deliver(message_id=message.pk) == "dead"
    message.refresh_from_db()
    assert message.status == "dead" and message.attempts == 2 and message.last_error
    page = web("street_officer").get(f"/interop/12345/order/{message.order_id}/").content.decode()
    assert "无法连接热线平台<br>" in page and message.last_error.split(":")[0] in page  # no retry promised
    assert [a.status_code for a in message.deliveries.all()] == [500, None]
    assert message_resend(message_ids=[message.pk]) == 1
    deliver_all()
    message.refresh_from_db()
    assert message.status == "delivered" and message.deliveries.count() == 3
    keys = [d.key for d in sim.received]
    assert len(keys) == 3 and len(set(keys)) == 1  # one message, one key, however many tries
    assert len(sim.messages) == 1


def test_the_messages_of_one_order_go_out_in_order(world, hotline_case, sim):
    officer = world.street_officer
    case_transition(case_id=hotline_case.id, action="accept", actor=officer)
    order_return_request(order_id=Order.objects.get().pk, actor=officer, reason_code="wrong_area", text="不在本街道")
    first, second = OutboundMessage.objects.order_by("sequence")
    assert (first.event_type, second.event_type) == ("signed", "return_requested")
    sim.fail_next(1, 503)
    assert message_deliver(message_id=first.pk) == "retry"
    assert message_deliver(message_id=second.pk) == "waiting"  # never before the first
    assert not second.deliveries.exists()
    OutboundMessage.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now())
    deliver_all()
    assert [m["sequence"] for m in sim.messages] == [1, 2]
    assert sim.messages[1]["data"] == {"reason_code": "wrong_area", "text": "不在本街道"}


def test_a_dead_message_holds_back_the_later_ones_of_its_order(world, hotline_case, sim):
    officer = world.street_officer
    case_transition(case_id=hotline_case.id, action="accept", actor=officer)
    first = OutboundMessage.objects.get()
    OutboundMessage.objects.filter(pk=first.pk).update(status="dead")
    order_return_request(order_id=Order.objects.get().pk, actor=officer, reason_code="wrong_area", text="不在本街道")
    deliver_all()
    assert sim.received == []
    message_resend(message_ids=[first.pk])
    deliver_all()
    assert [m["type"] for m in sim.messages] == ["signed", "return_requested"]


def test_messages_waiting_behind_dead_ones_never_crowd_out_those_that_can_go(world, partner, sim):
    officer = world.street_officer
    for i in range(4):  # four orders whose first message died (a callback down for an hour), each with one behind it
        assert signed_post(Client(), URL, order(f"BLK-{i}"), partner).status_code == 201
        case = Case.objects.get(hotline_order__order_id=f"BLK-{i}")
        case_transition(case_id=case.id, action="accept", actor=officer)
        order_return_request(order_id=case.hotline_order.pk, actor=officer, reason_code="wrong_area", text="不在本街道")
    OutboundMessage.objects.filter(sequence=1).update(status="dead")
    assert OutboundMessage.objects.filter(status="pending").count() == 4
    assert signed_post(Client(), URL, order("FRESH"), partner).status_code == 201
    fresh = Case.objects.get(hotline_order__order_id="FRESH")
    case_transition(case_id=fresh.id, action="accept", actor=officer)
    message = OutboundMessage.objects.get(order__case=fresh)

    handed_on = messages_deliver_due(inline=True, limit=1, now=timezone.now() + timedelta(seconds=5))

    message.refresh_from_db()
    assert (handed_on, message.status) == (1, "delivered")  # the four older, blocked ones were not even candidates
    assert OutboundMessage.objects.filter(status="pending").count() == 4


def test_return_request_approved_by_the_hotline_rejects_the_case_as_the_hotline(world, partner, hotline_case, sim):
    req = order_return_request(
        order_id=Order.objects.get().pk, actor=world.street_officer, reason_code="unclear_ownership", text="权属不清"
    )
    note = CaseEvent.objects.filter(case=hotline_case, action="note").get()
    assert note.data["hotline"] == "return_request" and note.actor_id == world.street_officer.id
    resp = decide(partner, "BJ-0001", decision_id="D-1", kind="return_approved", note="改派水果湖街道")
    assert resp.status_code == 201, resp.content
    assert resp.json()["status"] == "rejected" and resp.json()["applied"] is True
    case = Case.objects.get()
    event = case.events.get(action="reject")
    assert event.actor_id == partner.user_id and "改派水果湖街道" in event.note
    req.refresh_from_db()
    assert req.state == "approved"
    again = decide(partner, "BJ-0001", decision_id="D-1", kind="return_approved")
    assert again.status_code == 200 and again.json()["applied"] is False
    assert case.events.filter(action="reject").count() == 1
    deliver_all()
    assert [m["type"] for m in sim.messages] == ["return_requested"]  # the hotline's own decision is not echoed


def test_return_refused_is_final_and_the_street_cannot_return_again(world, partner, hotline_case):
    from core.errors import NotAllowed

    pk = Order.objects.get().pk
    order_return_request(order_id=pk, actor=world.street_officer, reason_code="wrong_area", text="不在本街道")
    assert decide(partner, "BJ-0001", decision_id="D-2", kind="return_refused", note="属本街道").status_code == 201
    assert Order.objects.get().return_final
    assert Case.objects.get().status == "reported"
    with pytest.raises(NotAllowed):
        order_return_request(order_id=pk, actor=world.street_officer, reason_code="wrong_area", text="再退")


@pytest.mark.parametrize("ruled", [False, True], ids=["before any ruling", "after the final ruling"])
def test_the_street_cannot_reject_a_hotline_order_by_itself(world, partner, hotline_case, ruled):
    officer = world.street_officer
    if ruled:
        order_return_request(
            order_id=Order.objects.get().pk, actor=officer, reason_code="wrong_area", text="不在本街道"
        )
        assert decide(partner, "BJ-0001", decision_id="D-1", kind="return_refused").status_code == 201
    from core.errors import NotAllowed

    with pytest.raises(NotAllowed, match="申请退单"):
        case_transition(case_id=hotline_case.id, action="reject", actor=officer, note="不归我们管")

    hotline_case.refresh_from_db()
    assert hotline_case.status != "rejected"
    assert not hotline_case.events.filter(action="reject").exists()


def test_while_a_return_waits_for_the_hotline_the_case_is_not_dispatched_and_the_approval_applies(
    world, partner, hotline_case
):
    officer = world.street_officer
    case_transition(case_id=hotline_case.id, action="accept", actor=officer)
    order_return_request(order_id=Order.objects.get().pk, actor=officer, reason_code="wrong_area", text="不在本街道")
    from core.errors import NotAllowed

    with pytest.raises(NotAllowed, match="等待热线答复"):
        case_transition(case_id=hotline_case.id, action="dispatch", actor=officer, to_grid=True)
    case_transition(case_id=hotline_case.id, action="note", actor=officer, note="已电话联系热线")  # notes still go
    # the page says so before anyone presses: the refused buttons are disabled with the reason, not offered
    from cases.selectors import allowed_actions

    buttons = {a["action"]: a for a in allowed_actions(officer, Case.objects.get(pk=hotline_case.pk))}
    for action in ("dispatch", "hold"):
        assert not buttons[action]["allowed"] and "等待热线答复" in buttons[action]["reason"], buttons[action]
    assert buttons["escalate"]["allowed"]  # still where the answer applies
    page = Client()
    page.force_login(officer)
    assert "请等待热线答复后再办理" in page.get(f"/cases/{hotline_case.pk}/").content.decode()

    resp = decide(partner, "BJ-0001", decision_id="D-1", kind="return_approved")

    assert resp.status_code == 201, resp.content
    hotline_case.refresh_from_db()
    assert hotline_case.status == "rejected" and OrderRequest.objects.get().state == "approved"


def test_once_the_hotline_refused_the_return_the_street_dispatches_as_usual(world, partner, hotline_case):
    officer = world.street_officer
    case_transition(case_id=hotline_case.id, action="accept", actor=officer)
    order_return_request(order_id=Order.objects.get().pk, actor=officer, reason_code="wrong_area", text="不在本街道")
    assert decide(partner, "BJ-0001", decision_id="D-1", kind="return_refused").status_code == 201

    case_transition(case_id=hotline_case.id, action="dispatch", actor=officer, to_grid=True)

    hotline_case.refresh_from_db()
    assert hotline_case.status == "dispatched"


def test_only_the_partner_streets_staff_may_ask_the_hotline(world, partner, hotline_case):
    from core.errors import Forbidden

    pk = Order.objects.get().pk
    for persona in ("other_street_officer", "community_officer", "grid_worker", "liaison"):
        with pytest.raises(Forbidden):
            order_return_request(order_id=pk, actor=world.users[persona], reason_code="wrong_area", text="x")
    assert not OrderRequest.objects.exists()


def test_a_decision_without_a_pending_request_is_409_and_not_stored(world, partner, hotline_case):
    resp = decide(partner, "BJ-0001", decision_id="D-3", kind="extension_approved")
    assert resp.status_code == 409
    assert decide(partner, "NOPE", decision_id="D-4", kind="return_refused").status_code == 404
    from interop.models import InboundDecision

    assert not InboundDecision.objects.exists()


def test_extension_asked_of_the_hotline_and_approved_moves_both_deadlines(world, partner, hotline_case, sim):
    officer = world.street_officer
    in_hand(hotline_case, officer, world)
    case = Case.objects.get()
    wanted = case.due_at + timedelta(days=5)
    order_extension_request(
        order_id=Order.objects.get().pk, actor=officer, requested_due_at=wanted, text="需协调产权单位"
    )
    deliver_all()
    ext = next(m for m in sim.messages if m["type"] == "extension_requested")
    assert ext["data"]["reason"] == "需协调产权单位"
    resp = decide(partner, "BJ-0001", decision_id="D-5", kind="extension_approved", note="同意")
    assert resp.status_code == 201, resp.content
    case.refresh_from_db()
    assert case.due_at == wanted and case.extension_count == 1
    event = case.events.get(action="extension_approve")
    assert event.actor_id == partner.user_id


@pytest.mark.parametrize("when", ["before the current deadline", "in the past"])
def test_an_extension_approved_with_an_earlier_due_time_is_400_and_changes_nothing(world, partner, hotline_case, when):
    officer = world.street_officer
    in_hand(hotline_case, officer, world)
    case = Case.objects.get()
    before = (case.due_at, case.external_due_at, case.extension_count)
    order_extension_request(
        order_id=Order.objects.get().pk, actor=officer, requested_due_at=case.due_at + timedelta(days=5), text="协调"
    )
    due = case.due_at - timedelta(hours=1) if when != "in the past" else timezone.now() - timedelta(days=1)

    resp = decide(partner, "BJ-0001", decision_id="D-6", kind="extension_approved", due_at=due.isoformat())

    assert resp.status_code == 400, resp.content
    case.refresh_from_db()
    assert (case.due_at, case.external_due_at, case.extension_count) == before
    assert OrderRequest.objects.get().state == "pending"  # the hotline can still answer it properly
    from interop.models import InboundDecision

    assert not InboundDecision.objects.exists()
    later = case.due_at + timedelta(days=3)
    ok = decide(partner, "BJ-0001", decision_id="D-6", kind="extension_approved", due_at=later.isoformat())
    assert ok.status_code == 201, ok.content  # the same decision id, sent again right, applies
    case.refresh_from_db()
    assert case.due_at == later


@time_machine.travel(at(2026, 11, 18, 9, 0))  # office hours: three hours on hold are three working hours
def test_a_hold_resumed_later_keeps_the_due_time_within_the_hotline_deadline(world, partner):
    now = timezone.now().replace(microsecond=0)
    limit = now + timedelta(days=1)
    assert signed_post(Client(), URL, order(resolution_due_at=limit.isoformat()), partner).status_code == 201
    case = Case.objects.get()
    officer = world.street_officer
    case_transition(case_id=case.id, action="accept", actor=officer, now=now)
    case_transition(case_id=case.id, action="hold", actor=officer, note="等待产权单位", now=now)
    case_transition(case_id=case.id, action="resume", actor=officer, now=now + timedelta(hours=3))

    case.refresh_from_db()
    assert case.external_due_at == limit
    assert case.due_at == limit  # three hours on hold moved our clock, not the hotline's deadline
    assert case.yellow_at is not None and case.yellow_at < limit


def test_follow_up_needs_a_closed_case_then_stores_the_rating_with_the_hotlines_answers(world, partner, hotline_case):
    officer = world.street_officer
    in_hand(hotline_case, officer, world)
    case_transition(case_id=hotline_case.id, action="resolve", actor=officer, note="已清运")
    payload = {"kind": "follow_up", "contacted": True, "solved": False, "satisfaction": "unsatisfied"}
    assert decide(partner, "BJ-0001", decision_id="D-6", **payload).status_code == 409  # not closed yet
    missing = decide(partner, "BJ-0001", decision_id="D-6", kind="follow_up")
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"contacted", "solved", "satisfaction"}
    case_transition(case_id=hotline_case.id, action="close", actor=officer)
    resp = decide(partner, "BJ-0001", decision_id="D-6", note="仍有垃圾", **payload)
    assert resp.status_code == 201, resp.content
    rating = Rating.objects.get(case=hotline_case)
    assert rating.result == "unsatisfied" and rating.recorded_by_id == partner.user_id


def test_staff_cannot_take_the_hotlines_follow_up_by_rating_first(world, partner, hotline_case):
    officer = world.street_officer
    in_hand(hotline_case, officer, world)
    case_transition(case_id=hotline_case.id, action="resolve", actor=officer, note="已清运")
    case_transition(case_id=hotline_case.id, action="close", actor=officer)
    from core.errors import NotAllowed

    with pytest.raises(NotAllowed, match="热线进行"):
        case_transition(case_id=hotline_case.id, action="rate", actor=officer, result="satisfied")
    assert not Rating.objects.exists()

    payload = {"kind": "follow_up", "contacted": True, "solved": True, "satisfaction": "satisfied"}
    assert decide(partner, "BJ-0001", decision_id="D-8", **payload).status_code == 201
    assert Rating.objects.get(case=hotline_case).recorded_by_id == partner.user_id


def test_an_extension_asked_of_the_hotline_is_not_decided_by_a_colleague(world, partner, hotline_case):
    officer = world.street_officer
    in_hand(hotline_case, officer, world)
    case = Case.objects.get()
    wanted = case.due_at + timedelta(hours=2)
    order_extension_request(order_id=Order.objects.get().pk, actor=officer, requested_due_at=wanted, text="协调")
    from core.errors import NotAllowed

    for action in ("extension_approve", "extension_refuse"):
        with pytest.raises(NotAllowed, match="由热线决定"):
            case_transition(case_id=case.id, action=action, actor=world.street_officer_2, note="同意")

    assert decide(partner, "BJ-0001", decision_id="D-9", kind="extension_approved").status_code == 201
    case.refresh_from_db()
    assert case.due_at == wanted and OrderRequest.objects.get().state == "approved"


def test_an_invalid_follow_up_is_only_a_note(world, partner, hotline_case):
    """回访 that reached nobody: a note, counted nowhere — and, like any 回访, only once the case is closed."""
    early = decide(partner, "BJ-0001", decision_id="D-7", kind="follow_up", valid=False, note="电话未接通")
    assert (early.status_code, early.json()["code"]) == (409, "not_closed")
    assert not Case.objects.get().events.filter(action="note", data__hotline="follow_up").exists()
    officer = world.street_officer
    in_hand(hotline_case, officer, world)
    case_transition(case_id=hotline_case.id, action="resolve", actor=officer, note="已清运")
    case_transition(case_id=hotline_case.id, action="close", actor=officer)
    resp = decide(partner, "BJ-0001", decision_id="D-7", kind="follow_up", valid=False, note="电话未接通")
    assert resp.status_code == 201
    assert not Rating.objects.exists()
    assert Case.objects.get().events.filter(action="note", data__hotline="follow_up").exists()


def test_reopen_order_re_handles_with_the_new_hotline_deadline(world, partner, hotline_case, sim):
    officer = world.street_officer
    closed_by_street(hotline_case, officer, world)
    new_due = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    resp = decide(partner, "BJ-0001", decision_id="D-8", kind="reopen", resolution_due_at=new_due.isoformat())
    assert resp.status_code == 201, resp.content
    case = Case.objects.get()
    assert case.status == "in_progress" and case.external_due_at == new_due and case.due_at <= new_due
    assert case.events.get(action="reopen").actor_id == partner.user_id
    deliver_all()
    assert [m["type"] for m in sim.messages] == ["signed", "dispatched", "resolved", "closed"]
    resolved = sim.messages[2]
    assert resolved["data"]["result"] == "已清运" and resolved["data"]["evidence"] == []
    assert [m["sequence"] for m in sim.messages] == [1, 2, 3, 4]
    body = json.loads(OutboundMessage.objects.get(sequence=3).body)
    assert body == resolved


def test_a_slow_answer_past_the_timeout_is_a_failed_attempt_and_the_repeat_is_dropped(world, hotline_case, sim):
    case_transition(case_id=hotline_case.id, action="accept", actor=world.street_officer)
    message = OutboundMessage.objects.get()
    sim.slow = 1.5
    with override_settings(INTEROP_TIMEOUT_SECONDS=0.3):
        assert message_deliver(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert "timed out" in message.last_error.lower() or "timeout" in message.last_error.lower()
    sim.slow = 0.0
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    deliver_all()
    message.refresh_from_db()
    assert message.status == "delivered"
    sim.wait_for_messages(1)
    assert len(sim.messages) == 1  # the slow copy and the retry share one key: kept once


def test_a_sweep_batch_writes_its_messages_in_a_constant_number_of_queries(world, partner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.services import case_escalate_overdue_batch
    from interop.models import Subscription

    Subscription.objects.create(name="hub", url="http://127.0.0.1:1/hook", event_types=["case.escalate"])
    past = timezone.now() - timedelta(minutes=1)

    def sweep_queries(n: int, start: int) -> int:
        ids = []
        for i in range(start, start + n):
            signed_post(Client(), URL, order(f"SW-{i}"), partner)
            ids.append(Case.objects.get(hotline_order__order_id=f"SW-{i}").id)
        Case.objects.filter(pk__in=ids).update(due_at=past)
        with CaptureQueriesContext(connection) as ctx:
            case_escalate_overdue_batch(now=timezone.now())
        return len(ctx)

    sweep_queries(1, 100)  # warm-up: the subscriptions and rules are cached after their first read
    one = sweep_queries(1, 0)
    many = sweep_queries(5, 10)
    assert many == one
    escalated = OutboundMessage.objects.filter(event_type="escalated")
    assert escalated.count() == 7 and OutboundMessage.objects.filter(event_type="case.escalate").count() == 7
    body = json.loads(escalated.filter(order__order_id="SW-12").get().body)
    assert body["data"] == {"level": "district"} and body["status"] == "accepted"


def test_a_merged_order_is_answered_when_the_case_it_was_merged_into_is(world, partner, sim):
    """退单 is not the only way an order leaves the street's hands: merged into a duplicate, it is told which case
    answers for it (``merged``, ``into``), and when that case is resolved and closed the merged order gets the same
    answers, naming the case (``merged_into``). It used to get nothing after ``merged``, open at the hotline for
    ever."""
    officer = world.street_officer
    for order_id in ("BJ-0001", "BJ-0002"):
        assert signed_post(Client(), URL, order(order_id), partner).status_code == 201
    dup = Order.objects.get(order_id="BJ-0001").case
    kept = Order.objects.get(order_id="BJ-0002").case
    case_transition(case_id=dup.id, action="accept", actor=officer)
    case_transition(case_id=dup.id, action="merge", actor=officer, into=kept.number)
    closed_by_street(kept, officer, world)
    deliver_all()
    mine = [m for m in sim.messages if m["order_id"] == "BJ-0001"]
    assert [(m["type"], m["sequence"]) for m in mine] == [("signed", 1), ("merged", 2), ("resolved", 3), ("closed", 4)]
    assert mine[1]["data"]["into"] == kept.number
    resolved, closed = mine[2], mine[3]
    assert resolved["case_number"] == dup.number and resolved["status"] == "merged"
    assert resolved["data"]["result"] == "已清运" and resolved["data"]["merged_into"] == kept.number
    assert closed["data"]["merged_into"] == kept.number
    theirs = [m["type"] for m in sim.messages if m["order_id"] == "BJ-0002"]
    assert theirs == ["signed", "dispatched", "resolved", "closed"]

    # The hotline's follow-up of the merged order is kept on it (not refused, not lost).
    resp = decide(
        partner, "BJ-0001", decision_id="F-1", kind="follow_up", satisfaction="satisfied", contacted=True, solved=True
    )
    assert resp.status_code == 201, resp.content
    note = CaseEvent.objects.get(case=dup, action="note", data__hotline="follow_up")
    assert note.data["satisfaction"] == "satisfied" and note.data["merged_into"] == kept.number
    assert kept.number in note.note and not Rating.objects.filter(case=dup).exists()


def test_a_case_merged_into_an_order_gives_that_order_no_extra_messages(world, partner, hotline_case, sim):
    """Only orders merged away are answered through their target: a street case merged into an order's case sends
    the hotline nothing of its own, and the order's answers go out once."""
    officer = world.street_officer
    other = case_transition(case_id=hotline_case.id, action="accept", actor=officer)
    from tests.cases.helpers import file_case

    street_case = file_case(world, code="0101", description="东门垃圾堆放")
    case_transition(case_id=street_case.id, action="merge", actor=world.grid_worker, into=other.number)
    for action, extra in [("dispatch", {"region": world.street.id}), ("sign", {}), ("resolve", {"note": "已清运"})]:
        case_transition(case_id=hotline_case.id, action=action, actor=officer, **extra)
    deliver_all()
    assert [m["type"] for m in sim.messages] == ["signed", "dispatched", "resolved"]


@pytest.mark.parametrize("how", ["the sweep", "by hand", "returned"])
def test_an_extension_asked_of_the_hotline_is_withdrawn_when_the_case_leaves_its_handler(
    world, partner, hotline_case, sim, how, web
):
    """The street asked the hotline for more time, then the case climbed (the sweep, or an officer) or its handler
    returned it: the case's own request lapsed, so the hotline's request is withdrawn and the hotline is told. It
    used to stay pending: the hotline's approval answered 409 on every retry, and the next handler's extension
    requests were held for the hotline's answer."""
    from cases.services.overdue import case_escalate_overdue_batch
    from interop import guards

    officer = world.street_officer
    case_transition(case_id=hotline_case.id, action="accept", actor=officer)
    if how == "returned":  # a department asks, through the street, and then returns the case
        cgzf = world.departments["cgzf"]
        case_transition(case_id=hotline_case.id, action="dispatch", actor=officer, departments=[cgzf.id])
        case_transition(case_id=hotline_case.id, action="sign", actor=world.liaison)
    else:
        case_transition(case_id=hotline_case.id, action="dispatch", actor=officer, region=world.street.id)
        case_transition(case_id=hotline_case.id, action="sign", actor=officer)
    case = Case.objects.get()
    wanted = case.due_at + timedelta(days=2)
    asker = world.liaison if how == "returned" else officer
    if how == "returned":
        case_transition(
            case_id=case.id, action="extension_request", actor=asker, note="需协调", requested_due_at=wanted
        )
        OrderRequest.objects.create(
            order=Order.objects.get(), kind="extension", text="需协调", requested_due_at=wanted, requested_by=officer
        )
        case_transition(case_id=case.id, action="return_request", actor=world.liaison, note="非本部门职责")
        case_transition(case_id=case.id, action="return", actor=officer, note="同意退回")
    else:
        order_extension_request(order_id=Order.objects.get().pk, actor=officer, requested_due_at=wanted, text="需协调")
        if how == "the sweep":
            assert case_escalate_overdue_batch(now=case.due_at + timedelta(minutes=1))["escalated"] == 1
        else:
            case_transition(case_id=case.id, action="escalate", actor=officer, note="需区级协调")
    request = OrderRequest.objects.get(kind="extension")
    assert request.state == "withdrawn" and request.decided_at is not None
    deliver_all()
    last = sim.messages[-1]
    assert last["type"] == "extension_withdrawn" and last["order_id"] == "BJ-0001"
    assert last["data"]["requested_due_at"] is not None and "申请失效" in last["data"]["reason"]
    assert [m["sequence"] for m in sim.messages] == list(range(1, len(sim.messages) + 1))
    # the hotline's answer to a withdrawn request is refused and not stored; nothing holds the next request
    assert decide(partner, "BJ-0001", decision_id="D-W", kind="extension_approved").status_code == 409
    case.refresh_from_db()
    # nothing extended (the new level's own due time may fall on ``wanted`` by the calendar: not the measure)
    assert case.extension_count == 0 and not case.events.filter(action="extension_approve").exists()
    assert guards.hotline_decides_its_extension(case=case, action="extension_approve", actor=officer, data={}) is None
    if how == "by hand":  # the order page says so in words, in the reader's language
        page = web("street_officer")
        page.cookies["django_language"] = "en"
        html = page.get(f"/interop/12345/order/{Order.objects.get().pk}/").content.decode()
        assert "Extension request lapsed" in html and "the request lapsed" in html and "申请失效" not in html


def test_a_return_approved_after_the_sweep_moved_the_case_up_still_takes_the_order_away(world, partner, hotline_case):
    """The street asked the hotline to take the order back; while the hotline decided, the street could not act on
    the case and the sweep moved it up to the district. The hotline's approval used to answer 403 on every retry
    (the district's case, not the street's to reject) although the hotline had re-dispatched the order."""
    from cases.services.overdue import case_escalate_overdue_batch

    officer = world.street_officer
    case_transition(case_id=hotline_case.id, action="accept", actor=officer)
    order_return_request(order_id=Order.objects.get().pk, actor=officer, reason_code="wrong_area", text="属水果湖街道")
    case = Case.objects.get()
    assert case_escalate_overdue_batch(now=case.due_at + timedelta(minutes=1))["escalated"] == 1
    case.refresh_from_db()
    assert (case.level, case.status) == ("district", "accepted")
    resp = decide(partner, "BJ-0001", decision_id="D-R", kind="return_approved", note="改派水果湖街道")
    assert resp.status_code == 201, resp.content
    case.refresh_from_db()
    assert case.status == "rejected"
    event = case.events.get(action="reject")
    assert event.actor_id == partner.user_id and "改派水果湖街道" in event.note
    assert OrderRequest.objects.get(kind="return").state == "approved"


def test_merged_orders_move_along_when_their_case_is_merged_on_and_hear_its_end(world, partner, sim):
    """A into B, then B into C: A's order is told C answers for it now (and the cases point at C, no chain to
    follow); C is rejected — both merged orders hear it. A follow-up of a merged order waits for a closed case."""
    officer = world.street_officer
    for order_id in ("BJ-A", "BJ-B", "BJ-C"):
        assert signed_post(Client(), URL, order(order_id), partner).status_code == 201
    a, b, c = (Order.objects.get(order_id=f"BJ-{x}").case for x in "ABC")
    case_transition(case_id=a.id, action="merge", actor=officer, into=b.number)
    case_transition(case_id=b.id, action="merge", actor=officer, into=c.number)
    assert set(Case.objects.filter(merged_into=c).values_list("pk", flat=True)) == {a.id, b.id}
    resp = decide(
        partner, "BJ-A", decision_id="F-0", kind="follow_up", satisfaction="basic", contacted=True, solved=False
    )
    assert resp.status_code == 409 and c.number in resp.json()["detail"]
    case_transition(case_id=c.id, action="reject", actor=partner.user, note="改派")  # the hotline's own account
    case_transition(case_id=c.id, action="comment", actor=officer, note="已告知")
    deliver_all()
    got = {oid: [(m["type"], m["data"]) for m in sim.messages if m["order_id"] == oid] for oid in ("BJ-A", "BJ-B")}
    # C's rejection was the hotline's act on BJ-C (not echoed there); the orders merged into C hear it
    assert [t for t, _d in got["BJ-A"]] == ["merged", "merged", "rejected"]
    assert got["BJ-A"][0][1]["into"] == b.number and got["BJ-A"][1][1]["into"] == c.number
    assert got["BJ-A"][2][1]["merged_into"] == c.number
    assert [t for t, _d in got["BJ-B"]] == ["merged", "rejected"] and got["BJ-B"][0][1]["into"] == c.number
    assert not [m for m in sim.messages if m["order_id"] == "BJ-C"]


def test_a_merged_order_hears_when_the_case_answering_for_it_is_rejected(world, partner, sim):
    officer = world.street_officer
    for order_id in ("BJ-A", "BJ-B"):
        assert signed_post(Client(), URL, order(order_id), partner).status_code == 201
    a, b = (Order.objects.get(order_id=f"BJ-{x}").case for x in "AB")
    case_transition(case_id=a.id, action="merge", actor=officer, into=b.number)
    order_return_request(
        order_id=Order.objects.get(order_id="BJ-B").pk, actor=officer, reason_code="wrong_area", text="x"
    )
    assert decide(partner, "BJ-B", decision_id="R-1", kind="return_approved").status_code == 201
    # the rejection was the hotline's act on BJ-B (not echoed there) — but BJ-A's order has to hear it
    deliver_all()
    mine = [m for m in sim.messages if m["order_id"] == "BJ-A"]
    assert [m["type"] for m in mine] == ["merged", "rejected"]
    assert mine[1]["data"]["merged_into"] == b.number and mine[1]["status"] == "merged"


def test_a_recalled_dispatch_is_told_to_the_hotline(world, partner, hotline_case, sim):
    officer = world.street_officer
    case_transition(case_id=hotline_case.id, action="accept", actor=officer)
    cgzf = world.departments["cgzf"]
    case_transition(case_id=hotline_case.id, action="dispatch", actor=officer, departments=[cgzf.id])
    case_transition(case_id=hotline_case.id, action="recall", actor=officer, note="派错部门")
    deliver_all()
    assert [m["type"] for m in sim.messages] == ["signed", "dispatched", "dispatch_recalled"]
    assert sim.messages[-1]["data"] == {"targets": [cgzf.name]} and sim.messages[-1]["status"] == "accepted"


def test_the_migration_withdraws_requests_left_pending_before_withdrawal_existed(world, partner, sim):
    """interop 0005: an extension request whose case-side request lapsed before 0004 is withdrawn and the hotline
    told, in the order's sequence; one still pending on the case is left alone; running it again does nothing."""
    import importlib

    from django.apps import apps

    from cases.models import ExtensionRequest

    migration = importlib.import_module("interop.migrations.0005_withdraw_stale_extension_requests")
    officer = world.street_officer
    for order_id in ("BJ-S", "BJ-P"):
        assert signed_post(Client(), URL, order(order_id), partner).status_code == 201
        case = Order.objects.get(order_id=order_id).case
        in_hand(case, officer, world)
        case.refresh_from_db()
        wanted = case.due_at + timedelta(days=1)
        order_extension_request(
            order_id=Order.objects.get(order_id=order_id).pk, actor=officer, requested_due_at=wanted, text="协调"
        )
    stuck = Order.objects.get(order_id="BJ-S")
    ExtensionRequest.objects.filter(case_id=stuck.case_id).update(status="refused")  # lapsed the old way
    assert migration.withdraw_stale(apps, None) == 1
    assert migration.withdraw_stale(apps, None) == 0
    states = dict(OrderRequest.objects.values_list("order__order_id", "state"))
    assert states == {"BJ-S": "withdrawn", "BJ-P": "pending"}
    deliver_all()
    mine = [m for m in sim.messages if m["order_id"] == "BJ-S"]
    assert [m["type"] for m in mine] == ["signed", "dispatched", "extension_requested", "extension_withdrawn"]
    assert [m["sequence"] for m in mine] == [1, 2, 3, 4] and mine[-1]["data"]["requested_due_at"] is not None


@pytest.mark.parametrize("kind", ["extension_approved", "extension_refused"])
def test_the_hotline_decides_an_extension_asked_after_the_sweep_moved_the_order_to_the_district(world, partner, kind):
    """The street let a 12345 order run out; the sweep moved it to the district, which dispatched it to 城管执法.
    城管 asks for time past the hotline's deadline — only the hotline can grant that. Its answer applies wherever the
    case now is (as an approved 退单 does); it used to answer 403 on every retry (the district dispatched, the
    hotline's account is the street's), and the district could not grant it either (409: past the hotline's)."""
    from cases.services.overdue import case_escalate_overdue_batch

    hotline_due = timezone.now() + timedelta(days=40)
    assert signed_post(Client(), URL, order(resolution_due_at=hotline_due.isoformat()), partner).status_code == 201
    case = Case.objects.get()
    case_transition(case_id=case.id, action="accept", actor=world.street_officer)
    case.refresh_from_db()
    while case.level != "district":
        case_escalate_overdue_batch(now=max(case.due_at, case.updated_at) + timedelta(minutes=1))
        case.refresh_from_db()
    t = case.updated_at + timedelta(minutes=1)
    cgzf = world.departments["cgzf"]
    case_transition(case_id=case.id, action="dispatch", actor=world.district_officer, departments=[cgzf.id], now=t)
    case_transition(case_id=case.id, action="sign", actor=world.liaison, now=t + timedelta(minutes=5))
    case.refresh_from_db()
    due_before = case.due_at
    wanted = hotline_due + timedelta(days=5)
    case_transition(
        case_id=case.id,
        action="extension_request",
        actor=world.liaison,
        note="需协调产权单位",
        requested_due_at=wanted,
        now=t + timedelta(minutes=10),
    )
    extra = {"due_at": wanted.isoformat()} if kind == "extension_approved" else {}
    resp = decide(partner, "BJ-0001", decision_id="D-X", kind=kind, note="热线答复", **extra)
    assert resp.status_code == 201, resp.content.decode()
    case.refresh_from_db()
    request = case.extension_requests.get()
    if kind == "extension_approved":
        assert (case.due_at, case.external_due_at, request.status) == (wanted, wanted, "approved")
        assert Order.objects.get().resolution_due_at == wanted
    else:
        assert (case.due_at, request.status) == (due_before, "refused")
    event = case.events.get(action=kind.replace("approved", "approve").replace("refused", "refuse"))
    assert event.actor_id == partner.user_id


def test_the_order_page_names_each_message_to_the_hotline_in_words(world, hotline_case, web):
    """The street reads the order's outbox as what was said (签收, 派遣), with the wire value beside it."""
    officer = world.street_officer
    case_transition(case_id=hotline_case.id, action="accept", actor=officer)
    case_transition(case_id=hotline_case.id, action="dispatch", actor=officer, region=world.street.id)
    page = web("street_officer").get(f"/interop/12345/order/{Order.objects.get().pk}/").content.decode()
    rows = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td>", page)
    assert rows == [
        ("1", '签收 <span class="small muted">signed</span>'),
        ("2", '派遣 <span class="small muted">dispatched</span>'),
    ]
    client = web("street_officer")
    client.cookies["django_language"] = "en"
    english = client.get(f"/interop/12345/order/{Order.objects.get().pk}/").content.decode()
    assert [cell for _n, cell in re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td>", english)] == [
        'Signed for <span class="small muted">signed</span>',
        'Dispatched <span class="small muted">dispatched</span>',
    ]
    # the order's times in the numbers every page uses, not the locale's long form ("Dec. 3, 2026, 11:27 a.m.")
    hotline_case.refresh_from_db()
    due = timezone.localtime(hotline_case.due_at).strftime("%Y-%m-%d %H:%M")
    assert f"<dd>{due}</dd>" in english and "a.m." not in english and "p.m." not in english


def test_the_desks_notes_and_the_hotline_read_in_each_readers_language(world, hotline_case, partner, web):
    """An English officer asks the hotline to take the order back; the hotline refuses. The note the desk wrote is
    kept in Chinese (``interop.texts``) and each reader sees it in their own language, as they see the hotline's
    account on the timeline."""
    from django.utils import translation

    officer = world.street_officer
    with translation.override("en"):
        case_transition(case_id=hotline_case.id, action="accept", actor=officer)
        order_return_request(
            order_id=Order.objects.get().pk, actor=officer, reason_code="wrong_area", text="不在本街道"
        )
    note = CaseEvent.objects.get(case=hotline_case, data__hotline="return_request").note
    assert note == "向12345热线申请退单（属地不符）：不在本街道"
    assert decide(partner, "BJ-0001", decision_id="D-9", kind="return_refused", note="属本街道").status_code == 201
    client = web("street_officer")
    chinese = client.get(f"/cases/{hotline_case.pk}/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(f"/cases/{hotline_case.pk}/").content.decode()
    assert note in chinese and "12345热线（" in chinese
    assert "Asked the 12345 hotline to take the order back (Not our area): 不在本街道" in english
    assert f"12345 hotline ({partner.name})" in english and "12345热线（" not in english
    # the hotline's ruling reads in English too; the note it sent stays as the hotline wrote it
    assert "12345热线驳回退单（终审，不得再退）：属本街道" in chinese
    assert "The 12345 hotline refused the return (final ruling: no further returns): 属本街道" in english
    assert "终审" not in english


@pytest.mark.parametrize(
    ("bare", "noted", "params", "english_bare", "english_noted"),
    [
        (
            "RETURN_APPROVED",
            "RETURN_APPROVED_NOTED",
            {},
            "The 12345 hotline approved the return; the hotline re-dispatches the order",
            "The 12345 hotline approved the return; the hotline re-dispatches the order: 改派城管",
        ),
        (
            "RETURN_REFUSED",
            "RETURN_REFUSED_NOTED",
            {},
            "The 12345 hotline refused the return (final ruling: no further returns)",
            "The 12345 hotline refused the return (final ruling: no further returns): 改派城管",
        ),
        (
            "FOLLOW_UP_UNREACHED",
            "FOLLOW_UP_UNREACHED_NOTED",
            {},
            "The 12345 follow-up could not reach the requester (not a valid follow-up)",
            "The 12345 follow-up could not reach the requester (not a valid follow-up): 改派城管",
        ),
        (
            "FOLLOW_UP_MERGED",
            "FOLLOW_UP_MERGED_NOTED",
            {"into": "SJ-20261203-0001", "result": "基本满意"},
            "12345 follow-up (this order was merged into SJ-20261203-0001): Basically satisfied",
            "12345 follow-up (this order was merged into SJ-20261203-0001): Basically satisfied; 改派城管",
        ),
    ],
)
def test_a_hotline_decisions_text_reads_in_english_with_or_without_the_hotlines_note(
    bare, noted, params, english_bare, english_noted
):
    """The decisions' fixed texts are kept in Chinese and read back in the reader's language; the hotline's own
    note after them (here "改派城管", which is also no message of ours) stays as typed — it never turns a text into
    an unknown one."""
    from types import SimpleNamespace

    from django.utils import translation

    from cases.views.display import event_note
    from interop import texts

    for note, english in (("", english_bare), ("改派城管", english_noted)):
        kept_text = texts.decision_note(getattr(texts, bare), getattr(texts, noted), note, **params)
        assert not re.search(r"[A-Za-z]", kept_text.replace(params.get("into", ""), ""))  # kept in Chinese
        event = SimpleNamespace(reason="", note=kept_text, actor_id=1, actor_name="12345热线（市12345热线）")
        with translation.override("zh-hans"):
            assert event_note(event) == kept_text
        with translation.override("en"):
            assert event_note(event) == english


def test_the_order_page_offers_a_request_only_where_it_could_go_and_a_refused_one_keeps_what_was_written(
    world, partner, hotline_case, web
):
    """The street's officer sees the 退单 and 延期 forms while the street may ask; where it can't, each says why (an
    extension of a department's case is the department's to ask) instead of a form that answered "only the
    department's liaison…" after the reason was written. A request the hotline would refuse comes back open, with
    its message and the officer's words."""
    from interop.services import order_extension_request

    officer = world.street_officer
    page = web("street_officer")
    form = 'name="action" value="%s"'
    path = f"/interop/12345/order/{Order.objects.get().pk}/"
    html = page.get(path).content.decode()
    assert form % "return" in html and form % "extension" not in html  # not yet in hand: nothing to extend
    assert "事件签收办理后才能申请延期" in html

    in_hand(hotline_case, officer, world)  # the street handles it itself
    html = page.get(path).content.decode()
    assert form % "return" not in html and "事件已派遣办理，不能再向热线退单" in html
    assert form % "extension" in html
    hotline_case.refresh_from_db()
    wanted = timezone.localtime(hotline_case.due_at + timedelta(days=2))
    order_extension_request(order_id=Order.objects.get().pk, actor=officer, requested_due_at=wanted, text="等待材料")
    response = page.post(
        path,
        {"action": "extension", "ext-requested_due_at": f"{wanted:%Y-%m-%dT%H:%M}", "ext-text": "需要协调产权单位"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<details open>" in html and "已有待热线审核的延期申请" in html and "需要协调产权单位" in html
    assert OrderRequest.objects.filter(kind="extension").count() == 1
    assert "已有待热线审核的延期申请" in page.get(path).content.decode()  # and says so when opened again

    # a department's case: the department asks, from its own page
    assert signed_post(Client(), URL, order("BJ-0002"), partner).status_code == 201
    second = Order.objects.get(order_id="BJ-0002")
    case_transition(case_id=second.case_id, action="accept", actor=officer)
    case_transition(case_id=second.case_id, action="dispatch", actor=officer, departments=[world.departments["zj"].id])
    case_transition(case_id=second.case_id, action="sign", actor=world.liaison_zj)
    html = page.get(f"/interop/12345/order/{second.pk}/").content.decode()
    assert form % "extension" not in html
    assert "延期由事件的承办方在事件页申请，申请会转给12345热线" in html

    # past its due time the street can't ask for more (the service's own refusal, said before a reason is written)
    # back to the street's own case, its request answered
    OrderRequest.objects.filter(kind="extension").update(state="refused")
    Case.objects.filter(pk=hotline_case.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    html = page.get(path).content.decode()
    assert form % "extension" not in html and "已超过办理时限，不能再申请延期" in html
