"""Signed-in pages: the 党建 hub, 双报到, service tasks, points, 微心愿, 大党委 duties, 三色研判, 居民议事.

Thin views: a form checks the input's shape, a service does the work (and every check), a selector reads. Rows
outside the user's scope answer 404.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import InvalidInput, NotFound
from core.hostile_input import whole_number
from core.once import Submission, repeated
from governance.http import AuthenticatedHttpRequest
from governance.models import User
from grids.selectors import communities_for

from .. import contact_log, forms, selectors, services
from ..choices import RegistrationStatus, TaskStatus, TopicStatus, WishStatus
from ..models import Appraisal, ServiceTask, TaskSignup, Topic, Wish
from ..permissions import manages_community, works_in_community
from .common import attempt, is_staff_user, outcome, page_of, tried

# --- hub -----------------------------------------------------------------------------------------------


@login_required
def hub(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if selectors.acting_unit(user) is not None:
        return redirect("mobilisation:unit")
    staff = is_staff_user(user)
    ctx: dict = {"staff": staff, "registrations": selectors.my_registrations(user)}
    if staff:
        ctx["pending_registrations"] = (
            selectors.registrations_for(user).filter(status=RegistrationStatus.PENDING).count()
        )
        wishes = selectors.wishes_for(user).values("status").annotate(n=Count("id"))
        ctx["wish_counts"] = {r["status"]: r["n"] for r in wishes}
        ctx["open_tasks"] = selectors.tasks_for(user).filter(status=TaskStatus.OPEN).count()
        ctx["open_topics"] = selectors.topics_for(user).filter(status=TopicStatus.OPEN).count()
    ctx["claimable"] = selectors.claimable_wishes(user)[:10]
    ctx["my_wishes"] = selectors.my_claimed_wishes(user).exclude(status=WishStatus.CONFIRMED)[:10]
    ctx["my_points"] = sum(selectors.points_history(user).values_list("points", flat=True))
    ctx["can_post_wish"] = staff or user.role == "grid_worker"
    return render(request, "mobilisation/hub.html", ctx)


# --- 双报到 ----------------------------------------------------------------------------------------------


@login_required
def registrations(request: HttpRequest) -> HttpResponse:
    qs = selectors.registrations_for(request.user)
    status = request.GET.get("status", "")
    if status in RegistrationStatus.values:
        qs = qs.filter(status=status)
    page = page_of(request, qs)
    return render(
        request,
        "mobilisation/registrations.html",
        {
            "page_obj": page,
            "unmasked": contact_log.registration_phones_read(
                user=request.user, registrations=page.object_list, channel="page", path=request.path
            ),
            "status": status,
            "statuses": RegistrationStatus.choices,
            "reason_form": forms.ReasonForm(),
        },
    )


@login_required
@require_POST
def registration_decide(request: HttpRequest, pk: int, verdict: str) -> HttpResponse:
    if verdict not in ("confirm", "decline"):
        raise Http404
    attempt(
        request,
        services.registration_decide,
        _("已确认报到") if verdict == "confirm" else _("已不予通过"),
        actor=request.user,
        registration_id=pk,
        confirm=verdict == "confirm",
        reason=request.POST.get("reason", ""),
    )
    return redirect("mobilisation:registrations")


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """A party member registers themselves with a community (where they live or work)."""
    form = forms.RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = attempt(
            request,
            services.registration_submit,
            _("已提交报到，等待社区确认"),
            actor=request.user,
            member=request.user,
            community=d["community"],
            basis=d["basis"],
            unit=d["unit"],
            phone=d["phone"],
            skills=d["skills"],
            availability=d["availability"],
        )
        if done:
            return redirect("mobilisation:hub")
    return render(
        request, "mobilisation/register.html", {"form": form, "mine": selectors.my_registrations(request.user)}
    )


@login_required
@require_POST
def registration_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    attempt(request, services.registration_withdraw, _("已退出报到"), actor=request.user, registration_id=pk)
    return redirect("mobilisation:hub")


# --- service tasks ---------------------------------------------------------------------------------------


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    qs = selectors.tasks_for(request.user)
    return render(
        request,
        "mobilisation/tasks.html",
        {"page_obj": page_of(request, qs), "staff": is_staff_user(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest) -> HttpResponse:
    form = forms.TaskForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        task, status = outcome(
            request, services.task_create, _("已发布服务任务"), form.cleaned_data | {"actor": request.user}
        )
        if task:
            return redirect("mobilisation:task", pk=task.pk)
    else:
        status = 400 if form.is_bound else 200
    return render(request, "mobilisation/form_page.html", {"form": form, "title": _("发布服务任务")}, status=status)


def _task_for(user, pk: int) -> ServiceTask:
    task = selectors.tasks_for(user).filter(pk=pk).first()
    if task is None:
        raise Http404(_("任务不存在"))
    return task


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_for(request.user, pk)
    signups = list(TaskSignup.objects.filter(task=task).select_related("member", "registration__unit"))
    mine = next((s for s in signups if s.member_id == request.user.pk), None)
    can_record = task.status == TaskStatus.OPEN and (
        task.organiser_id == request.user.pk or manages_community(request.user, task.community)
    )
    return render(
        request,
        "mobilisation/task_detail.html",
        {
            "task": task,
            "signups": signups,
            "mine": mine,
            "can_record": can_record,
            "events": selectors.events_of("task", task.pk),
            "is_member": task.community_id in selectors.member_communities(request.user),
        },
    )


@login_required
@require_POST
def task_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    task = _task_for(request.user, pk)
    if action == "signup":
        attempt(request, services.task_signup, _("已报名"), actor=request.user, task_id=task.pk)
    elif action == "withdraw":
        attempt(request, services.task_withdraw, _("已退出报名"), actor=request.user, task_id=task.pk)
    elif action == "attendance":
        ids = [n for i in request.POST.getlist("attended") if (n := whole_number(i)) is not None]
        attempt(
            request,
            services.task_record_attendance,
            _("已记录考勤并计分"),
            actor=request.user,
            task_id=task.pk,
            attended_member_ids=ids,
        )
    elif action == "cancel":
        attempt(
            request,
            services.task_cancel,
            _("已取消任务"),
            actor=request.user,
            task_id=task.pk,
            reason=request.POST.get("reason", ""),
        )
    else:
        raise Http404
    return redirect("mobilisation:task", pk=task.pk)


# --- points ----------------------------------------------------------------------------------------------


def _ranking_args(request: HttpRequest) -> tuple[str, int | None, date | None]:
    from ..api.views import ranking_params

    try:
        return ranking_params(request.GET)
    except InvalidInput:
        return "member", None, None


@login_required
@require_http_methods(["GET", "POST"])
def points(request: HttpRequest) -> HttpResponse:
    user = request.user
    by, community, month = _ranking_args(request)
    rule_form = forms.RuleForm(request.POST or None)
    streets = selectors.streets_for(user)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and rule_form.is_valid() and streets:
        if not (
            status := tried(
                request,
                services.points_rule_set,
                _("积分规则已保存"),
                actor=user,
                street=streets[0],
                **rule_form.cleaned_data,
            )
        ):
            return redirect("mobilisation:points")
    rules = []
    if streets:
        rules = sorted(selectors.points_rules(streets[0].pk).values(), key=lambda r: r.task_type)
    return render(
        request,
        "mobilisation/points.html",
        {
            "rows": selectors.ranking(user, by=by, community_id=community, month=month),
            "by": by,
            "community": community,
            "month": month.strftime("%Y-%m") if month else "",
            "communities": communities_for(user),
            "rules": rules,
            "rule_form": rule_form if streets else None,
            "history": selectors.points_history(user)[:50],
        },
        status=status,
    )


@login_required
def points_export(request: HttpRequest, fmt: str = "csv") -> HttpResponse | StreamingHttpResponse:
    """The ranking as CSV (UTF-8 with BOM, streamed) or XLSX, same filters and scope as the page, through the
    project's export helpers (``cases.exports``: text that would start a formula is written as text)."""
    from cases.exports import Sheet, csv_response, xlsx_response

    by, community, month = _ranking_args(request)
    rows = selectors.ranking(request.user, by=by, community_id=community, month=month)
    header = [_("名次"), _("党员") if by == "member" else _("单位"), _("积分"), _("记录数")]
    lines = [[r["rank"], r["name"], r["total"], r["entries"]] for r in rows]
    name = f"points-{by}-{timezone.localdate():%Y%m%d}"
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", [Sheet(title=_("积分排名"), header=header, rows=lines, widths={1: 24})])
    return csv_response(f"{name}.csv", header, lines)


