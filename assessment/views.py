"""The assessment page (考核): the 三率 and the 数字城管 indicators of the user's scope for a period, its CSV /
XLSX exports and its two SVG trend charts. Thin: ``selectors`` computes everything in SQL aggregates,
``charts`` draws, ``exports`` writes the files.

``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (default: the current week), ``?scheme=<name>`` (a stored
``WeightScheme``; default: the one that applies to the user's street or district, else the default scheme),
``?by=grid|community|street|department|person``. A district-wide scope's fixed periods come from the figures
beat keeps (``services``; the page says when they were counted), unless ``?live=1``. Bad input re-renders the page
for the default period with the message (HTTP 400); the exports and the charts answer 400 with the message.
"""

from __future__ import annotations

from html import escape as html_escape
from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.selectors import scope_for
from core.errors import InvalidInput
from governance.http import AuthenticatedHttpRequest
from governance.models import User
from residents.statistics import completion_from_json, visit_completion_for_assessment

from . import charts, exports, selectors, services
from .indicators import COUNT_LABELS, SCORED_INDICATORS, STANDARD_INDICATORS, Rates, Scheme, percent
from .periods import Period
from .permissions import may_assess


def _read(request: HttpRequest, stored: list[selectors.StoredScheme]) -> tuple[Period, Scheme, str]:
    g = request.GET
    period = Period.parse(g.get("from"), g.get("to"))
    scheme = selectors.scheme_for(g.get("scheme") or None, user=request.user, stored=stored)
    by = g.get("by") or selectors.default_dimension(request.user)
    if by not in selectors.DIMENSIONS:
        raise InvalidInput(_("未知的统计维度：%(by)s") % {"by": by}, code="by")
    return period, scheme, by


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "forbidden.html",
        {"message": _("考核统计仅供综治中心工作人员和管理员查看")},
        status=403,
    )


def _bad_request(exc: InvalidInput) -> HttpResponse:
    return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def assessment_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_assess(request.user):
        return _forbidden(request)
    stored = selectors.stored_schemes()
    error, status = None, 200
    try:
        period, scheme, by = _read(request, stored)
    except InvalidInput as exc:
        error, status = exc.message, 400
        period = Period.week_of(timezone.localdate())
        scheme = selectors.scheme_for(user=request.user, stored=stored)
        by = selectors.default_dimension(request.user)
    all_schemes = selectors.schemes(stored)
    scope = scope_for(request.user)
    live = _wants_live(request)
    figures = None if live else selectors.kept_figures(scope, period)
    result = selectors.assessment(scope, period=period, scheme=scheme, by=by, compare=all_schemes, figures=figures)
    for row in result.rows:
        pct = _pct(row.rates)
        row.extra |= {"pct": pct, "pct_scored": [(i.key, pct[i.key]) for i in SCORED_INDICATORS]}
    base = {"from": period.date_from.isoformat(), "to": period.date_to.isoformat(), "scheme": scheme.name}
    if live:  # the dimensions and the exports of a live page are counted live too
        base["live"] = "1"
    user = cast(User, request.user)  # login_required
    region = user.region if user.region_id else None
    shares = scheme.shares()
    total_pct = _pct(result.total_rates)
    hotline = selectors.hotline_figures(scope, period, scheme, figures=result.figures)
    if result.figures is not None and result.figures.visits is not None:  # kept with the figures
        visits = completion_from_json(result.figures.visits["completion"])
    else:
        visits = visit_completion_for_assessment(user=user, date_from=period.date_from, date_to=period.date_to)
    context = {
        "error": error,
        "result": result,
        "period": period,
        "scheme": scheme,
        "scored": [
            {
                "key": i.key,
                "label": i.label,
                "share": _share(shares.get(i.key)),
                "value": total_pct[i.key],
                "denominator": f"{COUNT_LABELS[i.denominator]} {getattr(result.total, i.denominator)}",
            }
            for i in SCORED_INDICATORS
        ],
        "schemes": all_schemes,
        "by": by,
        "dimensions": [(key, label, urlencode({**base, "by": key})) for key, label in selectors.DIMENSIONS.items()],
        "dimension_label": selectors.DIMENSIONS[by],
        "rows": result.rows[:500],
        "rows_html": _ranking_rows_html(result.rows[:500]),
        "rows_cut": max(len(result.rows) - 500, 0),
        "total": result.total,
        "rates": result.total_rates,
        "pct": total_pct,
        "indicator_rows": [
            (STANDARD_INDICATORS[key], percent(value), key) for key, value in result.indicators.rates.items()
        ],
        "indicator_counts": result.indicators.counts,
        "durations": [{**d, "text": _duration(d["seconds"])} for d in result.indicators.durations],
        "composites": [(s, percent(result.composites.get(s.name), 2)) for s in all_schemes],
        "visits": visits,
        "visits_pct": percent(visits["rate"]) if visits else "—",
        "visit_workers": visits["workers"][:200] if visits else [],
        # a worker with nothing due and no visit in the period is a name, not a row of zeros (a street has ~50)
        "visit_workers_html": _visit_workers_html([w for w in visits["workers"][:200] if w["due"] or w["visits"]])
        if visits
        else "",
        "visit_workers_idle": [w["user"] for w in visits["workers"][:200] if not (w["due"] or w["visits"])]
        if visits
        else [],
        "visit_workers_cut": max(len(visits["workers"]) - 200, 0) if visits else 0,
        "hotline": hotline,
        "hotline_pct": {
            "street": _pct(hotline.rates),
            "hotline": {key: percent(value) for key, value in hotline.hotline_rates.items()},
        },
        "query": urlencode({**base, "by": by}),
        "chart_query": urlencode(base),
        "scope_name": region.name if region else _("全部辖区"),
        "prev_week": urlencode({**base, **_bounds(period.step(-1)), "by": by}),
        "next_week": urlencode({**base, **_bounds(period.step(1)), "by": by}),
        "fixed_periods": _fixed_period_links(period, scheme, by),
        "computed_at": figures.computed_at if figures else None,
        "figures_every": round(settings.ASSESSMENT_FIGURES_INTERVAL / 60),
        "live_query": urlencode({**base, "by": by, "live": "1"}),
        "kept_query": urlencode({k: v for k, v in {**base, "by": by}.items() if k != "live"}),
        "may_keep": live and selectors.figures_key(scope) is not None,
    }
    return render(request, "assessment/assessment.html", context, status=status)


