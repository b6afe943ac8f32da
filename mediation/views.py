"""Pages of the mediation app: the dispute list, registering a dispute, a dispute's page with its actions,
and the figures (found, mediated, success rate, resolved at which level). Thin: forms → services → redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError, Refusal

from . import forms, selectors, services
from .api.views import figure_params, log_contact_reads
from .choices import Status
from .permissions import may_manage, may_mediate


def _attempt(request: HttpRequest, fn, success: str, **kwargs):
    """Run a service: flash its success, or its refusal's reason. ``NotFound`` is not a refusal: it propagates and
    ``core.middleware.DomainErrorMiddleware`` answers 404."""
    try:
        result = fn(**kwargs)
    except Refusal as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.disputes_for(request.user)
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "mediation/list.html", {"page_obj": page, "status": status, "statuses": Status.choices})


@login_required
@require_http_methods(["GET", "POST"])
def dispute_new(request: HttpRequest) -> HttpResponse:
    form = forms.DisputeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        dispute = _attempt(
            request,
            services.dispute_open,
            _("纠纷已登记"),
            actor=request.user,
            title=d["title"],
            kind=d["kind"],
            description=d["description"],
            parties=form.parties(),
            grid=d["grid"],
            community=d["community"],
            amount=d["amount"],
            risk=d["risk"],
            source_case_id=d["source_case"],
        )
        if dispute:
            return redirect("mediation:detail", pk=dispute.pk)
    return render(request, "mediation/new.html", {"form": form, "party_rows": range(forms.PARTY_ROWS)})


@login_required
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, pk)


def _detail_page(request: HttpRequest, pk: int, *, action: str = "", bound=None, status: int = 200) -> HttpResponse:
    """The dispute's page; after a refused or invalid action, with that action's form as the user filled it in
    (open, its errors on it) — a session's notes and agreement are not lost to a missing signatory."""
    dispute = selectors.dispute_get_for(request.user, pk)
    sees = bool(log_contact_reads(request, [dispute], "page"))
    blank = {
        "start": forms.StartForm(prefix="start"),
        "transfer": forms.TransferForm(prefix="transfer"),
        "assign": forms.AssignForm(prefix="assign", user=request.user),
        "session": forms.SessionForm(prefix="session"),
        "case": forms.ToCaseForm(prefix="case"),
        "refer": forms.ReferForm(prefix="refer"),
    }
    if bound is not None:
        blank[action] = bound
    return render(
        request,
        "mediation/detail.html",
        {
            "d": dispute,
            "parties": dispute.parties.all(),
            "sees_contact": sees,
            "sessions": dispute.sessions.all(),
            "events": selectors.timeline(dispute),
            "manager": may_manage(request.user, dispute),
            "mediator": may_mediate(request.user, dispute),
            "bound_action": action,
            **{f"{name}_form": form for name, form in blank.items()},
        },
        status=status,
    )


ACTIONS: dict[str, tuple[Any, Callable[..., object], str]] = {  # form class, service, success message
    "start": (forms.StartForm, services.dispute_start, "已开始调解"),
    "transfer": (forms.TransferForm, services.dispute_transfer, "已转换调解类型"),
    "assign": (forms.AssignForm, services.dispute_assign, "已指定承办人"),
    "session": (forms.SessionForm, services.session_record, "已记录调解"),
    "case": (forms.ToCaseForm, services.dispute_to_case, "已转为事件"),
    "refer": (forms.ReferForm, services.dispute_refer, "已移交"),
}


@login_required
@require_POST
def dispute_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    form_class, fn, success = ACTIONS[action]
    extra = {"user": request.user} if form_class is forms.AssignForm else {}
    form = form_class(request.POST, prefix=action, **extra)
    if not form.is_valid():
        messages.error(request, _("请检查表单中标出的内容。"))
        return _detail_page(request, pk, action=action, bound=form, status=400)
    data = dict(form.cleaned_data)
    if action == "session" and not data.get("level"):
        data.pop("level", None)
    try:
        fn(actor=request.user, dispute_id=pk, **data)
    except Refusal as exc:  # said at the top; the form keeps what was written
        messages.error(request, exc.message)
        return _detail_page(request, pk, action=action, bound=form, status=exc.status_code)
    messages.success(request, _(success))
    return redirect("mediation:detail", pk=pk)


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    try:
        by, first, last = figure_params(request.GET)
    except DomainError as exc:
        messages.error(request, exc.message)
        by, first, last = figure_params({})
    rows = selectors.figures(request.user, by=by, date_from=first, date_to=last)
    return render(
        request,
        "mediation/figures.html",
        {"rows": rows, "by": by, "date_from": first, "date_to": last, "query": request.GET.urlencode()},
    )


@login_required
def figures_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The figures of the page (same parameters, same scope) as CSV or XLSX; bad parameters answer 400."""
    from .exports import figures_csv, figures_xlsx

    try:
        by, first, last = figure_params(request.GET)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    rows = selectors.figures(request.user, by=by, date_from=first, date_to=last)
    if fmt == "csv":
        return figures_csv(rows, by=by, date_from=first, date_to=last)
    return figures_xlsx(rows, by=by, date_from=first, date_to=last)
