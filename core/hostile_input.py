"""Hostile input at the door: control characters in paths, query strings and submitted text.

Why a middleware: every channel (pages, the API, the public API, Open311) reads its input from the same
request, and one place is easier to keep complete than a validator on each of a hundred fields.

- A path with a control character (``/track/%00/``) names nothing: **404**.
- A query string with one (``?service_request_id=%00``) is a malformed lookup: **400**. PostgreSQL refuses
  NUL in a string literal, so before this such lookups were 500s.
- Submitted text (urlencoded and multipart forms, JSON bodies) has its control characters **stripped**:
  C0 controls other than tab, line feed and carriage return, DEL, and the C1 range. They are invisible,
  never wanted in a title or description, and some of them (``\\x01``) are illegal in XLSX, so one stored
  character used to break every export whose rows included it. A cleaned JSON body keeps the bytes as sent
  (``body_as_sent``): a signature covers what the sender signed, not what was kept (the 12345 exchange).
- A JSON body with a lone surrogate escape (``"\\ud800"``: half a character, which no UTF-8 text can hold) is
  malformed text: **400**. PostgreSQL refused it on save, so before this it was a 500.

Answers under ``/api/`` and the 12345 exchange (``/interop/12345/orders/``) are JSON ``{"detail", "code"}`` like
their other errors; under ``/open311/`` an Open311 error document (JSON or XML by the URL's suffix); pages get
the site's 404 / 400 pages.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from django.core.exceptions import SuspiciousOperation
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

log = logging.getLogger("gridcase.security")

#: What is never kept in text: C0 controls except \t \n \r, DEL, C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: The same set as JSON escapes (\u0000-\u0008, \u000b, \u000c, \u000e-\u001f, \u007f-\u009f), any case.
_JSON_ESCAPED_CONTROL = re.compile(rb"\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])")
#: A surrogate escape (\ud800-\udfff): one half of a pair, or alone — which only the parsed text can tell.
_JSON_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


#: A whole number as people and URLs write it: ASCII digits only, at most 18 (a bigint holds 19).
_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


def whole_number(raw: Any) -> int | None:
    """``raw`` (a query value, a URL part, a JSON value) as a non-negative int, or None when it is not one.

    ``str.isdigit()`` is no test: it accepts "²", "١" and "൧", which ``int()`` refuses (a 500) or reads as
    another digit; and 30 digits pass it but no id column holds them. Booleans are not numbers here."""
    if isinstance(raw, bool):
        return None
    text = str(raw) if isinstance(raw, int) else raw
    if not isinstance(text, str) or not _WHOLE_NUMBER.fullmatch(text.strip()):
        return None
    return int(text)


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def strip_control_characters(text: str) -> str:
    """``text`` without the characters of ``CONTROL_CHARACTERS`` (tab and newlines stay)."""
    return CONTROL_CHARACTERS.sub("", text)


def has_lone_surrogates(value: Any) -> bool:
    """Whether a string inside a parsed JSON value (keys too) holds half a surrogate pair: text UTF-8 cannot encode."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, list):
        return any(has_lone_surrogates(v) for v in value)
    if isinstance(value, dict):
        return any(has_lone_surrogates(k) or has_lone_surrogates(v) for k, v in value.items())
    return False


def body_as_sent(request: Any) -> bytes:
    """The request body exactly as the client sent it, even when the middleware cleaned its text: what a signature
    covers. (A Django request or DRF's, which passes unknown attributes through to it.)"""
    sent = getattr(request, "body_as_sent", None)
    return sent if isinstance(sent, bytes) else request.body


#: Deepest nesting of arrays and objects a JSON body may have. No request of ours nests beyond a few levels; a
#: deeper body made every JSON parser here (the standard library's, DRF's) and the recursive cleaning run out of
#: stack — a 500 for a few hundred kilobytes of brackets, before any login or throttle.
MAX_JSON_DEPTH = 32


