"""The liaison's inbox (待办), the summons page, and the whistle form of a case (吹哨).

Thin views: every read goes through ``escalation.selectors`` / ``cases.selectors`` (outside scope: 404), every
write through ``escalation.services.whistles``; a refused action shows the page again with the service's reason
and the form as it was filled in — nothing has changed then.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import permissions as case_permissions
from cases import transitions
from cases.models import Case, CaseEvent
from cases.selectors import case_get_for
from core.errors import Forbidden, NotAllowed, Refusal
from core.links import posted_next
from governance.choices import Role
from governance.http import AuthenticatedHttpRequest

from ..forms import ACTION_FORMS, WhistleForm
from ..permissions import SUMMONS_FLOW, available_actions
from ..selectors import inbox_for, summons_countdowns, summons_get_for, summons_light, whistles_for_case
from ..services import whistles

#: Actions whose form opens inline (the others are one tap).
FORM_ACTIONS = {"respond", "extension", "return", "decide_extension", "withdraw"}


def _case_url(case_id: int) -> str:
    return reverse("cases:detail", kwargs={"pk": case_id})


def _summons_url(summons_id: int) -> str:
    return reverse("escalation:summons", kwargs={"pk": summons_id})


def _action_form(action: str, summons_id: int, data=None, files=None) -> forms.Form:
    """The action's form; ids are unique per summons so several cards can sit on one page."""
    return ACTION_FORMS[action](data, files, prefix=action, auto_id=f"s{summons_id}-%s")


def _buttons(user, summons, *, bound: forms.Form | None = None, bound_action: str = "") -> list[dict]:
    out = []
    for action, label in available_actions(user, summons):
        form = bound if bound is not None and action == bound_action else _action_form(action, summons.pk)
        out.append(
            {
                "action": action,
                "label": label,
                "form": form,
                "has_fields": action in FORM_ACTIONS,
                "open": bound is not None and action == bound_action,
                "primary": action in ("report_in", "respond", "complete"),
            }
        )
    return out


@login_required
@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """待办: the liaison's summonses (with their clocks) and dispatched cases; centre staff see the summonses of
    their scope and what waits for their centre. ``HX-Request`` gets the list alone (the page refreshes it)."""
    now = timezone.now()
    box = inbox_for(request.user, now=now)
    for row in [*box.waiting, *box.awaiting_centre]:
        row.buttons = _buttons(request.user, row.summons)
    context = {"box": box, "now": now, "next": request.path}
    if request.headers.get("HX-Request"):
        return render(request, "escalation/inbox_list.html", context)
    return render(request, "escalation/inbox.html", context)


