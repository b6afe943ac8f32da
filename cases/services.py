"""Every write to a case. ``case_transition`` is the one way a case changes; ``case_file`` creates one.

Each public function is one transaction: lock the case row, re-check state and permission under
the lock, write the new state and exactly one ``CaseEvent``, and announce it
(``signals.events_recorded``, inside the transaction, so listeners write their outbox rows
atomically; anything leaving the process waits for commit).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from governance.choices import GRADE_LEVEL, LEVEL_ORDER, Level, Role
from governance.clock import (
    add_working_seconds,
    add_working_time,
    fraction_point,
    is_working_unit,
    next_working_instant,
    working_seconds_between,
)
from governance.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from governance.models import Category, Department, JurisdictionRule, Region, User
from governance.selectors import calendar_spec, rule_for
from grids.models import Grid
from grids.selectors import grids_worked_by, locate_grid

from . import hooks, permissions, transitions
from .choices import CLOCK_STATUSES, Channel, EvidenceStage, HandlerKind, RatingResult, RequestStatus, ReturnReason
from .choices import Status as S
from .evidence import CheckedFile, check_files
from .models import Case, CaseDispatch, CaseEvent, CaseNumberSequence, Evidence, ExtensionRequest, Rating
from .selectors import case_queryset_for
from .signals import events_recorded

SYSTEM = "system"


# --- clocks ------------------------------------------------------------------------------------


class Deadlines:
    """Due times for arriving at a level, computed once per (category, level) and instant.

    Cases that arrive at a level in the same sweep share their due times per category and level,
    so the batch escalation computes each combination once.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.cal = calendar_spec()
        self._memo: dict[tuple[int, str], dict[str, Any]] = {}

    def arrival(self, category: Category | int, level: str) -> dict[str, Any]:
        cat_id = category if isinstance(category, int) else category.id
        key = (cat_id, level)
        if key not in self._memo:
            cat = category if isinstance(category, Category) else Category.objects.get(pk=cat_id)
            self._memo[key] = self._compute(rule_for(category=cat, level=level), self.now)
        return self._memo[key]

    def _compute(self, rule: JurisdictionRule | None, start: datetime) -> dict[str, Any]:
        if rule is None:
            return {"rule_id": None, "accept_due_at": None, "due_at": None, "yellow_at": None}
        due = add_working_time(start, rule.handling_limit, rule.handling_unit, self.cal)
        return {
            "rule_id": rule.id,
            "accept_due_at": add_working_time(start, rule.accept_limit, rule.accept_unit, self.cal),
            "due_at": due,
            "yellow_at": fraction_point(start, due, settings.YELLOW_THRESHOLD, rule.handling_unit, self.cal),
        }

    def handling(self, case: Case) -> dict[str, Any]:
        """Due times when the handler signs for the case (the handling clock starts now)."""
        rule = case.rule or rule_for(category=case.category, level=case.level)
        values = self._compute(rule, self.now)
        values.pop("accept_due_at")
        return values


def _arrive(case: Case, level: str, clock: Deadlines) -> None:
    """Put the case at ``level`` with that level's centre (or grid team) as holder, and restart its clock."""
    case.level = level
    if level == Level.GRID and case.grid_id:
        case.handler_kind, case.handler_region = HandlerKind.GRID_TEAM, None
    else:
        case.handler_kind, case.handler_region = HandlerKind.CENTRE, _region_at(case, level)
    case.arrived_at = clock.now
    for field, value in clock.arrival(case.category, level).items():
        setattr(case, field, value)
    case.warned_yellow = False


def _restart_handling_clock(case: Case, clock: Deadlines) -> None:
    for field, value in clock.handling(case).items():
        setattr(case, field, value)
    case.warned_yellow = False


def _region_at(case: Case, level: str) -> Region | None:
    return {
        Level.COMMUNITY: case.community,
        Level.STREET: case.street,
        Level.DISTRICT: case.district,
        Level.CITY: case.district.parent if case.district_id else None,
    }.get(Level(level))


def _top_level() -> str:
    return settings.TOP_LEVEL if settings.TOP_LEVEL in (Level.DISTRICT, Level.CITY) else Level.DISTRICT


def next_level_for(*, level: str, has_community: bool) -> str | None:
    """The level a case climbs to from ``level``; None at the configured top (district, or city)."""
    order = LEVEL_ORDER[: LEVEL_ORDER.index(Level(_top_level())) + 1]
    if level not in order or level == order[-1]:
        return None
    nxt = order[order.index(Level(level)) + 1]
    if nxt == Level.COMMUNITY and not has_community:
        nxt = Level.STREET
    return nxt


# --- filing ------------------------------------------------------------------------------------


