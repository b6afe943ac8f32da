"""Reads of whistles and summonses, scope-filtered: ``summons_queryset_for`` is the gate every page and API uses.

Also the two clocks of a summons (report-in, response) as traffic lights, and the liaison's inbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import OPEN_STATUSES
from cases.models import CaseDispatch, ExtensionRequest, HoldRequest
from cases.selectors import allowed_actions, case_queryset_for, clock_light
from core.durations import countdown_text
from core.errors import NotFound
from core.roles import is_admin
from governance.choices import Role, TimeUnit
from governance.clock import fraction_point
from governance.models import Department, User
from governance.selectors import calendar_spec

from ..choices import WAITING_SUMMONS, SummonsStatus
from ..models import Summons, Whistle

S = SummonsStatus
WAITING = WAITING_SUMMONS
#: Case actions a liaison takes on a dispatched case, offered from the inbox (they post to the case page).
DISPATCH_ACTIONS = ["sign", "resolve", "extension_request", "hold_request", "return_request"]


def _base() -> QuerySet[Summons]:
    return Summons.objects.select_related(
        "whistle__region", "whistle__blown_by", "case__street", "case__district", "department", "reported_in_by"
    )


def summons_queryset_for(user) -> QuerySet[Summons]:
    """Summonses ``user`` may see (outside it: 404).

    - admins: all;
    - department liaisons: their own department's summonses only (a liaison of another department summoned
      to the same case does not see this one);
    - everyone else (centre staff, grid workers): summonses on cases in their case scope.
    """
    qs = _base()
    if user is None or not user.is_authenticated:
        return qs.none()
    if is_admin(user):
        return qs
    if user.role == Role.LIAISON:
        return qs.filter(department_id=user.department_id) if user.department_id else qs.none()
    return qs.filter(case_id__in=case_queryset_for(user).values("pk"))


def summons_get_for(user, pk: int) -> Summons:
    """One summons in the user's scope, or NotFound (never 403: existence must not leak)."""
    summons = summons_queryset_for(user).filter(pk=pk).first()
    if summons is None:
        raise NotFound(_("部门报到记录不存在"))
    return summons


def whistles_for_case(user, case_id: int) -> QuerySet[Whistle]:
    """Whistles on a case the user may see, with their summonses (empty outside the case scope)."""
    if not case_queryset_for(user).filter(pk=case_id).exists():
        return Whistle.objects.none()
    return (
        Whistle.objects.filter(case_id=case_id)
        .select_related("region", "blown_by")
        .prefetch_related("summonses__department")
        .order_by("-blown_at")
    )


def whistleable_departments() -> QuerySet[Department]:
    """Departments a centre may summon: every active one (district and street level)."""
    return Department.objects.filter(active=True).select_related("region").order_by("code")


def department_liaisons(department_ids) -> QuerySet[User]:
    return User.objects.filter(role=Role.LIAISON, department_id__in=list(department_ids), is_active=True)


def centre_staff(region_ids) -> QuerySet[User]:
    return User.objects.filter(role=Role.CENTRE_STAFF, region_id__in=list(region_ids), is_active=True)


# --- clocks and lights ---------------------------------------------------------------------------------


def duration_text(seconds: int) -> str:
    """The one countdown wording ("剩 1 天 3 小时" / "超时 25 分钟", ``core.durations``)."""
    return countdown_text(seconds)


@dataclass(frozen=True)
class Countdown:
    """One running clock (a summons' report-in or response, or a dispatched case's handling time) and its light."""

    kind: str  # "report_in", "respond" or "case"
    label: str
    due_at: datetime
    yellow_at: datetime
    light: str  # "green", "yellow", "red"
    seconds_left: int  # negative when overdue

    @property
    def text(self) -> str:
        return duration_text(self.seconds_left)

    @property
    def overdue(self) -> bool:
        return self.seconds_left <= 0


def _countdown(kind: str, label: str, start: datetime, due: datetime, unit: str, now: datetime, cal) -> Countdown:
    """One clock and its light; the yellow point in the clock's unit (working time: through the work calendar).
    A due time beyond the horizon (``MAX_DUE_HORIZON_DAYS``; kept from before it was checked, up to 9999) gets its
    yellow point in calendar time: the calendar is not walked day by day to it (14 s, then an overflow)."""
    if due <= start:
        yellow = due
    elif due > now + timedelta(days=settings.MAX_DUE_HORIZON_DAYS):
        yellow = start + (due - start) * settings.YELLOW_THRESHOLD
    else:
        yellow = fraction_point(start, due, settings.YELLOW_THRESHOLD, unit, cal)
    light = clock_light(now=now, due_at=due, yellow_at=yellow)
    return Countdown(kind, label, due, yellow, light, int((due - now).total_seconds()))


