"""One exception handler maps domain errors to HTTP codes (HackSoft style), and every API error has one shape.

Every error body is ``{"detail": <message>, "code": <machine code>}``; a validation error adds ``errors``
(``{field: [messages]}``, the field-by-field detail) and its ``detail`` is the first message. This is the
``Error`` schema that ``/api/schema/`` documents for every 4xx answer.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            message = _first_message(value)
            if message:
                return message if key in ("non_field_errors", "detail") else f"{key}: {message}"
        return ""
    if isinstance(detail, list | tuple):
        for item in detail:
            message = _first_message(item)
            if message:
                return message
        return ""
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message, "code": exc.code}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=fields)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"detail": _first_message(errors) or _("输入有误"), "code": "invalid", "errors": errors}
        return response
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code: str = codes if isinstance(codes, str) else str(exc.default_code)
        message: str = exc.detail if isinstance(exc.detail, str) else _first_message(exc.detail)
    else:  # Django's Http404 / PermissionDenied, which DRF turned into its own
        code = "not_found" if response.status_code == 404 else "permission_denied"
        message = _first_message(response.data)
    response.data = {"detail": str(message), "code": code}
    return response


@csrf_exempt  # it changes nothing; without this a POST to an unknown path would get the HTML CSRF page
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/ that no route serves: a JSON 404 in the API's error shape, never an HTML page."""
    return JsonResponse({"detail": _("没有这个接口"), "code": "not_found"}, status=404)
