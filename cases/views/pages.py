"""Pages for grid workers, centre staff and liaisons: the case list, "my cases", filing, the case page and
its actions.

Every read goes through ``selectors.case_queryset_for`` / ``case_get_for`` (outside scope → 404), every write
through ``services.case_file`` / ``case_transition``. A refused action (NotAllowed / Forbidden / InvalidInput)
re-renders the page with the message and the values the user typed; nothing has changed then.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import InvalidInput, Refusal
from core.hostile_input import whole_number
from core.links import pk_link_pattern, posted_next
from core.once import Submission, repeated
from core.pagination import capped_count, keyset_page
from governance.choices import Level, Role
from governance.http import AuthenticatedHttpRequest
from residents.selectors import houses_visible_to

from .. import hooks, permissions, transitions
from ..choices import OPEN_STATUSES, EvidenceStage, HandlerKind, Status
from ..contact_log import log_unmasked_contacts
from ..forms import ActionForm, CaseFileForm, CaseFilterForm
from ..lights import LIGHT_LABELS, accept_late
from ..models import Case
from ..selectors import (
    allowed_actions,
    attach_list_rows,
    case_active_dispatches,
    case_get_for,
    case_pending_extension,
    case_pending_hold,
    case_queryset_for,
    case_rating,
    case_ratings,
    case_timeline,
    nearby_open_duplicates,
    rule_labels,
)
from ..services import case_file, case_transition
from . import display

PAGE_SIZE = 20
LIST_RELATED = ("category", "grid", "community", "street")

#: Actions the case page posts to ``case_act`` (whistle is escalation's: it creates the summonses).
ACT_ACTIONS = frozenset([a for a in transitions.PAGE_ACTIONS if a != "whistle"]) | {
    *transitions.DECISION_ACTIONS,
    "comment",
    "note",
}

#: Backward or refusing actions: shown as quieter buttons so the way forward stands out.
QUIET_ACTIONS = frozenset(
    [
        "reject",
        "return_request",
        "return_reject",
        "recall",
        "verify_failed",
        "escalate",
        "merge",
        "hold",
        "hold_request",
        "hold_refuse",
        "reopen",
        "extension_refuse",
    ]
)

#: Where InvalidInput codes from ``case_file`` point in the filing form.
FILE_ERROR_FIELDS = {
    "category": "category",
    "grid": "grid",
    "place": "grid",
    "coordinates": "lat",
    "house": "house",
    "file_too_large": "photos",
    "file_empty": "photos",
    "file_type": "photos",
    "rule_limit": "category",
}


def _decorate(cases, now) -> list[Case]:
    """Attach what a list row shows (``cases/_case_row.html``) without further queries, worked out once per page
    where it can be: the link from one pattern, the status and level labels and the light's words translated once
    (``get_FOO_display`` rebuilds its choices on every call), the local report time formatted here — the template
    only prints. A page of 20 rows cost 25 ms of template tags at 1M cases."""
    rows = list(cases)
    tz = timezone.get_current_timezone()
    link = pk_link_pattern("cases:detail")
    statuses = {k: str(v) for k, v in Status.choices}
    levels = {k: _("%(level)s级") % {"level": v} for k, v in Level.choices}
    lights = {k: str(v) for k, v in LIGHT_LABELS.items()}
    for c in rows:
        c.ui_light = c.light(now)
        c.ui_light_label = lights.get(c.ui_light, "")
        c.ui_due = display.primary_due(c, now)
        c.ui_accept_late = accept_late(c, now)
        c.ui_url = link.format(pk=c.pk)
        c.ui_status_label = statuses.get(c.status, c.status)
        c.ui_level_label = levels.get(c.level, c.level)
        reported = c.reported_at.astimezone(tz)
        c.ui_reported_iso, c.ui_reported_short = reported.isoformat(), reported.strftime("%m-%d %H:%M")
    return rows


# --- lists ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """All cases in the user's scope, filtered and sorted by a GET form, in keyset pages of 20.

    A page seeks past the previous page's boundary row through the order's index (``core.pagination``), so the
    last page costs what the first does and a page does not shift when cases are filed meanwhile; the count
    reads at most ``LIST_COUNT_CAP`` rows and says so above it (with PostgreSQL's estimate). The category, grid
    and places are read by primary key for the page (``attach_list_rows``): the same queries whatever the page.
    A cursor that was tampered with answers 400 with the first page and a message.
    """
    now = timezone.now()
    form = CaseFilterForm(request.GET or None, user=request.user)
    qs = case_queryset_for(request.user).defer("description")
    qs = form.filter(qs, now=now) if form.is_bound else qs
    qs = qs.order_by(*form.ordering())
    cursor_error = ""
    try:
        page = keyset_page(qs, request.GET.get("cursor"), PAGE_SIZE)
    except InvalidInput as exc:
        cursor_error = exc.message
        page = keyset_page(qs, None, PAGE_SIZE)
    rows = _decorate(attach_list_rows(page.rows, evidence_counts=False), now)
    filters = request.GET.copy()
    filters.pop("cursor", None)
    filters.pop("page", None)

    def link(cursor: str | None) -> str:
        q = filters.copy()
        if cursor:
            q["cursor"] = cursor
        return "?" + q.urlencode() if q else "?"

    context = {
        "form": form,
        "rows": rows,
        "counted": capped_count(qs),
        "cursor_error": cursor_error,
        "first_url": link(None),
        "previous_url": link(page.previous_cursor) if page.previous_cursor else "",
        "next_url": link(page.next_cursor) if page.next_cursor else "",
        "last_url": link(page.last_cursor) if page.next_cursor else "",
        "now": now,
    }
    return render(request, "cases/list.html", context, status=400 if cursor_error else 200)


MINE_TABS = [
    ("todo", gettext_lazy("待我处理")),
    ("reported", gettext_lazy("我上报的")),
    ("all", gettext_lazy("本网格全部")),
]


def _todo_filter() -> Q:
    """Open cases the grid team has to act on: held by the grid team (or still at grid level), or waiting for
    on-site verification, or the user's own reports still at the start."""
    return Q(status__in=[s.value for s in OPEN_STATUSES]) & (
        Q(
            handler_kind=HandlerKind.GRID_TEAM,
            status__in=[Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS],
        )
        | Q(level=Level.GRID, status__in=[Status.REPORTED, Status.ACCEPTED])
        | Q(status=Status.RESOLVED)
    )


@login_required
@require_GET
def my_cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The grid worker's day: what waits for the grid team, what I reported, everything in my grids."""
    now = timezone.now()
    user = request.user
    tabs = dict(MINE_TABS)
    tab = request.GET.get("tab") or "todo"
    if tab not in tabs:
        tab = "todo"
    scope = case_queryset_for(user)
    filters = {"todo": _todo_filter(), "reported": Q(reporter=user), "all": Q()}
    counts = {key: scope.filter(filters[key]).count() for key in tabs}
    qs = scope.filter(filters[tab]).select_related(*LIST_RELATED)
    qs = qs.order_by("due_at", "-reported_at") if tab == "todo" else qs.order_by("-reported_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _decorate(page.object_list, now)
    return render(
        request,
        "cases/mine.html",
        {
            "tabs": [(key, str(label), counts[key]) for key, label in MINE_TABS],
            "tab": tab,
            "page_obj": page,
            "now": now,
            "can_file": _may_file(user),
        },
    )


# --- filing ----------------------------------------------------------------------------------------------


def _may_file(user) -> bool:
    return user.is_admin or user.role in (Role.GRID_WORKER, Role.CENTRE_STAFF)


def _scoped_duplicates(user, *, category_id, lat, lng, grid_id) -> list[Case]:
    """Nearby open cases of the same category that the user may see (the others must not leak)."""
    scope = case_queryset_for(user).select_related("category", "grid")
    return list(nearby_open_duplicates(category_id=category_id, lat=lat, lng=lng, grid_id=grid_id, among=scope))


def _dup_seen(request: HttpRequest) -> set[int]:
    raw = request.POST.get("dup_seen", "")
    return {n for x in raw.split(",") if (n := whole_number(x)) is not None}


@login_required
def case_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """File a case. Before saving, nearby open cases of the same category are offered: add my information to
    one of them as a comment, or file anyway. A refused file or bad input re-renders every value entered."""
    user = request.user
    if not _may_file(user):
        if user.role == Role.CITIZEN:
            return redirect("cases:report")
        return render(request, "cases/cannot_file.html", status=403)
    if request.method != "POST":
        house = None
        wanted = whole_number(request.GET.get("house", ""))
        if wanted is not None:
            house = houses_visible_to(user=user).filter(pk=wanted).first()
        return render(request, "cases/new.html", {"form": CaseFileForm(user=user, house=house)})

    form = CaseFileForm(request.POST, request.FILES, user=user)
    context: dict = {"form": form}
    if not form.is_valid():
        context["files_lost"] = bool(request.FILES)
        return render(request, "cases/new.html", context, status=400)
    with Submission(request, "cases:new") as sent:  # a double tap files (or adds to a duplicate) once
        if sent.earlier is not None:
            return repeated(request, sent)
        response = _file_or_add(request, form, context)
        if response.status_code == 302:
            sent.made(response["Location"])
        return response


def _file_or_add(request: AuthenticatedHttpRequest, form: CaseFileForm, context: dict) -> HttpResponse:
    """The filing itself, once the form is valid: add to the duplicate chosen, or offer the nearby open cases of
    the category not seen yet, or file."""
    user = request.user
    kwargs = form.service_kwargs()
    files = form.cleaned_data["photos"]
    dup_of = whole_number(request.POST.get("duplicate_of", ""))
    if dup_of is not None:
        return _add_to_duplicate(request, form, dup_of, files)

    grid = kwargs.get("grid")
    duplicates = _scoped_duplicates(
        user, category_id=kwargs["category"].id, lat=kwargs["lat"], lng=kwargs["lng"], grid_id=grid.id if grid else None
    )
    unseen = [d for d in duplicates if d.id not in _dup_seen(request)]
    if unseen and not request.POST.get("file_anyway"):
        context.update(duplicates=duplicates, files_lost=bool(files), dup_check=True)
        messages.warning(request, _("附近已有相似的未办结事件，请确认是否为同一件事。"))
        return render(request, "cases/new.html", context)
    try:
        case = case_file(actor=user, files=files, **kwargs)
    except InvalidInput as exc:
        form.add_error(FILE_ERROR_FIELDS.get(exc.code), exc.message)
        context["files_lost"] = bool(files)
        return render(request, "cases/new.html", context, status=400)
    messages.success(request, _("事件 %(number)s 已上报。") % {"number": case.number})
    return redirect("cases:detail", pk=case.pk)


def _add_to_duplicate(request: AuthenticatedHttpRequest, form: CaseFileForm, case_id: int, files: list) -> HttpResponse:
    """ "This is the same": my description (and photos) become a public comment on the existing case."""
    d = form.service_kwargs()
    note = _("%(description)s（补充上报，地址：%(address)s）") % {
        "description": d["description"],
        "address": d["address"],
    }
    try:
        case = case_transition(case_id=case_id, action="comment", actor=request.user, note=note, files=files)
    except Refusal as exc:
        form.add_error(FILE_ERROR_FIELDS.get(exc.code), exc.message)
        return render(request, "cases/new.html", {"form": form, "files_lost": bool(files)}, status=exc.status_code)
    messages.success(request, _("已把您的信息作为留言补充到事件 %(number)s。") % {"number": case.number})
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_GET
def duplicates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """htmx partial for the filing form: open cases of the chosen category near the point or in the grid."""
    cat = whole_number(request.GET.get("category", ""))
    grid = whole_number(request.GET.get("grid", ""))
    lat, lng = _float(request.GET.get("lat")), _float(request.GET.get("lng"))
    found = []
    if cat is not None and (grid is not None or (lat is not None and lng is not None)):
        found = _scoped_duplicates(request.user, category_id=cat, lat=lat, lng=lng, grid_id=grid)
    return render(request, "cases/_duplicates.html", {"duplicates": found})


def _float(value) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


# --- the case page ---------------------------------------------------------------------------------------


def _whistle_url(case: Case) -> str | None:
    """Whistling belongs to escalation (it creates the summonses); link to its page when it is installed."""
    try:
        return reverse("escalation:whistle", kwargs={"pk": case.pk})
    except NoReverseMatch:
        return None


def _page_actions(user, case: Case) -> list[dict]:
    """Exactly the actions that would succeed now (and, disabled with the reason, those refused to this user);
    the decisions on a pending request come first — they are what the dispatcher has to do."""
    names = [*transitions.DECISION_ACTIONS, *transitions.PAGE_ACTIONS]
    buttons = []
    for item in allowed_actions(user, case, names):
        if item["action"] == "supervise" and not item["allowed"]:
            continue  # a higher centre's prerogative: not a button the rest are shown and refused
        if item["action"] == "whistle":
            url = _whistle_url(case)
            if url is None:
                continue
            item = {**item, "url": url}
        buttons.append(item)
    return buttons


def _render_case(
    request: AuthenticatedHttpRequest,
    case: Case,
    *,
    bound: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    now = timezone.now()
    pending = case_pending_extension(case)
    pending_hold = case_pending_hold(case)
    ratings = case_ratings(case)
    rating = case_rating(case)
    buttons = _page_actions(user, case)
    first = True
    for item in buttons:
        if item["allowed"]:
            item["tone"] = "quiet" if item["action"] in QUIET_ACTIONS else ("primary" if first else "")
            first = first and item["tone"] != "primary"
        if item["allowed"] and "url" not in item:
            if bound is not None and bound.action == item["action"]:
                item["form"] = bound
                item["open"] = True
            else:
                item["form"] = ActionForm(action=item["action"], case=case)
    events = list(case_timeline(case))
    refs = [(ev.data or {}).get("rule") for ev in events]
    rules = rule_labels({ref.get("id") for ref in refs if isinstance(ref, dict) and ref.get("id")})
    for ev in events:
        ev.ui_actor = display.staff_actor(ev)
        ev.ui_note = display.event_note(ev)  # type: ignore[attr-defined]  # display attributes, as the ones around it
        ev.ui_label = display.event_label(ev)
        ev.ui_system = display.is_system(ev)
        ev.ui_reason = display.reason_label(ev.reason)
        facts = display.event_facts(ev)
        ref = (ev.data or {}).get("rule")
        if isinstance(ref, dict) and ref.get("id") in rules:
            facts.append(_("时限依据：%(rule)s") % {"rule": rules[ref["id"]]})
        ev.ui_facts = facts
    dispatches = case_active_dispatches(case)
    may_remark = permissions.may_view(user, case).allowed
    remark_form = bound if bound is not None and bound.action in ("comment", "note") else None
    if remark_form is None and may_remark:
        remark_form = ActionForm(action="note" if user.role != Role.CITIZEN else "comment", case=case)
    if remark_form is not None and user.role == Role.CITIZEN:
        remark_form.fields.pop("visibility", None)
    offered = {b["action"] for b in buttons if b["allowed"]} | {"comment", "note"}
    # a state refusal (409) only: someone else moved the case on. A refusal of the user (403) is no news of the
    # case, and its reason is the message above.
    unsent = _unsent(bound) if bound is not None and bound.action not in offered and status == 409 else None
    see_contact = permissions.can_see_citizen_contact(user, case)
    if see_contact:
        log_unmasked_contacts(user=user, cases=[case], channel="page", path=request.path)
    context = {
        "case": case,
        "now": now,
        "light": case.light(now),
        "dues": display.case_dues(case, now),
        "buttons": [b for b in buttons if b["allowed"]],
        "refused": [b for b in buttons if not b["allowed"]],
        "events": events,
        "photos": [e for e in case.evidence.all() if e.stage == EvidenceStage.REPORT],
        "dispatches": dispatches,
        "pending": pending,
        "pending_hold": pending_hold,
        "clock_rule": case.rule.label if case.rule is not None else "",
        "panels": hooks.case_panels(user=user, case=case, now=now),
        "pending_returns": [d for d in dispatches if d.return_pending],
        "rating": rating,
        "ratings": ratings,
        "remark_form": remark_form,
        "unsent": unsent,
        "remark_open": bool(bound is not None and bound.action in ("comment", "note")),
        "may_note": user.role != Role.CITIZEN,
        "citizen_name": case.citizen_name if see_contact else case.masked_name,
        "citizen_phone": case.citizen_phone if see_contact else case.masked_phone,
        "contact_masked": not see_contact,
        # The citizen's private link is theirs alone: staff record a phone follow-up (电话回访) under their own
        # name with the 评价 action, never through the link.
    }
    return render(request, "cases/detail.html", context, status=status)


def _unsent(form: ActionForm) -> dict[str, Any] | None:
    """What the user typed into an action the case no longer offers — it moved on meanwhile (another centre
    dispatched it, the handler signed): the refusal's page has no form to put it back in, so the text is shown
    as typed, to copy into whatever the user does next. None when nothing was typed."""
    typed = []
    for name, field in form.fields.items():
        value = form.data.get(form.add_prefix(name), "")
        if isinstance(field, forms.CharField) and isinstance(value, str) and value.strip():
            typed.append({"label": field.label, "value": value})
    return {"label": form.transition.label, "typed": typed} if typed else None


@login_required
@require_GET
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_case(request, case_get_for(request.user, pk))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one action through ``case_transition`` and go back to the case with a message; when refused, show
    the page again with the reason and the form as filled in. A GET (a bookmarked or reloaded action URL) goes
    to the case page, never a blank 405."""
    case = case_get_for(request.user, pk)
    if request.method != "POST":
        return redirect("cases:detail", pk=case.pk)
    if action not in ACT_ACTIONS:
        raise Http404
    if action in ("comment", "note"):  # one remark form: the staff member chooses who sees it
        visibility = request.POST.get("remark-visibility")
        if request.user.role == Role.CITIZEN or visibility == "public":
            action = "comment"
        elif visibility == "internal":
            action = "note"
    form = ActionForm(request.POST, request.FILES, action=action, case=case)
    if not form.is_valid():
        messages.error(request, _("请检查“%(action)s”表单中标出的内容。") % {"action": form.transition.label})
        return _render_case(request, case, bound=form, status=400)
    try:
        case_transition(case_id=case.pk, action=action, actor=request.user, **form.service_kwargs())
    except Refusal as exc:
        if exc.code and exc.code.startswith("file_") and "files" in form.fields:
            form.add_error("files", exc.message)
        messages.error(request, exc.message)
        case = case_get_for(request.user, pk)  # fresh state: someone else may have moved it meanwhile
        return _render_case(request, case, bound=form, status=exc.status_code)
    messages.success(request, _("已%(action)s：%(number)s") % {"action": form.transition.label, "number": case.number})
    # a list's own button (the inbox's 签收) goes back to that list, to go on
    return redirect(posted_next(request, reverse("cases:detail", args=[case.pk])))