def _next_number(street: Region, now: datetime) -> str:
    year = timezone.localtime(now).year
    for _attempt in range(3):
        try:
            with transaction.atomic():
                seq, _created = CaseNumberSequence.objects.select_for_update().get_or_create(street=street, year=year)
                break
        except IntegrityError:  # two first cases of the year at once: the loser retries and finds the row
            continue
    seq.last = F("last") + 1
    seq.save(update_fields=["last"])
    seq.refresh_from_db(fields=["last"])
    prefix = street.case_prefix or "JD"
    return f"{prefix}-{year}-{seq.last:06d}"


def _actor_name(actor: User | None) -> str:
    return actor.display_name if actor else SYSTEM


def _actor_role(actor: User | None) -> str:
    if actor is None:
        return _("系统")
    if actor.role == Role.CENTRE_STAFF and actor.region_id:
        return _("%(region)s综治中心") % {"region": actor.region.name}
    if actor.role == Role.LIAISON and actor.department_id:
        return _("%(dept)s联络员") % {"dept": actor.department.name}
    return Role(actor.role).label if actor.role in Role.values else ""


def _store_evidence(
    case: Case, files: Sequence[CheckedFile], *, stage: str, event: CaseEvent | None, user: User | None
) -> list[Evidence]:
    """Write checked files under MEDIA_ROOT by content hash (one copy per content) and link them to the event."""
    stored = []
    for f in files:
        ev = Evidence(
            case=case,
            event=event,
            stage=stage,
            original_name=f.name,
            content_type=f.content_type,
            size=len(f.content),
            sha256=f.sha256,
            uploaded_by=user,
        )
        path = ev.file.field.generate_filename(ev, f"x.{f.extension}")
        storage = ev.file.storage
        if storage.exists(path):
            ev.file.name = path
        else:
            ev.file.save(f"x.{f.extension}", ContentFile(f.content), save=False)
        ev.save()
        stored.append(ev)
    return stored


def _record(
    case: Case,
    *,
    action: str,
    actor: User | None,
    before: tuple[str, str],
    note: str = "",
    reason: str = "",
    data: dict | None = None,
    public: bool = True,
    now: datetime,
    citizen: bool = False,
) -> CaseEvent:
    """One audit line. ``citizen``: the reporter acting without an account (web report, follow-up link) —
    recorded as 群众, never as "system" (which marks the sweep)."""
    return CaseEvent.objects.create(
        case=case,
        action=action,
        actor=actor,
        actor_name=_("群众") if citizen else _actor_name(actor),
        actor_role=_("群众") if citizen else _actor_role(actor),
        from_status=before[0],
        to_status=case.status,
        from_level=before[1],
        to_level=case.level,
        reason=reason,
        note=note,
        data=data or {},
        public=public,
        at=now,
    )


@transaction.atomic
def case_file(
    *,
    actor: User | None,
    category: Category,
    title: str,
    description: str,
    address: str,
    channel: str = Channel.PATROL,
    lat: float | None = None,
    lng: float | None = None,
    grid: Grid | None = None,
    community: Region | None = None,
    citizen_name: str = "",
    citizen_phone: str = "",
    files: Iterable = (),
    now: datetime | None = None,
) -> Case:
    """File a case: check the input and files first, place it (grid from the point, or the chosen grid/community),
    number it per street and year, put it at the level its grade says (A grid, B street, C district, D city — never
    above the configured top), start that level's clock, and write the "report" event with the photos.
    """
    now = now or timezone.now()
    checked = check_files(files)
    if category is None or category.parent_id is None or not category.active:
        raise InvalidInput(_("请选择一个启用的事项小类"), code="category")
    if not (title or "").strip() or not (description or "").strip() or not (address or "").strip():
        raise InvalidInput(_("标题、描述和地址都必须填写"), code="required")
    if channel not in Channel.values:
        raise InvalidInput(_("未知的来源渠道"), code="channel")
    if (lat is None) != (lng is None):
        raise InvalidInput(_("经纬度必须同时填写"), code="coordinates")
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InvalidInput(_("经纬度超出范围"), code="coordinates")

    if grid is None and lat is not None:
        grid = locate_grid(lat=lat, lng=lng)
    if actor is not None and actor.role == Role.GRID_WORKER:
        mine = set(grids_worked_by(actor).values_list("id", flat=True))
        if grid is None and len(mine) == 1:
            grid = Grid.objects.get(pk=next(iter(mine)))
        if grid is None or grid.id not in mine:
            where = grid.name if grid else _("未知网格")
            raise InvalidInput(
                _("该位置属于%(grid)s，不在您负责的网格内，请选择您负责的网格") % {"grid": where}, code="grid"
            )
    if grid is not None:
        community = grid.community
    if community is None:
        raise InvalidInput(_("无法确定事件所在的网格或社区，请选择网格或社区"), code="place")
    street = community.parent
    district = street.parent if street else None
    if street is None or district is None:
        raise InvalidInput(_("社区必须隶属于街道和区"), code="place")
    if actor is not None and actor.role == Role.CENTRE_STAFF and actor.region_id:
        # Centre staff file within their own region (the case must land in their scope).
        if actor.region_id not in {community.id, street.id, district.id, district.parent_id}:
            raise InvalidInput(_("该位置不在您的辖区内，请选择辖区内的网格或社区"), code="place")

    level = GRADE_LEVEL[category.grade]
    if level == Level.GRID and grid is None:
        level = Level.COMMUNITY
    top = _top_level()
    if LEVEL_ORDER.index(Level(level)) > LEVEL_ORDER.index(Level(top)):
        level = top

    case = Case(
        number=_next_number(street, now),
        title=title.strip()[:200],
        description=description.strip(),
        category=category,
        grade=category.grade,
        channel=channel,
        reporter=actor,
        citizen_name=citizen_name.strip(),
        citizen_phone=citizen_phone.strip(),
        lat=lat,
        lng=lng,
        address=address.strip(),
        grid=grid,
        community=community,
        street=street,
        district=district,
        status=S.REPORTED,
        reported_at=now,
    )
    clock = Deadlines(now)
    _arrive(case, level, clock)
    case.response_due_at = case.accept_due_at
    case.save()
    event = _record(
        case,
        action="report",
        actor=actor,
        before=("", ""),
        now=now,
        data={"channel": channel, "grid": grid.code if grid else None},
        citizen=actor is None,
    )
    _store_evidence(case, checked, stage=EvidenceStage.REPORT, event=event, user=actor)
    events_recorded.send(sender=Case, events=[event], actor=actor)
    return case


