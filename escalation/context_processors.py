"""Template context for every page: the signed-in user's unread notices (for the header badge)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def unread_notices(request: HttpRequest) -> dict:
    """``unread_notice_count``, counted only if a template uses it (one indexed COUNT)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notice_count": 0}

    def count() -> int:
        from .services.notices import unread_notice_count

        return unread_notice_count(user)

    return {"unread_notice_count": SimpleLazyObject(count)}
