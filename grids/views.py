"""Pages of the grids app: the staffing (1+1+N) report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core.roles import is_admin_or_centre_staff
from governance.http import AuthenticatedHttpRequest
from governance.models import Region
from governance.selectors import regions_visible_to

from .selectors import staffing_report


@require_GET
@login_required
def staffing_report_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Grids not fully staffed, for admins (everywhere) and centre staff (their region and below).

    ``?region=<code>`` narrows the report to a region the user may see; one outside their
    scope answers as unknown (404), like every other object outside scope.
    """
    user = request.user
    if not is_admin_or_centre_staff(user):
        raise PermissionDenied
    visible = regions_visible_to(user)
    region: Region | None = None if user.is_admin else user.region
    code = request.GET.get("region", "").strip()
    if code:
        region = get_object_or_404(visible, code=code)
    gaps = staffing_report(region=region)
    return render(
        request,
        "grids/staffing_report.html",
        {"gaps": gaps, "region": region, "regions": visible.exclude(level="city").order_by("code")},
    )
