"""The signed outbox: partner callbacks and webhook deliveries.

Writing: ``messages_for_events`` runs inside the transaction that wrote the case events (``cases`` announces
them with ``events_recorded``), so a message exists exactly when its cause committed. It costs one query for
the orders of the hotline cases among the events and one for the active subscriptions, whatever the number of
events (a sweep batch announces thousands).

Sending (``message_deliver``, a Celery task per message, enqueued after commit and by beat for whatever is
pending and due):

1. lock the message row (``SKIP LOCKED``: two workers never send one message at once); the lock is held during
   the POST, so a worker killed mid-delivery releases it and the message stays pending — it is sent again
   (at least once; the receiver drops the repeat by its ``Idempotency-Key``);
2. a message of an order waits while an earlier message of that order is not delivered (one order's messages
   arrive in ``sequence`` order; a dead one holds the later ones back until it is re-sent);
3. POST the stored body, signed (``signing``), with ``Idempotency-Key``; a 2xx is delivered, anything else
   (status, timeout, refused or dropped connection) is a failed attempt: back off
   ``INTEROP_BACKOFF_BASE_SECONDS × 2^(attempts−1)`` capped at ``INTEROP_BACKOFF_CAP_SECONDS``, and after
   ``INTEROP_MAX_ATTEMPTS`` the message is dead (dead letter, re-sendable from admin);
4. every try is a ``DeliveryAttempt`` row; after a delivery the order's next message is enqueued at once, after a
   failed try the message's own retry is enqueued with its backoff as countdown (beat's ``deliver_due`` also
   sends whatever is pending and due: the safety net for a lost task or a restarted worker).

Nothing here runs inside a case transition: a slow or failing subscriber costs the transition one INSERT.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from cases.choices import RequestStatus
from cases.models import Case, CaseEvent, Evidence, ExtensionRequest
from cases.selectors import evidence_public_url
from core.stored_text import kept

from .. import signing
from ..choices import HOTLINE_MESSAGES, MessageStatus, OrderRequestKind, RequestState
from ..models import DeliveryAttempt, Order, OrderRequest, OutboundMessage, Subscription

log = logging.getLogger("interop.outbox")


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def backoff(attempts: int) -> timedelta:
    base = float(_setting("INTEROP_BACKOFF_BASE_SECONDS", 30))
    cap = float(_setting("INTEROP_BACKOFF_CAP_SECONDS", 3600))
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


# --- writing -------------------------------------------------------------------------------------------------


def event_type_of(event: CaseEvent) -> str:
    """``case.<action>`` for case events; ``summons.<step>`` for the summons steps escalation records."""
    if event.reason.startswith("summons_"):
        return "summons." + event.reason.removeprefix("summons_")
    return f"case.{event.action}"


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _site() -> str:
    return str(_setting("SITE_URL", "") or "").rstrip("/")


def hotline_message_type(event: CaseEvent) -> str | None:
    record = event.data or {}
    if event.action == "note" and record.get("hotline") == "return_request":
        return "return_requested"
    return HOTLINE_MESSAGES.get(event.action)


def _hotline_data(kind: str, event: CaseEvent, case: dict[str, Any], evidence: list[str]) -> dict[str, Any]:
    record = event.data or {}
    if kind == "signed":
        return {"signed_at": _iso(event.at), "due_at": _iso(case["due_at"])}
    if kind == "return_requested":
        return {"reason_code": record.get("reason_code"), "text": record.get("text", "")}
    if kind == "extension_requested":
        return {"requested_due_at": record.get("requested_due_at"), "reason": event.note}
    if kind == "resolved":
        return {"result": event.note, "evidence": evidence, "on_time": record.get("on_time")}
    if kind == "dispatched":
        return {"targets": record.get("targets", [])}
    if kind == "dispatch_recalled":
        return {"targets": record.get("recalled", [])}
    if kind == "escalated":
        return {"level": event.to_level}
    if kind == "merged":  # the case that answers for this order from now on
        return {"into": record.get("into"), **({"note": event.note} if event.public else {})}
    return {"note": event.note} if event.public else {}


#: The case columns a message shows (read in one query for a batch of events).
CASE_FIELDS = ("id", "number", "status", "level", "channel", "category__code", "street_id", "due_at", "merged_into_id")


def _cases(case_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    ids = list(set(case_ids))
    if not ids:
        return {}
    return {c["id"]: c for c in Case.objects.filter(pk__any_of=ids).values(*CASE_FIELDS)}


def messages_for_events(*, events: Sequence[CaseEvent]) -> int:
    """Write the outbox rows the events call for (inside the caller's transaction); returns how many.

    Set-wise whatever the batch (the sweep announces thousands of events, without their cases loaded): one
    query for the orders among the events' cases (only hotline cases have one), one for the active
    subscriptions, one for the cases' columns when a message is due — never a query per event.
    """
    if not events:
        return 0
    rows: list[OutboundMessage] = []
    rows += _hotline_messages(events)
    rows += _withdrawn_requests(events)
    rows += _webhook_messages(events)
    if not rows:
        return 0
    OutboundMessage.objects.bulk_create(rows)
    schedule_delivery()
    return len(rows)


def _evidence_urls(events: Iterable[CaseEvent]) -> dict[int, list[str]]:
    urls: dict[int, list[str]] = {}
    for ev in Evidence.objects.filter(event_id__in=[e.pk for e in events]).order_by("id"):
        urls.setdefault(ev.event_id, []).append(_site() + evidence_public_url(ev.file.name))  # signed
    return urls


#: What a merged order still hears of the case that answers for it: its answers (办结反馈, 结案, 不予受理) and the
#: steps that take them back (返工, 重办) — the order's life at the hotline follows the case that does the work.
ANSWERS_FOR_MERGED = frozenset({"resolved", "closed", "rejected", "rework", "reopened"})


def _hotline_messages(events: Sequence[CaseEvent]) -> list[OutboundMessage]:
    """The hotline's messages for the events: one per event of an order's case; for the answers of a case other
    orders were merged into, one per merged order too, naming the case that answers (``merged_into``); and when a
    case with merged orders is itself merged on, its merged orders are told the new case (``merged``, ``into``) —
    ``cases`` moves them onto it (the merge event's ``carried``). A merged order is answered when the case that
    answers for it is, never left open at the hotline.

    Two indexed reads find the orders (the merged cases through their partial ``merged_into`` index, then the
    orders by case id) — an OR of the two in one query made PostgreSQL join both whole tables."""
    typed = [(e, t) for e in events if (t := hotline_message_type(e))]
    if not typed:
        return []
    answering = {e.case_id for e, t in typed if t in ANSWERS_FOR_MERGED}
    merged_into: dict[int, int] = {}  # merged case id → the case answering for it
    if answering:
        merged_into = dict(Case.objects.filter(merged_into__in=answering).values_list("pk", "merged_into_id"))
    carried = {c: e.case_id for e, t in typed if t == "merged" for c in (e.data or {}).get("carried") or ()}
    case_ids = {e.case_id for e, _t in typed} | set(merged_into) | set(carried)
    orders = list(
        Order.objects.select_for_update(of=("self",))
        .select_related("partner")
        .filter(case__any_of=list(case_ids), partner__active=True)
        .exclude(partner__callback_url="")
        .order_by("id")
    )
    if not orders:
        return []
    by_case = {o.case_id: o for o in orders}
    hearing: dict[int, list[Order]] = {}  # case id → the merged orders that hear of its answers
    moved: dict[int, list[Order]] = {}  # case id merged on → the merged orders it carried along
    for order in orders:
        if order.case_id in merged_into:
            hearing.setdefault(merged_into[order.case_id], []).append(order)
        if order.case_id in carried:
            moved.setdefault(carried[order.case_id], []).append(order)
    wanted: list[tuple[CaseEvent, str, Order]] = []
    for event, kind in typed:
        targets = [by_case[event.case_id]] if event.case_id in by_case else []
        if kind in ANSWERS_FOR_MERGED:
            targets += hearing.get(event.case_id, [])
        elif kind == "merged":
            targets += moved.get(event.case_id, [])
        # The hotline's own acts on an order are not echoed to it; the orders merged into that case still hear them.
        wanted += [
            (event, kind, o) for o in targets if o.case_id != event.case_id or event.actor_id != o.partner.user_id
        ]
    if not wanted:
        return []
    cases = _cases([o.case_id for _e, _k, o in wanted] + [e.case_id for e, _k, _o in wanted])
    evidence = _evidence_urls(e for e, t, _o in wanted if t == "resolved")
    rows = []
    for event, kind, order in wanted:
        case = cases[order.case_id]
        data = _hotline_data(kind, event, cases[event.case_id], evidence.get(event.pk, []))
        status = case["status"]
        if order.case_id != event.case_id and kind != "merged":  # the answer of the case this order went into
            data["merged_into"] = cases[event.case_id]["number"]
        elif order.case_id == event.case_id and event.to_status:
            status = event.to_status
        rows.append(_hotline_message(order, kind, case["number"], status, event.at, data))
    Order.objects.bulk_update(orders, ["next_sequence"], batch_size=2000)
    return rows


#: The case events that end the case's pending side requests (``cases.services.actions.lapse_side_requests``).
LAPSING_ACTIONS = frozenset({"escalate", "return", "recall", "merge", "reject", "verify_ok", "close"})


def _withdrawn_requests(events: Sequence[CaseEvent]) -> list[OutboundMessage]:
    """An extension asked of the hotline is withdrawn when the case's own request lapsed (the case was escalated,
    returned to its dispatcher, merged, rejected or closed: the one who asked no longer handles it). The request
    is marked withdrawn and the hotline is told (``extension_withdrawn``) — left pending, it would hold the next
    handler's extension requests to the hotline's answer (``guards.hotline_decides_its_extension``) and the
    hotline's approval could never apply. One query for a batch of events, none for events that lapse nothing."""
    ids = list({e.case_id for e in events if e.action in LAPSING_ACTIONS})
    if not ids:
        return []
    stale = list(
        OrderRequest.objects.select_for_update(of=("self",))
        .filter(order__case__any_of=ids, kind=OrderRequestKind.EXTENSION, state=RequestState.PENDING)
        .exclude(
            Exists(ExtensionRequest.objects.filter(case_id=OuterRef("order__case_id"), status=RequestStatus.PENDING))
        )
    )
    if not stale:
        return []
    at = max(e.at for e in events)
    reason = kept("事件已上报、退回或办结，原申请人不再承办，申请失效")
    for request in stale:
        request.state, request.decided_at, request.decision_note = RequestState.WITHDRAWN, at, reason
    OrderRequest.objects.bulk_update(stale, ["state", "decided_at", "decision_note"])
    orders = {
        o.pk: o
        for o in Order.objects.select_for_update(of=("self",))
        .select_related("partner", "case")
        .filter(pk__in=[r.order_id for r in stale], partner__active=True)
        .exclude(partner__callback_url="")
    }
    rows = []
    for request in stale:
        order = orders.get(request.order_id)
        if order is None:
            continue
        data = {"requested_due_at": _iso(request.requested_due_at), "reason": reason}
        rows.append(_hotline_message(order, "extension_withdrawn", order.case.number, order.case.status, at, data))
    Order.objects.bulk_update(list(orders.values()), ["next_sequence"])
    return rows


def _hotline_message(
    order: Order, kind: str, case_number: str, status: str, at: datetime, data: dict[str, Any]
) -> OutboundMessage:
    """The order's next message (its ``sequence`` taken from the locked order; the caller saves the order)."""
    sequence = order.next_sequence
    order.next_sequence += 1
    message = OutboundMessage(partner=order.partner, order=order, sequence=sequence, event_type=kind)
    body = {
        "message_id": str(message.idempotency_key),
        "type": kind,
        "order_id": order.order_id,
        "sequence": sequence,
        "case_number": case_number,
        "status": status,
        "occurred_at": _iso(at),
        "data": data,
    }
    message.body = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    message.created_at = at
    return message


#: Every case event asks which webhook subscriptions are active (usually none); the answer is cached until a
#: subscription is saved or deleted (``receivers``: now and again after the commit) or for a minute at most.
SUBSCRIPTIONS_CACHE_KEY = "interop:active-subscriptions:v1"


def active_subscriptions() -> list[Subscription]:
    cached = cache.get(SUBSCRIPTIONS_CACHE_KEY)
    if cached is None:
        cached = list(Subscription.objects.filter(active=True))
        cache.set(SUBSCRIPTIONS_CACHE_KEY, cached, 60)
    return cached


def subscriptions_changed() -> None:
    cache.delete(SUBSCRIPTIONS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(SUBSCRIPTIONS_CACHE_KEY))


def _webhook_messages(events: Sequence[CaseEvent]) -> list[OutboundMessage]:
    subscriptions = active_subscriptions()
    if not subscriptions:
        return []
    wanted = [(e, event_type_of(e)) for e in events]
    wanted = [(e, kind, subs) for e, kind in wanted if (subs := [s for s in subscriptions if s.wants(kind)])]
    if not wanted:
        return []
    cases = _cases(e.case_id for e, _k, _s in wanted)
    rows = []
    for event, kind, subs in wanted:
        case = cases[event.case_id]
        for sub in subs:
            message = OutboundMessage(subscription=sub, event_type=kind)
            body = {
                "message_id": str(message.idempotency_key),
                "type": kind,
                "occurred_at": _iso(event.at),
                "case": {
                    "number": case["number"],
                    "status": event.to_status or case["status"],
                    "level": event.to_level or case["level"],
                    "channel": case["channel"],
                    "category": case["category__code"],
                    "street": case["street_id"],
                    "due_at": _iso(case["due_at"]),
                },
                "event": {
                    "action": event.action,
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                    "from_level": event.from_level,
                    "to_level": event.to_level,
                    "actor": event.actor_name,
                    "reason": event.reason,
                    "note": event.note if event.public else "",
                },
            }
            message.body = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
            message.created_at = event.at
            rows.append(message)
    return rows


def schedule_delivery() -> None:
    """After commit, enqueue the sender once per transaction (``robust``: a broker that is down must not turn
    a committed change into an error — beat sends what is still pending)."""
    if connection.in_atomic_block and any(item[1] is _enqueue_due for item in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue_due, robust=True)


def _enqueue_due() -> None:
    from ..tasks import deliver_due

    deliver_due.delay()


# --- sending -------------------------------------------------------------------------------------------------


def messages_deliver_due(*, now: datetime | None = None, limit: int = 200, inline: bool = False) -> int:
    """Enqueue (or, ``inline``, send here) the pending messages that are due — for an order only its first
    undelivered one. Returns how many were handed on.

    "First undelivered" is part of the query (no earlier message of the order that is not delivered), so the
    ``limit`` oldest messages that can go are chosen: messages waiting behind a dead one, however many and however
    old, never crowd out the ones that can be sent (an hour of a callback being down used to leave hundreds of
    them at the head of the queue, and every later message of every order behind them)."""
    now = now or timezone.now()
    waiting = OutboundMessage.objects.filter(order_id=OuterRef("order_id"), sequence__lt=OuterRef("sequence")).exclude(
        status=MessageStatus.DELIVERED
    )
    ids = list(
        OutboundMessage.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(order__isnull=True) | ~Exists(waiting))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    for message_id in ids:
        if inline:
            message_deliver(message_id=message_id)
        else:
            from ..tasks import deliver

            deliver.delay(message_id)
    return len(ids)


def _post(message: OutboundMessage) -> tuple[int | None, str]:
    body = message.body.encode()
    url = message.target_url
    if not url:
        return None, "no URL"
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        signing.IDEMPOTENCY_HEADER: str(message.idempotency_key),
        "X-GC-Event": message.event_type,
        **signing.signed_headers(
            key_id=message.target_key_id, secret=message.target_secret, method="POST", path=path, body=body
        ),
    }
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    timeout = float(_setting("INTEROP_TIMEOUT_SECONDS", 10))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except Exception as exc:  # refused, reset, dropped, timed out: all the same to the retry policy
        return None, f"{type(exc).__name__}: {exc}"[:300]


