"""Login lockout (django-axes): the answer a locked-out client gets, and one log line per lockout.

Axes counts failed logins per username and per client address on every login path — the login page,
the admin login and ``POST /api/v1/auth/token/`` — and refuses further attempts for ``AXES_COOLOFF_TIME``
once ``AXES_FAILURE_LIMIT`` is reached (both set from the environment; see the README). An administrator
unlocks early by deleting the attempt under 管理后台 → 登录锁定 → 登录尝试 (Login lockout → Access attempts in
English; or ``manage.py axes_reset``).
"""

from __future__ import annotations

import logging
from typing import Any

from axes.apps import AppConfig as AxesAppConfig
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

log = logging.getLogger("gridcase.security")

API_PREFIX = "/api/"


class AxesConfig(AxesAppConfig):
    """django-axes under a name the admin index shows in the reader's language (axes calls itself "Axes"); its
    own labels are translated in ``locale/zh_Hans`` (it ships no Chinese)."""

    verbose_name = gettext_lazy("登录锁定")


def cooloff_minutes() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    return max(1, int(cooloff.total_seconds() // 60)) if cooloff else 0


def lockout_message() -> str:
    minutes = cooloff_minutes()
    if minutes:
        message = _("登录失败次数过多，账号或本机地址已被暂时锁定，请 %(n)d 分钟后再试，或联系管理员解锁。")
        return message % {"n": minutes}
    return _("登录失败次数过多，账号或本机地址已被锁定，请联系管理员解锁。")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """429 with a clear message: JSON ``{detail, code}`` on the API, the lockout page elsewhere."""
    message = lockout_message()
    headers = {"Retry-After": str(cooloff_minutes() * 60)} if cooloff_minutes() else {}
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=429, headers=headers)
    response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    for key, value in headers.items():
        response[key] = value
    return response


def log_lockout(sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    """One line per lockout: who was tried, from where, on which path."""
    log.warning(
        "login lockout: username=%r ip=%s path=%s limit=%s",
        username or "",
        ip_address or "",
        getattr(request, "path", ""),
        settings.AXES_FAILURE_LIMIT,
    )