# --- the one way a case changes -------------------------------------------------------------------


def _state_refusal(case: Case, t: transitions.Transition) -> str:
    """Why ``t`` can't happen now; names who got there first when the case already moved on."""
    if t.target not in (transitions.SAME, transitions.PREVIOUS) and case.status == t.target:
        last = case.events.filter(action=t.action).order_by("-at", "-id").first()
        if last:
            return _("该事件已由%(who)s于%(when)s%(action)s，无需重复操作") % {
                "who": last.actor_name,
                "when": timezone.localtime(last.at).strftime("%m-%d %H:%M"),
                "action": t.label,
            }
    return _("事件当前状态为“%(status)s”，不能%(action)s") % {"status": S(case.status).label, "action": t.label}


def case_transition(
    *,
    case_id: int,
    action: str,
    actor: User | None,
    note: str = "",
    now: datetime | None = None,
    files: Iterable = (),
    system: bool = False,
    citizen_token: str | None = None,
    **data: Any,
) -> Case:
    """Apply one workflow action: lock, re-check state and permission, write state + one event, notify.

    ``actor`` None with ``system=True`` is the sweep; with ``citizen_token`` it is the reporter through
    the follow-up link (rating and comments only). Files are checked before anything is written.
    Raises NotFound (outside scope), NotAllowed (state/policy: 409), Forbidden (not the user's to do),
    InvalidInput (bad data) — and then nothing has changed.
    """
    try:
        t = transitions.get(action)
    except KeyError:
        raise InvalidInput(_("未知操作：%(action)s") % {"action": action}, code="unknown_action") from None
    now = now or timezone.now()
    checked = check_files(files)
    note = (note or "").strip()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("category", "grid", "community", "street", "district__parent", "handler_region", "rule")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            raise NotFound(_("事件不存在"))
        citizen = citizen_token is not None
        if citizen:
            if citizen_token != case.follow_up_token or action not in ("rate", "comment"):
                raise NotFound(_("事件不存在"))
        elif not system and not case_queryset_for(actor).filter(pk=case.pk).exists():
            raise NotFound(_("事件不存在"))
        if not t.allowed_from(case.status):
            raise NotAllowed(_state_refusal(case, t), code="state")
        if not system and not citizen:
            decision = permissions.decide(actor, case, action)
            if not decision:
                raise Forbidden(decision.reason, code="permission")
        if t.needs_note and not note:
            raise InvalidInput(_("请填写%(action)s的说明或理由") % {"action": t.label}, code="note_required")
        refusal = hooks.refusal(case=case, action=action, actor=actor, data=data)
        if refusal:
            raise NotAllowed(refusal, code="guard")

        before = (case.status, case.level)
        outcome = APPLY.get(action, _apply_nothing)(
            case=case, actor=actor, now=now, note=note, data=data, citizen=citizen
        )
        status = outcome.pop("_status", None) or transitions.target_status(t, case.status, case.held_from_status)
        if status != case.status:
            case.status = status
        case.save()
        stage = outcome.pop("_stage", None) or _STAGES.get(action, EvidenceStage.OTHER)
        event = _record(
            case,
            action=action,
            actor=actor,
            before=before,
            note=note,
            reason=outcome.pop("_reason", "") or data.get("reason", "") or "",
            data=outcome,
            public=t.public,
            now=now,
            citizen=citizen,
        )
        _store_evidence(case, checked, stage=stage, event=event, user=actor)
        events_recorded.send(sender=Case, events=[event], actor=actor)
    return case