def _wants_live(request: HttpRequest) -> bool:
    """``?live=1``: count now, not from the kept figures."""
    return request.GET.get("live") in ("1", "true", "yes")


def _fixed_period_links(period: Period, scheme: Scheme, by: str) -> list[dict[str, object]]:
    """The fixed periods (this week … the last 30 days) as links keeping the scheme and dimension; the one shown
    is marked current."""
    out = []
    for key, fixed in services.fixed_periods(timezone.localdate()).items():
        query = urlencode({**_bounds(fixed), "scheme": scheme.name, "by": by})
        out.append({"key": key, "label": services.FIXED_PERIODS[key], "query": query, "current": fixed == period})
    return out


def _e(value: object) -> str:
    """``django.utils.html.escape`` without its lazy-string wrapper (the same five characters, the same output): the
    ranking's few thousand cells are plain strings and ints."""
    return html_escape(str(value))


def _dash(value: object) -> object:
    """The template's ``default_if_none:"—"``."""
    return "—" if value is None else value


def _ranking_rows_html(rows: list[selectors.Row]) -> SafeString:
    """The ranking table's ``<tr>``s (a district's 200 grids or 400 people, a dozen cells each), built in one pass
    in Python: the markup the template loop wrote, at a fraction of its cost per cell. Counts are ints; every
    text is escaped."""
    out = []
    for row in rows:
        c, pct = row.counts, row.extra["pct"]
        scored = "".join(f'<td class="num" data-rate="{_e(k)}">{_e(v)}</td>' for k, v in row.extra["pct_scored"])
        out.append(
            f'<tr data-key="{_e("" if row.key is None else row.key)}">'
            f'<td class="num sticky-1">{_e(_dash(row.rank))}</td>'
            f'<th scope="row" class="sticky-2">{_e(row.label)}</th>'
            f'<td class="num" data-rate="composite"><strong>{_e(pct.get("composite", ""))}</strong></td>{scored}'
            f'<td class="num" data-count="received">{c.received:d}</td>'
            f'<td class="num" data-count="responded">{c.responded:d}</td>'
            f'<td class="num" data-count="due">{c.due:d}</td>'
            f'<td class="num" data-count="completed">{c.completed:d}</td>'
            f'<td class="num" data-count="rated">{c.rated:d}</td>'
            f'<td class="num" data-count="satisfied">{c.satisfied:d}</td>'
            f'<td class="num" data-count="basic">{c.basic:d}</td>'
            f'<td class="num" data-count="unsatisfied">{c.unsatisfied:d}</td></tr>'
        )
    return mark_safe("".join(out))  # every interpolated text above is escaped; the rest are ints


def _visit_workers_html(workers: list[dict]) -> SafeString:
    """The 走访完成率 table's rows (up to 200 grid workers), built in one pass like the ranking's."""
    return mark_safe(  # every interpolated text is escaped; the rest are ints
        "".join(
            f'<tr data-worker="{_e(w["user"].username)}"><td class="num">{_e(_dash(w["rank"]))}</td>'
            f'<th scope="row">{_e(w["user"])}</th><td>{_e(_("、").join(g.name for g in w["grids"]))}</td>'
            f'<td class="num" data-count="due">{w["due"]:d}</td>'
            f'<td class="num" data-count="on_time">{w["on_time"]:d}</td>'
            f'<td class="num" data-rate="visit-rate">{_e(percent(w["rate"]))}</td>'
            f'<td class="num" data-count="visits">{w["visits"]:d}</td></tr>'
            for w in workers
        )
    )


