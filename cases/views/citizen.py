"""Pages for citizens, who have no account: the public report form and the private follow-up link.

- ``/report/``: files through ``services.case_file`` (actor None, channel citizen_web), limited per IP address
  (settings.CITIZEN_REPORT_RATE, e.g. "10/h", counted in the Django cache). Over the limit the form comes
  back with everything typed in and status 429.
- ``/track/<token>/``: the public timeline (public events only; staff by role, never by name) and, once the
  case is closed, the one rating through ``services.case_rate_by_citizen``.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.errors import InvalidInput, Refusal
from core.once import Submission, repeated

from ..choices import EvidenceStage, Status
from ..forms import CitizenRatingForm, CitizenReportForm, FollowMyCaseForm
from ..models import Case, Rating
from ..selectors import case_timeline
from ..services import case_file, case_rate_by_citizen
from . import display
from .pages import FILE_ERROR_FIELDS

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "10/h" → (10, 3600). Accepts s, m, h, d (and the long forms "min", "hour", "day")."""
    count, _sep, period = (rate or "").partition("/")
    seconds = PERIODS.get(period.strip()[:1].lower())
    if not count.strip().isdigit() or seconds is None:
        raise ValueError(f"bad rate {rate!r}: expected like '10/h'")
    return int(count), seconds


def client_ip(request: HttpRequest) -> str:
    """The address the request came from. Behind a proxy, set the proxy to overwrite REMOTE_ADDR
    (trusting X-Forwarded-For from anyone would let a client pick its own bucket)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def over_report_limit(request: HttpRequest) -> bool:
    """Count this submission against the sender's window; True when it is over the limit.

    A fixed window per IP: the first submission creates the counter with the window as its lifetime,
    later ones increment it atomically (``cache.incr``), so concurrent posts cannot slip under the limit.
    """
    limit, window = parse_rate(settings.CITIZEN_REPORT_RATE)
    key = f"cases:citizen-report:{client_ip(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "cases/report.html", {"form": CitizenReportForm()})
    form = CitizenReportForm(request.POST, request.FILES)
    if over_report_limit(request):
        form.is_valid()  # show the values as typed, with their own errors if any
        limit, window = parse_rate(settings.CITIZEN_REPORT_RATE)
        return render(
            request,
            "cases/report.html",
            {"form": form, "limited": True, "limit": limit, "window_minutes": window // 60, "files_lost": True},
            status=429,
        )
    if not form.is_valid():
        return render(request, "cases/report.html", {"form": form, "files_lost": bool(request.FILES)}, status=400)
    files = form.cleaned_data["photos"]
    with Submission(request, "cases:report") as sent:
        if sent.earlier is not None:
            return repeated(request, sent)
        try:
            case = case_file(actor=None, files=files, **form.service_kwargs())
        except InvalidInput as exc:
            field = FILE_ERROR_FIELDS.get(exc.code)
            if field == "grid":
                field = "community"
            form.add_error(field, exc.message)
            return render(request, "cases/report.html", {"form": form, "files_lost": bool(files)}, status=400)
        url = reverse("cases:track", args=[case.follow_up_token]) + "?new=1"
        sent.made(url)
    return redirect(url)


FIND_RATE = "20/h"


@never_cache
@require_http_methods(["GET", "POST"])
def track_find(request: HttpRequest) -> HttpResponse:
    """关注我的事件: the citizen who lost the private link finds the case by its number and the phone number they
    gave; the answer is the same "not found" whether the number or the phone is wrong (nothing leaks), and the
    attempts per address are limited like reports."""
    form = FollowMyCaseForm(request.POST or None)
    if request.method != "POST":
        return render(request, "cases/track_find.html", {"form": form})
    limit, window = parse_rate(FIND_RATE)
    key = f"cases:track-find:{client_ip(request)}"
    cache.add(key, 0, timeout=window)
    try:
        attempts = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)
        attempts = 1
    if attempts > limit:
        form.add_error(None, _("查询过于频繁，请稍后再试。"))
        return render(request, "cases/track_find.html", {"form": form}, status=429)
    if not form.is_valid():
        return render(request, "cases/track_find.html", {"form": form}, status=400)
    number = form.cleaned_data["number"].strip().upper()
    phone = "".join(ch for ch in form.cleaned_data["phone"] if ch.isdigit())
    case = Case.objects.filter(number=number).only("citizen_phone", "follow_up_token").first()
    stored = "".join(ch for ch in (case.citizen_phone if case else "") if ch.isdigit())
    if case is None or not phone or not secrets.compare_digest(stored, phone):
        form.add_error(None, _("没有找到与该编号和手机号相符的事件，请核对后再试。"))
        return render(request, "cases/track_find.html", {"form": form}, status=404)
    return redirect("cases:track", token=case.follow_up_token)


def _case_by_token(token: str) -> Case:
    case = (
        Case.objects.select_related("category", "community", "street").filter(follow_up_token=token).first()
        if token
        else None
    )
    if case is None:
        raise Http404
    return case


def _is_staff(user) -> bool:
    """Signed-in staff (anyone but a citizen account): they may look, never rate in the citizen's name."""
    from governance.choices import Role

    return bool(user and user.is_authenticated and user.role != Role.CITIZEN)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, token: str) -> HttpResponse:
    case = _case_by_token(token)
    form = CitizenRatingForm()
    status = 200
    staff = _is_staff(request.user)
    if request.method == "POST" and staff:
        # Staff never rate through the citizen's link: a phone follow-up is recorded on the case page under the
        # staff member's own name (电话回访, recorder named).
        messages.error(request, _("工作人员不能通过群众的专属链接评价；电话回访请在事件页面记录。"))
        status = 403
    elif request.method == "POST":
        form = CitizenRatingForm(request.POST)
        if form.is_valid():
            try:
                case_rate_by_citizen(
                    token=token, result=form.cleaned_data["result"], comment=form.cleaned_data["comment"]
                )
            except Refusal as exc:
                messages.error(request, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("感谢您的评价！"))
                return redirect("cases:track", token=token)
        else:
            status = 400
        case = _case_by_token(token)
    return _render_track(request, case, form, status)


def _render_track(request: HttpRequest, case: Case, form: CitizenRatingForm, status: int) -> HttpResponse:
    events = list(case_timeline(case, public_only=True))
    for ev in events:
        ev.ui_actor = display.public_actor(ev, case)
        ev.ui_note = display.event_note(ev)  # type: ignore[attr-defined]  # display attributes, as the ones around it
        ev.ui_label = display.event_label(ev)
        ev.ui_system = display.is_system(ev)
        ev.ui_reason = display.reason_label(ev.reason)
        ev.ui_facts = display.event_facts(ev, public=True)
        ev.ui_photos = [e for e in ev.evidence.all() if e.is_image and e.stage != EvidenceStage.OTHER]
    ratings = list(Rating.objects.filter(case=case).order_by("round"))
    rating = next((r for r in ratings if r.round == case.round), None)
    context = {
        "case": case,
        "events": events,
        "rating": rating,
        "earlier_ratings": [r for r in ratings if r.round != case.round],
        "form": form,
        "can_rate": case.status == Status.CLOSED and rating is None and not _is_staff(request.user),
        "staff_viewer": _is_staff(request.user),
        "is_new": request.GET.get("new") == "1",
        "track_url": request.build_absolute_uri(reverse("cases:track", args=[case.follow_up_token])),
        "now": timezone.now(),
    }
    return render(request, "cases/track.html", context, status=status)