def summons_countdowns(summons: Summons, now: datetime | None = None, cal=None) -> list[Countdown]:
    """The clocks still running: report-in while summoned; response while summoned or reported in — none while the
    case is on hold (挂账: they pause with the case's own, and move on by the held time when it resumes)."""
    now = now or timezone.now()
    if summons.status not in WAITING or summons.clocks_paused:
        return []
    cal = cal or calendar_spec()
    start = summons.whistle.blown_at
    out = []
    if summons.status == S.SUMMONED:
        out.append(_countdown("report_in", _("报到时限"), start, summons.report_in_due_at, TimeUnit.MINUTES, now, cal))
    out.append(
        _countdown("respond", _("反馈时限"), start, summons.respond_due_at, summons.whistle.response_unit, now, cal)
    )
    return out


def worst_light(lights) -> str:
    order = {"": 0, "green": 1, "yellow": 2, "red": 3}
    return max(lights, key=order.__getitem__, default="")


def summons_light(summons: Summons, now: datetime | None = None, cal=None) -> str:
    """The worst light of the running clocks ("" when none runs)."""
    return worst_light(c.light for c in summons_countdowns(summons, now, cal))


def case_countdown(case, now: datetime) -> Countdown | None:
    """The handling clock of a dispatched case (its ``due_at`` at the current level), with the case's light."""
    light = case.light(now)
    if not light:
        return None
    return Countdown(
        "case",
        _("办理时限"),
        case.due_at,
        case.yellow_at or case.due_at,
        light,
        int((case.due_at - now).total_seconds()),
    )


def overdue_summons_q(now: datetime) -> Q:
    """Summonses past a clock: not reported in by ``report_in_due_at``, or not responded by ``respond_due_at``."""
    return Q(status=S.SUMMONED, report_in_due_at__lte=now) | Q(status__in=WAITING, respond_due_at__lte=now)


# --- the inbox ------------------------------------------------------------------------------------------


@dataclass
class SummonsRow:
    summons: Summons
    countdowns: list[Countdown]
    light: str
    actions: list[tuple[str, str]]


@dataclass
class DispatchRow:
    dispatch: CaseDispatch
    light: str
    countdown: Countdown | None
    actions: list[dict]


@dataclass
class RequestRow:
    """A handler's request on a case that waits for this centre's decision (延期, 挂账, 退单)."""

    case: Any
    action: str  # the decision the case page offers first: extension_approve, hold_approve or return
    kind: str  # 延期申请 / 挂账申请 / 退单申请
    by: str
    at: datetime
    reason: str
    detail: str  # what is asked: the new due time, the expected resume, the returner


@dataclass
class Inbox:
    """What the inbox page shows: summonses waiting, summonses awaiting the centre, dispatched cases, and the
    handlers' requests the centre has to decide."""

    role: str  # "liaison", "centre" or "other"
    waiting: list[SummonsRow]
    awaiting_centre: list[SummonsRow]
    dispatches: list[DispatchRow]
    requests: list[RequestRow] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "waiting": len(self.waiting),
            "red": sum(1 for r in self.waiting if r.light == "red")
            + sum(1 for r in self.dispatches if r.light == "red"),
            "awaiting": len(self.awaiting_centre),
            "dispatches": len(self.dispatches),
            "requests": len(self.requests),
        }


def _rows(user, qs, now, cal) -> list[SummonsRow]:
    from ..permissions import available_actions

    rows = []
    for s in qs:
        countdowns = summons_countdowns(s, now, cal)
        light = worst_light(c.light for c in countdowns)
        rows.append(SummonsRow(s, countdowns, light, available_actions(user, s)))
    return rows