def json_too_deep(body: bytes) -> bool:
    """Whether ``body``, a JSON document, nests arrays and objects deeper than ``MAX_JSON_DEPTH`` (or so deep that it
    can't be parsed at all). A body with no more brackets than that can't, and is not parsed here (the usual case:
    two byte counts); otherwise it is parsed once and its depth measured without recursion."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return False
    try:
        data = json.loads(body)
    except RecursionError:
        return True
    except ValueError:
        return False  # malformed JSON: the parser answers 400 with its own message
    level: list[tuple[Any, int]] = [(data, 0)]
    while level:
        value, depth = level.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_JSON_DEPTH:
                return True
            level.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return False


def clean_data(value: Any) -> Any:
    """Strip control characters from every string inside a parsed JSON value (keys too)."""
    if isinstance(value, str):
        return strip_control_characters(value)
    if isinstance(value, list):
        return [clean_data(v) for v in value]
    if isinstance(value, dict):
        return {clean_data(k): clean_data(v) for k, v in value.items()}
    return value


#: Machine channels whose errors are ``{"detail", "code"}`` JSON: the API and the 12345 exchange.
JSON_ERROR_PREFIXES = ("/api/", "/interop/12345/orders/")


def channel_error(request: HttpRequest, status: int, message: str, code: str) -> HttpResponse | None:
    """The error in the channel's own format, or None for pages (the caller raises for Django's pages)."""
    path = request.path_info
    if path.startswith(JSON_ERROR_PREFIXES):
        return JsonResponse({"detail": message, "code": code}, status=status)
    if path.startswith("/open311/"):
        if path.endswith(".xml"):
            body = (
                f'<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>{status}</code>'
                f"<description>{escape(message)}</description></error></errors>"
            )
            return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
        return JsonResponse([{"code": status, "description": message}], status=status, safe=False)
    return None


#: PostgreSQL's "numeric value out of range" and "datetime field overflow".
_OUT_OF_RANGE_SQLSTATES = ("22003", "22008")


def out_of_range(exc: BaseException) -> bool:
    """Whether ``exc`` is a number or date from the request that the database or Python's dates can't hold: an id
    past a 64-bit integer (SQLite's driver raises ``OverflowError``, PostgreSQL ``DataError`` 22003), a date
    that leaves year 1–9999 once moved to another time zone (``OverflowError``, 22008). The client's error."""
    if isinstance(exc, OverflowError):
        return True
    return isinstance(exc, DataError) and getattr(exc.__cause__, "pgcode", None) in _OUT_OF_RANGE_SQLSTATES


class RefusedInput(SuspiciousOperation):
    """A request this module refuses with a message written for the user (never a detail of the request itself):
    the site's 400 page shows it (``core.views.bad_request``), where Django's own page says nothing of why."""


def _query_has_control_characters(query: QueryDict) -> bool:
    return any(
        has_control_characters(key) or any(has_control_characters(v) for v in values) for key, values in query.lists()
    )


class HostileInputMiddleware:
    """Refuses control characters in the path (404) and query (400); strips them from submitted text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters(request.path_info):
            response = channel_error(request, 404, _("没有找到"), "not_found")
            if response is None:
                raise Http404(_("没有找到"))
            return response
        if _query_has_control_characters(request.GET):
            message = _("查询参数含有不允许的控制字符")
            response = channel_error(request, 400, message, "invalid")
            if response is None:
                raise RefusedInput(message)
            return response
        if request.method in ("POST", "PUT", "PATCH"):
            refused = self._clean_body(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A number or date out of range, wherever a view met it (a list of ids in a JSON body, a form's select, a
        filter's date): 400 in the channel's format instead of a 500. The view's transaction has rolled back."""
        if not out_of_range(exception):
            return None
        log.info(
            "out of range, answered 400: %s %s (%s: %s)",
            request.method,
            request.path,
            type(exception).__name__,
            exception,
        )
        message = _("数值或日期超出允许的范围")
        response = channel_error(request, 400, message, "out_of_range")
        return response if response is not None else render(request, "400.html", {"message": message}, status=400)

    def _clean_body(self, request: HttpRequest) -> HttpResponse | None:
        """Strip control characters from the submitted text in place; a refusal (400) for text no database holds."""
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            post = request.POST  # parsed once here; Django's forms and DRF both read this copy
            if any(has_control_characters(v) for _k, values in post.lists() for v in values):
                cleaned = QueryDict(mutable=True)
                for key, values in post.lists():
                    cleaned.setlist(key, [strip_control_characters(v) for v in values])
                cleaned._mutable = False
                setattr(request, "POST", cleaned)  # noqa: B010 (the stubs type POST as immutable)
        elif content_type == "application/json" or content_type.endswith("+json"):
            body = request.body
            if json_too_deep(body):
                message = _("请求体的 JSON 嵌套过深（最多 %(n)s 层）") % {"n": MAX_JSON_DEPTH}
                response = channel_error(request, 400, message, "invalid")
                if response is None:
                    raise RefusedInput(message)
                return response
            control = _JSON_ESCAPED_CONTROL.search(body)  # raw control characters in a JSON string are invalid JSON
            surrogate = _JSON_ESCAPED_SURROGATE.search(body)
            if control or surrogate:
                try:
                    data = json.loads(body)
                except ValueError:
                    return None  # malformed JSON: the parser answers 400 with its own message
                if surrogate and has_lone_surrogates(data):
                    message = _("请求体含有无效的 Unicode 字符（不成对的代理项）")
                    response = channel_error(request, 400, message, "invalid")
                    if response is None:
                        raise RefusedInput(message)
                    return response
                if control:
                    setattr(request, "body_as_sent", body)  # noqa: B010 (not an attribute HttpRequest declares)
                    request._body = json.dumps(clean_data(data), ensure_ascii=False).encode()
        return None


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (settings.PERMISSIONS_POLICY) to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
