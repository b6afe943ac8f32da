"""The assessment page (考核): the 三率 and the 数字城管 indicators of the user's scope for a period, and their
CSV / XLSX exports. Thin: ``cases.assessment`` computes everything in SQL aggregates.

``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (default: the current week), ``?scheme=seed|beijing`` (settings.
ASSESSMENT_SCHEMES), ``?by=grid|community|street|department|person``. Bad input re-renders the page for
the default period with the message (HTTP 400).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import InvalidInput
from core.roles import is_admin_or_centre_staff

from .. import assessment as A
from .. import exports
from ..selectors import scope_for


def may_assess(user) -> bool:
    """Centre staff (their region) and admins; grid workers and liaisons are assessed, they do not assess."""
    return is_admin_or_centre_staff(user)


def _read(request: HttpRequest) -> tuple[A.Period, A.Scheme, str]:
    g = request.GET
    period = A.Period.parse(g.get("from"), g.get("to"))
    scheme = A.scheme_for(g.get("scheme") or None)
    by = g.get("by") or A.default_dimension(request.user)
    if by not in A.DIMENSIONS:
        raise InvalidInput(_("未知的统计维度：%(by)s") % {"by": by}, code="by")
    return period, scheme, by


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "forbidden.html",
        {"message": _("考核统计仅供综治中心工作人员和管理员查看")},
        status=403,
    )


@login_required
@require_GET
def assessment_page(request: HttpRequest) -> HttpResponse:
    if not may_assess(request.user):
        return _forbidden(request)
    error, status = None, 200
    try:
        period, scheme, by = _read(request)
    except InvalidInput as exc:
        error, status = exc.message, 400
        period, scheme, by = A.Period.week_of(timezone.localdate()), A.scheme_for(), A.default_dimension(request.user)
    scope = scope_for(request.user)
    result = A.assessment(scope, period=period, scheme=scheme, by=by)
    for row in result.rows:
        row.pct = _pct(row.rates)
    base = {"from": period.date_from.isoformat(), "to": period.date_to.isoformat(), "scheme": scheme.name}
    region = request.user.region if request.user.region_id else None
    context = {
        "error": error,
        "result": result,
        "period": period,
        "scheme": scheme,
        "weights": [f"{w * 100:g}%" for w in scheme.weights],
        "schemes": A.schemes(),
        "by": by,
        "dimensions": [(key, label, urlencode({**base, "by": key})) for key, label in A.DIMENSIONS.items()],
        "dimension_label": A.DIMENSIONS[by],
        "rows": result.rows[:500],
        "rows_cut": max(len(result.rows) - 500, 0),
        "total": result.total,
        "rates": result.total_rates,
        "pct": _pct(result.total_rates),
        "indicator_rows": [
            (A.INDICATOR_LABELS[key], A.percent(value), key) for key, value in result.indicators.rates.items()
        ],
        "indicator_counts": result.indicators.counts,
        "durations": [{**d, "text": _duration(d["seconds"])} for d in result.indicators.durations],
        "composites": [(s, A.percent(result.composites.get(s.name), 2)) for s in A.schemes()],
        "query": urlencode({**base, "by": by}),
        "chart_query": urlencode(base),
        "scope_name": region.name if region else _("全部辖区"),
        "prev_week": urlencode({**base, **_shift(period, -7), "by": by}),
        "next_week": urlencode({**base, **_shift(period, 7), "by": by}),
    }
    return render(request, "cases/assessment.html", context, status=status)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 3600:
        return _("%(n)s 分钟") % {"n": round(seconds / 60)}
    if seconds < 48 * 3600:
        return _("%(n).1f 小时") % {"n": seconds / 3600}
    return _("%(n).1f 天") % {"n": seconds / 86400}


def _pct(rates: A.Rates | None) -> dict[str, str]:
    if rates is None:
        return {}
    return {
        "response": A.percent(rates.response),
        "completion": A.percent(rates.completion),
        "satisfaction": A.percent(rates.satisfaction),
        "composite": A.percent(rates.composite, 2),
    }


def _shift(period: A.Period, days: int) -> dict[str, str]:
    from datetime import timedelta

    return {
        "from": (period.date_from + timedelta(days=days)).isoformat(),
        "to": (period.date_to + timedelta(days=days)).isoformat(),
    }


@login_required
@require_GET
def assessment_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """``/assessment/export.csv`` — the chosen table; ``/assessment/export.xlsx`` — summary plus every table."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not may_assess(request.user):
        return _forbidden(request)
    try:
        period, scheme, by = _read(request)
    except InvalidInput as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    scope = scope_for(request.user)
    result = A.assessment(scope, period=period, scheme=scheme, by=by)
    if fmt == "csv":
        return exports.assessment_csv(result, dimension_label=str(A.DIMENSIONS[by]))
    tables = [(str(label), A.rows_by(scope, period, key, scheme)) for key, label in A.DIMENSIONS.items()]
    return exports.assessment_xlsx(result, tables)
