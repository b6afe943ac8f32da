"""The street's side of the 12345 desk over the API (session or token, like the rest of ``/api/v1/``):
``GET /api/v1/hotline-orders/`` (``?triage=true``: the 待分类 queue), ``GET …/{id}/`` and
``POST …/{id}/place/`` (choose the 小类 and grid of a case waiting in 待分类).

Thin: scope from ``selectors.orders_for`` (outside it: 404), writes through ``services.order_place``; domain errors
map to HTTP through the project's exception handler (400 bad input, 403 not yours, 409 not now).
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import NotFound
from core.hostile_input import whole_number

from ..selectors import orders_for
from ..services import order_place
from ..services.orders import triage_reason_text


class StaffTriageSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    text = serializers.CharField()


class HotlineOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_id = serializers.CharField()
    partner = serializers.CharField(source="partner.name")
    request_type = serializers.CharField()
    urgency = serializers.CharField()
    category_code = serializers.CharField(help_text="热线分类编码")
    case_id = serializers.IntegerField()
    case_number = serializers.CharField(source="case.number")
    case_status = serializers.CharField(source="case.status")
    category = serializers.CharField(source="case.category.code", help_text="事件的事项小类编码")
    grid = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField(source="case.due_at", allow_null=True)
    resolution_due_at = serializers.DateTimeField(allow_null=True)
    in_triage = serializers.BooleanField()
    triage = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField()

    def get_grid(self, order) -> str | None:
        return order.case.grid.code if order.case.grid_id else None

    def get_triage(self, order) -> list[dict[str, str]]:
        return [
            {"code": r.get("code", ""), "detail": r.get("detail", ""), "text": triage_reason_text(r)}
            for r in order.triage_reasons
        ]


class PlaceInputSerializer(serializers.Serializer):
    category = serializers.IntegerField(help_text="事项小类 id（启用的小类）")
    grid = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="网格 id（本街道内）；工单没有网格时必填"
    )
    remember_mapping = serializers.BooleanField(
        required=False, default=False, help_text="以后该热线分类编码都对应此小类"
    )


class HotlineOrderFilter(django_filters.FilterSet):
    triage = django_filters.BooleanFilter(method="filter_triage", help_text="true：只列待分类队列中的工单")

    def filter_triage(self, queryset, name, value):
        waiting = Q(triaged_at__isnull=True) & ~Q(triage_reasons=[])
        return queryset.filter(waiting) if value else queryset.exclude(waiting)


@extend_schema_view(
    list=extend_schema(summary="12345工单列表（街道综治中心）"),
    retrieve=extend_schema(summary="12345工单详情"),
)
class HotlineOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = HotlineOrderSerializer
    filterset_class = HotlineOrderFilter

    def get_queryset(self):
        return orders_for(self.request.user).select_related("case__grid").order_by("-received_at", "-id")

    @extend_schema(
        summary="待分类：选择事项小类（及网格）",
        description="事件按所选小类的规则重新计时（不晚于热线时限），记录事件，并移出待分类队列。",
        request=PlaceInputSerializer,
        responses={200: HotlineOrderSerializer},
    )
    @action(detail=True, methods=["post"])
    def place(self, request: Request, pk=None) -> Response:
        order_id = whole_number(pk)
        if order_id is None or not orders_for(request.user).filter(pk=order_id).exists():
            raise NotFound(_("工单不存在"))
        inp = PlaceInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        v = inp.validated_data
        order_place(
            order_id=int(pk),
            actor=request.user,  # type: ignore[arg-type]  # authenticated: orders_for is empty otherwise
            category_id=v["category"],
            grid_id=v["grid"],
            remember_mapping=v["remember_mapping"],
        )
        order = self.get_queryset().get(pk=int(pk))
        return Response(HotlineOrderSerializer(order).data)
