"""吹哨报到: a centre whistles, summoned departments report in and respond, the sweep supervises the late ones.

Every function is one transaction and follows the same order of locks — the case row first (taken by
``cases.services.case_transition``, the one way a case changes), then the summons row — so a liaison
reporting in, the centre closing the case and the sweep never wait on each other in a circle.

A summons action:
1. reads the summons through the scope gate (``selectors.summons_get_for``: NotFound outside it), checks
   entitlement (Forbidden) and state (NotAllowed) — the fast refusal, nothing written;
2. writes the case's timeline event through ``case_transition`` ("comment": public, for report-in and
   response; "note": internal, for extensions, returns and completion) — this locks the case;
3. locks the summons (``select_for_update``) and re-checks its state: a concurrent action that got there
   first makes this one fail with NotAllowed, and the whole transaction (event included) rolls back;
4. writes the summons and the notices (outbox rows, same transaction).

``EscalationConfig.ready()`` registers this module's hooks: the close guard (``cases.hooks``), the receiver
that marks responded summonses done when the case closes, and ``summons_escalate_overdue_batch`` as a step
of the sweep.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cases.choices import OPEN_STATUSES, EvidenceStage, RequestStatus
from cases.choices import Status as CaseStatus
from cases.models import Case
from cases.services import case_transition, grant_department, within_due_horizon
from core.errors import Forbidden, InvalidInput, NotAllowed
from core.links import reverse_pk
from core.roles import is_centre_staff
from core.stored_text import kept
from governance.choices import TimeUnit, limit_ceiling
from governance.clock import CalendarSpec, add_working_time, shift_past_pause
from governance.models import Department, User
from governance.selectors import calendar_spec

from ..choices import OPEN_SUMMONS, NoticeKind, SummonsStatus
from ..models import Summons, Supervision, Whistle
from ..permissions import PREDICATES, decide, state_refusal
from ..selectors import WAITING, overdue_summons_q, summons_get_for
from . import notices

S = SummonsStatus
MAX_REPORT_IN_MINUTES = 7 * 24 * 60


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def summons_url(summons_id: int) -> str:
    return reverse_pk("escalation:summons", summons_id)


# --- notices (outbox rows written in the caller's transaction, through ``services.notices``) -----------------


def _notify(
    *,
    summons: Summons,
    targets: list[notices.Target],
    kind: str,
    title: str,
    key: str,
    now: datetime,
    body: str = "",
    actor: User | None = None,
) -> None:
    """One notice about ``summons`` per person behind ``targets`` (not the actor); ``key`` makes it at most once
    per person. The notice links to the summons page and belongs to its case."""
    notices.notices_write(
        specs=[
            notices.NoticeSpec(
                kind=kind,
                title=title,
                targets=targets,
                dedupe_key=key,
                body=body,
                case_id=summons.case_id,
                summons_id=summons.pk,
                url=summons_url(summons.pk),
                exclude=frozenset({actor.pk}) if actor is not None and actor.pk else frozenset(),
            )
        ],
        now=now,
    )


def _tell_department(summons: Summons, **notice: Any) -> None:
    """A notice about ``summons`` to its department's liaisons (``_notify``'s other arguments)."""
    _notify(summons=summons, targets=[notices.department(summons.department_id)], **notice)


def _whistling_centre(whistle: Whistle) -> list[notices.Target]:
    """The whistling centre: its staff, and whoever blew the whistle."""
    targets = [notices.centre(whistle.region_id)]
    if whistle.blown_by_id:
        targets.append(notices.person(whistle.blown_by_id))
    return targets


# --- input checks ---------------------------------------------------------------------------------------


def _department_ids(values: Sequence[Any] | None) -> list[int]:
    if not values:
        raise InvalidInput(_("请至少选择一个职能部门"), code="departments")
    ids = []
    for v in values:
        try:
            ids.append(int(getattr(v, "pk", v)))
        except (TypeError, ValueError):
            raise InvalidInput(_("部门编号无效"), code="departments") from None
    if len(set(ids)) != len(ids):
        raise InvalidInput(_("同一部门不能重复选择"), code="departments")
    return ids


def _positive(value: Any, *, label: str, maximum: int | None, code: str) -> int:
    """``value`` as a whole number from 1 to ``maximum`` (``None``: the caller checks the upper end)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("%(label)s必须是正整数") % {"label": label}, code=code) from None
    if number <= 0 and maximum is None:
        raise InvalidInput(_("%(label)s必须是正整数") % {"label": label}, code=code)
    if number <= 0 or (maximum is not None and number > maximum):
        raise InvalidInput(_("%(label)s必须在1到%(max)s之间") % {"label": label, "max": maximum}, code=code)
    return number