_STAGES = {
    "resolve": EvidenceStage.RESOLUTION,
    "self_handle": EvidenceStage.RESOLUTION,
    "verify_ok": EvidenceStage.VERIFICATION,
    "verify_failed": EvidenceStage.VERIFICATION,
}


# --- what each action does to the case (called under the lock, after all checks) -------------------


def _apply_nothing(**_kw) -> dict:
    return {}


def _apply_remark(*, data, **_kw) -> dict:
    """comment / note: the caller may tag the event (``record``: a small JSON-safe dict kept in ``data``) and say
    what its files are (``stage``: an EvidenceStage, e.g. a department's response to a whistle)."""
    outcome = {str(k): v for k, v in dict(data.get("record") or {}).items() if not str(k).startswith("_")}
    if data.get("stage") in EvidenceStage.values:
        outcome["_stage"] = data["stage"]
    return outcome


def _mark_response(case: Case, now: datetime) -> None:
    if case.responded_at is None:
        case.responded_at = now


def _apply_accept(*, case, now, **_kw) -> dict:
    case.accepted_at = case.accepted_at or now
    _mark_response(case, now)
    return {}


def _apply_reject(*, case, now, **_kw) -> dict:
    case.closed_at = now
    _mark_response(case, now)
    return {}


def grant_department(case: Case, department: Department) -> None:
    """Let the department's liaisons see the case (django-guardian grant to the department's group)."""
    from governance.services import department_ensure_group

    group = department_ensure_group(department)
    assign_perm("cases.view_case", group, case)


def _dispatcher_region(actor: User | None, case: Case) -> Region | None:
    if actor is not None and actor.role == Role.CENTRE_STAFF and actor.region_id:
        return actor.region
    return case.handler_region or case.community


def _apply_dispatch(*, case, actor, now, data, **_kw) -> dict:
    """Dispatch to departments (one or more), a grid team, or a level's centre. ``final_ruling`` blocks returns."""
    dept_ids = [int(d) for d in (data.get("departments") or [])]
    to_grid = bool(data.get("to_grid"))
    region_id = data.get("region")
    kinds = sum([bool(dept_ids), to_grid, bool(region_id)])
    if kinds != 1:
        raise InvalidInput(_("请选择派遣对象：职能部门、网格团队或某级综治中心（三选一）"), code="target")
    dispatcher = _dispatcher_region(actor, case)
    CaseDispatch.objects.filter(case=case, active=True).update(active=False)
    targets: list[str] = []
    if dept_ids:
        depts = list(Department.objects.filter(pk__in=dept_ids, active=True))
        if len(depts) != len(set(dept_ids)):
            raise InvalidInput(_("所选部门不存在或已停用"), code="department")
        for d in depts:
            CaseDispatch.objects.create(
                case=case,
                level=case.level,
                department=d,
                dispatched_by=actor,
                dispatcher_region=dispatcher,
                dispatched_at=now,
            )
            grant_department(case, d)
            targets.append(d.name)
        case.handler_kind, case.handler_region = HandlerKind.DEPARTMENTS, dispatcher
    elif to_grid:
        if not case.grid_id:
            raise InvalidInput(_("该事件没有所属网格，不能派给网格团队"), code="grid")
        CaseDispatch.objects.create(
            case=case,
            level=Level.GRID,
            grid=case.grid,
            dispatched_by=actor,
            dispatcher_region=dispatcher,
            dispatched_at=now,
        )
        if case.level != Level.GRID:
            _arrive(case, Level.GRID, Deadlines(now))
        case.handler_kind, case.handler_region = HandlerKind.GRID_TEAM, None
        targets.append(case.grid.name)
    else:
        region = Region.objects.filter(pk=region_id).first()
        allowed = {r.id for r in (case.community, case.street, case.district) if r is not None}
        if region is None or region.id not in allowed:
            raise InvalidInput(_("只能派往事件所在的社区、街道或区综治中心"), code="region")
        CaseDispatch.objects.create(
            case=case,
            level=region.level,
            region=region,
            dispatched_by=actor,
            dispatcher_region=dispatcher,
            dispatched_at=now,
        )
        if region.level != case.level:
            _arrive(case, region.level, Deadlines(now))
        case.handler_kind, case.handler_region = HandlerKind.CENTRE, region
        targets.append(_("%(region)s综治中心") % {"region": region.name})
    case.dispatch_count += 1
    case.dispatched_at = now
    case.return_blocked = bool(data.get("final_ruling"))
    _mark_response(case, now)
    return {"targets": targets, "final_ruling": case.return_blocked}