def message_deliver(*, message_id: int) -> str:
    """Try one message now; returns "delivered", "retry", "dead", "waiting" (an earlier one of its order is not
    delivered yet) or "skipped" (not pending, or another worker holds it)."""
    with transaction.atomic():
        qs = OutboundMessage.objects.select_related("partner", "subscription").filter(
            pk=message_id, status=MessageStatus.PENDING
        )
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        message = qs.first()
        if message is None:
            return "skipped"
        if (
            message.order_id
            and OutboundMessage.objects.filter(order_id=message.order_id, sequence__lt=message.sequence)
            .exclude(status=MessageStatus.DELIVERED)
            .exists()
        ):
            return "waiting"
        started = time.monotonic()
        status_code, error = _post(message)
        elapsed = int((time.monotonic() - started) * 1000)
        now = timezone.now()
        ok = status_code is not None and 200 <= status_code < 300
        DeliveryAttempt.objects.create(
            message=message, at=now, status_code=status_code, error="" if ok else error, duration_ms=elapsed
        )
        if ok:
            OutboundMessage.objects.filter(pk=message.pk).update(
                status=MessageStatus.DELIVERED, delivered_at=now, attempts=F("attempts") + 1, last_error=""
            )
            outcome = "delivered"
            if message.order_id:
                transaction.on_commit(lambda: _enqueue_next(message.order_id), robust=True)
        else:
            attempts = message.attempts + 1
            dead = attempts >= int(_setting("INTEROP_MAX_ATTEMPTS", 8))
            OutboundMessage.objects.filter(pk=message.pk).update(
                attempts=attempts,
                last_error=error[:300],
                next_attempt_at=now + backoff(attempts),
                status=MessageStatus.DEAD if dead else MessageStatus.PENDING,
            )
            outcome = "dead" if dead else "retry"
            if not dead:  # its own retry, at its backoff: not left to beat's interval (beat is the safety net)
                wait = backoff(attempts).total_seconds()
                transaction.on_commit(lambda: _enqueue_retry(message.pk, wait), robust=True)
            log.warning(
                "outbound message %s (%s) to %s failed, attempt %s (%s): %s",
                message.pk,
                message.event_type,
                message.target_url,
                attempts,
                outcome,
                error,
            )
    return outcome


def _enqueue_retry(message_id: int, wait: float) -> None:
    """Send the failed message again after ``wait`` seconds (a countdown task). Not where tasks run eagerly (unit
    tests, the embedded default): a countdown means nothing there and would retry at once, to the dead letter."""
    from ..tasks import deliver

    if deliver.app.conf.task_always_eager:
        return
    deliver.apply_async((message_id,), countdown=wait)


def _enqueue_next(order_id: int) -> None:
    nxt = (
        OutboundMessage.objects.filter(order_id=order_id, status=MessageStatus.PENDING)
        .order_by("sequence")
        .values_list("id", flat=True)
        .first()
    )
    if nxt is not None:
        from ..tasks import deliver

        deliver.delay(nxt)


def message_resend(*, message_ids: Sequence[int], now: datetime | None = None) -> int:
    """Send again (admin "re-send" / webhook replay): the same body and idempotency key, pending now, with a
    fresh allowance of attempts (the earlier tries stay in the delivery log)."""
    now = now or timezone.now()
    with transaction.atomic():
        count = OutboundMessage.objects.filter(pk__in=list(message_ids)).update(
            status=MessageStatus.PENDING, next_attempt_at=now, attempts=0, delivered_at=None
        )
        if count:
            schedule_delivery()
    return count
