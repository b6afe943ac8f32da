"""The grid worker's landing page, "My grid today" (phone first), and the one tap from a 民情日记 entry to a case.

Both need cases and residents together, so they live here (cases sits above residents): visits due and overdue,
my open cases with their lights, permits expiring, recent diary entries — and buttons to log a visit, a diary
entry or a case.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Refusal
from core.hostile_input import whole_number
from governance.choices import Role
from governance.http import AuthenticatedHttpRequest
from governance.models import Category
from residents import selectors as residents_selectors
from residents.choices import AccessChannel, AccessSubject
from residents.services import access_log_record_many

from ..choices import OPEN_STATUSES
from ..selectors import case_queryset_for
from ..services.diary import case_file_from_diary

LIST_LIMIT = 10


@login_required
def grid_today(request: HttpRequest) -> HttpResponse:
    """Constant queries: plans (due/overdue), cases, permits, diary — each one LIMITed query plus its counts.
    The grid worker's page: anyone else is sent to their own daily page (a liaison found links here to pages that
    are not theirs — writing a diary, filing from a grid)."""
    user = request.user
    if getattr(user, "role", None) != Role.GRID_WORKER:
        return redirect("core:home")
    today = timezone.localdate()
    now = timezone.now()
    plans_qs = (
        residents_selectors.plans_visible_to(user=user)
        .filter(due_on__lte=today)
        .select_related("resident__grid__community")  # the access log's street: no query per tagged plan
    )
    plans = list(residents_selectors.plans_most_urgent_first(plans_qs)[:LIST_LIMIT])
    plan_count = plans_qs.count()
    cases_qs = case_queryset_for(user).filter(status__in=[s.value for s in OPEN_STATUSES])
    cases = list(cases_qs.select_related("category", "grid").order_by("due_at", "id")[:LIST_LIMIT])
    for c in cases:
        c.ui_light = c.light(now)
    permits = list(
        residents_selectors.permits_expiring(
            user=user, today=today, within_days=settings.RESIDENTS_PERMIT_WARN_DAYS
        ).select_related("house")[:LIST_LIMIT]
    )
    diary = list(residents_selectors.diary_visible_to(user=user).order_by("-written_at", "-id")[:5])
    tagged = [(p.resident_id, p.resident.grid) for p in plans if p.tag_id]
    if tagged:
        access_log_record_many(
            user=user,
            subject=AccessSubject.RESIDENT_TAG,
            rows=[{"object_id": rid, "street_id": grid.community.parent_id} for rid, grid in tagged],
            channel=AccessChannel.PAGE,
            path=request.path,
        )
    return render(
        request,
        "cases/grid_today.html",
        {
            "today": today,
            "plans": plans,
            "plan_count": plan_count,
            "cases": cases,
            "case_count": cases_qs.count(),
            "permits": permits,
            "diary": diary,
        },
    )


@login_required
def case_from_diary(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """POST: file the case (the entry's category, or the one chosen here). Without a category: ask for one."""
    user = request.user
    entry = residents_selectors.diary_visible_to(user=user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    if entry.case_id:
        return redirect("cases:detail", pk=entry.case_id)
    categories = (
        Category.objects.filter(parent__isnull=False, active=True, parent__active=True)
        .select_related("parent")
        .order_by("parent__code", "code")
    )
    if request.method == "POST":
        chosen = None
        if (category_id := whole_number(request.POST.get("category", ""))) is not None:
            chosen = categories.filter(pk=category_id).first()
        if chosen is None and entry.category_id is None:  # none on the entry: ask (the form's blank: say so)
            if "category" not in request.POST:  # the diary page's button: the question, not an error
                return render(request, "cases/from_diary.html", {"entry": entry, "categories": categories})
            context = {"entry": entry, "categories": categories, "error": _("请选择事项类别")}
            return render(request, "cases/from_diary.html", context, status=400)
        try:
            case = case_file_from_diary(actor=user, entry_id=entry.pk, category=chosen)
        except Refusal as exc:
            messages.error(request, exc.message)
            return redirect("residents:diary-detail", pk=entry.pk)
        messages.success(request, _("已转为事件 %(number)s") % {"number": case.number})
        return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/from_diary.html", {"entry": entry, "categories": categories})