@login_required
@require_http_methods(["GET", "POST"])
def member_points(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's points history (within the user's scope, or their own) and the manual adjustment form."""
    member = User.objects.filter(pk=pk).first()
    if member is None:
        raise Http404
    own = member.pk == request.user.pk
    entries = selectors.points_history(member, among=None if own else selectors.points_entries_for(request.user))
    in_scope = own or selectors.registrations_for(request.user).filter(member=member).exists()
    if not in_scope:
        raise Http404
    form = forms.AdjustForm(request.POST or None, user=request.user) if is_staff_user(request.user) else None
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form is not None and form.is_valid():
        if not (
            status := tried(
                request, services.points_adjust, _("积分已调整"), actor=request.user, member=member, **form.cleaned_data
            )
        ):
            return redirect("mobilisation:member-points", pk=member.pk)
    return render(
        request,
        "mobilisation/member_points.html",
        {"member": member, "entries": entries, "total": sum(e.points for e in entries), "form": form},
        status=status,
    )


# --- 微心愿 --------------------------------------------------------------------------------------------


@login_required
def wishes(request: HttpRequest) -> HttpResponse:
    qs = selectors.wishes_for(request.user)
    status = request.GET.get("status", "")
    if status in WishStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "mobilisation/wishes.html",
        {"page_obj": page_of(request, qs), "status": status, "statuses": WishStatus.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def wish_new(request: HttpRequest) -> HttpResponse:
    """A grid worker (or community staff) records a resident's wish."""
    form = forms.WishForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with Submission(request, "mobilisation:wish-new") as sent:
            if sent.earlier is not None:
                return repeated(request, sent)
            wish = attempt(
                request, services.wish_submit, _("心愿已登记，等待社区审核"), actor=request.user, **form.wish()
            )
            if wish:
                sent.made(reverse("mobilisation:wish", args=[wish.pk]))
                return redirect("mobilisation:wish", pk=wish.pk)
    return render(request, "mobilisation/form_page.html", {"form": form, "title": _("代居民登记微心愿")})