def _actor_dispatches(case: Case, actor: User | None):
    qs = CaseDispatch.objects.filter(case=case, active=True)
    if actor is not None and actor.role == Role.LIAISON:
        qs = qs.filter(department_id=actor.department_id)
    return qs


def _apply_sign(*, case, actor, now, **_kw) -> dict:
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
        _restart_handling_clock(case, Deadlines(now))
    return {"first_sign": first}


def _apply_return(*, case, actor, now, note, data, **_kw) -> dict:
    """退单: back to the dispatcher's queue, counted against the dispatch. A final ruling refuses it."""
    if case.return_blocked:
        raise NotAllowed(_("派遣方已作出终局裁定，不能再退单"), code="final_ruling")
    code = data.get("reason") or ReturnReason.OTHER
    if code not in ReturnReason.values:
        raise InvalidInput(_("未知的退单原因"), code="reason")
    mine = list(_actor_dispatches(case, actor))
    if not mine:
        raise NotAllowed(_("没有可以退回的派遣"), code="no_dispatch")
    for d in mine:
        d.active, d.returned_at, d.return_reason, d.return_note = False, now, code, note
        d.save(update_fields=["active", "returned_at", "return_reason", "return_note"])
    case.return_count += 1
    outcome: dict[str, Any] = {"_reason": code, "departments": [d.department.name for d in mine if d.department_id]}
    if CaseDispatch.objects.filter(case=case, active=True).exists():
        outcome["_status"] = case.status  # others still hold it
        return outcome
    back_to = mine[0].dispatcher_region
    if back_to is not None and back_to.level != case.level and back_to.level in Level.values:
        _arrive(case, back_to.level, Deadlines(now))
    case.handler_kind, case.handler_region = HandlerKind.CENTRE, back_to or _region_at(case, case.level)
    return outcome


def _apply_resolve(*, case, actor, now, **_kw) -> dict:
    case.resolved_at, case.resolved_by = now, actor
    case.resolved_on_time = case.due_at is None or now <= case.due_at
    return {"on_time": case.resolved_on_time}


def _apply_self_handle(*, case, actor, now, **kw) -> dict:
    case.accepted_at = case.accepted_at or now
    case.signed_at = case.signed_at or now
    case.handler_kind, case.handler_region = HandlerKind.GRID_TEAM, None
    _mark_response(case, now)
    return _apply_resolve(case=case, actor=actor, now=now)


def _apply_close(*, case, now, **_kw) -> dict:
    case.closed_at = now
    CaseDispatch.objects.filter(case=case, active=True).update(active=False)
    return {}


def _apply_verify_failed(*, case, now, **_kw) -> dict:
    case.rework_count += 1
    case.resolved_at = case.resolved_on_time = None
    _restart_handling_clock(case, Deadlines(now))
    return {"rework": case.rework_count}


def _apply_rate(*, case, actor, now, note, data, citizen, **_kw) -> dict:
    result = data.get("result")
    if result not in RatingResult.values:
        raise InvalidInput(_("请选择评价：满意、基本满意或不满意"), code="result")
    if Rating.objects.filter(case=case).exists():
        raise NotAllowed(_("该事件已评价，每个事件只能评价一次"), code="already_rated")
    Rating.objects.create(case=case, result=result, comment=note, rated_at=now, recorded_by=None if citizen else actor)
    return {"result": result, "by": "citizen" if citizen else "staff"}


def _apply_reopen(*, case, now, **_kw) -> dict:
    case.closed_at = case.resolved_at = case.resolved_on_time = None
    _restart_handling_clock(case, Deadlines(now))
    return {}


def _apply_hold(*, case, now, **_kw) -> dict:
    case.held_at, case.held_from_status = now, case.status
    return {}


def _shift(moment: datetime | None, held_at: datetime, now: datetime, unit: str, cal) -> datetime | None:
    """Move a deadline by the time the case was on hold (working time for working units)."""
    if moment is None:
        return None
    if moment <= held_at:
        return moment + (now - held_at)
    if is_working_unit(unit):
        remaining = working_seconds_between(held_at, moment, cal)
        return add_working_seconds(next_working_instant(now, cal), remaining, cal)
    return now + (moment - held_at)


def _apply_resume(*, case, now, **_kw) -> dict:
    """Time on hold does not count: the deadlines move by the held (working) time."""
    cal = calendar_spec()
    unit = case.rule.handling_unit if case.rule else "hours"
    held = case.held_at or now
    case.due_at = _shift(case.due_at, held, now, unit, cal)
    case.yellow_at = _shift(case.yellow_at, held, now, unit, cal)
    case.accept_due_at = _shift(case.accept_due_at, held, now, unit, cal)
    case.held_at = None
    return {"held_seconds": int((now - held).total_seconds())}


