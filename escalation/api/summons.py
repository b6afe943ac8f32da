"""Summons API (吹哨报到): ``/api/v1/summonses/`` and ``POST /api/v1/cases/{id}/whistle/``.

Thin views: input serializer → ``escalation.services.whistles`` → output serializer. Scope comes from
``selectors.summons_queryset_for`` (a liaison sees their own department's summonses, centre staff those
of cases in their scope); outside it every endpoint answers 404. Domain errors map to HTTP through the
project's exception handler: 400 bad input, 403 not yours to do, 404 outside scope, 409 not now (state).
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from core.hostile_input import whole_number
from core.pagination import KeysetPagination
from governance.http import AuthenticatedRequest

from ..choices import SummonsStatus
from ..selectors import summons_get_for, summons_queryset_for
from ..services import whistles
from .serializers_summons import (
    DomainErrorSerializer,
    ExtensionDecisionInputSerializer,
    ExtensionInputSerializer,
    RespondInputSerializer,
    ReturnInputSerializer,
    SummonsSerializer,
    WhistleInputSerializer,
    WhistleSerializer,
)

ERRORS = {
    400: OpenApiResponse(DomainErrorSerializer, description="输入有误"),
    403: OpenApiResponse(DomainErrorSerializer, description="可见但无权进行此操作"),
    404: OpenApiResponse(DomainErrorSerializer, description="不存在或不在您的范围内"),
    409: OpenApiResponse(DomainErrorSerializer, description="当前状态不允许（例如已报到、需先报到）"),
}


class SummonsFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=SummonsStatus.choices, help_text="可重复：?status=a&status=b")
    case = django_filters.NumberFilter(field_name="case_id")
    department = django_filters.NumberFilter(field_name="department_id")
    overdue = django_filters.BooleanFilter(
        field_name="overdue_at", lookup_expr="isnull", exclude=True, help_text="true：已超时督办的"
    )


class SummonsPagination(KeysetPagination):
    """Newest whistle first, in keyset pages (``core.pagination``)."""

    page_size = 50


def _pk(value) -> int:
    pk = whole_number(value)
    if pk is None:
        raise NotFound(_("部门报到记录不存在"))
    return pk


@extend_schema_view(
    list=extend_schema(summary="部门报到列表", description="联络员：本部门的；综治中心：辖区事件的。"),
    retrieve=extend_schema(summary="部门报到详情", responses={200: SummonsSerializer, 404: ERRORS[404]}),
)
class SummonsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Summonses (部门报到) in the caller's scope, and the actions on one of them."""

    serializer_class = SummonsSerializer
    filterset_class = SummonsFilter
    pagination_class = SummonsPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return summons_queryset_for(self.request.user).order_by("-whistle__blown_at", "department__code", "id")

    def _done(self, request: Request, pk) -> Response:
        summons = summons_get_for(request.user, _pk(pk))
        return Response(SummonsSerializer(summons, context=self.get_serializer_context()).data)

    @extend_schema(summary="报到", request=None, responses={200: SummonsSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="report-in")
    def report_in(self, request: AuthenticatedRequest, pk=None) -> Response:
        whistles.summons_report_in(summons_id=_pk(pk), actor=request.user)
        return self._done(request, pk)

    @extend_schema(
        summary="反馈（可附照片）",
        request={"multipart/form-data": RespondInputSerializer, "application/json": RespondInputSerializer},
        responses={200: SummonsSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def respond(self, request: AuthenticatedRequest, pk=None) -> Response:
        inp = RespondInputSerializer(data=request.data)  # multipart: every "files" part is one file
        inp.is_valid(raise_exception=True)
        whistles.summons_respond(
            summons_id=_pk(pk), actor=request.user, text=inp.validated_data["text"], files=inp.validated_data["files"]
        )
        return self._done(request, pk)

    @extend_schema(summary="申请延期", request=ExtensionInputSerializer, responses={200: SummonsSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def extension(self, request: AuthenticatedRequest, pk=None) -> Response:
        inp = ExtensionInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        whistles.summons_request_extension(summons_id=_pk(pk), actor=request.user, **inp.validated_data)
        return self._done(request, pk)

    @extend_schema(
        summary="审批延期（吹哨中心）",
        request=ExtensionDecisionInputSerializer,
        responses={200: SummonsSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="extension-decision")
    def extension_decision(self, request: AuthenticatedRequest, pk=None) -> Response:
        inp = ExtensionDecisionInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        whistles.summons_decide_extension(summons_id=_pk(pk), actor=request.user, **inp.validated_data)
        return self._done(request, pk)

    @extend_schema(summary="退回", request=ReturnInputSerializer, responses={200: SummonsSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: AuthenticatedRequest, pk=None) -> Response:
        inp = ReturnInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        whistles.summons_return(summons_id=_pk(pk), actor=request.user, reason=inp.validated_data["reason"])
        return self._done(request, pk)

    @extend_schema(
        summary="撤回召集（吹哨中心）", request=ReturnInputSerializer, responses={200: SummonsSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: AuthenticatedRequest, pk=None) -> Response:
        inp = ReturnInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        whistles.summons_withdraw(summons_id=_pk(pk), actor=request.user, reason=inp.validated_data["reason"])
        return self._done(request, pk)

    @extend_schema(summary="确认完成（吹哨中心）", request=None, responses={200: SummonsSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def complete(self, request: AuthenticatedRequest, pk=None) -> Response:
        whistles.summons_complete(summons_id=_pk(pk), actor=request.user)
        return self._done(request, pk)


class CaseWhistleView(APIView):
    """吹哨: street or community centre staff summon departments to a case."""

    @extend_schema(
        summary="吹哨（召集职能部门）",
        request=WhistleInputSerializer,
        responses={201: WhistleSerializer, **ERRORS},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        inp = WhistleInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        d = inp.validated_data
        whistle = whistles.whistle_blow(
            case_id=pk,
            actor=request.user,
            department_ids=d["departments"],
            reason=d["reason"],
            report_in_minutes=d["report_in_minutes"],
            response_limit=d["response_limit"],
            response_unit=d["response_unit"],
        )
        return Response(WhistleSerializer(whistle, context={"request": request}).data, status=status.HTTP_201_CREATED)
