"""The triage dashboard (指挥台) of community / street / district centre staff, its live fragments, bulk actions
and exports (the assessment page and its charts live in ``assessment``).

Thin: ``escalation.selectors.triage`` reads (all scoped by ``case_queryset_for``), ``cases.services.case_transition``
writes (through ``services.bulk.bulk_apply``), ``escalation.grid_map`` draws the map.

htmx: the counters and the whistles poll their fragment every 15 s; the queue polls too, unless a case is
ticked for a bulk action (the trigger's filter keeps the selection). The filter form, sorting and paging
swap only the queue (``HX-Target: queue``) and push the full-page URL, so reload and back work.
"""

from __future__ import annotations

import html
from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Field
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases import exports
from cases.choices import Status
from cases.contact_log import log_unmasked_contact_rows
from cases.lights import LIGHT_LABELS, accept_late, hold_past_end
from cases.models import Case, CaseDispatch
from cases.selectors import case_queryset_for
from core import durations
from core.errors import InvalidInput
from core.links import pk_link_pattern
from core.roles import is_admin_or_centre_staff
from core.widgets import option_tags
from governance.http import AuthenticatedHttpRequest

from .. import filters as queue_filters
from .. import grid_map
from ..display import left_text
from ..selectors import triage
from ..services import bulk

POLL_SECONDS = 15


def _options(choices, selected: str | None, *, with_code: bool = False) -> SafeString:
    """``<option>`` elements for a filter select (the district's 200 grids, its departments …; the category's code
    before its name): ``core.widgets.option_tags``."""
    if with_code:
        choices = ((value, f"{value} {label}") for value, label in choices)
    return option_tags(choices, {selected} if selected else ())


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "forbidden.html",
        {"message": _("指挥台仅供综治中心工作人员和管理员使用")},
        status=403,
    )


def _filters_only(params: QueryDict) -> QueryDict:
    q = params.copy()
    for key in triage.PAGING:
        q.pop(key, None)
    return q


def _with(params: QueryDict, **extra) -> str:
    q = params.copy()
    for key, value in extra.items():
        q.pop(key, None)
        if value is not None:
            q[key] = str(value)
    return q.urlencode()


def _present_rows(rows, now) -> None:
    """What each queue row shows, worked out once in Python (links, local times, labels): the template then only
    prints — a district's 50 rows cost about a third of what the per-row template tags did."""
    tz = timezone.get_current_timezone()
    light_labels = {k: str(v) for k, v in LIGHT_LABELS.items()}
    # The choices' labels in the request's language, once per page (``get_FOO_display`` rebuilds the choices'
    # dict and translates the label again on every call — three calls a row).
    fields = [cast("Field", Case._meta.get_field(name)) for name in _DISPLAYED]
    levels, statuses, handlers = ({k: str(v) for k, v in f.flatchoices} for f in fields)
    return_reasons = {k: str(v) for k, v in cast("Field", CaseDispatch._meta.get_field("return_reason")).flatchoices}
    case_url = pk_link_pattern("cases:detail")  # one reverse for the page, as the case lists do
    resume_label = _("预计恢复办理")
    for c in rows:
        reported = c.reported_at.astimezone(tz)
        c.ui_url = case_url.format(pk=c.pk)
        c.ui_select_label = _("选择 %(n)s") % {"n": c.number}
        c.ui_reported_iso, c.ui_reported_short = reported.isoformat(), reported.strftime("%m-%d %H:%M")
        c.ui_level_text = _("在%(level)s") % {"level": levels.get(c.level, c.level)}
        c.ui_status_label = statuses.get(c.status, c.status)
        c.ui_light_label = light_labels.get(c.ui_light, "")
        c.ui_returns_text = _("退单 %(n)s") % {"n": c.return_count} if c.return_count and c.status == "accepted" else ""
        if c.ui_returns_text and getattr(c, "ui_last_return", None):  # why, as the returner said it
            reason, note = c.ui_last_return
            why = return_reasons.get(reason, reason)
            if note:
                why += _("：") + (note if len(note) <= 40 else note[:39] + "…")
            c.ui_returns_text += " · " + why
        c.ui_hold_due_text = _("挂账已过预计恢复时间") if hold_past_end(c, now) else ""
        # not accepted or dispatched in time: the light follows the level's handling clock, this the 受理/派遣 one
        c.ui_accept_late_text = _("受理/派遣超时") if accept_late(c, now) else ""
        if c.due_at and c.ui_light:
            due = c.due_at.astimezone(tz)
            c.ui_due_iso, c.ui_due_short = due.isoformat(), due.strftime("%m-%d %H:%M")
        elif c.status == Status.ON_HOLD and c.hold_until:  # its clock paused: the hold's expected end, as the case list
            until = c.hold_until.astimezone(tz)
            c.ui_due_iso, c.ui_due_short = until.isoformat(), until.strftime("%m-%d %H:%M")
            c.ui_left_text = f"{resume_label} · {left_text((c.hold_until - now).total_seconds())}"
        else:
            c.ui_due_iso = c.ui_due_short = ""
        c.ui_handler = (
            _("、").join(c.ui_departments) if c.ui_departments else handlers.get(c.handler_kind, c.handler_kind)
        )


