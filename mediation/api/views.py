"""API of the mediation app under ``/api/v1/mediation/``: thin views (input serializer → ``mediation.services`` →
output serializer), scoped by ``selectors.disputes_for`` (404 outside). Parties' contact is unmasked only for those
who may see it, and each such read is written to the shared access log (``residents.services``)."""

from __future__ import annotations

from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import InvalidInput, NotFound
from core.hostile_input import whole_number
from governance.http import AuthenticatedRequest

from .. import selectors, services
from ..models import Dispute
from ..permissions import sees_party_contact
from . import serializers as s

ERRORS = {
    400: OpenApiResponse(s.MediationErrorSerializer, description="输入有误"),
    403: OpenApiResponse(s.MediationErrorSerializer, description="可见但无权进行此操作"),
    404: OpenApiResponse(s.MediationErrorSerializer, description="不存在或不在您的范围内"),
    409: OpenApiResponse(s.MediationErrorSerializer, description="当前状态不允许"),
}


def _pk(value) -> int:
    pk = whole_number(value)
    if pk is None:
        raise NotFound("纠纷不存在")
    return pk


def log_contact_reads(request, disputes: list[Dispute], channel: str) -> set[int]:
    """The ids of ``disputes`` whose parties the user may see in full; one access-log row per such dispute."""
    unmasked = {d.pk for d in disputes if sees_party_contact(request.user, d)}
    if unmasked:
        from residents.services import access_log_record_many

        street = {d.pk: d.community.parent_id for d in disputes}
        access_log_record_many(
            user=request.user,
            subject="dispute_party",
            rows=[{"object_id": str(pk), "street_id": street[pk]} for pk in sorted(unmasked)],
            channel=channel,
            path=request.path,
        )
    return unmasked


@extend_schema_view(
    list=extend_schema(summary="矛盾纠纷列表", description="范围同事件：社区看本社区，街道看所辖社区。"),
    retrieve=extend_schema(summary="矛盾纠纷详情（当事人联系方式按权限脱敏）"),
)
class DisputeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.DisputeSerializer
    queryset = Dispute.objects.none()  # the schema's model; get_queryset scopes every request

    def get_queryset(self):
        qs = selectors.disputes_for(self.request.user).prefetch_related("parties", "sessions")
        status_filter = self.request.query_params.get("status")
        return qs.filter(status=status_filter) if status_filter else qs

    def _render(self, disputes: list[Dispute], *, many: bool):
        unmasked = log_contact_reads(self.request, disputes, "api")
        ctx = {**self.get_serializer_context(), "unmasked": unmasked}
        return s.DisputeSerializer(disputes if many else disputes[0], many=many, context=ctx).data

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page if page is not None else self.get_queryset())
        data = self._render(rows, many=True)
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, pk=None, *args, **kwargs) -> Response:
        return Response(self._render([selectors.dispute_get_for(request.user, _pk(pk))], many=False))

    def _out(self, dispute_id: int, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            self._render([selectors.dispute_get_for(self.request.user, dispute_id)], many=False), status=code
        )

    @extend_schema(
        summary="登记矛盾纠纷（可从事件登记）",
        request=s.DisputeInputSerializer,
        responses={201: s.DisputeSerializer, **ERRORS},
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        ser = s.DisputeInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        dispute = services.dispute_open(
            actor=request.user,
            title=d["title"],
            kind=d["kind"],
            description=d["description"],
            parties=[dict(p) for p in d["parties"]],
            community=d.get("community"),
            grid=d.get("grid"),
            amount=d.get("amount"),
            risk=d["risk"],
            source_case_id=d.get("source_case"),
        )
        return self._out(dispute.pk, status.HTTP_201_CREATED)

    def _act(self, request: Request, pk, serializer_class, fn) -> Response:
        data = {}
        if serializer_class is not None:
            ser = serializer_class(data=request.data)
            ser.is_valid(raise_exception=True)
            data = ser.validated_data
        dispute_id = _pk(pk)
        fn(actor=request.user, dispute_id=dispute_id, **data)
        return self._out(dispute_id)

    @extend_schema(
        summary="指定承办人", request=s.AssignInputSerializer, responses={200: s.DisputeSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk=None) -> Response:
        return self._act(request, pk, s.AssignInputSerializer, services.dispute_assign)

    @extend_schema(
        summary="开始调解（选择调解类型）",
        request=s.StartInputSerializer,
        responses={200: s.DisputeSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk=None) -> Response:
        return self._act(request, pk, s.StartInputSerializer, services.dispute_start)

    @extend_schema(
        summary="转换调解类型（三调联动）",
        request=s.TransferInputSerializer,
        responses={200: s.DisputeSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk=None) -> Response:
        return self._act(request, pk, s.TransferInputSerializer, services.dispute_transfer)

    @extend_schema(
        summary="记录调解及结果", request=s.SessionInputSerializer, responses={200: s.DisputeSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def sessions(self, request: Request, pk=None) -> Response:
        return self._act(request, pk, s.SessionInputSerializer, services.session_record)

    @extend_schema(
        summary="调解不成，转为事件", request=s.ToCaseInputSerializer, responses={200: s.DisputeSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="to-case")
    def to_case(self, request: Request, pk=None) -> Response:
        return self._act(request, pk, s.ToCaseInputSerializer, services.dispute_to_case)

    @extend_schema(summary="移交", request=s.ReferInputSerializer, responses={200: s.DisputeSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk=None) -> Response:
        return self._act(request, pk, s.ReferInputSerializer, services.dispute_refer)

    @extend_schema(summary="流转记录", responses={200: s.DisputeEventSerializer(many=True), 404: ERRORS[404]})
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, as the schema says
    def events(self, request: Request, pk=None) -> Response:
        dispute = selectors.dispute_get_for(request.user, _pk(pk))
        return Response(s.DisputeEventSerializer(selectors.timeline(dispute), many=True).data)

    @extend_schema(
        summary="矛盾纠纷化解统计（按网格、社区或街道）",
        parameters=[
            OpenApiParameter("by", OpenApiTypes.STR, enum=["grid", "community", "street"]),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
        ],
        responses={200: s.FigureRowSerializer(many=True), 400: ERRORS[400]},
    )
    @action(detail=False, methods=["get"], pagination_class=None)  # a plain list (the schema said paginated)
    def figures(self, request: Request) -> Response:
        by, first, last = figure_params(request.query_params)
        return Response(
            s.FigureRowSerializer(selectors.figures(request.user, by=by, date_from=first, date_to=last), many=True).data
        )


def figure_params(params) -> tuple[str, date, date]:
    """``by`` (grid / community / street, default community) and the period (default: this year so far)."""
    from django.utils import timezone

    by = params.get("by") or "community"
    if by not in ("grid", "community", "street"):
        raise InvalidInput("by 只能是 grid、community 或 street", code="by")
    today = timezone.localdate()
    try:
        first = date.fromisoformat(params["date_from"]) if params.get("date_from") else today.replace(month=1, day=1)
        last = date.fromisoformat(params["date_to"]) if params.get("date_to") else today
    except ValueError:
        raise InvalidInput("日期格式应为 YYYY-MM-DD", code="date") from None
    if last < first:
        raise InvalidInput("结束日期不能早于开始日期", code="date_order")
    return by, first, last
