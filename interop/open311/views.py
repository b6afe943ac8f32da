"""Open311 GeoReport v2 views: thin — input serializer → ``services.case_file`` / selectors → output builders.

Authentication and CSRF: these endpoints are anonymous by design. They authenticate nobody
(``authentication_classes = []``: no session cookie, no token, no ``api_key`` is read; ``request.user`` is
always anonymous and cases are filed with ``actor=None``). DRF's ``APIView.as_view`` marks its views
CSRF-exempt and leaves CSRF checks to SessionAuthentication; that exemption is safe here only because there
is no session to ride on: a cross-site form post can do nothing that the same anonymous client could not
do directly. Never add SessionAuthentication (or any cookie-based authentication) to these views.

Abuse is limited the way the public citizen API limits it: filing is throttled per client IP with the
``citizen_report`` scope (the same allowance as ``POST /api/v1/public/cases/``); reads are capped at
``selectors.MAX_REQUESTS`` rows.

Language: ``?locale=en`` (or ``zh-hans``) overrides Accept-Language for the request; English names come from
the catalogue's ``name_en`` where it has one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView, set_rollback

from cases import services
from cases.choices import Channel
from cases.throttles import CitizenReportThrottle
from core.errors import DomainError

from . import selectors
from .renderers import Open311JSONRenderer, Open311XMLRenderer, SuffixNegotiation
from .serializers import (
    RequestsQuery,
    ServiceRequestInput,
    case_id_for_token,
    created_data,
    request_data,
    service_data,
    service_definition_data,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: When this endpoint's documents last changed shape (discovery's sortable ``changeset``).
CHANGESET = "2026-11-21T00:00:00+08:00"
FORMATS = ["text/xml", "application/json"]


# --- errors -------------------------------------------------------------------------------------------------


def _messages(detail: Any, field: str = "") -> list[str]:
    """Flatten DRF error details into lines, prefixed with the field they concern ("lat: …")."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            name = field or ("" if key == api_settings.NON_FIELD_ERRORS_KEY else str(key))
            out += _messages(value, name)
        return out
    if isinstance(detail, list | tuple):
        return [line for item in detail for line in _messages(item, field)]
    return [f"{field}: {detail}" if field else str(detail)]


def open311_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every error as an Open311 error document: ``[{"code": <HTTP status>, "description": …}, …]``."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("没有找到"))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    headers = {}
    if isinstance(exc, DomainError):
        code, lines = exc.status_code, [exc.message]
    elif isinstance(exc, exceptions.Throttled):
        code = status.HTTP_429_TOO_MANY_REQUESTS
        if exc.wait:
            headers["Retry-After"] = str(int(exc.wait))
            lines = [_("提交过于频繁，请 %(n)d 秒后再试") % {"n": exc.wait}]
        else:
            lines = [_("提交过于频繁，请稍后再试")]
    elif isinstance(exc, exceptions.APIException):
        code, lines = exc.status_code, _messages(exc.detail)
    else:
        return None  # a bug: let Django answer 500 and log it
    set_rollback()
    return Response([{"code": code, "description": line} for line in lines], status=code, headers=headers)


# --- views --------------------------------------------------------------------------------------------------


def _language(request: HttpRequest) -> str | None:
    """The supported language named by ``?locale=`` (en, en_US, zh-CN …), or None."""
    wanted = (request.GET.get("locale") or "").strip().replace("_", "-").lower()
    if not wanted:
        return None
    if wanted.startswith("zh"):
        wanted = "zh-hans"
    try:
        return translation.get_supported_language_variant(wanted)
    except LookupError:
        return None


class Open311View(APIView):
    """Base of the Open311 views: anonymous, the URL suffix picks JSON or XML, errors as error documents."""

    authentication_classes: list = []  # no session: see the module docstring before changing this
    permission_classes = [AllowAny]
    throttle_classes: list = []
    renderer_classes = [Open311JSONRenderer, Open311XMLRenderer]
    parser_classes = [FormParser, MultiPartParser, JSONParser]
    content_negotiation_class = SuffixNegotiation
    schema = None  # GeoReport v2 is its own published spec (and discovery.{fmt}); not part of /api/schema/
    #: Root element of the XML document (errors always use ``<errors>``).
    xml_root = "response"

    def get_exception_handler(self):
        return open311_exception_handler

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = _language(request)
        if language is None:
            return super().dispatch(request, *args, **kwargs)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
            response.headers["Content-Language"] = language
            return response