_DISPLAYED = ("level", "status", "handler_kind")


def _queue_rows_html(rows, supervised_label: str) -> SafeString:
    """The queue's ``<tr>`` rows from what ``_present_rows`` worked out, built in one pass with the standard
    library's ``escape`` (the same text as Django's): a district's 50 rows were 1,500 template variable lookups,
    about a tenth of the page's time. ``tests/escalation/test_queue_rows.py`` holds it to the template loop it
    replaces."""
    esc = html.escape
    out = []
    for c in rows:
        light = esc(c.ui_light or "")
        place = c.grid.name if c.grid is not None else (c.community.name if c.community is not None else "")
        meta = esc(c.category.label) + f' · <span class="grade">{esc(c.grade)}</span>'
        if place:
            meta += f" · {esc(place)}"
        if c.ui_level_text:
            meta += f" · {esc(c.ui_level_text)}"
        badges = f'<span class="badge status-{esc(c.status)}">{esc(c.ui_status_label)}</span> '
        if light:
            badges += f'<span class="badge light-{light}">{esc(c.ui_light_label)}</span>'
        badges += " "
        if c.supervised_at:
            badges += f'<span class="badge status-supervised">{esc(supervised_label)}</span>'
        badges += " "
        if c.ui_returns_text:
            badges += f'<span class="badge status-overdue">{esc(c.ui_returns_text)}</span>'
        if c.ui_accept_late_text:
            badges += f'<span class="badge status-overdue" data-accept-late>{esc(c.ui_accept_late_text)}</span>'
        if c.ui_hold_due_text:
            badges += f'<span class="badge status-overdue" data-hold-due>{esc(c.ui_hold_due_text)}</span>'
        if c.ui_due_iso:
            due = (
                f'<time datetime="{esc(c.ui_due_iso)}">{esc(c.ui_due_short)}</time> '
                f'<span class="small">{esc(c.ui_left_text)}</span>'
            )
        else:
            due = '<span class="muted">—</span>'
        pk, url = int(c.pk), esc(c.ui_url)
        out.append(
            f'<tr class="{f"row--{light}" if light else ""}" data-case="{pk}">'
            f'<td class="cell-check"><input type="checkbox" name="ids" value="{pk}" aria-label="'
            f'{esc(c.ui_select_label)}"></td>'
            f'<td class="cell-number"><a class="mono" href="{url}">{esc(c.number)}</a> '
            f'<time class="muted small" datetime="{esc(c.ui_reported_iso)}">{esc(c.ui_reported_short)}</time></td>'
            f'<td class="cell-title"><a href="{url}">{esc(c.title)}</a> <span class="muted small cell-meta">{meta}'
            f'</span></td><td class="cell-status"> {badges} </td>'
            f'<td class="cell-due{" is-overdue" if c.ui_light == "red" else ""}">{due}</td>'
            f'<td class="cell-handler small">{esc(c.ui_handler)}</td></tr>'
        )
    return mark_safe("\n".join(out))


def _queue_context(request: HttpRequest, now, counted: dict[str, int] | None = None) -> dict:
    params = triage.clean_params(request.GET)
    error = None
    try:
        fs, page = triage.queue(request.user, params, now=now, counted=counted)
    except InvalidInput as exc:
        error = exc.message
        fs, page = triage.queue(request.user, _filters_only(params), now=now)
    _present_rows(page.rows, now)
    filters = _filters_only(params)
    sort_links = [(key, label, _with(filters, sort=key)) for key, label in queue_filters.SORTS.items()]
    return {
        "fs": fs,
        "page": page,
        "queue_error": error,
        "filters_qs": filters.urlencode(),
        "current_qs": params.urlencode(),
        "next_qs": _with(filters, after=page.next_cursor, pn=page.page_number + 1) if page.next_cursor else "",
        "prev_qs": _with(filters, before=page.prev_cursor, pn=max(page.page_number - 1, 1)) if page.prev_cursor else "",
        "sort_links": sort_links,
        "current_view": params.get("view") or ("open" if "status" not in params else ""),
        "poll_seconds": POLL_SECONDS,
        "queue_rows": _queue_rows_html(page.rows, _("督办")),
    }


