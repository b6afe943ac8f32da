"""Extension requests asked of the hotline before 0004 whose case-side request had already lapsed (the case was
escalated, returned, merged, rejected or closed) stayed pending: the hotline's answer was refused for ever and they
held the next handler's requests. Withdraw them now as ``outbox._withdrawn_requests`` does from 0004 on — marked
withdrawn, and the hotline told (an ``extension_withdrawn`` message in the order's sequence)."""

from __future__ import annotations

import json
import uuid

from django.db import migrations
from django.utils import timezone

REASON = "事件已上报、退回或办结，原申请人不再承办，申请失效"


def withdraw_stale(apps, schema_editor) -> int:
    OrderRequest = apps.get_model("interop", "OrderRequest")
    OutboundMessage = apps.get_model("interop", "OutboundMessage")
    ExtensionRequest = apps.get_model("cases", "ExtensionRequest")
    now = timezone.now()
    stale = [
        r
        for r in OrderRequest.objects.filter(kind="extension", state="pending").select_related(
            "order__partner", "order__case"
        )
        if not ExtensionRequest.objects.filter(case_id=r.order.case_id, status="pending").exists()
    ]
    for request in stale:
        request.state, request.decided_at, request.decision_note = "withdrawn", now, REASON
        request.save(update_fields=["state", "decided_at", "decision_note"])
        order = request.order
        if not order.partner.active or not order.partner.callback_url:
            continue
        key = uuid.uuid4()
        due = timezone.localtime(request.requested_due_at).isoformat() if request.requested_due_at else None
        body = {
            "message_id": str(key),
            "type": "extension_withdrawn",
            "order_id": order.order_id,
            "sequence": order.next_sequence,
            "case_number": order.case.number,
            "status": order.case.status,
            "occurred_at": timezone.localtime(now).isoformat(),
            "data": {"requested_due_at": due, "reason": REASON},
        }
        OutboundMessage.objects.create(
            partner=order.partner,
            order=order,
            sequence=order.next_sequence,
            event_type="extension_withdrawn",
            idempotency_key=key,
            body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
            created_at=now,
            next_attempt_at=now,
        )
        order.next_sequence += 1
        order.save(update_fields=["next_sequence"])
    return len(stale)


def forwards(apps, schema_editor) -> None:
    withdraw_stale(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("interop", "0004_order_request_withdrawn"),
        ("cases", "0021_dispatch_recalled"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
