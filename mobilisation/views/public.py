"""Pages for residents without an account: the open wishes (no personal data), posting a wish, the private
follow-up link where the resident confirms a fulfilled wish, and the published deliberation results."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from core.hostile_input import whole_number
from core.once import Submission, repeated
from governance.models import Region

from .. import forms, selectors, services
from ..choices import WishStatus


def _over_limit(request: HttpRequest) -> bool:
    """A fixed window per address at the citizen-report rate (settings.CITIZEN_REPORT_RATE, e.g. "10/h")."""
    count_raw, _sep, period = settings.CITIZEN_REPORT_RATE.partition("/")
    limit = int(count_raw) if count_raw.strip().isdigit() else 10
    window = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(period.strip()[:1].lower(), 3600)
    key = f"mobilisation:public-wish:{request.META.get('REMOTE_ADDR', '') or 'unknown'}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def public_wishes(request: HttpRequest) -> HttpResponse:
    community = request.GET.get("community", "")
    qs = selectors.public_wishes(community_id=whole_number(community))
    return render(
        request,
        "mobilisation/public_wishes.html",
        {"wishes": qs[:100], "communities": Region.objects.filter(level="community"), "community": community},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def public_wish_new(request: HttpRequest) -> HttpResponse:
    form = forms.WishForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        if _over_limit(request):
            error, status = _("提交过于频繁，请稍后再试"), 429  # by a flag: the text is English on English pages
        else:
            with Submission(request, "wish-new") as sent:
                if sent.earlier is not None:
                    return repeated(request, sent)
                try:
                    wish = services.wish_submit(actor=None, **form.wish())
                except DomainError as exc:
                    error, status = exc.message, exc.status_code
                else:
                    url = reverse("wish-track", args=[wish.follow_up_token]) + "?new=1"
                    sent.made(url)
                    return redirect(url)
    return render(
        request,
        "mobilisation/public_wish_new.html",
        {"form": form, "error": error},
        status=400 if form.errors else status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def wish_track(request: HttpRequest, token: str) -> HttpResponse:
    wish = selectors.wish_by_token(token)  # NotFound: the middleware answers 404
    error = ""
    if request.method == "POST":
        try:
            services.wish_confirm(wish_id=wish.pk, token=token)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("wish-track", token=token)
    return render(
        request,
        "mobilisation/wish_track.html",
        {
            "wish": wish,
            "new": request.GET.get("new") == "1",
            "error": error,
            "events": selectors.events_of("wish", wish.pk),
            "can_confirm": wish.status == WishStatus.FULFILLED,
        },
    )


def public_topics(request: HttpRequest) -> HttpResponse:
    community = request.GET.get("community", "")
    qs = selectors.public_topics(community_id=whole_number(community)).order_by("-published_at")
    return render(
        request,
        "mobilisation/public_topics.html",
        {"topics": qs[:50], "communities": Region.objects.filter(level="community"), "community": community},
    )
