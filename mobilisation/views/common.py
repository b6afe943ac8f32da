"""What the pages share: running a service and turning a domain error into a message, paging, role checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest

from core.errors import Refusal
from core.roles import is_admin, staff_level


def outcome(request: HttpRequest, fn: Callable[..., Any], success: str, kwargs: dict[str, Any]) -> tuple[Any, int]:
    """Call a service: (its result, 0) with ``success`` flashed, or (None, the refusal's HTTP status) with the
    reason flashed. A NotFound propagates: the page answers 404."""
    try:
        result = fn(**kwargs)
    except Refusal as exc:
        messages.error(request, exc.message)
        return None, exc.status_code
    messages.success(request, success)
    return result, 0


def attempt(request: HttpRequest, fn: Callable[..., Any], success: str, **kwargs) -> Any | None:
    """A service's result, or None when it refused (the reason flashed): for an action that redirects either way."""
    return outcome(request, fn, success, kwargs)[0]


def tried(request: HttpRequest, fn: Callable[..., Any], success: str, **kwargs) -> int:
    """For a form's POST: 0 when the service went through, else the refusal's HTTP status (400, 403, 409). On a
    refusal the caller renders the page again, with that status and the form as the user filled it in (the reason
    flashed above it), rather than redirecting it away."""
    return outcome(request, fn, success, kwargs)[1]


def page_of(request: HttpRequest, qs, per_page: int = 30):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def is_staff_user(user) -> bool:
    """Centre staff (any level) or admins: they see the management parts of the pages."""
    return is_admin(user) or staff_level(user) is not None
