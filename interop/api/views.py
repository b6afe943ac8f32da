"""The 12345 exchange's inbound endpoints: thin — signature → input serializer → service → output.

Authentication is the request signature only (``signing``): no session, no token, no CSRF to ride on. A
missing or unknown key id, a bad signature or a timestamp outside the 5-minute window answers 401 with one
generic message, stores nothing, and writes one warning line to the ``interop.hotline`` logger saying why.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import DomainError
from core.hostile_input import body_as_sent

from .. import signing
from ..models import Partner
from ..services import OrderIntake, decision_apply, order_receive
from ..services.orders import triage_reason_text
from .serializers import (
    DecisionInSerializer,
    DecisionOutSerializer,
    HotlineErrorSerializer,
    OrderInSerializer,
    OrderOutSerializer,
)

log = logging.getLogger("interop.hotline")

SIGNATURE_PARAMETERS = [
    OpenApiParameter(signing.KEY_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True),
    OpenApiParameter(
        signing.TIMESTAMP_HEADER,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=True,
        description="Unix seconds (UTC); within 300 s of the server's clock",
    ),
    OpenApiParameter(
        signing.SIGNATURE_HEADER,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=True,
        description='hex HMAC-SHA256(secret, METHOD "\\n" PATH "\\n" TIMESTAMP "\\n" BODY)',
    ),
]


class Unauthorized(Exception):
    pass


class SignedView(APIView):
    """Base: verify the signature over the raw body, then parse the JSON ourselves (400 on malformed JSON)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def partner_of(self, request: Request) -> Partner:
        key_id = request.headers.get(signing.KEY_HEADER, "")
        partner = (
            Partner.objects.filter(key_id=key_id, active=True).select_related("street").first() if key_id else None
        )
        why = "unknown or inactive key id" if partner is None else None
        if partner is not None:
            why = signing.verify(
                secret=partner.secret,
                method=request.method,
                path=request.get_full_path(),
                timestamp=request.headers.get(signing.TIMESTAMP_HEADER, ""),
                signature=request.headers.get(signing.SIGNATURE_HEADER, ""),
                body=body_as_sent(request),  # the bytes the hotline signed, before any text was cleaned
            )
        if why:
            log.warning(
                "12345 request refused (401): %s; key id %r, %s %s from %s",
                why,
                key_id[:64],
                request.method,
                request.path,
                request.META.get("REMOTE_ADDR", ""),
            )
            raise Unauthorized(why)
        return partner

    def json_body(self, request: Request) -> Any:
        try:
            return json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DomainError(
                _("请求体不是有效的 UTF-8 JSON：%(error)s") % {"error": exc}, code="malformed_json"
            ) from None

    def handle_exception(self, exc):
        if isinstance(exc, Unauthorized):
            return Response({"detail": _("签名无效或已过期"), "code": "unauthorized"}, status=401)
        if isinstance(exc, DomainError):
            return Response({"detail": exc.message, "code": exc.code}, status=exc.status_code)
        return super().handle_exception(exc)


def _invalid(serializer) -> Response:
    return Response(
        {"detail": _("请求内容有误"), "code": "invalid", "errors": serializer.errors},
        status=status.HTTP_400_BAD_REQUEST,
    )


def order_out(order) -> dict:
    return {
        "order_id": order.order_id,
        "case_number": order.case.number,
        "status": order.case.status,
        "due_at": order.case.due_at,
        "triage": [{**r, "text": triage_reason_text(r)} for r in order.triage_reasons],
    }


class OrderReceiveView(SignedView):
    @extend_schema(
        operation_id="hotline_order_receive",
        tags=["12345"],
        summary="Receive one 12345 work order (signed, idempotent by order_id)",
        parameters=SIGNATURE_PARAMETERS,
        request=OrderInSerializer,
        responses={
            201: OrderOutSerializer,
            200: OpenApiResponse(OrderOutSerializer, description="a repeat of an order already received"),
            400: HotlineErrorSerializer,
            401: HotlineErrorSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        partner = self.partner_of(request)
        payload = self.json_body(request)
        serializer = OrderInSerializer(data=payload)
        if not isinstance(payload, dict) or not serializer.is_valid():
            if not isinstance(payload, dict):
                return Response({"detail": _("请求体必须是 JSON 对象"), "code": "invalid", "errors": {}}, status=400)
            return _invalid(serializer)
        v = serializer.validated_data
        point = v.get("location") or {}
        requester = v.get("requester") or {}
        intake = OrderIntake(
            order_id=v["order_id"],
            request_type=v["request_type"],
            content=v["content"],
            address=v["address"],
            category_code=v["category_code"],
            title=v.get("title", ""),
            urgency=v["urgency"],
            lat=point.get("lat"),
            lng=point.get("lng"),
            requester_name=requester.get("name", ""),
            requester_phone=requester.get("phone", ""),
            response_due_at=v.get("response_due_at"),
            resolution_due_at=v.get("resolution_due_at"),
            attachments=[dict(a) for a in v.get("attachments", [])],
        )
        order, created = order_receive(partner=partner, intake=intake, payload=payload)
        data = OrderOutSerializer(order_out(order)).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class DecisionView(SignedView):
    @extend_schema(
        operation_id="hotline_decision_apply",
        tags=["12345"],
        summary="The hotline's decision on an order (退单/延期 answers, 回访 result, 重办)",
        parameters=SIGNATURE_PARAMETERS,
        request=DecisionInSerializer,
        responses={
            201: DecisionOutSerializer,
            200: OpenApiResponse(DecisionOutSerializer, description="a repeat of a decision already applied"),
            400: HotlineErrorSerializer,
            401: HotlineErrorSerializer,
            403: HotlineErrorSerializer,
            404: HotlineErrorSerializer,
            409: HotlineErrorSerializer,
        },
    )
    def post(self, request: Request, order_id: str) -> Response:
        partner = self.partner_of(request)
        payload = self.json_body(request)
        if not isinstance(payload, dict):
            return Response({"detail": _("请求体必须是 JSON 对象"), "code": "invalid", "errors": {}}, status=400)
        serializer = DecisionInSerializer(data=payload)
        if not serializer.is_valid():
            return _invalid(serializer)
        v = dict(serializer.validated_data)
        decision_id, kind = v.pop("decision_id"), v.pop("kind")
        data = {k: (value.isoformat() if hasattr(value, "isoformat") else value) for k, value in v.items()}
        record, applied = decision_apply(
            partner=partner, order_id=order_id, decision_id=decision_id, kind=kind, data=data
        )
        case = record.order.case
        case.refresh_from_db(fields=["status"])
        out = {
            "decision_id": record.decision_id,
            "order_id": record.order.order_id,
            "kind": record.kind,
            "case_number": case.number,
            "status": case.status,
            "applied": applied,
        }
        return Response(
            DecisionOutSerializer(out).data, status=status.HTTP_201_CREATED if applied else status.HTTP_200_OK
        )
