"""Links to one object's page, built with ``reverse`` once per URL name (then by formatting).

The sweep writes a notice (with its link) per case in batches of thousands; ``reverse`` per row would be
most of the link's cost. The pattern is resolved once per URL name and script prefix, so a URL changed in
a ``urls.py`` changes every link, and no path is spelled out in code.
"""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest
from django.urls import get_resolver, get_script_prefix, reverse
from django.utils.http import url_has_allowed_host_and_scheme

_MARKER = 2147483647  # a pk no real row has; replaced by the real one


@cache
def _pattern(url_name: str, script_prefix: str) -> str:
    return reverse(url_name, kwargs={"pk": _MARKER}).replace(str(_MARKER), "{pk}", 1)


def reverse_pk(url_name: str, pk: int) -> str:
    """``reverse(url_name, kwargs={"pk": pk})`` for a route whose only argument is an integer ``pk``."""
    return _pattern(url_name, get_script_prefix()).format(pk=int(pk))


def pk_link_pattern(url_name: str) -> str:
    """The ``str.format`` pattern (``{pk}``) of ``reverse_pk(url_name, …)`` for this thread's script prefix: for
    thousands of links in one go (a sweep batch), looked up once instead of once per row (the script prefix is a
    thread-local read: per row it cost more than the formatting)."""
    return _pattern(url_name, get_script_prefix())


def load_urlconf() -> None:
    """Import and index the URLconf now (``reverse`` does it on first use: about 1.5 s of imports). A worker calls
    it when it starts, so that its first sweep does not pay for it."""
    get_resolver().reverse_dict  # noqa: B018  # the property builds the reverse index


def posted_next(request: HttpRequest, default: str) -> str:
    """Where a form's POST goes back to: its ``next`` (a list's own button returns to that list) when it stays
    on this site, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default