def _wish_for(user, pk: int) -> Wish:
    wish = (
        (selectors.wishes_for(user) | selectors.my_claimed_wishes(user) | selectors.claimable_wishes(user))
        .distinct()
        .filter(pk=pk)
        .first()
    )
    if wish is None:
        raise Http404(_("心愿不存在"))
    return wish


@login_required
def wish_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _wish_page(request, _wish_for(request.user, pk))


def _wish_page(
    request: HttpRequest,
    wish: Wish,
    *,
    bound: forms.FulfilForm | forms.ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The wish's page; after a refused decline or fulfilment, with that form as the user filled it in."""
    user = request.user
    manager = manages_community(user, wish.community)
    registered = wish.community_id in selectors.member_communities(user)
    can_claim = wish.status == WishStatus.PUBLISHED and registered
    is_claimer = wish.claimed_by_id == user.pk
    has_actions = (
        can_claim
        or (is_claimer and wish.status == WishStatus.CLAIMED)
        or (manager and wish.status in (WishStatus.SUBMITTED, WishStatus.ACCEPTED, WishStatus.FULFILLED))
    )
    return render(
        request,
        "mobilisation/wish_detail.html",
        {
            "wish": wish,
            "manager": manager,
            "sees_contact": bool(
                contact_log.wish_residents_read(user=user, wishes=[wish], channel="page", path=request.path)
            ),
            "grid_team": works_in_community(user, wish.community),
            "can_claim": can_claim,
            "is_claimer": is_claimer,
            "has_actions": has_actions,
            "events": selectors.events_of("wish", wish.pk),
            "fulfil_form": bound if isinstance(bound, forms.FulfilForm) else forms.FulfilForm(),
            "reason_form": bound if isinstance(bound, forms.ReasonForm) else forms.ReasonForm(),
            "decline_open": isinstance(bound, forms.ReasonForm),
        },
        status=status,
    )


@login_required
@require_POST
def wish_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    wish = _wish_for(user, pk)
    if action in ("accept", "decline"):
        reason_form = forms.ReasonForm(request.POST)
        if action == "decline" and not reason_form.is_valid():  # too long: said on the form, nothing decided
            return _wish_page(request, wish, bound=reason_form, status=400)
        status = tried(
            request,
            services.wish_review,
            _("已受理") if action == "accept" else _("已不予受理"),
            actor=user,
            wish_id=wish.pk,
            accept=action == "accept",
            reason=reason_form.cleaned_data.get("reason", "") if action == "decline" else "",
        )
        if status and action == "decline":  # the reason as written, back in its open box
            return _wish_page(request, wish, bound=reason_form, status=status)
    elif action == "publish":
        attempt(request, services.wish_publish, _("已发布，等待党员认领"), actor=user, wish_id=wish.pk)
    elif action == "claim":
        attempt(request, services.wish_claim, _("认领成功，请在期限内完成"), actor=user, wish_id=wish.pk)
    elif action == "fulfil":
        form = forms.FulfilForm(request.POST, request.FILES)
        status = tried(
            request,
            services.wish_fulfil,
            _("已反馈完成，等待居民确认"),
            actor=user,
            wish_id=wish.pk,
            photo=request.FILES.get("photo"),
            note=form.data.get("note", ""),
        )
        if status:  # the note as written (the photo must be chosen again: the form says so)
            return _wish_page(request, wish, bound=form, status=status)
    elif action == "confirm":
        attempt(request, services.wish_confirm, _("已代居民确认，积分已发放"), actor=user, wish_id=wish.pk)
    else:
        raise Http404
    return redirect("mobilisation:wish", pk=wish.pk)


# --- 大党委 duties, reports, 民主测评 ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def duties(request: HttpRequest) -> HttpResponse:
    user = request.user
    staff = is_staff_user(user)
    duty_form = forms.DutyForm(request.POST if request.POST.get("form") == "duty" else None, user=user, prefix="duty")
    report_form = forms.ReportForm(
        request.POST if request.POST.get("form") == "report" else None, user=user, prefix="report"
    )
    appraisal_form = forms.AppraisalForm(
        request.POST if request.POST.get("form") == "appraisal" else None, user=user, prefix="appraisal"
    )
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and staff:
        which = request.POST.get("form")
        if which == "duty" and duty_form.is_valid():
            added = tried(request, services.duty_add, _("已增加责任事项"), actor=user, **duty_form.cleaned_data)
            if not (status := added):
                return redirect("mobilisation:duties")
        if which == "report" and report_form.is_valid():
            d = report_form.cleaned_data
            items = {k.removeprefix("item-"): v for k, v in request.POST.items() if k.startswith("item-")}
            reported = tried(request, services.duty_report_submit, _("已登记述职"), actor=user, items=items, **d)
            if not (status := reported):
                return redirect("mobilisation:duties")
        if which == "appraisal" and appraisal_form.is_valid():
            d = appraisal_form.cleaned_data
            d["raters"] = list(d["raters"])
            appraisal = attempt(request, services.appraisal_open, _("已发起民主测评"), actor=user, **d)
            if appraisal:
                return redirect("mobilisation:appraisal", pk=appraisal.pk)
    return render(
        request,
        "mobilisation/duties.html",
        {
            "staff": staff,
            "duties": selectors.duties_for(user),
            "reports": selectors.reports_for(user)[:50],
            "appraisals": selectors.appraisals_for(user)[:50],
            "duty_form": duty_form,
            "report_form": report_form,
            "appraisal_form": appraisal_form,
        },
        status=status,
    )


def _appraisal_for(user, pk: int) -> Appraisal:
    appraisal = selectors.appraisals_for(user).filter(pk=pk).first()
    if appraisal is None:
        raise Http404(_("测评不存在"))
    return appraisal


@login_required
@require_http_methods(["GET", "POST"])
def appraisal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = _appraisal_for(user, pk)
    my_vote = item.votes.filter(rater=user).first()
    form = forms.RateForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "close":
            attempt(request, services.appraisal_close, _("测评已结束，结果已保存"), actor=user, appraisal_id=item.pk)
        elif form.is_valid():
            attempt(
                request,
                services.appraisal_rate,
                _("感谢您的评价"),
                actor=user,
                appraisal_id=item.pk,
                **form.cleaned_data,
            )
        return redirect("mobilisation:appraisal", pk=item.pk)
    return render(
        request,
        "mobilisation/appraisal.html",
        {
            "item": item,
            "votes": item.votes.select_related("rater"),
            "my_vote": my_vote,
            "form": form,
            "manager": manages_community(user, item.community),
        },
    )


# --- 三色研判 ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tricolour(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = forms.TriColourForm(request.POST or None, user=user)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        computed = tried(request, services.tricolour_compute, _("已完成研判"), actor=user, **form.cleaned_data)
        if not (status := computed):
            return redirect("mobilisation:tricolour")
    return render(
        request,
        "mobilisation/tricolour.html",
        {
            "ratings": selectors.tricolour_for(user),
            "form": form,
            "can_compute": bool(selectors.streets_for(user)),
            "adjust_form": forms.AdjustColourForm(),
        },
        status=status,
    )


@login_required
@require_POST
def tricolour_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.AdjustColourForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            services.tricolour_adjust,
            _("研判结果已调整"),
            actor=request.user,
            rating_id=pk,
            **form.cleaned_data,
        )
    else:
        from django.contrib import messages

        messages.error(request, _("人工调整研判结果必须选择颜色并填写理由"))
    return redirect("mobilisation:tricolour")


