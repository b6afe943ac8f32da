"""Shared set-up of the 12345 tests: a partner on the test street, signed requests, orders."""

from __future__ import annotations

import json
import time
from typing import Any

from django.test import Client

from interop import signing
from interop.models import CategoryMapping, Partner
from interop.services import partner_ensure_user

IN_A = {"lat": 39.775, "lng": 98.295}  # inside grid A (雄关一网格)
OUTSIDE = {"lat": 10.0, "lng": 10.0}  # in no grid


def make_partner(world, *, callback_url: str = "", key_id: str = "bj12345", secret: str = "s3cret-key") -> Partner:
    partner = Partner.objects.create(
        name="市12345热线",
        key_id=key_id,
        secret=secret,
        street=world.street,
        fallback_category=world.categories["0103"],
        callback_url=callback_url,
    )
    partner_ensure_user(partner=partner)
    CategoryMapping.objects.create(partner=partner, code="C-0101", name="垃圾", category=world.categories["0101"])
    CategoryMapping.objects.create(partner=partner, code="C-0202", name="违建", category=world.categories["0202"])
    return partner


def order(order_id: str = "BJ-0001", **extra: Any) -> dict:
    return {
        "order_id": order_id,
        "request_type": "complaint",
        "content": "小区东门垃圾三天没人清运\n气味很大",
        "address": "雄关一网格东门",
        "location": dict(IN_A),
        "requester": {"name": "李四", "phone": "13900001111"},
        "category_code": "C-0101",
        "urgency": "normal",
        **extra,
    }


def signed_post(
    client: Client,
    path: str,
    payload: Any,
    partner: Partner,
    *,
    secret: str | None = None,
    key_id: str | None = None,
    now: float | None = None,
):
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    headers = signing.signed_headers(
        key_id=key_id or partner.key_id,
        secret=secret or partner.secret,
        method="POST",
        path=path,
        body=body,
        now=now if now is not None else time.time(),
    )
    return client.post(
        path,
        body,
        content_type="application/json",
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
    )
