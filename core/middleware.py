"""Project middleware: the default language for pages, and domain errors raised in a view → HTTP.

Language choice: zh-hans for every page unless the user picked English in the UI.
Django's LocaleMiddleware follows the browser's Accept-Language, so a street office PC with an
English browser would get English pages. The product's default is zh-hans (DESIGN §7): pages
answer in the user's explicit choice (the language cookie set by the switcher) or zh-hans.
Machine clients under the API and Open311 prefixes keep content negotiation.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from .errors import NotFound

NEGOTIATING_PREFIXES = ("/api/", "/open311/", "/interop/12345/orders/")


class DefaultLanguageMiddleware:
    """Runs before LocaleMiddleware and hides Accept-Language from it on pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(NEGOTIATING_PREFIXES):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class DomainErrorMiddleware:
    """A page view that lets ``core.errors.NotFound`` escape answers Django's 404 page.

    Selectors and services raise ``NotFound`` for anything outside the user's scope (existence must not
    leak); the API's exception handler maps it to 404, and this does the same for the HTML views, so no
    view translates it by hand. Other domain errors are the view's to present (a form error, a message).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        return None