# --- 居民议事 ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def topics(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = forms.TopicForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            topic = attempt(
                request,
                services.topic_create,
                _("已提出议题"),
                actor=user,
                community=d["community"],
                title=d["title"],
                description=d["description"],
                source=d["source"],
                case_id=d["case"],
                diary_entry_id=d["diary_entry_id"],
            )
        except NotFound:
            from django.contrib import messages

            messages.error(request, _("来源事件不存在或不在您的范围内"))
            topic = None
        if topic:
            return redirect("mobilisation:topic", pk=topic.pk)
    return render(
        request,
        "mobilisation/topics.html",
        {"page_obj": page_of(request, selectors.topics_for(user)), "form": form, "staff": is_staff_user(user)},
    )


def _topic_for(user, pk: int) -> Topic:
    topic = selectors.topics_for(user).filter(pk=pk).first()
    if topic is None:
        raise Http404(_("议题不存在"))
    return topic


@login_required
@require_http_methods(["GET", "POST"])
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    topic = _topic_for(user, pk)
    which = request.POST.get("form") if request.method == "POST" else None
    meeting_form = forms.MeetingForm(request.POST if which == "meeting" else None, prefix="meeting")
    follow_form = forms.FollowUpForm(request.POST if which == "follow_up" else None, prefix="follow")
    status = 400 if which in ("meeting", "follow_up") else 200
    if which == "meeting" and meeting_form.is_valid():
        if not (
            status := tried(
                request,
                services.meeting_record,
                _("已记录议事会"),
                actor=user,
                topic_id=topic.pk,
                **meeting_form.cleaned_data,
            )
        ):
            return redirect("mobilisation:topic", pk=topic.pk)
    if which == "follow_up" and follow_form.is_valid():
        meeting = topic.meetings.filter(pk=request.POST.get("meeting") or 0).first()
        if meeting is None:
            raise Http404
        d = follow_form.cleaned_data
        followed = tried(request, services.followup_create, _("已生成跟进事项"), actor=user, meeting_id=meeting.pk, **d)
        if not (status := followed):
            return redirect("mobilisation:topic", pk=topic.pk)
    if which == "publish":
        attempt(request, services.topic_publish, _("已向居民公开"), actor=user, topic_id=topic.pk)
        return redirect("mobilisation:topic", pk=topic.pk)
    return render(
        request,
        "mobilisation/topic_detail.html",
        {
            "topic": topic,
            "meetings": topic.meetings.prefetch_related("options", "follow_ups__case", "follow_ups__service_task"),
            "manager": manages_community(user, topic.community),
            "meeting_form": meeting_form,
            "follow_form": follow_form,
            "events": selectors.events_of("topic", topic.pk),
        },
        status=status,
    )


