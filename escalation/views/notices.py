"""The notices inbox (通知): the recipient's own notices, unread first; mark read; the header badge.

Thin: reads and writes go through ``services.notices``; another user's notice answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from governance.http import AuthenticatedHttpRequest

from ..services.notices import notice_mark_all_read, notice_mark_read, notices_for, unread_notice_count

PAGE_SIZE = 30


@login_required
@require_GET
def notice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(notices_for(request.user).select_related("case"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "escalation/notices.html",
        {"page_obj": page, "unread": unread_notice_count(request.user)},
    )


@login_required
def notice_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark one notice read; with ``open`` go on to what it is about (a local URL only). A GET: the notices."""
    if request.method != "POST":
        return redirect("escalation:notices")
    notice = notice_mark_read(user=request.user, notice_id=pk)
    if request.headers.get("HX-Request"):
        return render(request, "escalation/notices_row.html", {"n": notice})
    if request.POST.get("open") and notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
        return redirect(notice.url)
    return redirect("escalation:notices")


@login_required
def notice_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method != "POST":  # a reloaded action URL: back to the notices, nothing changed
        return redirect("escalation:notices")
    changed = notice_mark_all_read(user=request.user)
    messages.success(request, _("已将 %(n)d 条通知标为已读") % {"n": changed})
    return redirect("escalation:notices")


@login_required
@require_GET
def notice_badge(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The unread count for the header, as a fragment htmx polls (it replaces itself)."""
    return render(request, "escalation/notices_badge.html", {"unread_notice_count": unread_notice_count(request.user)})
