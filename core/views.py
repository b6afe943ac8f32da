"""The project's own pages: /healthz and the home redirect (each role to its daily page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .roles import ADMIN


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        return True, connection.vendor
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"[:200]


def _check_broker() -> tuple[bool, str]:
    from config.celery_app import app

    url = settings.CELERY_BROKER_URL
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, url.split("://", 1)[0]
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"[:200]


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with each component's state when database and broker answer, 503 when one does not."""
    db_ok, db_info = _check_database()
    broker_ok, broker_info = _check_broker()
    ok = db_ok and broker_ok
    body = {
        "status": "ok" if ok else "unavailable",
        "database": {"ok": db_ok, "detail": db_info},
        "broker": {"ok": broker_ok, "detail": broker_info},
    }
    return JsonResponse(body, status=200 if ok else 503)


# --- Home: each role lands on its daily page -----------------------------------------------------

# URL names, not imports: these pages belong to higher apps (cases, escalation) and the admin.
ROLE_HOME_URL_NAMES = {
    "grid_worker": "cases:today",
    "centre_staff": "escalation:dashboard",
    "liaison": "escalation:inbox",
    ADMIN: "admin:index",
}


#: Higher apps' say on a user without a working role (e.g. a unit's account lands on the unit's page): each is
#: called with the user and answers a URL or None. Registered in the app's ``AppConfig.ready()``.
HOME_RESOLVERS: list[Callable[[Any], str | None]] = []


def register_home_resolver(fn: Callable[[Any], str | None]) -> None:
    if fn not in HOME_RESOLVERS:
        HOME_RESOLVERS.append(fn)


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page they work from: grid worker → my grid today, centre staff → dashboard,
    liaison → inbox, admin → admin site; anonymous → login. Others (e.g. a citizen account) get a plain page."""
    user = request.user
    if not user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if user.is_superuser:
        return redirect(reverse(ROLE_HOME_URL_NAMES[ADMIN]))
    url_name = ROLE_HOME_URL_NAMES.get(getattr(user, "role", ""))
    if url_name:
        return redirect(reverse(url_name))
    for resolve in HOME_RESOLVERS:
        url = resolve(user)
        if url:
            return redirect(url)
    return render(request, "home.html")


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, asked for by browsers on pages that name no icon: the app's own (an SVG)."""
    from django.templatetags.static import static

    return redirect(static("img/favicon.svg"), permanent=True)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 answer for a ``SuspiciousOperation`` (``handler400``): in the channel's format under the API, the
    12345 exchange and Open311 — not an HTML page — and for pages the site's 400 page with the user's menu.

    Django's own ``bad_request`` renders the page without the request (no menu, no user). A request refused before
    the authentication middleware ran (``core.hostile_input``) has no ``user`` yet; it gets the session's. The
    reason is shown only when it was written for the user (``RefusedInput``); a failed render falls back to the
    page without the request, so a 400 never becomes a 500."""
    from django.contrib.auth import get_user
    from django.template import loader
    from django.utils.functional import SimpleLazyObject
    from django.utils.translation import gettext as _

    from .hostile_input import RefusedInput, channel_error

    message = str(exception) if isinstance(exception, RefusedInput) else ""
    answer = channel_error(request, 400, message or _("请求有误"), "bad_request")
    if answer is not None:
        return answer
    try:
        if not hasattr(request, "user") and hasattr(request, "session"):
            request.user = SimpleLazyObject(lambda: get_user(request))  # type: ignore[assignment]
        return render(request, "400.html", {"message": message}, status=400)
    except Exception:
        return HttpResponse(loader.get_template("400.html").render({"message": message}), status=400)