class DiscoveryView(Open311View):
    """``GET discovery.{fmt}``: where the endpoint is, its formats, and that no key is needed."""

    xml_root = "discovery"

    def get(self, request: Request, format: str | None = None) -> Response:
        services_url = reverse("open311:services", kwargs={"format": "json"})
        base = request.build_absolute_uri(services_url.rsplit("/", 1)[0] + "/")
        return Response(
            {
                "changeset": CHANGESET,
                "key_service": _("无需 api_key：匿名提交，按来源 IP 限制提交频率"),
                "endpoints": [
                    {
                        "specification": SPECIFICATION,
                        "url": base,
                        "changeset": CHANGESET,
                        "type": "test" if settings.DEBUG else "production",
                        "formats": FORMATS,
                    }
                ],
            }
        )


class ServiceListView(Open311View):
    """``GET services.{fmt}``: the active 小类 of the matter catalogue."""

    xml_root = "services"

    def get(self, request: Request, format: str | None = None) -> Response:
        return Response([service_data(c) for c in selectors.services()])


class ServiceDefinitionView(Open311View):
    """``GET services/{service_code}.{fmt}``: the definition of one service (no extra attributes)."""

    xml_root = "service_definition"

    def get(self, request: Request, service_code: str, format: str | None = None) -> Response:
        category = selectors.service_get(service_code)
        if category is None:
            raise exceptions.NotFound(_("没有编码为“%(code)s”的服务") % {"code": service_code})
        return Response(service_definition_data(category))


class RequestListView(Open311View):
    """``POST requests.{fmt}`` files a case (rate limited per IP); ``GET requests.{fmt}`` searches published ones."""

    xml_root = "service_requests"

    def get_throttles(self):
        return [CitizenReportThrottle()] if self.request.method == "POST" else []

    def post(self, request: Request, format: str | None = None) -> Response:
        data = request.data
        check_api_key(str(data.get("api_key", "")) if isinstance(data, Mapping) else "")
        form = ServiceRequestInput(data=request.data)
        form.is_valid(raise_exception=True)
        case = services.case_file(actor=None, channel=Channel.OPEN311, **form.filing())
        return Response([created_data(case)], status=status.HTTP_201_CREATED)

    def get(self, request: Request, format: str | None = None) -> Response:
        params = request.query_params
        if params.get("service_request_id", "").strip():
            # The spec: with service_request_id, every other parameter is ignored.
            cases = selectors.requests_by_number(p.strip() for p in params["service_request_id"].split(","))
        else:
            query = RequestsQuery(data=params)
            query.is_valid(raise_exception=True)
            cases = selectors.requests_search(**query.validated_data)
        return Response([request_data(c, request) for c in cases])


class RequestDetailView(Open311View):
    """``GET requests/{service_request_id}.{fmt}``: one published case by its public number."""

    xml_root = "service_requests"

    def get(self, request: Request, service_request_id: str, format: str | None = None) -> Response:
        found = selectors.requests_by_number([service_request_id])
        if not found:
            raise exceptions.NotFound(_("没有编号为“%(id)s”的服务请求") % {"id": service_request_id})
        return Response([request_data(found[0], request)])


class TokenView(Open311View):
    """``GET tokens/{token}.{fmt}``: the service_request_id of the request a POST answered with ``token``."""

    xml_root = "service_requests"

    def get(self, request: Request, token: str, format: str | None = None) -> Response:
        number = selectors.number_for_case_id(case_id_for_token(token))
        if number is None:
            raise exceptions.NotFound(_("没有这个令牌对应的服务请求"))
        return Response([{"service_request_id": number, "token": token}])


def check_api_key(key: str) -> None:
    """``api_key`` on POST: optional unless OPEN311_REQUIRE_API_KEY; a key that is sent must be an active client's."""
    key = (key or "").strip()
    if not key:
        if settings.OPEN311_REQUIRE_API_KEY:
            raise exceptions.PermissionDenied(_("需要有效的 api_key（请向管理员申请）"))
        return
    if not selectors.open311_key_active(key):
        raise exceptions.PermissionDenied(_("api_key 无效或已被吊销"))


class UnknownEndpointView(Open311View):
    """Any other ``….json`` / ``….xml`` under the prefix: a 404 error document instead of an HTML page."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.format_kwarg = self.get_format_suffix(**kwargs)
        request.accepted_renderer, request.accepted_media_type = self.perform_content_negotiation(request)
        raise exceptions.NotFound(_("没有这个 Open311 接口"))
