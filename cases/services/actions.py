"""What each workflow action does to the case, called by ``case_transition`` under the row lock after all checks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from core.errors import InvalidInput, NotAllowed
from core.hostile_input import whole_number
from core.roles import is_centre_staff
from core.stored_text import kept
from governance.choices import Level, Role
from governance.clock import CalendarCannotPlace, fraction_point, shift_past_pause
from governance.models import Department, JurisdictionRule, Region, User
from governance.selectors import calendar_spec

from ..choices import EvidenceStage, HandlerKind, RatingResult, RequestStatus, ReturnReason
from ..choices import Status as S
from ..conditions import actor_dispatches, pending_returns
from ..models import Case, CaseDispatch, ExtensionRequest, HoldRequest, Rating
from ..selectors import case_queryset_for
from .deadlines import (
    Deadlines,
    arrive_at_level,
    cap_to_external,
    next_level_for,
    region_at_level,
    restart_handling_clock,
    rule_ref,
    within_due_horizon,
)


def apply_nothing(**_kw: Any) -> dict[str, Any]:
    return {}


def _apply_remark(*, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
    """comment / note: the caller may tag the event (``record``: a small JSON-safe dict kept in ``data``) and say
    what its files are (``stage``: an EvidenceStage, e.g. a department's response to a whistle)."""
    outcome = {str(k): v for k, v in dict(data.get("record") or {}).items() if not str(k).startswith("_")}
    if data.get("stage") in EvidenceStage.values:
        outcome["_stage"] = data["stage"]
    return outcome


def _mark_response(case: Case, now: datetime) -> None:
    if case.responded_at is None:
        case.responded_at = now


def _apply_accept(*, case: Case, now: datetime, **_kw: Any) -> dict[str, Any]:
    case.accepted_at = case.accepted_at or now
    _mark_response(case, now)
    return {}


def lapse_side_requests(*, case_ids: Iterable[int], now: datetime) -> int:
    """The pending 延期 and 挂账 requests of cases that left their requester's hands (escalated, returned to the
    dispatcher, merged, rejected, closed) lapse: refused by nobody, with the reason. They were the old handler's,
    to be decided by the level that dispatched to it — left pending, a new handler could ask nothing (one pending
    request per case) and the new level could approve the old handler's hold. Returns how many lapsed."""
    ids = list(case_ids)
    if not ids:
        return 0
    note = kept("事件已上报、退回或办结，原申请人不再承办，申请失效")
    lapsed = 0
    for model in (ExtensionRequest, HoldRequest):
        lapsed += model.objects.filter(case__any_of=ids, status=RequestStatus.PENDING).update(
            status=RequestStatus.REFUSED, decided_by=None, decided_at=now, decision_note=note
        )
    return lapsed


def _apply_reject(*, case: Case, now: datetime, **_kw: Any) -> dict[str, Any]:
    case.closed_at = now
    _mark_response(case, now)
    lapse_side_requests(case_ids=[case.pk], now=now)
    return {}


def grant_department(case: Case, department: Department) -> None:
    """Let the department's liaisons see the case (django-guardian grant to the department's group)."""
    from governance.services import department_ensure_group

    group = department_ensure_group(department)
    assign_perm("cases.view_case", group, case)


def _dispatcher_region(actor: User | None, case: Case) -> Region | None:
    if actor is not None and is_centre_staff(actor):
        return actor.region
    return case.handler_region or case.community


def _apply_dispatch(
    *, case: Case, actor: User | None, now: datetime, data: dict[str, Any], **_kw: Any
) -> dict[str, Any]:
    """Dispatch to departments (one or more), a grid team, or a level's centre. ``final_ruling`` blocks returns."""
    dept_ids = [int(d) for d in (data.get("departments") or [])]
    to_grid = bool(data.get("to_grid"))
    region_id = data.get("region")
    kinds = sum([bool(dept_ids), to_grid, bool(region_id)])
    if kinds != 1:
        raise InvalidInput(_("请选择派遣对象：职能部门、网格团队或某级综治中心（三选一）"), code="target")
    dispatcher = _dispatcher_region(actor, case)
    CaseDispatch.objects.filter(case=case, active=True).update(active=False)

    clock = Deadlines(now)

    def dispatch_to(**target: Any) -> None:  # one row per target: level and grid, region or department
        CaseDispatch.objects.create(
            case=case,
            **CaseDispatch.place_of(case),
            dispatched_by=actor,
            dispatcher_region=dispatcher,
            dispatched_at=now,
            return_due_at=clock.return_due(case, now),
            **target,
        )

    targets: list[str] = []
    if dept_ids:
        depts = list(Department.objects.filter(pk__in=dept_ids, active=True))
        if len(depts) != len(set(dept_ids)):
            raise InvalidInput(_("所选部门不存在或已停用"), code="department")
        for d in depts:
            dispatch_to(level=case.level, department=d)
            grant_department(case, d)
            targets.append(d.name)
        case.handler_kind, case.handler_region = HandlerKind.DEPARTMENTS, dispatcher
    elif to_grid:
        if case.grid is None:
            raise InvalidInput(_("该事件没有所属网格，不能派给网格团队"), code="grid")
        dispatch_to(level=Level.GRID, grid=case.grid)
        if case.level != Level.GRID:
            arrive_at_level(case, Level.GRID, Deadlines(now))
        case.handler_kind, case.handler_region = HandlerKind.GRID_TEAM, None
        targets.append(case.grid.name)
    else:
        region = Region.objects.filter(Q(pk=region_id)).first()
        allowed = {r.id for r in (case.community, case.street, case.district) if r is not None}
        if region is None or region.id not in allowed:
            raise InvalidInput(_("只能派往事件所在的社区、街道或区综治中心"), code="region")
        dispatch_to(level=region.level, region=region)
        if region.level != case.level:
            arrive_at_level(case, region.level, Deadlines(now))
        case.handler_kind, case.handler_region = HandlerKind.CENTRE, region
        targets.append(kept("%(region)s综治中心") % {"region": region.name})
    case.dispatch_count += 1
    case.dispatched_at = now
    case.return_blocked = bool(data.get("final_ruling"))
    _mark_response(case, now)
    return {"targets": targets, "final_ruling": case.return_blocked}


def _actor_dispatches(case: Case, actor: User | None) -> QuerySet[CaseDispatch]:
    qs = CaseDispatch.objects.filter(case=case, active=True)
    if actor is not None and actor.role == Role.LIAISON:
        qs = qs.filter(Q(department_id=actor.department_id))  # Q: a liaison without a department matches none
    return qs


def _apply_sign(*, case: Case, actor: User | None, now: datetime, **_kw: Any) -> dict[str, Any]:
    """签收. With several departments dispatched each signs for its own dispatch; the first signature
    starts the handling clock, later ones only record that department's receipt."""
    mine = _actor_dispatches(case, actor).filter(signed_at__isnull=True)
    if case.status == S.IN_PROGRESS and not mine.exists():
        raise NotAllowed(_("该事件已签收，无需重复操作"), code="state")
    mine.update(signed_at=now)
    first = case.status == S.DISPATCHED
    case.signed_at = case.signed_at or now
    _mark_response(case, now)
    if first:
        restart_handling_clock(case, Deadlines(now))
        if case.rule_id:
            # The first signature restarts the handling clock: its event names the rule even when the
            # restarted due time happens to equal the one set at dispatch.
            return {"first_sign": True, "rule": rule_ref(None, case.rule_id)}
    return {"first_sign": first}


def _apply_return_request(
    *, case: Case, actor: User | None, now: datetime, note: str, data: dict[str, Any], **_kw: Any
) -> dict[str, Any]:
    """申请退单: the handler asks (reason code + note) within the return window; the dispatcher decides."""
    code = data.get("reason") or ReturnReason.OTHER
    if code not in ReturnReason.values or code == ReturnReason.RECALLED:
        raise InvalidInput(_("未知的退单原因"), code="reason")
    mine = list(actor_dispatches(case, actor).select_related("department"))
    for d in mine:
        d.return_requested_at, d.return_requested_by, d.return_reason, d.return_note = now, actor, code, note
        d.return_refused_at, d.return_refusal = None, ""
        d.save(
            update_fields=[
                "return_requested_at",
                "return_requested_by",
                "return_reason",
                "return_note",
                "return_refused_at",
                "return_refusal",
            ]
        )
    return {
        "_reason": code,
        "dispatches": [d.id for d in mine],
        "targets": [d.target_name for d in mine],
        "department_ids": [d.department_id for d in mine if d.department_id],
    }


def _decided_returns(case: Case, data: dict[str, Any]) -> list[CaseDispatch]:
    pending = pending_returns(case).select_related("department", "grid", "region", "dispatcher_region")
    if data.get("dispatch"):
        pending = pending.filter(pk=data["dispatch"])
    rows = list(pending)
    if not rows:
        raise NotAllowed(_("没有待审批的退单申请"), code="no_request")
    return rows


def _apply_return(
    *, case: Case, actor: User | None, now: datetime, note: str, data: dict[str, Any], **_kw: Any
) -> dict[str, Any]:
    """同意退单: the returned dispatches end, counted against the dispatcher's correct-dispatch rate; when no
    other handler holds the case it is back in the dispatcher's queue (accepted)."""
    mine = _decided_returns(case, data)
    for d in mine:
        d.active, d.returned_at = False, now
        d.save(update_fields=["active", "returned_at"])
    case.return_count += 1
    code = mine[0].return_reason or ReturnReason.OTHER
    outcome: dict[str, Any] = {
        "_reason": code,
        "departments": [d.department.name for d in mine if d.department is not None],
        "targets": [d.target_name for d in mine],
        "dispatches": [d.id for d in mine],
        "department_ids": [d.department_id for d in mine if d.department_id],
    }
    if CaseDispatch.objects.filter(case=case, active=True).exists():
        outcome["_status"] = case.status  # others still hold it
        return outcome
    _back_to_dispatcher(case, mine[0].dispatcher_region, now)
    return outcome


def _back_to_dispatcher(case: Case, dispatcher: Region | None, now: datetime) -> None:
    """No handler holds the case any more (returned, recalled): it is back in the queue of the centre that
    dispatched it, at that centre's level (its clock restarting there when the dispatch had moved the case), and its
    handler's pending requests lapse."""
    lapse_side_requests(case_ids=[case.pk], now=now)
    if dispatcher is not None and dispatcher.level != case.level and dispatcher.level in Level.values:
        arrive_at_level(case, dispatcher.level, Deadlines(now))
    case.handler_kind, case.handler_region = HandlerKind.CENTRE, dispatcher or region_at_level(case, case.level)


def _apply_recall(*, case: Case, actor: User | None, now: datetime, note: str, **_kw: Any) -> dict[str, Any]:
    """撤回派遣: the dispatcher takes back a dispatch nobody has signed for yet (sent to the wrong department, or
    the wrong level) and the case is back in its queue, to dispatch again. The dispatches end as returned with the
    reason "recalled" — for the assessment a wrong dispatch of the dispatcher (准确派遣率), not the department's
    (it is not charged with the case, and its dispatch counts as answered)."""
    recalled = list(
        CaseDispatch.objects.filter(case=case, active=True).select_related(
            "department", "grid", "region", "dispatcher_region"
        )
    )
    for d in recalled:
        d.active, d.returned_at, d.return_reason, d.return_note = False, now, ReturnReason.RECALLED, note
    CaseDispatch.objects.bulk_update(recalled, ["active", "returned_at", "return_reason", "return_note"])
    _back_to_dispatcher(case, recalled[0].dispatcher_region if recalled else None, now)
    return {
        "_reason": ReturnReason.RECALLED,
        "recalled": [d.target_name for d in recalled],
        "dispatches": [d.id for d in recalled],
        "department_ids": [d.department_id for d in recalled if d.department_id],
        "grid_ids": [d.grid_id for d in recalled if d.grid_id],
        "region_ids": [d.region_id for d in recalled if d.region_id],
    }


def _apply_return_reject(
    *, case: Case, actor: User | None, now: datetime, note: str, data: dict[str, Any], **_kw: Any
) -> dict[str, Any]:
    """驳回退单: the case stays with the handler, its clock running; ``final_ruling`` fixes the handler (终局裁定:
    no further return)."""
    mine = _decided_returns(case, data)
    for d in mine:
        d.return_refused_at, d.return_refusal = now, note
        d.save(update_fields=["return_refused_at", "return_refusal"])
    if data.get("final_ruling"):
        case.return_blocked = True
    return {
        "targets": [d.target_name for d in mine],
        "dispatches": [d.id for d in mine],
        "department_ids": [d.department_id for d in mine if d.department_id],
        "final_ruling": bool(data.get("final_ruling")),
    }


def _apply_resolve(*, case: Case, actor: User | None, now: datetime, **_kw: Any) -> dict[str, Any]:
    case.resolved_at, case.resolved_by = now, actor
    case.resolved_on_time = case.due_at is None or now <= case.due_at
    return {"on_time": case.resolved_on_time}


def _apply_self_handle(*, case: Case, actor: User | None, now: datetime, **_kw: Any) -> dict[str, Any]:
    case.accepted_at = case.accepted_at or now
    case.signed_at = case.signed_at or now
    case.handler_kind, case.handler_region = HandlerKind.GRID_TEAM, None
    _mark_response(case, now)
    return _apply_resolve(case=case, actor=actor, now=now)


def _apply_close(*, case: Case, now: datetime, **_kw: Any) -> dict[str, Any]:
    """Closing ends the round's dispatches; their ids stay on the event so a reopen gives the case back to them."""
    case.closed_at = now
    active = CaseDispatch.objects.filter(case=case, active=True)
    handlers = list(active.values_list("id", flat=True))
    active.update(active=False)
    lapse_side_requests(case_ids=[case.pk], now=now)
    return {"round_dispatches": handlers} if handlers else {}


def _apply_verify_failed(*, case: Case, now: datetime, **_kw: Any) -> dict[str, Any]:
    case.rework_count += 1
    case.resolved_at = case.resolved_on_time = None
    restart_handling_clock(case, Deadlines(now))
    return {"rework": case.rework_count}


def _apply_rate(
    *, case: Case, actor: User | None, now: datetime, note: str, data: dict[str, Any], citizen: bool, **_kw: Any
) -> dict[str, Any]:
    result = data.get("result")
    if result not in RatingResult.values:
        raise InvalidInput(_("请选择评价：满意、基本满意或不满意"), code="result")
    if Rating.objects.filter(case=case, round=case.round).exists():
        raise NotAllowed(_("本轮办理已评价，每轮只能评价一次"), code="already_rated")
    Rating.objects.filter(case=case, latest=True).update(latest=False)
    Rating.objects.create(
        case=case,
        **Rating.place_of(case),
        round=case.round,
        latest=True,
        result=result,
        comment=note,
        rated_at=now,
        recorded_by=None if citizen else actor,
        contacted=_flag(data.get("contacted")),
        solved=_flag(data.get("solved")),
    )
    return {"result": result, "by": "citizen" if citizen else "staff", "round": case.round}


def _flag(value: Any) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "yes", "on")