def _parse_when(value: Any) -> datetime:
    when = value if isinstance(value, datetime) else parse_datetime(str(value or ""))
    if when is None:
        raise InvalidInput(_("请填写有效的日期时间"), code="datetime")
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def _apply_extension_request(*, case, actor, now, note, data, **_kw) -> dict:
    wanted = _parse_when(data.get("requested_due_at"))
    if case.due_at and wanted <= case.due_at:
        raise InvalidInput(_("申请延期的时间必须晚于当前时限"), code="datetime")
    if ExtensionRequest.objects.filter(case=case, status=RequestStatus.PENDING).exists():
        raise NotAllowed(_("已有待审批的延期申请"), code="pending")
    req = ExtensionRequest.objects.create(
        case=case, requested_by=actor, requested_at=now, requested_due_at=wanted, reason=note
    )
    return {"request": req.id, "requested_due_at": wanted.isoformat()}


def _pending_request(case: Case) -> ExtensionRequest:
    req = ExtensionRequest.objects.filter(case=case, status=RequestStatus.PENDING).first()
    if req is None:
        raise NotAllowed(_("没有待审批的延期申请"), code="no_request")
    return req


def _apply_extension_approve(*, case, actor, now, note, data, **_kw) -> dict:
    req = _pending_request(case)
    new_due = _parse_when(data["due_at"]) if data.get("due_at") else req.requested_due_at
    req.status, req.decided_by, req.decided_at, req.decision_note = RequestStatus.APPROVED, actor, now, note
    req.save()
    old = case.due_at
    cal = calendar_spec()
    unit = case.rule.handling_unit if case.rule else "hours"
    case.due_at = new_due
    case.yellow_at = fraction_point(
        case.arrived_at if not case.signed_at else case.signed_at, new_due, settings.YELLOW_THRESHOLD, unit, cal
    )
    case.warned_yellow = False
    case.extension_count += 1
    return {"request": req.id, "from": old.isoformat() if old else None, "to": new_due.isoformat()}


def _apply_extension_refuse(*, case, actor, now, note, **_kw) -> dict:
    req = _pending_request(case)
    req.status, req.decided_by, req.decided_at, req.decision_note = RequestStatus.REFUSED, actor, now, note
    req.save()
    return {"request": req.id}


def _apply_merge(*, case, actor, now, data, **_kw) -> dict:
    into_ref = data.get("into")
    scope = case_queryset_for(actor) if actor is not None else Case.objects.all()
    target = scope.filter(Q(pk=into_ref) if str(into_ref).isdigit() else Q(number=into_ref)).first()
    if target is None:
        raise InvalidInput(_("找不到要合并到的事件"), code="into")
    if target.pk == case.pk or target.merged_into_id == case.pk:
        raise InvalidInput(_("不能把事件合并到它自己"), code="into")
    if not target.is_open:
        raise NotAllowed(_("只能合并到未办结的事件"), code="into_closed")
    case.merged_into = target
    case.closed_at = now
    CaseDispatch.objects.filter(case=case, active=True).update(active=False)
    return {"into": target.number}


def _apply_escalate(*, case, now, data, **_kw) -> dict:
    nxt = next_level_for(level=case.level, has_community=bool(case.community_id))
    if nxt is None:
        raise NotAllowed(_("事件已在最高层级，不能再上报"), code="top")
    active = CaseDispatch.objects.filter(case=case, active=True)
    from_handler = _holder(case.handler_kind, case.handler_region_id, active.values_list("department_id", flat=True))
    active.update(active=False)
    old_due = case.due_at
    _arrive(case, nxt, Deadlines(now))
    case.escalation_count += 1
    return {
        "_reason": data.get("reason") or "manual",
        "overdue_due_at": old_due.isoformat() if old_due else None,
        "from_handler": from_handler,
    }


def _holder(kind: str, region_id: int | None, department_ids: Iterable[int | None]) -> dict[str, Any]:
    """Who held the case before it climbed (kept on the escalate event: notices reach the previous holder)."""
    return {"kind": kind, "region": region_id, "departments": sorted(d for d in department_ids if d)}


def _apply_supervise(*, case, now, **_kw) -> dict:
    case.supervised_at = case.supervised_at or now
    return {}


def _apply_whistle(*, case, actor, now, data, **_kw) -> dict:
    """The whistling centre holds the case while the summoned departments report in (rows made by escalation)."""
    region = actor.region if actor is not None and actor.region_id else _region_at(case, case.level)
    if case.status == S.ACCEPTED:
        case.signed_at = case.signed_at or now
        _restart_handling_clock(case, Deadlines(now))
    case.handler_kind, case.handler_region = HandlerKind.CENTRE, region
    _mark_response(case, now)
    return {"departments": list(data.get("department_names") or [])}


