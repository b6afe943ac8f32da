"""The cases API: thin views — input serializer → service → output serializer.

Scope: every case-bound view starts from ``selectors.case_queryset_for(user)``, so a case outside
the user's scope answers 404 (its existence does not leak). Every change goes through
``services.case_transition`` (or ``case_file`` / ``case_rate_by_citizen``); domain errors become
HTTP codes in ``core.exception_handler`` (NotFound 404, Forbidden 403, NotAllowed 409,
InvalidInput 400), always as ``{"detail": message, "code": code}``.

Authentication: token (``Authorization: Token …``, for apps and integrations) or the browser
session — DRF's SessionAuthentication enforces CSRF for session-authenticated writes. Token is
listed first so an anonymous request gets 401 with ``WWW-Authenticate: Token``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors, services, transitions
from cases.choices import Channel
from cases.contact_log import log_unmasked_contacts
from cases.filters import CaseFilter
from cases.models import Case
from cases.throttles import CitizenReportThrottle
from core.authentication import PreparedTokenAuthentication
from core.errors import InvalidInput, NotFound
from core.lockout import lockout_response
from core.pagination import KeysetPagination
from governance.http import AuthenticatedRequest

from .serializers import (
    AllowedActionSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseEventSerializer,
    CaseListSerializer,
    DuplicatesQuerySerializer,
    EvidenceInputSerializer,
    PublicCaseSerializer,
    PublicReportResultSerializer,
    PublicReportSerializer,
    RatingInputSerializer,
    RatingSerializer,
    TransitionInputSerializer,
)

#: Workflow actions offered by ``POST /cases/{id}/transitions/{action}/``. "whistle" is not: a whistle
#: summons departments (Summons rows, report-in clocks) and is blown through the escalation API.
API_ACTIONS = [a for a in transitions.TRANSITIONS if a != "whistle"]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(required=False, help_text="字段错误 {字段: [消息]}（仅输入有误时）")


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="输入有误（字段错误为 {字段: [消息]}）"),
    401: OpenApiResponse(ErrorSerializer, description="未登录"),
    403: OpenApiResponse(ErrorSerializer, description="可以查看但无权进行此操作"),
    404: OpenApiResponse(ErrorSerializer, description="事件不存在或不在您的管辖范围内"),
    409: OpenApiResponse(ErrorSerializer, description="当前状态不允许此操作（如已被他人处理）"),
    429: OpenApiResponse(ErrorSerializer, description="提交过于频繁，请稍后再试"),
}


def errors(*codes: int) -> dict:
    return {c: ERRORS[c] for c in codes}


class CasePagination(KeysetPagination):
    """Keyset pages of 50 (up to 200) in the list's order; see ``core.pagination``."""

    page_size = 50
    max_page_size = 200


class EventPagination(KeysetPagination):
    page_size = 100
    max_page_size = 500


AUTHENTICATION = [PreparedTokenAuthentication, SessionAuthentication]
PARSERS = [JSONParser, MultiPartParser, FormParser]


TRANSITION_PARAM = OpenApiParameter(
    "transition", OpenApiTypes.STR, OpenApiParameter.PATH, enum=API_ACTIONS, description="流转动作"
)