def _share(share: float | None) -> str:
    """An indicator's share of the composite, "—" when the scheme does not count it."""
    return "—" if not share else f"{share * 100:.4g}%"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 3600:
        return _("%(n)s 分钟") % {"n": round(seconds / 60)}
    if seconds < 48 * 3600:
        return _("%(n).1f 小时") % {"n": seconds / 3600}
    return _("%(n).1f 天") % {"n": seconds / 86400}


def _pct(rates: Rates | None) -> dict[str, str]:
    if rates is None:
        return {}
    return {
        **{i.key: percent(rates.values[i.key]) for i in SCORED_INDICATORS},
        "composite": percent(rates.composite, 2),
    }


def _bounds(period: Period) -> dict[str, str]:
    return {"from": period.date_from.isoformat(), "to": period.date_to.isoformat()}


@login_required
@require_GET
def assessment_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """``/assessment/export.csv`` — the chosen table; ``/assessment/export.xlsx`` — summary plus every table."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not may_assess(request.user):
        return _forbidden(request)
    stored = selectors.stored_schemes()
    try:
        period, scheme, by = _read(request, stored)
    except InvalidInput as exc:
        return _bad_request(exc)
    scope = scope_for(request.user)
    figures = None if _wants_live(request) else selectors.kept_figures(scope, period)
    result = selectors.assessment(
        scope, period=period, scheme=scheme, by=by, compare=selectors.schemes(stored), figures=figures
    )
    if fmt == "csv":
        return exports.assessment_csv(result, dimension_label=str(selectors.DIMENSIONS[by]))
    tables = [
        (str(label), selectors.rows_by(scope, period, key, scheme, figures=figures))
        for key, label in selectors.DIMENSIONS.items()
    ]
    return exports.assessment_xlsx(result, tables)


# --- the two trend charts the page embeds -------------------------------------------------------------------

DAILY_COLOURS = {
    "waiting": "#1f5fbf",
    "handling": "#6a4fc3",
    "resolved": "#c98a00",
    "closed": "#1e6b33",
    "other": "#8a94a3",
}
#: Line colours of the weekly chart: the scored indicators in list order, then the composite (dashed).
WEEKLY_COLOURS = ["#1f5fbf", "#1e6b33", "#c98a00", "#6a4fc3", "#0e7c86", "#8a5a00"]
COMPOSITE_COLOUR = "#a3211a"


def _svg(body: str) -> HttpResponse:
    response = HttpResponse(body, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=60"
    return response


@login_required
@require_GET
def chart_daily(request: HttpRequest) -> HttpResponse:
    """Cases reported per day of the period, stacked by their current status group."""
    if not may_assess(request.user):
        return _forbidden(request)
    try:
        period = Period.parse(request.GET.get("from"), request.GET.get("to"))
    except InvalidInput as exc:
        return _bad_request(exc)
    days = selectors.daily_status(scope_for(request.user), period)
    series = [charts.Series(key, str(label), DAILY_COLOURS[key]) for key, label, _s in selectors.STATUS_GROUPS]
    rows = [{**d, "label": d["day"].strftime("%m-%d")} for d in days]
    title = _("每日上报案件（按当前状态）")
    desc = _("；").join(f"{r['label']}{_('：')}{r['total']}" for r in rows)
    return _svg(charts.stacked_bars_svg(rows, series, label_key="label", title=title, desc=desc))


@login_required
@require_GET
def chart_weekly(request: HttpRequest) -> HttpResponse:
    """The scored indicators and the composite of the eight weeks ending with the period's last week — from the kept
    weekly counts of a district-wide scope when fresh (the page's ``?live=1`` counts them now)."""
    if not may_assess(request.user):
        return _forbidden(request)
    try:
        period = Period.parse(request.GET.get("from"), request.GET.get("to"))
        scheme = selectors.scheme_for(request.GET.get("scheme") or None, user=request.user)
    except InvalidInput as exc:
        return _bad_request(exc)
    weeks = selectors.weekly_rates(
        scope_for(request.user),
        last_day=period.date_to,
        weeks=services.CHART_WEEKS,
        scheme=scheme,
        live=_wants_live(request),
    )
    rows = [
        {"label": w["period"].date_from.strftime("%m-%d"), **w["rates"].values, "composite": w["rates"].composite}
        for w in weeks
    ]
    series = [
        charts.Series(i.key, str(i.label), WEEKLY_COLOURS[n % len(WEEKLY_COLOURS)])
        for n, i in enumerate(SCORED_INDICATORS)
    ]
    series.append(charts.Series("composite", _("综合"), COMPOSITE_COLOUR, dashed=True))
    title = _("近八周三率（%(scheme)s）") % {"scheme": scheme.label}
    desc = _("；").join(f"{r['label']}{_('：')}" + "/".join(percent(r[i.key]) for i in SCORED_INDICATORS) for r in rows)
    return _svg(charts.lines_svg(rows, series, label_key="label", title=title, desc=desc))