def max_response_limit(unit: str, cal: CalendarSpec) -> int:
    """The longest response limit in ``unit``: the due-time horizon (``MAX_DUE_HORIZON_DAYS``) in that unit, the
    working units by the calendar's working week (the default calendar, Monday to Friday seven hours a day: 261
    working days, 1827 working hours in 366 days). Holidays can still push a due time within it past the horizon:
    ``whistle_blow`` checks the due time too."""
    if unit in (TimeUnit.MINUTES, TimeUnit.HOURS):
        return limit_ceiling(unit)  # calendar time: the jurisdiction rules' own ceiling
    working_days = settings.MAX_DUE_HORIZON_DAYS * len(cal.weekdays) // 7
    if unit == TimeUnit.WORKING_HOURS:
        return int(working_days * cal.seconds_per_day // 3600)
    return working_days


def response_limit_checked(value: Any, *, unit: str, cal: CalendarSpec) -> int:
    """``value`` as a response limit in ``unit`` (a known one): a whole number from 1 to ``max_response_limit``,
    else InvalidInput (``response_limit``). The whistle form checks with it too, so both say the same."""
    limit = _positive(value, label=_("反馈时限"), maximum=None, code="response_limit")
    most = max_response_limit(unit, cal)
    if limit > most:
        raise InvalidInput(
            _("反馈时限至多 %(max)s %(unit)s（%(days)s 天之内）")
            % {"max": most, "unit": TimeUnit(unit).label, "days": settings.MAX_DUE_HORIZON_DAYS},
            code="response_limit",
        )
    return limit


def _when(value: Any, *, code: str) -> datetime:
    when = value if isinstance(value, datetime) else parse_datetime(str(value or ""))
    if when is None:
        raise InvalidInput(_("请填写有效的日期时间"), code=code)
    return timezone.make_aware(when) if timezone.is_naive(when) else when


# --- whistle ------------------------------------------------------------------------------------------


def whistle_blow(
    *,
    case_id: int,
    actor: User,
    department_ids: Sequence[int],
    reason: str,
    report_in_minutes: int = 30,
    response_limit: int = 1,
    response_unit: str = TimeUnit.WORKING_DAYS,
    now: datetime | None = None,
) -> Whistle:
    """吹哨: summon one or more departments to a case.

    1. check the input (departments: at least one, no duplicates, all active; reason; positive limits);
    2. ``case_transition(action="whistle")`` locks the case, checks scope, state and permission (street or
       community centre staff holding the case) and writes the "whistle" event; the case is in progress — at
       the whistling centre, or still with the handler that signed for it (the summonses help, they don't take
       the case away: ``cases.services.actions._apply_whistle``);
    3. refuse if one of the departments still owes a report-in or response on this case;
    4. create the whistle and one summons per department (report-in due: now + minutes, calendar time;
       response due: now + the limit in the work calendar), grant each department view of the case, and
       write a notice to each department's liaisons.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    ids = _department_ids(department_ids)
    if not reason:
        raise InvalidInput(_("请填写吹哨事由"), code="reason")
    minutes = _positive(report_in_minutes, label=_("报到时限"), maximum=MAX_REPORT_IN_MINUTES, code="report_in")
    if response_unit not in TimeUnit.values:
        raise InvalidInput(_("未知的时限单位"), code="response_unit")
    cal = calendar_spec()
    limit = response_limit_checked(response_limit, unit=response_unit, cal=cal)
    found = {d.id: d for d in Department.objects.filter(pk__in=ids, active=True)}
    if len(found) != len(ids):
        raise InvalidInput(_("所选部门不存在或已停用"), code="departments")
    departments = [found[i] for i in ids]
    report_due = now + timedelta(minutes=minutes)
    respond_due = within_due_horizon(add_working_time(now, limit, response_unit, cal), now=now, code="response_limit")
    if respond_due < report_due:
        raise InvalidInput(_("反馈时限不能早于报到时限"), code="response_limit")

    with transaction.atomic():
        case = case_transition(
            case_id=case_id,
            action="whistle",
            actor=actor,
            note=reason,
            now=now,
            department_names=[d.name for d in departments],
        )
        busy = list(
            Summons.objects.filter(case=case, department_id__in=ids, status__in=WAITING).values_list(
                "department__name", flat=True
            )
        )
        if busy:
            raise NotAllowed(
                _("%(depts)s已被召集，尚未完成报到/反馈，无需重复吹哨") % {"depts": _("、").join(busy)}, code="summoned"
            )
        # The whistling centre is the actor's: the case may stay with the department the street dispatched (its
        # handler region is the dispatcher's, not necessarily the whistler's) or with a grid team (none).
        whistling = actor.region if is_centre_staff(actor) else None
        whistle = Whistle.objects.create(
            case=case,
            blown_by=actor,
            region=whistling or case.handler_region or case.street,
            reason=reason,
            report_in_minutes=minutes,
            response_limit=limit,
            response_unit=response_unit,
            blown_at=now,
        )
        for dept in departments:
            summons = Summons.objects.create(
                whistle=whistle,
                case=case,
                department=dept,
                report_in_due_at=report_due,
                respond_due_at=respond_due,
            )
            grant_department(case, dept)
            _notify(
                summons=summons,
                targets=[notices.department(dept.id)],
                actor=actor,
                kind=NoticeKind.WHISTLE,
                title=kept("%(region)s吹哨：请于%(due)s前报到（%(number)s）")
                % {"region": whistle.region.name, "due": _local(report_due), "number": case.number},
                body=kept("事件：%(title)s\n事由：%(reason)s\n反馈时限：%(respond)s")
                % {"title": case.title, "reason": reason, "respond": _local(respond_due)},
                key=f"whistle:{summons.id}",
                now=now,
            )
    return whistle


# --- the summons actions ------------------------------------------------------------------------------


def _precheck(*, summons_id: int, actor: User | None, action: str) -> Summons:
    """Scope (NotFound), entitlement (Forbidden), state (NotAllowed) — before anything is written."""
    summons = summons_get_for(actor, summons_id)
    entitled = PREDICATES[action](actor, summons)
    if not entitled:
        raise Forbidden(entitled.reason, code="permission")
    decision = decide(actor, summons, action)
    if not decision:
        raise NotAllowed(decision.reason, code="state")
    return summons


def _lock(summons: Summons, *, actor: User | None, action: str) -> Summons:
    """Lock the summons row (after the case row) and re-check its state under the lock."""
    locked = (
        Summons.objects.select_for_update(of=("self",))
        .select_related("whistle__region", "department", "case", "reported_in_by")
        .get(pk=summons.pk)
    )
    decision = decide(actor, locked, action)
    if not decision:
        raise NotAllowed(decision.reason or state_refusal(locked, action), code="state")
    return locked


def _record(
    summons: Summons,
    *,
    actor: User | None,
    action: str,
    public: bool,
    note: str,
    now: datetime,
    files: Iterable = (),
    extra: dict | None = None,
) -> None:
    """The summons step on the case's timeline, through the one way a case changes (locks the case)."""
    case_transition(
        case_id=summons.case_id,
        action="comment" if public else "note",
        actor=actor,
        note=note,
        now=now,
        files=files,
        reason=f"summons_{action}",
        record={"summons": summons.pk, "department": summons.department.name, **(extra or {})},
        stage=EvidenceStage.RESPONSE if files else None,
    )


def summons_report_in(*, summons_id: int, actor: User, now: datetime | None = None) -> Summons:
    """报到: the summoned department acknowledges; after ``report_in_due_at`` it is recorded as late."""
    now = now or timezone.now()
    summons = _precheck(summons_id=summons_id, actor=actor, action="report_in")
    late = now > summons.report_in_due_at
    if late:
        note = kept("%(dept)s报到（超时报到，报到时限%(due)s）") % {
            "dept": summons.department.name,
            "due": _local(summons.report_in_due_at),
        }
    else:
        note = kept("%(dept)s已报到") % {"dept": summons.department.name}
    with transaction.atomic():
        _record(summons, actor=actor, action="report_in", public=True, note=note, now=now, extra={"late": late})
        summons = _lock(summons, actor=actor, action="report_in")
        summons.status = S.REPORTED_IN
        summons.reported_in_at, summons.reported_in_by, summons.reported_late = now, actor, late
        summons.save(update_fields=["status", "reported_in_at", "reported_in_by", "reported_late"])
        _notify(
            summons=summons,
            targets=_whistling_centre(summons.whistle),
            actor=actor,
            kind=NoticeKind.WHISTLE,
            title=note + f"（{summons.case.number}）",
            key=f"summons:{summons.pk}:report_in",
            now=now,
        )
    return summons


def summons_respond(
    *, summons_id: int, actor: User, text: str, files: Iterable = (), now: datetime | None = None
) -> Summons:
    """反馈: the department's answer, with photos or documents as evidence (linked to the case event)."""
    now = now or timezone.now()
    text = (text or "").strip()
    summons = _precheck(summons_id=summons_id, actor=actor, action="respond")
    if not text:
        raise InvalidInput(_("请填写反馈内容"), code="text")
    note = kept("%(dept)s反馈：%(text)s") % {"dept": summons.department.name, "text": text}
    with transaction.atomic():
        _record(summons, actor=actor, action="respond", public=True, note=note, now=now, files=files)
        summons = _lock(summons, actor=actor, action="respond")
        summons.status, summons.responded_at, summons.response = S.RESPONDED, now, text
        summons.save(update_fields=["status", "responded_at", "response"])
        _notify(
            summons=summons,
            targets=_whistling_centre(summons.whistle),
            actor=actor,
            kind=NoticeKind.WHISTLE,
            title=kept("%(dept)s已反馈，请确认（%(number)s）")
            % {"dept": summons.department.name, "number": summons.case.number},
            body=text,
            key=f"summons:{summons.pk}:respond",
            now=now,
        )
    return summons


def summons_request_extension(
    *, summons_id: int, actor: User, until: datetime | str, reason: str, now: datetime | None = None
) -> Summons:
    """延期申请: the department asks the whistling centre for a later response time (one open request)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    summons = _precheck(summons_id=summons_id, actor=actor, action="extension")
    wanted = within_due_horizon(_when(until, code="until"), now=now, code="until")
    if not reason:
        raise InvalidInput(_("请填写延期理由"), code="reason")
    if now >= summons.respond_due_at:
        raise NotAllowed(
            _("反馈时限（%(due)s）已过，不能再申请延期；延期须在时限届满前申请")
            % {"due": _local(summons.respond_due_at)},
            code="deadline_passed",
        )
    if wanted <= summons.respond_due_at or wanted <= now:
        raise InvalidInput(
            _("申请延期的时间必须晚于当前反馈时限（%(due)s）") % {"due": _local(summons.respond_due_at)}, code="until"
        )
    note = kept("%(dept)s申请延期至%(until)s：%(reason)s") % {
        "dept": summons.department.name,
        "until": _local(wanted),
        "reason": reason,
    }
    with transaction.atomic():
        _record(
            summons,
            actor=actor,
            action="extension",
            public=False,
            note=note,
            now=now,
            extra={"until": wanted.isoformat()},
        )
        summons = _lock(summons, actor=actor, action="extension")
        summons.extension_status = RequestStatus.PENDING
        summons.extension_until, summons.extension_reason, summons.extension_requested_at = wanted, reason, now
        summons.save(
            update_fields=["extension_status", "extension_until", "extension_reason", "extension_requested_at"]
        )
        _notify(
            summons=summons,
            targets=_whistling_centre(summons.whistle),
            actor=actor,
            kind=NoticeKind.EXTENSION,
            title=note[:150] + f"（{summons.case.number}）",
            body=reason,
            key=f"summons:{summons.pk}:extension:{now.isoformat()}",
            now=now,
        )
    return summons


def summons_decide_extension(
    *,
    summons_id: int,
    actor: User,
    approve: bool,
    note: str = "",
    due_at: datetime | str | None = None,
    now: datetime | None = None,
) -> Summons:
    """The whistling centre approves (the response time moves to the requested or a given time) or refuses
    (with a reason) the pending extension request."""
    now = now or timezone.now()
    note = (note or "").strip()
    summons = _precheck(summons_id=summons_id, actor=actor, action="decide_extension")
    new_due = None
    if approve:
        new_due = _when(due_at, code="due_at") if due_at else summons.extension_until
        if new_due is None or new_due <= summons.respond_due_at:
            raise InvalidInput(_("延期后的时限必须晚于当前反馈时限"), code="due_at")
        # A request kept from before the horizon was checked (9999) is refused here too, and stays pending.
        within_due_horizon(new_due, now=now, code="due_at")
        text = kept("批准%(dept)s延期，反馈时限延至%(due)s") % {"dept": summons.department.name, "due": _local(new_due)}
    else:
        if not note:
            raise InvalidInput(_("请填写驳回延期的理由"), code="note")
        text = kept("驳回%(dept)s的延期申请") % {"dept": summons.department.name}
    if note:
        text = f"{text}：{note}"
    with transaction.atomic():
        _record(
            summons,
            actor=actor,
            action="decide_extension",
            public=False,
            note=text,
            now=now,
            extra={"approved": bool(approve), "due_at": new_due.isoformat() if new_due else None},
        )
        summons = _lock(summons, actor=actor, action="decide_extension")
        fields = ["extension_status"]
        if approve:
            summons.extension_status, summons.respond_due_at = RequestStatus.APPROVED, new_due
            fields.append("respond_due_at")
        else:
            summons.extension_status = RequestStatus.REFUSED
        summons.save(update_fields=fields)
        _tell_department(
            summons,
            actor=actor,
            kind=NoticeKind.EXTENSION,
            title=text[:150] + f"（{summons.case.number}）",
            key=f"summons:{summons.pk}:extension-decided:{now.isoformat()}",
            now=now,
        )
    return summons


def summons_return(*, summons_id: int, actor: User, reason: str, now: datetime | None = None) -> Summons:
    """退回: the department says the summons is not theirs (with a reason); the whistling centre is told."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    summons = _precheck(summons_id=summons_id, actor=actor, action="return")
    if not reason:
        raise InvalidInput(_("请填写退回理由"), code="reason")
    note = kept("%(dept)s退回召集：%(reason)s") % {"dept": summons.department.name, "reason": reason}
    return _end_unanswered(
        summons,
        actor=actor,
        action="return",
        status=S.RETURNED,
        reason=reason,
        note=note,
        now=now,
        told=_whistling_centre(summons.whistle),
        kind=NoticeKind.RETURNED,
        title=note[:150] + f"（{summons.case.number}）",
    )


def summons_withdraw(*, summons_id: int, actor: User, reason: str, now: datetime | None = None) -> Summons:
    """撤回召集: the whistling centre calls a department off before it has responded (summoned the wrong one, or no
    longer needs it), with a reason; the department's liaisons are told to stand down. Not the department's doing:
    the assessment counts the summons neither as received nor as the department's case."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    summons = _precheck(summons_id=summons_id, actor=actor, action="withdraw")
    if not reason:
        raise InvalidInput(_("请填写撤回理由"), code="reason")
    return _end_unanswered(
        summons,
        actor=actor,
        action="withdraw",
        status=S.WITHDRAWN,
        reason=reason,
        note=kept("撤回对%(dept)s的召集：%(reason)s") % {"dept": summons.department.name, "reason": reason},
        now=now,
        told=[notices.department(summons.department_id)],
        kind=NoticeKind.WHISTLE,
        title=kept("【撤回召集】%(region)s已撤回对您部门的召集（%(number)s），无需报到")
        % {"region": summons.whistle.region.name, "number": summons.case.number},
    )


def _end_unanswered(
    summons: Summons,
    *,
    actor: User,
    action: str,
    status: str,
    reason: str,
    note: str,
    now: datetime,
    told: list[notices.Target],
    kind: str,
    title: str,
) -> Summons:
    """A summons ends before its response — returned by the department or withdrawn by the centre: the step on the
    case's timeline (internal), the status with its time and reason, a pending extension request refused, and the
    other side told."""
    with transaction.atomic():
        _record(summons, actor=actor, action=action, public=False, note=note, now=now)
        summons = _lock(summons, actor=actor, action=action)
        summons.status, summons.returned_at, summons.return_reason = status, now, reason
        if summons.extension_status == RequestStatus.PENDING:
            summons.extension_status = RequestStatus.REFUSED
        summons.save(update_fields=["status", "returned_at", "return_reason", "extension_status"])
        _notify(
            summons=summons,
            targets=told,
            actor=actor,
            kind=kind,
            title=title,
            body=reason,
            key=f"summons:{summons.pk}:{action}",
            now=now,
        )
    return summons


def summons_complete(*, summons_id: int, actor: User, now: datetime | None = None) -> Summons:
    """The whistling centre confirms a department's response: the summons is done."""
    now = now or timezone.now()
    summons = _precheck(summons_id=summons_id, actor=actor, action="complete")
    note = kept("确认%(dept)s的反馈，报到事项完成") % {"dept": summons.department.name}
    with transaction.atomic():
        _record(summons, actor=actor, action="complete", public=False, note=note, now=now)
        summons = _lock(summons, actor=actor, action="complete")
        summons.status, summons.done_at = S.DONE, now
        summons.save(update_fields=["status", "done_at"])
        _tell_department(
            summons,
            actor=actor,
            kind=NoticeKind.WHISTLE,
            title=kept("%(region)s已确认您部门的反馈（%(number)s）")
            % {"region": summons.whistle.region.name, "number": summons.case.number},
            key=f"summons:{summons.pk}:done",
            now=now,
        )
    return summons


# --- the sweep's step: overdue summonses go under district supervision, once -------------------------------


def summons_escalate_overdue_batch(*, now: datetime | None = None, batch_size: int = 1000) -> int:
    """Put one batch of overdue summonses under district supervision (督办); returns how many.

    Overdue: still summoned after ``report_in_due_at``, or not responded after ``respond_due_at``;
    ``overdue_at`` empty (each summons is supervised exactly once); never while its case is on hold (挂账: the
    clock pauses from approval, DESIGN §4 — ``resume_summonses`` moves the clocks on when the case resumes).
    Step by step:
    1. read the cases that have such summonses (oldest case first, at most ``batch_size``);
    2. lock those case rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two sweeps take disjoint cases
       and the lock order stays case → summons, as in every other whistle transaction (SQLite serialises
       writers: its transactions are IMMEDIATE);
    3. re-read the overdue summonses of the locked cases and mark them with one conditional UPDATE
       (``overdue_at IS NULL`` → now);
    4. one bulk INSERT of Supervision rows (the case's district centre), one "supervise" event per case
       through ``case_transition`` (system), and bulk notices to the district centre staff and the
       department's liaisons (keyed per summons: at most once).
    """
    now = now or timezone.now()
    # an open case's summonses, but not a held one's: their clocks pause with the case's (挂账, Summons.clocks_paused)
    running = [s.value for s in OPEN_STATUSES if s != CaseStatus.ON_HOLD]
    with transaction.atomic():
        overdue = Summons.objects.filter(overdue_summons_q(now), overdue_at__isnull=True, case__status__in=running)
        case_ids = list(overdue.order_by("case_id").values_list("case_id", flat=True).distinct()[:batch_size])
        if not case_ids:
            return 0
        if connection.features.has_select_for_update_skip_locked:
            # A lock-only read of the case rows (no write here: the case changes through case_transition below).
            locked = Case.objects.filter(pk__in=case_ids).select_for_update(skip_locked=True, of=("self",))
            case_ids = list(locked.values_list("pk", flat=True))
            if not case_ids:
                return 0
        rows = list(
            overdue.filter(case_id__in=case_ids)
            .order_by("case_id", "id")
            .values(
                "id",
                "case_id",
                "case__number",
                "case__district_id",
                "department_id",
                "department__name",
                "status",
                "report_in_due_at",
                "respond_due_at",
            )[:batch_size]
        )
        ids = [r["id"] for r in rows]
        marked = Summons.objects.filter(pk__in=ids, overdue_at__isnull=True).update(overdue_at=now)
        if marked != len(ids):  # cannot happen under the case locks; refuse to write half a batch
            raise NotAllowed(_("并发督办冲突，请重试"), code="concurrent_sweep")

        by_case: dict[int, list[dict]] = defaultdict(list)
        supervisions = []
        for r in rows:
            if r["status"] == S.SUMMONED and r["report_in_due_at"] <= now:
                r["why"] = kept("%(dept)s未按时报到（报到时限%(due)s）") % {
                    "dept": r["department__name"],
                    "due": _local(r["report_in_due_at"]),
                }
            else:
                r["why"] = kept("%(dept)s未按时反馈（反馈时限%(due)s）") % {
                    "dept": r["department__name"],
                    "due": _local(r["respond_due_at"]),
                }
            by_case[r["case_id"]].append(r)
            supervisions.append(
                Supervision(
                    case_id=r["case_id"],
                    summons_id=r["id"],
                    region_id=r["case__district_id"],
                    reason=r["why"][:200],
                    created_at=now,
                )
            )
        Supervision.objects.bulk_create(supervisions)
        for case_id, case_rows in by_case.items():
            case_transition(
                case_id=case_id,
                action="supervise",
                actor=None,
                system=True,
                now=now,
                note=kept("吹哨报到超时，转区综治中心督办：%(why)s") % {"why": "；".join(r["why"] for r in case_rows)},
                reason="summons_overdue",
            )

        notices.notices_write(
            specs=[
                notices.NoticeSpec(
                    kind=NoticeKind.SUMMONS_OVERDUE,
                    title=kept("【报到超时督办】%(why)s（%(number)s）")
                    % {"why": r["why"], "number": r["case__number"]},
                    targets=[notices.centre(r["case__district_id"]), notices.department(r["department_id"])],
                    dedupe_key=f"summons-overdue:{r['id']}",
                    case_id=r["case_id"],
                    summons_id=r["id"],
                    url=summons_url(r["id"]),
                )
                for r in rows
            ],
            now=now,
        )
    return len(rows)


# --- a case can't close while a department still owes a report-in or response ------------------------------


CLOSING_ACTIONS = ("verify_ok", "close")


def summons_close_guard(*, case, action: str, actor, data: dict) -> str | None:
    """Refuse closing (核查通过 / 结案) while any summons on the case is still summoned or reported in."""
    if action not in CLOSING_ACTIONS:
        return None
    waiting = list(
        Summons.objects.filter(case_id=case.pk, status__in=WAITING)
        .order_by("department__code")
        .values_list("department__name", flat=True)
    )
    if waiting:
        return _("仍有部门未完成报到/反馈：%(depts)s") % {"depts": _("、").join(dict.fromkeys(waiting))}
    return None


#: Transitions that end a case without its handling finishing (合并, 不予受理): every summons still open ends with it.
ENDING_ACTIONS = ("merge", "reject")


def finish_summonses_on_close(sender, events, actor=None, batch=False, **kwargs) -> None:
    """When a case closes, its responded summonses are done (same transaction as the close event); when it is
    merged or rejected, every summons still open is done too — a finished case leaves no department summoned, no
    light in an inbox, no report-in the sweep would supervise. What each department did (reported in, responded,
    late) stays on the summons for the assessment."""
    for ev in events:
        if ev.action in CLOSING_ACTIONS:
            Summons.objects.filter(case_id=ev.case_id, status=S.RESPONDED).update(status=S.DONE, done_at=ev.at)
        elif ev.action in ENDING_ACTIONS:
            Summons.objects.filter(case_id=ev.case_id, status__in=OPEN_SUMMONS).update(status=S.DONE, done_at=ev.at)


def reopen_summonses(sender, events, actor=None, batch=False, **kwargs) -> None:
    """重办: the summonses the closing finished are open again (reported in, owing a new response), each with a
    response time restarted from its whistle's limit — the departments that answered the round answer again.
    Connected to ``cases.signals.events_recorded`` in ``EscalationConfig.ready``."""
    cal = None
    for ev in events:
        if ev.action != "reopen":
            continue
        cal = cal or calendar_spec()
        for summons in Summons.objects.filter(case_id=ev.case_id, status=S.DONE).select_related("whistle"):
            w = summons.whistle
            summons.status, summons.done_at, summons.overdue_at = S.REPORTED_IN, None, None
            summons.respond_due_at = add_working_time(ev.at, w.response_limit, w.response_unit, cal)
            summons.save(update_fields=["status", "done_at", "overdue_at", "respond_due_at"])


def resume_summonses(sender, events, actor=None, batch=False, **kwargs) -> None:
    """恢复办理: the summonses still waiting for their department get back the time the hold took from them — time on
    hold does not count (DESIGN §4, §5), for the departments summoned to the case as for its handler. A clock still
    running when the hold began (report-in in calendar minutes, response in the whistle's unit) moves on by the
    held time (``governance.clock.shift_past_pause``, as the case's own due times); one that had already run out
    stays where it was — that department was late before the hold, and the next sweep supervises it.
    Connected to ``cases.signals.events_recorded`` in ``EscalationConfig.ready``."""
    cal = None
    for ev in events:
        held_at = (ev.data or {}).get("held_at") if ev.action == "resume" else None
        if not held_at:
            continue
        paused = parse_datetime(held_at)
        if paused is None:
            continue
        cal = cal or calendar_spec()
        waiting = Summons.objects.filter(case_id=ev.case_id, status__in=WAITING, overdue_at__isnull=True)
        for summons in waiting.select_related("whistle", "case"):
            fields = []
            if summons.status == S.SUMMONED and summons.report_in_due_at > paused:
                summons.report_in_due_at = shift_past_pause(
                    summons.report_in_due_at, paused, ev.at, TimeUnit.MINUTES, cal
                )
                fields.append("report_in_due_at")
            if summons.respond_due_at > paused:
                summons.respond_due_at = shift_past_pause(
                    summons.respond_due_at, paused, ev.at, summons.whistle.response_unit, cal
                )
                fields.append("respond_due_at")
            if not fields:
                continue
            summons.save(update_fields=fields)
            # the department's deadlines moved: it hears the new ones (its inbox showed the clocks paused)
            if summons.status == S.SUMMONED:
                title = kept("【恢复办理】%(number)s已恢复办理，报到时限顺延至%(due)s")
                due = summons.report_in_due_at
            else:
                title = kept("【恢复办理】%(number)s已恢复办理，反馈时限顺延至%(due)s")
                due = summons.respond_due_at
            _tell_department(
                summons,
                actor=actor,
                kind=NoticeKind.WHISTLE,
                title=title % {"number": summons.case.number, "due": _local(due)},
                key=f"summons:{summons.pk}:resume:{ev.pk}",
                now=ev.at,
            )


def hold_summonses(sender, events, actor=None, batch=False, **kwargs) -> None:
    """挂账 (by the centre, or its approval of a request): the departments still owing the case a report-in or a
    response are told that their clocks pause with the case's (``Summons.clocks_paused``) and move on when it
    resumes (``resume_summonses``) — their inbox stops counting down, and they know why.
    Connected to ``cases.signals.events_recorded`` in ``EscalationConfig.ready``."""
    for ev in events:
        if ev.action not in ("hold", "hold_approve"):
            continue
        waiting = Summons.objects.filter(case_id=ev.case_id, status__in=WAITING, overdue_at__isnull=True)
        for summons in waiting.select_related("case"):
            _tell_department(
                summons,
                actor=actor,
                kind=NoticeKind.WHISTLE,
                title=kept("【挂账】%(number)s已挂账，报到和反馈时限暂停计时，恢复办理后顺延")
                % {"number": summons.case.number},
                key=f"summons:{summons.pk}:hold:{ev.pk}",
                now=ev.at,
            )