def _bulk_context(user) -> dict:
    return {
        "bulk_actions": bulk.BULK_ACTIONS,
        "dispatch_targets": bulk.DISPATCH_TARGETS,
        "departments": triage.department_choices(user),
    }


def _counter_context(user, params: QueryDict, now, values: dict[str, int] | None = None) -> dict:
    values = values if values is not None else triage.counters(user, now=now)
    active = params.get("view") or ""
    return {
        "counters_qs": urlencode({"view": active}) if active else "",
        "counters": [
            {"key": v.key, "label": v.label, "css": v.css, "value": values[v.key], "active": v.key == active}
            for v in queue_filters.COUNTERS
        ],
        "poll_seconds": POLL_SECONDS,
        "counted_at": now,
    }


def _map_context(user, params: QueryDict, now, counts: triage.GridCounts | None = None) -> dict:
    cells = triage.grid_map(user, now=now, counts=counts)
    filters = _filters_only(triage.clean_params(params))
    try:
        selected = int(params.get("grid") or 0) or None
    except ValueError:
        selected = None
    base = reverse("escalation:dashboard") + "?" + _with(filters, grid=None)
    base += "&grid=" if base[-1] != "?" else "grid="
    svg = grid_map.grid_map_svg(cells, href=lambda c: f"{base}{c.id}#queue", selected=selected)
    return {
        "map_svg": svg,
        "map_cells": len(cells),
        "map_missing": [c for c in cells if not c.boundary],
        "map_open": sum(c.open for c in cells),
        "map_overdue": sum(c.overdue for c in cells),
        "map_communities": _map_list_html(_by_community(cells), reverse("escalation:dashboard")),
        "dashboard_url": reverse("escalation:dashboard"),
    }


def _filter_options(request: HttpRequest, choices: dict[str, list]) -> dict:
    get = request.GET.get
    return {
        "choices": choices,
        "grid_options": _options(choices["grids"], get("grid")),
        "community_options": _options(choices["communities"], get("community")),
        "category_options": _options(choices["categories"], get("category"), with_code=True),
        "department_options": _options(choices["departments"], get("department")),
    }


def _by_community(cells) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for c in cells:
        groups.setdefault(c.community or _("其他"), []).append(c)
    return list(groups.items())


def _map_list_html(groups: list[tuple[str, list]], dashboard_url: str) -> SafeString:
    """The map's text alternative: each community's grids as links with open/overdue counts (a district's 200
    grids), built in one pass rather than by a nested template loop — with the standard library's ``escape`` (the
    same text as Django's, without its per-call check for lazy strings: 1,200 calls for a district)."""
    esc = html.escape
    url, colon = esc(dashboard_url), esc(_("："))
    return mark_safe(
        "".join(
            f"<p><strong>{esc(community)}</strong>{colon}"
            + _("、").join(
                f'<a href="{url}?grid={int(c.id)}#queue" data-grid-link="{int(c.id)}">'
                f"{esc(c.name)} {int(c.open)}/{int(c.overdue)}</a>"
                for c in cells
            )
            + "</p>"
            for community, cells in groups
        )
    )


def countdown_text(seconds: float) -> str:
    """The one countdown wording, the same the page's ticker writes (``core.durations``)."""
    return durations.countdown_text(seconds)