# --- units' own logins -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def unit_home(request: HttpRequest) -> HttpResponse:
    """A unit's account: its registrations, duty list and 述职 (submit one), its 民主测评 results, the service tasks
    and wishes open to it, the wishes it claimed, and its points. Anyone else: 404."""
    unit = selectors.acting_unit(request.user)
    if unit is None:
        raise Http404(_("您的账号不是单位账号"))
    form = forms.UnitReportForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        items = {k.removeprefix("item-"): v for k, v in request.POST.items() if k.startswith("item-")}
        done = attempt(
            request,
            services.duty_report_submit,
            _("述职已提交"),
            actor=request.user,
            unit=unit,
            place=d["place"],
            period=d["period"],
            text=d["text"],
            items=items,
        )
        if done:
            return redirect("mobilisation:unit")
    ctx = selectors.unit_overview(unit)
    ctx.update(
        {
            "unit": unit,
            "form": form,
            "tasks": selectors.tasks_for(request.user).filter(status=TaskStatus.OPEN)[:20],
            "claimable": selectors.claimable_wishes(request.user)[:20],
        }
    )
    return render(request, "mobilisation/unit.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def units(request: HttpRequest) -> HttpResponse:
    """Staff: the units they manage, their logins, opening a login for a contact person."""
    if not is_staff_user(request.user):
        raise Http404
    form = forms.UnitAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request, services.unit_account_create, _("已开通单位账号"), actor=request.user, **form.cleaned_data
        )
        if done:
            return redirect("mobilisation:units")
    managed = selectors.managed_units(request.user).order_by("name")
    accounts: dict[int, list] = {}
    for account in selectors.unit_accounts_for(request.user):
        accounts.setdefault(account.unit_id, []).append(account)
    contact_log.unit_contacts_read(
        user=request.user, accounts=[a for rows in accounts.values() for a in rows], channel="page", path=request.path
    )
    return render(
        request,
        "mobilisation/units.html",
        {"rows": [(u, accounts.get(u.pk, [])) for u in managed], "form": form},
    )


@login_required
@require_POST
def unit_account_end(request: HttpRequest, pk: int) -> HttpResponse:
    attempt(
        request,
        services.unit_account_end,
        _("已停用单位账号"),
        actor=request.user,
        account_id=pk,
        reason=request.POST.get("reason", ""),
    )
    return redirect("mobilisation:units")


class UnitPasswordChange(PasswordChangeView):
    """A unit's contact person replaces the initial password the staff handed over (Django's password rules)."""

    template_name = "mobilisation/form_page.html"
    success_url = reverse_lazy("mobilisation:unit")
    extra_context = {"title": gettext_lazy("修改密码")}

    def form_valid(self, form):
        from django.contrib import messages

        messages.success(self.request, _("密码已修改"))
        return super().form_valid(form)
