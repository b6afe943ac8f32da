"""Request types for views that only signed-in users reach.

A page behind ``login_required`` (or an API view behind ``IsAuthenticated``) always has a ``governance.User``
on its request, never ``AnonymousUser``; annotating the view's request with these types says so to mypy, so
the ``User | AnonymousUser`` union (and its ``role`` / ``region`` attribute errors) does not reach the code.
They are annotations only: at run time the request is Django's or DRF's own.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A page request whose user is signed in (``login_required``)."""

    user: User


class AuthenticatedRequest(Request):
    """An API request whose user is signed in (``IsAuthenticated``)."""

    user: User  # DRF's property, narrowed for views behind IsAuthenticated