APPLY = {
    "accept": _apply_accept,
    "reject": _apply_reject,
    "dispatch": _apply_dispatch,
    "sign": _apply_sign,
    "return": _apply_return,
    "resolve": _apply_resolve,
    "self_handle": _apply_self_handle,
    "verify_ok": _apply_close,
    "close": _apply_close,
    "verify_failed": _apply_verify_failed,
    "rate": _apply_rate,
    "reopen": _apply_reopen,
    "hold": _apply_hold,
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


# --- citizens -----------------------------------------------------------------------------------


def case_rate_by_citizen(*, token: str, result: str, comment: str = "", now: datetime | None = None) -> Case:
    """The reporter rates through the private follow-up link; an unsatisfied rating reopens the case when
    policy says so (REOPEN_ON_UNSATISFIED) — a second transition with its own event."""
    case = Case.objects.filter(follow_up_token=token).only("pk").first()
    if case is None:
        raise NotFound(_("事件不存在"))
    with transaction.atomic():
        case = case_transition(
            case_id=case.pk, action="rate", actor=None, note=comment, now=now, citizen_token=token, result=result
        )
        if result == RatingResult.UNSATISFIED and settings.REOPEN_ON_UNSATISFIED:
            case = case_transition(
                case_id=case.pk, action="reopen", actor=None, system=True, now=now, note=_("群众评价不满意，自动重办")
            )
    return case


# --- the sweep's batch form of "escalate" -----------------------------------------------------------


def case_escalate_overdue_batch(*, now: datetime | None = None, batch_size: int | None = None) -> dict[str, int]:
    """Escalate one batch of overdue cases set-wise; returns counts {"escalated", "supervised"}.

    The batch form of the "escalate" transition (same table, same event shape, same signal):
    1. lock up to ``batch_size`` open cases whose ``due_at`` has passed, oldest first, with
       ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL) so concurrent sweeps take disjoint rows;
    2. cases already at the top level are put under supervision (督办) instead — once: the
       partial index leaves out supervised cases;
    3. one UPDATE moves the rest up a level with the new holder and the due times of the new level
       (computed once per category and level), one UPDATE closes their active dispatches;
    4. one bulk INSERT writes the events; ``events_recorded`` lets escalation write notices in bulk.
    Exactly once per level: a row is escalated only by the sweep that holds its lock, and after
    commit it no longer matches (new level, new due time).
    """
    now = now or timezone.now()
    batch_size = batch_size or settings.SWEEP_BATCH_SIZE
    escalate_t = transitions.get("escalate")
    with transaction.atomic():
        qs = Case.objects.filter(
            status__in=[s.value for s in CLOCK_STATUSES], supervised_at__isnull=True, due_at__lte=now
        ).order_by("due_at")
        from django.db import connection

        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = list(
            qs.values(
                "id", "level", "status", "category_id", "community_id", "due_at", "handler_kind", "handler_region_id"
            )[:batch_size]
        )
        if not rows:
            return {"escalated": 0, "supervised": 0}
        clock = Deadlines(now)
        system_role, escalate_note, supervise_note = (
            _("系统"),
            _("超过本级办理时限，系统自动上报"),
            _("已在最高层级且超时，转入督办"),
        )
        top_ids, moves = [], []
        for r in rows:
            nxt = next_level_for(level=r["level"], has_community=bool(r["community_id"]))
            if nxt is None or not escalate_t.allowed_from(r["status"]):
                top_ids.append(r["id"])
            else:
                moves.append((r, nxt))
        events: list[CaseEvent] = []
        if moves:
            dispatched: dict[int, list[int]] = {}
            for cid, dept in CaseDispatch.objects.filter(
                case_id__in=[r["id"] for r, _n in moves], active=True, department__isnull=False
            ).values_list("case_id", "department_id"):
                dispatched.setdefault(cid, []).append(dept)
            _bulk_escalate(moves, clock)
            for r, nxt in moves:
                events.append(
                    CaseEvent(
                        case_id=r["id"],
                        action="escalate",
                        actor=None,
                        actor_name=SYSTEM,
                        actor_role=system_role,
                        from_status=r["status"],
                        to_status=S.ACCEPTED,
                        from_level=r["level"],
                        to_level=nxt,
                        reason="overdue",
                        note=escalate_note,
                        data={
                            "overdue_due_at": r["due_at"].isoformat(),
                            "from_handler": _holder(
                                r["handler_kind"], r["handler_region_id"], dispatched.get(r["id"], ())
                            ),
                        },
                        public=True,
                        at=now,
                    )
                )
        if top_ids:
            Case.objects.filter(pk__in=top_ids).update(supervised_at=now, updated_at=now)
            by_id = {r["id"]: r for r in rows}
            for cid in top_ids:
                r = by_id[cid]
                events.append(
                    CaseEvent(
                        case_id=cid,
                        action="supervise",
                        actor=None,
                        actor_name=SYSTEM,
                        actor_role=system_role,
                        from_status=r["status"],
                        to_status=r["status"],
                        from_level=r["level"],
                        to_level=r["level"],
                        reason="overdue",
                        note=supervise_note,
                        data={"overdue_due_at": r["due_at"].isoformat()},
                        public=False,
                        at=now,
                    )
                )
        _insert_system_events(events)
        events_recorded.send(sender=Case, events=events, actor=None, batch=True)
    return {"escalated": len(moves), "supervised": len(top_ids)}


def _bulk_escalate(moves: list[tuple[dict, str]], clock: Deadlines) -> None:
    """Move the batch up: one UPDATE per (new level, category) — each group shares its holder column and due
    times (computed once) — and one UPDATE closing the active dispatches. Constant values, no per-row CASE."""
    groups: dict[tuple[str, int], list[int]] = {}
    for r, nxt in moves:
        groups.setdefault((nxt, r["category_id"]), []).append(r["id"])
    holder_column = {Level.COMMUNITY: "community_id", Level.STREET: "street_id", Level.DISTRICT: "district_id"}
    for (nxt, category_id), ids in groups.items():
        arrival = clock.arrival(category_id, nxt)
        if nxt in holder_column:
            holder = F(holder_column[nxt])
        else:  # the city: the district's parent region
            holder = Subquery(Region.objects.filter(pk=OuterRef("district_id")).values("parent_id")[:1])
        Case.objects.filter(pk__in=ids).update(
            level=nxt,
            status=S.ACCEPTED,
            handler_kind=HandlerKind.CENTRE,
            handler_region_id=holder,
            arrived_at=clock.now,
            accept_due_at=arrival["accept_due_at"],
            due_at=arrival["due_at"],
            yellow_at=arrival["yellow_at"],
            rule_id=arrival["rule_id"],
            warned_yellow=False,
            escalation_count=F("escalation_count") + 1,
            updated_at=clock.now,
        )
    CaseDispatch.objects.filter(case_id__in=[r["id"] for r, _n in moves], active=True).update(active=False)


_EVENT_COLUMNS = (
    ("case_id", "bigint"),
    ("action", "text"),
    ("actor_name", "text"),
    ("actor_role", "text"),
    ("from_status", "text"),
    ("to_status", "text"),
    ("from_level", "text"),
    ("to_level", "text"),
    ("reason", "text"),
    ("note", "text"),
    ("data", "jsonb"),
    ("public", "boolean"),
    ("at", "timestamptz"),
)


def _insert_system_events(events: list[CaseEvent]) -> None:
    """Insert a batch of system events (one per case), setting their ids.

    On PostgreSQL one ``INSERT … SELECT FROM unnest(column arrays)`` — the rows travel as a dozen array
    parameters instead of a dozen placeholders per row, which is several times cheaper for thousands of
    rows; ``RETURNING id, case_id`` gives each event its id. Elsewhere ``bulk_create``.
    """
    from django.db import connection

    if connection.vendor != "postgresql" or not events:
        CaseEvent.objects.bulk_create(events, batch_size=2000)
        return
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    # Columns with one value for the whole batch go as a scalar, the others as one array each.
    values: dict[str, list] = {}
    for column, _type in _EVENT_COLUMNS:
        if column == "data":
            values[column] = [json.dumps(e.data, cls=DjangoJSONEncoder) for e in events]
        else:
            values[column] = [getattr(e, column) for e in events]
    varying = [(c, t) for c, t in _EVENT_COLUMNS if c == "case_id" or len(set(values[c])) > 1]
    constant = [(c, t) for c, t in _EVENT_COLUMNS if (c, t) not in varying]
    unnest = ", ".join(f"%s::{'text' if t == 'jsonb' else t}[]" for _c, t in varying)
    select = ", ".join(
        [f"u.{c}::jsonb" if t == "jsonb" else f"u.{c}" for c, t in varying] + [f"%s::{t}" for _c, t in constant]
    )
    names = ", ".join([c for c, _t in varying] + [c for c, _t in constant])
    params = [values[c][0] for c, _t in constant] + [values[c] for c, _t in varying]
    table = CaseEvent._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} ({names}, actor_id) SELECT {select}, NULL "
            f"FROM unnest({unnest}) AS u({', '.join(c for c, _t in varying)}) RETURNING id, case_id",
            params,
        )
        ids = {case_id: pk for pk, case_id in cur.fetchall()}
    if len(ids) != len(events):
        raise RuntimeError("system events must be one per case")
    for e in events:
        e.pk = ids[e.case_id]
        e._state.adding = False
