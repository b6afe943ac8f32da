"""个人信息查看记录: who read which citizen's or resident's personal data, for the leads who oversee it.

Street (and district, city) centre staff see the rows of their region's streets; admins every row; everyone
else gets 403 — the log would itself reveal whose records were looked at (``residents.selectors.access_log_for``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from residents.selectors import access_log_for

PAGE_SIZE = 50


@login_required
@require_GET
def access_log_page(request: HttpRequest) -> HttpResponse:
    rows = access_log_for(user=request.user)
    if rows.query.is_empty():
        message = _("个人信息查看记录仅供街道及以上综治中心负责人和管理员查看")
        return render(request, "forbidden.html", {"message": message}, status=403)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "escalation/access_log.html", {"page": page})