def _summons_page(
    request: AuthenticatedHttpRequest,
    summons,
    *,
    bound: forms.Form | None = None,
    bound_action: str = "",
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    user = request.user
    siblings = []
    if user.role != Role.LIAISON:
        siblings = [
            s
            for s in summons.whistle.summonses.select_related("department").order_by("department__code")
            if s.pk != summons.pk
        ]
    records = list(
        CaseEvent.objects.filter(case_id=summons.case_id, data__summons=summons.pk)
        .prefetch_related("evidence")
        .order_by("at", "id")
    )
    context = {
        "summons": summons,
        "whistle": summons.whistle,
        "case": summons.case,
        "now": now,
        "countdowns": summons_countdowns(summons, now),
        "light": summons_light(summons, now),
        "buttons": _buttons(user, summons, bound=bound, bound_action=bound_action),
        "siblings": siblings,
        "records": records,
        "next": request.path,
    }
    return render(request, "escalation/summons_detail.html", context, status=status)


@login_required
@require_GET
def summons_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _summons_page(request, summons_get_for(request.user, pk))


def _run(action: str, *, summons_id: int, actor, form: forms.Form):
    d = form.cleaned_data
    if action == "report_in":
        return whistles.summons_report_in(summons_id=summons_id, actor=actor)
    if action == "respond":
        return whistles.summons_respond(summons_id=summons_id, actor=actor, text=d["text"], files=d["files"])
    if action == "extension":
        return whistles.summons_request_extension(
            summons_id=summons_id, actor=actor, until=d["until"], reason=d["reason"]
        )
    if action == "return":
        return whistles.summons_return(summons_id=summons_id, actor=actor, reason=d["reason"])
    if action == "complete":
        return whistles.summons_complete(summons_id=summons_id, actor=actor)
    if action == "withdraw":
        return whistles.summons_withdraw(summons_id=summons_id, actor=actor, reason=d["reason"])
    return whistles.summons_decide_extension(
        summons_id=summons_id, actor=actor, approve=d["decision"] == "approve", note=d["note"], due_at=d["due_at"]
    )


def _next_url(request: HttpRequest, default: str) -> str:
    return posted_next(request, default)


@login_required
def summons_act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one summons action; back to where it was pressed (inbox or summons page) with a message. When
    refused, the summons page shows the reason and the form as filled in. A GET (a reloaded or bookmarked
    action URL) changes nothing and leads to the summons page, not a blank 405."""
    summons = summons_get_for(request.user, pk)
    if request.method != "POST":
        return redirect("escalation:summons", pk=summons.pk)
    if action not in SUMMONS_FLOW:
        raise Http404
    label = SUMMONS_FLOW[action].label
    form = _action_form(action, summons.pk, request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请检查“%(action)s”表单中标出的内容。") % {"action": label})
        return _summons_page(request, summons, bound=form, bound_action=action, status=400)
    try:
        _run(action, summons_id=summons.pk, actor=request.user, form=form)
    except Refusal as exc:
        if exc.code.startswith("file_") and "files" in form.fields:
            form.add_error("files", exc.message)
        messages.error(request, exc.message)
        return _summons_page(
            request, summons_get_for(request.user, pk), bound=form, bound_action=action, status=exc.status_code
        )
    messages.success(
        request,
        _("已%(action)s：%(dept)s · %(number)s")
        % {"action": label, "dept": summons.department.name, "number": summons.case.number},
    )
    return redirect(_next_url(request, _summons_url(summons.pk)))


# --- 吹哨 from the case page ---------------------------------------------------------------------------------


def _whistle_refusal(user, case: Case) -> Refusal | None:
    t = transitions.get("whistle")
    if not t.allowed_from(case.status):
        return NotAllowed(
            _("事件当前状态为“%(status)s”，不能吹哨") % {"status": case.get_status_display()}, code="state"
        )
    decision = case_permissions.decide(user, case, "whistle")
    if not decision:
        return Forbidden(decision.reason, code="permission")
    return None


@login_required
@require_http_methods(["GET", "POST"])
def whistle_form(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """吹哨: street or community centre staff summon departments to the case (GET the form, POST to whistle)."""
    case = case_get_for(request.user, pk)
    refusal = _whistle_refusal(request.user, case)
    form = WhistleForm(request.POST or None, case=case)
    status = 200
    if refusal is not None:
        status = 409 if refusal.code == "state" else 403
    elif request.method == "POST":
        if form.is_valid():
            try:
                whistle = whistles.whistle_blow(case_id=case.pk, actor=request.user, **form.service_kwargs())
            except Refusal as exc:
                messages.error(request, exc.message)
                status = exc.status_code
            else:
                summonses = list(whistle.summonses.select_related("department"))
                messages.success(
                    request,
                    _("已吹哨：召集%(depts)s，报到时限%(due)s")
                    % {
                        "depts": _("、").join(s.department.name for s in summonses),
                        "due": timezone.localtime(summonses[0].report_in_due_at).strftime("%m-%d %H:%M"),
                    },
                )
                return redirect(_case_url(case.pk))
        else:
            messages.error(request, _("请检查表单中标出的内容。"))
            status = 400
    context = {
        "case": case,
        "form": form,
        "refusal": refusal,
        "whistles": list(whistles_for_case(request.user, case.pk)),
        "now": timezone.now(),
    }
    return render(request, "escalation/whistle_form.html", context, status=status)