@extend_schema_view(
    list=extend_schema(
        summary="事件列表（按管辖范围）", responses={200: CaseListSerializer(many=True), **errors(400, 401)}
    ),
    retrieve=extend_schema(summary="事件详情", responses={200: CaseDetailSerializer, **errors(401, 404)}),
)
@extend_schema(tags=["cases"])
class CaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Cases in the user's scope: list (filters, ordering, pagination), filing, detail and the workflow actions."""

    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]
    parser_classes = PARSERS
    filterset_class = CaseFilter
    pagination_class = CasePagination
    serializer_class = CaseListSerializer
    lookup_value_regex = r"[0-9]+"  # ASCII digits: "\d" matches "١" too
    queryset = Case.objects.none()  # for the schema; get_queryset is the scope gate

    def get_queryset(self) -> QuerySet[Case]:
        return selectors.case_list_queryset(self.request.user).order_by("-reported_at", "-id")

    def list(self, request: Request, *args, **kwargs) -> Response:
        """Keyset pages (``core.pagination``): count (capped), the page, its evidence counts — whatever the page."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.attach_list_rows(page)
        serializer = self.get_serializer(page, many=True)
        data = serializer.data
        self._log_contacts(page, serializer.context)
        return self.get_paginated_response(data)

    def _log_contacts(self, cases: Iterable[Case], context: Mapping[str, Any]) -> None:
        """Access-log the cases whose contact this answer shows unmasked (the serializers' memo says which)."""
        memo = context.get("_contact_memo", {})
        shown = [c for c in cases if memo.get(c.pk)]
        log_unmasked_contacts(user=self.request.user, cases=shown, channel="api", path=self.request.path)

    def _answer(self, case: Case, *, status_code: int = status.HTTP_200_OK) -> Response:
        serializer = CaseDetailSerializer(case, context=self.get_serializer_context())
        data = serializer.data
        self._log_contacts([case], serializer.context)
        return Response(data, status=status_code)

    def _case(self, pk) -> Case:
        return selectors.case_detail_for(self.request.user, int(pk))

    def _detail(self, case: Case, *, status_code: int = status.HTTP_200_OK) -> Response:
        """Render a case after a change: re-read in scope (fresh joins), or the service's object if it left scope."""
        try:
            case = selectors.case_detail_for(self.request.user, case.pk)
        except NotFound:
            pass
        return self._answer(case, status_code=status_code)

    def retrieve(self, request: Request, pk=None) -> Response:
        return self._answer(self._case(pk))

    @extend_schema(
        summary="登记事件",
        request={"application/json": CaseCreateSerializer, "multipart/form-data": CaseCreateSerializer},
        responses={201: CaseDetailSerializer, **errors(400, 401)},
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        """File a case (JSON, or multipart with ``files``). Token clients default to channel "api"."""
        form = CaseCreateSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        if "channel" not in data:
            by_token = isinstance(request.successful_authenticator, TokenAuthentication)
            data["channel"] = Channel.API if by_token else Channel.PATROL
        case = services.case_file(actor=request.user, **data)
        # Render the service's own object (its places, category and holder are already loaded): a new case has
        # no dispatches, extension requests or rating, and its evidence is what case_file stored — nothing to
        # read back.
        case.evidence_count = len(case.filed_evidence)
        related = {
            "evidence": case.filed_evidence,
            "dispatches": [],
            "extension_requests": [],
            "rating": None,
            "ratings": [],
            "hold_requests": [],
        }
        body = CaseDetailSerializer(case, context={**self.get_serializer_context(), "related": related}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="办理事件（流转动作）",
        parameters=[TRANSITION_PARAM],
        request={"application/json": TransitionInputSerializer, "multipart/form-data": TransitionInputSerializer},
        responses={200: CaseDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<transition>[a-z_]+)", url_name="transition")
    def transition(self, request: AuthenticatedRequest, pk=None, transition: str = "") -> Response:
        """Apply one workflow action through ``case_transition``; answers the updated case."""
        if transition == "whistle":
            raise InvalidInput(_("吹哨请通过吹哨接口办理（需指定被召集的部门）"), code="use_whistle_api")
        if transition not in API_ACTIONS:
            raise InvalidInput(_("未知操作：%(action)s") % {"action": transition}, code="unknown_action")
        form = TransitionInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        case = services.case_transition(
            case_id=int(pk),
            action=transition,
            actor=request.user,
            note=form.validated_data["note"],
            files=form.validated_data.get("files") or (),
            **form.service_data(transition),
        )
        return self._detail(case)

    @extend_schema(
        summary="事件流转记录（只读）",
        responses={200: CaseEventSerializer(many=True), **errors(401, 404)},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=EventPagination)
    def events(self, request: Request, pk=None) -> Response:
        """The audit trail, oldest first, in keyset pages of 100. Read-only: events are never edited or deleted."""
        case = selectors.case_queryset_for(request.user).filter(pk=int(pk)).first()
        if case is None:
            raise NotFound(_("事件不存在"), code="not_found")
        page = self.paginate_queryset(selectors.case_timeline(case).order_by("at", "id"))
        return self.get_paginated_response(CaseEventSerializer(page, many=True).data)

    @extend_schema(
        summary="补充佐证材料",
        request={"multipart/form-data": EvidenceInputSerializer},
        responses={201: CaseEventSerializer, **errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def evidence(self, request: AuthenticatedRequest, pk=None) -> Response:
        """Attach files to the case through an event: an internal "note" (default) or a public "comment"."""
        form = EvidenceInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        files = form.validated_data["files"]
        note = form.validated_data["note"].strip() or _("补充佐证材料 %(n)d 份") % {"n": len(files)}
        case = services.case_transition(
            case_id=int(pk),
            action="comment" if form.validated_data["public"] else "note",
            actor=request.user,
            note=note,
            files=files,
        )
        event = selectors.case_timeline(case).order_by("-at", "-id").first()
        return Response(CaseEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="当前可进行的操作",
        responses={200: AllowedActionSerializer(many=True), **errors(401, 404)},
    )
    @action(detail=True, methods=["get"], url_path="allowed-actions", filter_backends=[], pagination_class=None)
    def allowed_actions(self, request: Request, pk=None) -> Response:
        """The actions the case's status allows now, each with whether this user may take it and why not."""
        case = self._case(pk)
        return Response(AllowedActionSerializer(selectors.allowed_actions(request.user, case), many=True).data)

    @extend_schema(
        summary="记录回访评价（工作人员）",
        request=RatingInputSerializer,
        responses={201: RatingSerializer, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def rating(self, request: AuthenticatedRequest, pk=None) -> Response:
        """A follow-up call's result recorded by staff (or the reporting user's own rating): one per case."""
        form = RatingInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        case = services.case_transition(
            case_id=int(pk),
            action="rate",
            actor=request.user,
            note=form.validated_data["comment"],
            result=form.validated_data["result"],
            **{k: form.validated_data[k] for k in ("contacted", "solved") if k in form.validated_data},
        )
        latest = selectors.case_rating(case)
        return Response(RatingSerializer(latest).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="附近同类未办结事件（查重）",
        parameters=[DuplicatesQuerySerializer],
        responses={200: CaseListSerializer(many=True), **errors(400, 401)},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def duplicates(self, request: Request) -> Response:
        """Open cases of the same category near a point (or in the same grid), within the user's scope."""
        query = DuplicatesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        cases = selectors.nearby_open_duplicates(
            category_id=q["category"].id,
            lat=q.get("lat"),
            lng=q.get("lng"),
            grid_id=q.get("grid"),
            exclude_id=q.get("exclude"),
            among=selectors.case_list_queryset(request.user),
        )
        cases = selectors.attach_list_rows(list(cases))
        return Response(CaseListSerializer(cases, many=True, context=self.get_serializer_context()).data)


# --- citizens (no account) -----------------------------------------------------------------------


def _public_case(token: str) -> Case:
    case = Case.objects.select_related("category").filter(follow_up_token=token).first() if token else None
    if case is None:
        raise NotFound(_("事件不存在"), code="not_found")
    return case


def _public_body(case: Case) -> dict:
    events = selectors.case_timeline(case, public_only=True)
    return PublicCaseSerializer(case, context={"events": events}).data


@extend_schema(tags=["public"])
class PublicReportView(APIView):
    """``POST /public/cases/``: a citizen reports a case without an account (rate limited per IP)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [CitizenReportThrottle]
    parser_classes = PARSERS

    @extend_schema(
        summary="群众上报（无需登录，按 IP 限流）",
        request={"application/json": PublicReportSerializer, "multipart/form-data": PublicReportSerializer},
        responses={201: PublicReportResultSerializer, **errors(400, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        form = PublicReportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        case = services.case_file(actor=None, channel=Channel.CITIZEN_WEB, **form.validated_data)
        body = {
            "number": case.number,
            "status": case.status,
            "status_label": str(case.get_status_display()),
            "follow_up_token": case.follow_up_token,
            "follow_up_url": request.build_absolute_uri(reverse("public-case", kwargs={"token": case.follow_up_token})),
        }
        return Response(PublicReportResultSerializer(body).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["public"])
class PublicCaseView(APIView):
    """``GET /public/cases/{token}/``: the reporter follows the case — public events only, offices not names."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(summary="群众查询办理进度", responses={200: PublicCaseSerializer, 404: ERRORS[404]}, auth=[])
    def get(self, request: Request, token: str) -> Response:
        return Response(_public_body(_public_case(token)))


@extend_schema(tags=["public"])
class PublicRatingView(APIView):
    """``POST /public/cases/{token}/rating/``: the reporter rates the closed case, once."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = PARSERS

    @extend_schema(
        summary="群众评价（每个事件一次）",
        request=RatingInputSerializer,
        responses={201: PublicCaseSerializer, **errors(400, 404, 409)},
        auth=[],
    )
    def post(self, request: Request, token: str) -> Response:
        form = RatingInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        case = _public_case(token)
        case = services.case_rate_by_citizen(
            token=case.follow_up_token, result=form.validated_data["result"], comment=form.validated_data["comment"]
        )
        return Response(_public_body(_public_case(case.follow_up_token)), status=status.HTTP_201_CREATED)


# --- token --------------------------------------------------------------------------------------


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


@extend_schema(tags=["auth"])
class TokenObtainView(ObtainAuthToken):
    """``POST /auth/token/`` with username and password → the user's API token (created on first use)."""

    @extend_schema(
        summary="获取 API 令牌",
        request=AuthTokenSerializer,
        responses={200: TokenSerializer, 400: ERRORS[400], 429: ERRORS[429]},
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except serializers.ValidationError:
            # The lockout backend refused (or this failure reached the limit): say so, not "wrong password".
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request._request)
            raise


def bench_bare(request) -> HttpResponse:
    """A bare Django view (no DRF, no database): the yardstick of ``bench/intake.py``. Routed only when BENCH=1."""
    return HttpResponse(b"ok", content_type="text/plain")