def _apply_reopen(*, case: Case, now: datetime, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
    """重办: the case goes back to the handlers of the last round — the dispatches its closing ended are active
    again (each department signs for it anew) — and the handling clock restarts from the jurisdiction rule
    of the level those departments handled it at. The escalation app reopens the round's summonses."""
    case.closed_at = case.resolved_at = case.resolved_on_time = case.resolved_by = None
    if case.external_due_at is not None or data.get("external_due_at"):
        # The outside deadline of the last round is spent: the re-handling has the one sent with it, if any.
        external = data.get("external_due_at")
        case.external_due_at = _parse_when(external, now=now) if external else None
    last_close = case.events.filter(action__in=("verify_ok", "close")).order_by("-at", "-id").first()
    ids = list((last_close.data or {}).get("round_dispatches") or []) if last_close else []
    back = list(CaseDispatch.objects.filter(case=case, pk__in=ids).select_related("department"))
    for d in back:
        d.active, d.signed_at = True, None
        d.return_requested_at, d.return_refused_at = None, None
        d.save(update_fields=["active", "signed_at", "return_requested_at", "return_refused_at"])
    case.reopen_count += 1
    case.rule = None  # the rule in force now for the level (a newer version applies to the new round)
    restart_handling_clock(case, Deadlines(now))
    case.rule = JurisdictionRule.objects.filter(pk=case.rule_id).first() if case.rule_id else None
    return {"round": case.round, "targets": [d.target_name for d in back]}


def _apply_hold(*, case: Case, now: datetime, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
    """挂账 by the centre holding the case: the clock pauses now (an expected resume time is optional)."""
    until = _parse_when(data["hold_until"], now=now, code="hold_until") if data.get("hold_until") else None
    if until is not None and until <= now:
        raise InvalidInput(_("预计恢复办理时间必须晚于现在"), code="hold_until")
    case.held_at, case.held_from_status, case.hold_until = now, case.status, until
    case.hold_due_warned_at = None  # a new hold: its expected end is announced when it passes
    return {"hold_until": until.isoformat()} if until else {}


def _apply_hold_request(
    *, case: Case, actor: User | None, now: datetime, note: str, data: dict[str, Any], **_kw: Any
) -> dict[str, Any]:
    """申请挂账: the handler asks with a reason and an expected resume time; the dispatching centre decides."""
    until = _parse_when(data.get("hold_until"), now=now, code="hold_until")
    if until <= now:
        raise InvalidInput(_("预计恢复办理时间必须晚于现在"), code="hold_until")
    req = HoldRequest.objects.create(case=case, requested_by=actor, requested_at=now, expected_end=until, reason=note)
    return {"request": req.id, "hold_until": until.isoformat()}


def _pending_hold(case: Case) -> HoldRequest:
    req = HoldRequest.pending_for(case)
    if req is None:
        raise NotAllowed(_("没有待审批的挂账申请"), code="no_request")
    return req


def _apply_hold_approve(*, case: Case, actor: User | None, now: datetime, note: str, **_kw: Any) -> dict[str, Any]:
    """批准挂账: the clock pauses from now (the approval), until the case is resumed."""
    req = _pending_hold(case)
    req.decide(approved=True, actor=actor, now=now, note=note)
    case.held_at, case.held_from_status, case.hold_until = now, case.status, req.expected_end
    case.hold_due_warned_at = None  # a new hold: its expected end is announced when it passes
    return {"request": req.id, "hold_until": req.expected_end.isoformat()}


def _apply_hold_refuse(*, case: Case, actor: User | None, now: datetime, note: str, **_kw: Any) -> dict[str, Any]:
    req = _pending_hold(case)
    req.decide(approved=False, actor=actor, now=now, note=note)
    return {"request": req.id}


def _apply_resume(*, case: Case, now: datetime, **_kw: Any) -> dict[str, Any]:
    """Time on hold does not count: the deadlines move by the held (working) time. The event keeps when the hold
    began (``held_at``): the escalation app moves the case's summonses' clocks on by the same pause."""
    cal = calendar_spec()
    unit = case.rule.handling_unit if case.rule else "hours"
    held = case.held_at or now
    case.due_at = shift_past_pause(case.due_at, held, now, unit, cal)
    case.yellow_at = shift_past_pause(case.yellow_at, held, now, unit, cal)
    case.accept_due_at = shift_past_pause(case.accept_due_at, held, now, unit, cal)
    case.held_at = case.hold_until = case.hold_due_warned_at = None
    cap_to_external(case, Deadlines(now))  # the hotline's deadline does not move for our hold: only it extends it
    return {"held_seconds": int((now - held).total_seconds()), "held_at": held.isoformat()}


def _parse_when(value: Any, *, now: datetime, code: str = "datetime") -> datetime:
    """A time asked for (aware; a naive one is local time), at most ``MAX_DUE_HORIZON_DAYS`` ahead
    (``within_due_horizon``); anything else → InvalidInput with ``code``."""
    when = value if isinstance(value, datetime) else parse_datetime(str(value or ""))
    if when is None:
        raise InvalidInput(_("请填写有效的日期时间"), code=code)
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return within_due_horizon(when, now=now, code=code)


def _apply_extension_request(
    *, case: Case, actor: User | None, now: datetime, note: str, data: dict[str, Any], **_kw: Any
) -> dict[str, Any]:
    wanted = _parse_when(data.get("requested_due_at"), now=now)
    if case.due_at and wanted <= case.due_at:
        raise InvalidInput(_("申请延期的时间必须晚于当前时限"), code="datetime")
    if ExtensionRequest.pending_for(case) is not None:
        raise NotAllowed(_("已有待审批的延期申请"), code="pending")
    if case.due_at is not None and now >= case.due_at:
        raise NotAllowed(_("办理时限已过，不能再申请延期"), code="deadline_passed")
    req = ExtensionRequest.objects.create(
        case=case, requested_by=actor, requested_at=now, requested_due_at=wanted, reason=note
    )
    return {"request": req.id, "requested_due_at": wanted.isoformat()}


def _pending_request(case: Case) -> ExtensionRequest:
    req = ExtensionRequest.pending_for(case)
    if req is None:
        raise NotAllowed(_("没有待审批的延期申请"), code="no_request")
    return req


def _apply_extension_approve(
    *, case: Case, actor: User | None, now: datetime, note: str, data: dict[str, Any], **_kw: Any
) -> dict[str, Any]:
    req = _pending_request(case)
    # The time asked may predate the horizon check (kept from before it): checked again here, so the approval
    # refuses it with a reason instead of failing in the clock.
    new_due = _parse_when(data["due_at"] if data.get("due_at") else req.requested_due_at, now=now)
    old = case.due_at
    if new_due <= now or (old is not None and new_due <= old):  # an "extension" that shortens is not one
        raise InvalidInput(_("延期后的时限必须晚于当前时限和现在"), code="datetime")
    cal = calendar_spec()
    unit = case.rule.handling_unit if case.rule else "hours"
    if case.external_due_at is not None and data.get("external"):
        case.external_due_at = max(case.external_due_at, new_due)  # the outside party moved its own deadline
    elif case.external_due_at is not None and new_due > case.external_due_at:
        raise NotAllowed(_("延期不能超过外部（12345）办结时限，须由外部平台批准"), code="external_due")
    start = case.arrived_at if not case.signed_at else case.signed_at
    try:
        yellow = fraction_point(start, new_due, settings.YELLOW_THRESHOLD, unit, cal)
    except CalendarCannotPlace:  # no working time that far ahead: a refusal, not a 500 on every try
        raise InvalidInput(_("工作日历中找不到该时限前的工作时间，请选择更早的时间"), code="datetime") from None
    req.decide(approved=True, actor=actor, now=now, note=note)
    case.due_at = new_due
    case.yellow_at = yellow
    case.warned_yellow = False
    case.extension_count += 1
    return {"request": req.id, "from": old.isoformat() if old else None, "to": new_due.isoformat()}


def _apply_extension_refuse(*, case: Case, actor: User | None, now: datetime, note: str, **_kw: Any) -> dict[str, Any]:
    req = _pending_request(case)
    req.decide(approved=False, actor=actor, now=now, note=note)
    return {"request": req.id}


def _apply_merge(*, case: Case, actor: User | None, now: datetime, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
    into_ref = data.get("into")
    scope = case_queryset_for(actor) if actor is not None else Case.objects.all()
    into_pk = whole_number(into_ref)
    found = scope.filter(Q(pk=into_pk) if into_pk is not None else Q(number=into_ref)).values("pk").first()
    if found is None:
        raise InvalidInput(_("找不到要合并到的事件"), code="into")
    if found["pk"] == case.pk:
        raise InvalidInput(_("不能把事件合并到它自己"), code="into")
    target = _lock_target(found["pk"])
    if not target.is_open:  # a merged case is closed: no chain, no cycle
        raise NotAllowed(_("只能合并到未办结的事件"), code="into_closed")
    case.merged_into = target
    case.closed_at = now
    CaseDispatch.objects.filter(case=case, active=True).update(active=False)
    lapse_side_requests(case_ids=[case.pk], now=now)
    # The cases merged into this one are answered by the target from now on: no chains to follow (their 12345
    # orders are told the new case, ``carried``).
    carried = list(Case.objects.filter(merged_into=case).values_list("pk", flat=True))
    if carried:
        Case.objects.filter(pk__in=carried).update(merged_into=target)
        return {"into": target.number, "carried": carried}
    return {"into": target.number}


def _lock_target(pk: int) -> Case:
    """The merge target, locked and read afresh: two merges crossing (A into B while B goes into A) would each
    see the other still open and make a cycle. Without waiting (``NOWAIT``, in a savepoint): two crossing merges
    would otherwise wait on each other; whichever finds the other's case busy is refused and may try again."""
    try:
        with transaction.atomic():
            return Case.objects.select_for_update(nowait=True).get(pk=pk)
    except OperationalError:
        raise NotAllowed(_("要合并到的事件正在被他人办理，请稍后再试"), code="busy") from None


def _apply_escalate(*, case: Case, now: datetime, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
    """Up one level. ``from_level`` (the level the page or client saw) makes it once per level: a second press, or
    a press after a colleague or the sweep already moved the case, is refused instead of climbing another level."""
    seen = data.get("from_level")
    if seen and seen != case.level:
        raise NotAllowed(
            _("事件已在%(level)s层级（已有人或系统上报），本次上报未执行，请刷新后再看")
            % {"level": case.get_level_display()},
            code="stale",
        )
    nxt = next_level_for(level=case.level, has_community=bool(case.community_id))
    if nxt is None:
        raise NotAllowed(_("事件已在最高层级，不能再上报"), code="top")
    active = CaseDispatch.objects.filter(case=case, active=True)
    departments = active.values_list("department_id", flat=True)
    from_handler = holder_record(case.handler_kind, case.handler_region_id, departments)
    active.update(active=False)
    lapse_side_requests(case_ids=[case.pk], now=now)
    old_due = case.due_at
    arrive_at_level(case, nxt, Deadlines(now))
    case.escalation_count += 1
    return {
        "_reason": data.get("reason") or "manual",
        "overdue_due_at": old_due.isoformat() if old_due else None,
        "from_handler": from_handler,
    }


def holder_record(kind: str, region_id: int | None, department_ids: Iterable[int | None]) -> dict[str, Any]:
    """Who held the case before it climbed (kept on the escalate event: notices reach the previous holder)."""
    return {"kind": kind, "region": region_id, "departments": sorted(d for d in department_ids if d)}


def _apply_supervise(*, case: Case, now: datetime, **_kw: Any) -> dict[str, Any]:
    case.supervised_at = case.supervised_at or now
    return {}


def _apply_whistle(
    *, case: Case, actor: User | None, now: datetime, data: dict[str, Any], **_kw: Any
) -> dict[str, Any]:
    """吹哨 summons departments to *help* with the case (一人吹哨、众人响应; 有关部门协同解决 — seed 000); the summonses
    (rows made by escalation) run beside whoever handles it:

    - a case in the centre's own queue (accepted), or one it works on itself: the whistling centre holds the case
      while the summoned departments report in, and its handling clock starts;
    - a case a handler signed for and works on (in progress with an active dispatch — departments, a grid team, a
      lower centre): the handler keeps it — its dispatch, its clock, its 办结 and its 退单/延期/挂账 requests.
      Making the centre the handler here left the department's dispatch active but the department unable to act,
      and the centre unable to hold a case "dispatched to departments": nobody could pause or extend it.
    """
    departments = list(data.get("department_names") or [])
    if case.status == S.IN_PROGRESS and CaseDispatch.objects.filter(case=case, active=True).exists():
        _mark_response(case, now)
        return {"departments": departments, "handler_kept": True}
    region = actor.region if actor is not None and actor.region_id else region_at_level(case, case.level)
    if case.status == S.ACCEPTED:
        case.signed_at = case.signed_at or now
        restart_handling_clock(case, Deadlines(now))
    case.handler_kind, case.handler_region = HandlerKind.CENTRE, region
    _mark_response(case, now)
    return {"departments": departments}


class Apply(Protocol):
    """What an action does to the case beyond its status (called under the row lock); returns the event's data."""

    def __call__(
        self, *, case: Case, actor: User | None, now: datetime, note: str, data: dict[str, Any], citizen: bool
    ) -> dict[str, Any]: ...


APPLY: dict[str, Apply] = {
    "accept": _apply_accept,
    "reject": _apply_reject,
    "dispatch": _apply_dispatch,
    "sign": _apply_sign,
    "return_request": _apply_return_request,
    "return": _apply_return,
    "recall": _apply_recall,
    "return_reject": _apply_return_reject,
    "resolve": _apply_resolve,
    "self_handle": _apply_self_handle,
    "verify_ok": _apply_close,
    "close": _apply_close,
    "verify_failed": _apply_verify_failed,
    "rate": _apply_rate,
    "reopen": _apply_reopen,
    "hold": _apply_hold,
    "hold_request": _apply_hold_request,
    "hold_approve": _apply_hold_approve,
    "hold_refuse": _apply_hold_refuse,
    "resume": _apply_resume,
    "extension_request": _apply_extension_request,
    "extension_approve": _apply_extension_approve,
    "extension_refuse": _apply_extension_refuse,
    "merge": _apply_merge,
    "escalate": _apply_escalate,
    "supervise": _apply_supervise,
    "whistle": _apply_whistle,
    "comment": _apply_remark,
    "note": _apply_remark,
}