def _whistle_context(user, now) -> dict:
    rows, total = triage.whistles_in_flight(user, now=now)
    for row in rows:
        row.text = countdown_text(row.clock.seconds_left)
    return {"whistles": rows, "whistles_total": total, "now": now, "poll_seconds": POLL_SECONDS}


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The page; with ``HX-Target: queue`` only the queue fragment (filter, sort, page changes)."""
    user = request.user
    if not is_admin_or_centre_staff(user):
        return _forbidden(request)
    now = timezone.now()
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "queue":
        return render(
            request, "escalation/dashboard_queue.html", {**_queue_context(request, now), **_bulk_context(user)}
        )
    counts = triage.open_counts(user, now=now)  # the counters, the map and the queue's total: one pass
    context = {
        **_counter_context(user, request.GET, now, counts.counters),
        **_queue_context(request, now, counts.view_totals()),
        **_bulk_context(user),
        **_map_context(user, request.GET, now, counts.by_grid),
        **_whistle_context(user, now),
        **_filter_options(request, triage.filter_choices(user)),
        "view_choices": queue_filters.VIEW_CHOICES,
        "scope_name": user.region.name if user.region_id else _("全部辖区"),
    }
    return render(request, "escalation/dashboard.html", context)


@login_required
@require_GET
def dashboard_counters(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_admin_or_centre_staff(request.user):
        return _forbidden(request)
    return render(
        request, "escalation/dashboard_counters.html", _counter_context(request.user, request.GET, timezone.now())
    )


@login_required
@require_GET
def dashboard_whistles(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_admin_or_centre_staff(request.user):
        return _forbidden(request)
    return render(request, "escalation/dashboard_whistles.html", _whistle_context(request.user, timezone.now()))


@login_required
@require_GET
def dashboard_map(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_admin_or_centre_staff(request.user):
        return _forbidden(request)
    return render(request, "escalation/dashboard_map.html", _map_context(request.user, request.GET, timezone.now()))


@login_required
def dashboard_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Bulk accept / dispatch of the ticked cases: each case in its own transaction; the answer lists every
    success and every refusal with its reason. htmx gets the refreshed queue; a plain form post is redirected.
    A GET (a reloaded action URL) changes nothing and goes back to the dashboard."""
    if request.method != "POST":
        return redirect("escalation:dashboard")
    user = request.user
    if not is_admin_or_centre_staff(user):
        return _forbidden(request)
    back = request.POST.get("back", "")
    try:
        ids = [int(i) for i in request.POST.getlist("ids")]
        departments = [int(d) for d in request.POST.getlist("departments")]
    except ValueError:
        ids, departments = [], []
    result, error = None, None
    try:
        result = bulk.bulk_apply(
            actor=user,
            case_ids=ids,
            action=request.POST.get("action", ""),
            target=request.POST.get("target", ""),
            department_ids=departments,
            note=request.POST.get("note", ""),
        )
    except InvalidInput as exc:
        error = exc.message
    if request.headers.get("HX-Request"):
        # The refreshed queue, and the counters out of band, counted at the same moment: they always agree.
        request.GET = QueryDict(back)
        now = timezone.now()
        context = {
            **_queue_context(request, now),
            **_bulk_context(user),
            "bulk": result,
            "bulk_error": error,
        }
        queue_html = render_to_string("escalation/dashboard_queue.html", context, request=request)
        counters_html = render_to_string(
            "escalation/dashboard_counters.html",
            {**_counter_context(user, request.GET, now), "oob": True},
            request=request,
        )
        # 200 with the error in the fragment: htmx swaps no 4xx answer, so a 400 left the officer looking at an
        # unchanged queue with no word of why (the fragment's ``bulk_error`` line never showed).
        return HttpResponse(queue_html + counters_html)
    if error:
        messages.error(request, error)
    elif result:
        if result.succeeded:
            messages.success(
                request,
                _("%(action)s成功 %(n)s 件：%(numbers)s")
                % {
                    "action": bulk.BULK_ACTIONS[result.action],
                    "n": len(result.succeeded),
                    "numbers": _("、").join(o.number for o in result.succeeded),
                },
            )
        for o in result.refused:
            messages.warning(request, _("%(number)s 未处理：%(reason)s") % {"number": o.number, "reason": o.message})
    return redirect(reverse("escalation:dashboard") + "?" + back)


@login_required
@require_GET
def dashboard_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    """The queue with its current filters and sort (all pages) as CSV (streamed) or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not is_admin_or_centre_staff(request.user):
        return _forbidden(request)
    now = timezone.now()
    fs = queue_filters.QueueFilter(
        _filters_only(triage.clean_params(request.GET)), queryset=case_queryset_for(request.user), now=now
    )
    sort = request.GET.get("sort") or queue_filters.DEFAULT_SORT
    sort = sort if sort in queue_filters.SORTS else queue_filters.DEFAULT_SORT
    qs = fs.qs.order_by(*queue_filters.ordering(sort))
    # Contacts are masked unless ?contacts=full, which needs the export permission and is access-logged.
    unmasked = request.GET.get("contacts") == "full"
    if unmasked:
        if not exports.export_contacts_allowed(request.user):
            message = _("导出群众联系方式明文需要“可导出群众联系方式明文”权限，请联系管理员")
            return render(request, "forbidden.html", {"message": message}, status=403)
        rows = qs.exclude(citizen_name="", citizen_phone="").order_by().values_list("pk", "street_id")
        log_unmasked_contact_rows(user=request.user, rows=rows.iterator(), channel="export", path=request.path)
    if fmt == "csv":
        return exports.cases_csv(qs, filename=f"queue-{exports.stamp()}.csv", unmasked=unmasked)
    return exports.cases_xlsx(qs, filename=f"queue-{exports.stamp()}.xlsx", unmasked=unmasked)