def inbox_for(user, *, now: datetime | None = None, limit: int = 200) -> Inbox:
    """The inbox of ``user``.

    - a liaison: their department's summonses still waiting (most urgent first), those responded and awaiting
      the whistling centre, and cases dispatched to the department (active dispatches of open cases);
    - centre staff: summonses on cases in their scope still waiting, and responses / extension requests
      awaiting their centre's decision;
    - others: empty.
    """
    now = now or timezone.now()
    cal = calendar_spec()
    scope = summons_queryset_for(user)
    if user.role == Role.LIAISON:
        role = "liaison"
    elif user.role == Role.CENTRE_STAFF or is_admin(user):
        role = "centre"
    else:
        return Inbox("other", [], [], [])
    waiting_qs = scope.filter(status__in=WAITING).order_by("report_in_due_at", "respond_due_at", "id")[:limit]
    if role == "centre":
        awaiting_qs = scope.filter(Q(status=S.RESPONDED) | Q(extension_status="pending"))
    else:
        awaiting_qs = scope.filter(status=S.RESPONDED)
    awaiting_qs = awaiting_qs.order_by("responded_at", "id")[:limit]
    dispatches: list[DispatchRow] = []
    if role == "liaison" and user.department_id:
        dqs = (
            CaseDispatch.objects.filter(
                department_id=user.department_id, active=True, case__status__in=[s.value for s in OPEN_STATUSES]
            )
            .select_related("case__category", "case__street", "case__grid", "dispatcher_region")
            .order_by("case__due_at", "id")[:limit]
        )
        for d in dqs:
            actions = [a for a in allowed_actions(user, d.case, DISPATCH_ACTIONS) if a["allowed"]]
            dispatches.append(DispatchRow(d, d.case.light(now), case_countdown(d.case, now), actions))
    requests = requests_to_decide(user) if role == "centre" else []
    return Inbox(role, _rows(user, waiting_qs, now, cal), _rows(user, awaiting_qs, now, cal), dispatches, requests)


#: The most requests the centre's inbox lists (the oldest first); each is checked with the case page's own rule.
REQUESTS_SHOWN = 50


def requests_to_decide(user, *, limit: int = REQUESTS_SHOWN) -> list[RequestRow]:
    """The 延期, 挂账 and 退单 requests on cases in ``user``'s scope that ``user`` may decide, oldest first: before,
    a centre learnt of them from a notice only, and a request forgotten there kept a handler waiting.

    Three queries read the oldest ``limit`` pending rows of each kind (few, and indexed), each joined to the scope;
    then, oldest first, each is kept when the case page would offer its decision to ``user`` (``allowed_actions``:
    the dispatching centre or one above, no hotline ruling pending) until ``limit`` are kept — a few queries per
    request checked, which is why the list is capped. The decision itself is made on the case page."""
    scope = case_queryset_for(user).values("pk")
    rows: list[RequestRow] = []
    asked = (  # the two CaseRequest kinds: the decision the page offers, the label, what is asked and how it reads
        (ExtensionRequest, "extension_approve", _("延期申请"), "requested_due_at", _("申请延至 %(when)s")),
        (HoldRequest, "hold_approve", _("挂账申请"), "expected_end", _("预计 %(when)s 恢复办理")),
    )
    for model, action, kind, field_name, template in asked:
        pending = model.objects.filter(status="pending", case__in=scope).select_related(
            "case__category", "requested_by"
        )
        for r in pending.order_by("requested_at", "id")[:limit]:
            detail = template % {"when": timezone.localtime(getattr(r, field_name)).strftime("%Y-%m-%d %H:%M")}
            by = r.requested_by.display_name if r.requested_by else ""
            rows.append(RequestRow(r.case, action, kind, by, r.requested_at, r.reason, detail))
    returns = CaseDispatch.objects.filter(
        active=True, return_requested_at__isnull=False, return_refused_at__isnull=True, case__in=scope
    ).select_related("case__category", "return_requested_by", "department", "grid", "region")
    for d in returns.order_by("return_requested_at", "id")[:limit]:
        detail = f"{d.target_name} · {d.get_return_reason_display()}"
        by = d.return_requested_by.display_name if d.return_requested_by else ""
        at = d.return_requested_at or d.dispatched_at  # always set here: the filter asks for it
        rows.append(RequestRow(d.case, "return", _("退单申请"), by, at, d.return_note, detail))
    rows.sort(key=lambda row: row.at)
    kept: list[RequestRow] = []
    for row in rows:
        if any(a["allowed"] for a in allowed_actions(user, row.case, [row.action])):
            kept.append(row)
            if len(kept) == limit:
                break
    return kept
