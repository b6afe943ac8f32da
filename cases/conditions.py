"""What the case itself must hold for an action beyond its status: a dispatch to sign for, a pending request
to decide, a deadline not yet passed, a round not yet rated.

The transition table says which statuses allow an action and ``permissions`` who is entitled; these are the
remaining preconditions, asked by ``case_transition`` under the row lock (refused → NotAllowed, 409) and by
``selectors.allowed_actions`` so that a page offers exactly what would succeed. A ``hidden`` condition means
the action does not apply at all now (no 签收 on a case this department already signed); the others are shown
as refused, with the reason (延期 after the deadline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import is_admin, staff_level
from governance.choices import Role

from .choices import HandlerKind
from .choices import Status as S
from .models import Case, CaseDispatch, ExtensionRequest, HoldRequest, Rating
from .permissions import _rank, dispatching_level


@dataclass(frozen=True)
class Condition:
    reason: str
    code: str
    hidden: bool = False


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def actor_dispatches(case: Case, user):
    """The active dispatches that make ``user`` a handler: their department's, their grid's, their centre's."""
    qs = CaseDispatch.objects.filter(case=case, active=True)
    if user is None or getattr(user, "is_superuser", False) or getattr(user, "role", None) == Role.ADMIN:
        return qs
    if user.role == Role.LIAISON:
        return qs.filter(department_id=user.department_id) if user.department_id else qs.none()
    if user.role == Role.CENTRE_STAFF:
        return qs.filter(region_id=user.region_id) if user.region_id else qs.none()
    if user.role == Role.GRID_WORKER:
        from .permissions import works_in_grid

        return qs.filter(grid_id=case.grid_id) if case.grid_id and works_in_grid(user, case) else qs.none()
    return qs.none()


def pending_returns(case: Case):
    return CaseDispatch.objects.filter(
        case=case, active=True, return_requested_at__isnull=False, return_refused_at__isnull=True
    )


def _sign(case: Case, user, now: datetime) -> Condition | None:
    """签收, unless already signed — or while the signer's own 退单 waits for the dispatcher: asking to give the
    case back and signing for it are two answers at once, and the page offered 签收 as its main button beside the
    pending request."""
    if case.handler_kind != HandlerKind.DEPARTMENTS and case.status != S.DISPATCHED:
        return Condition(_("该事件已签收，无需重复操作"), "state", hidden=True)
    mine = list(actor_dispatches(case, user).only("active", "signed_at", "return_requested_at", "return_refused_at"))
    if case.handler_kind == HandlerKind.DEPARTMENTS and all(d.signed_at is not None for d in mine):
        return Condition(_("该事件已签收，无需重复操作"), "state", hidden=True)
    if any(d.return_pending for d in mine):
        return Condition(_("退单申请已提交，等待派遣方审批；驳回后可签收"), "return_pending")
    return None


def _needs_my_dispatch(case: Case, user) -> Condition | None:
    if not actor_dispatches(case, user).exists():
        return Condition(_("该事件不是派遣给您的，无需向派遣方申请"), "no_dispatch", hidden=True)
    return None


def _needs_my_signature(case: Case, user) -> Condition | None:
    """延期 and 挂账 concern the handling clock, which starts at 签收: the asking handler has signed for it."""
    if refused := _needs_my_dispatch(case, user):
        return refused
    if not actor_dispatches(case, user).filter(signed_at__isnull=False).exists():
        return Condition(_("请先签收该事件，签收后才能申请延期或挂账"), "not_signed", hidden=True)
    return None


def _return_request(case: Case, user, now: datetime) -> Condition | None:
    if refused := _needs_my_dispatch(case, user):
        return refused
    if case.return_blocked:
        return Condition(_("派遣方已作出终局裁定，不能再退单"), "final_ruling")
    mine = list(actor_dispatches(case, user))
    if any(d.return_pending for d in mine):
        return Condition(_("退单申请已提交，等待派遣方审批"), "pending")
    windows = [d.return_due_at for d in mine if d.return_due_at is not None]
    if windows and now > max(windows):
        return Condition(
            _("已超过退单时限（%(due)s），不能再退单") % {"due": _local(max(windows))}, "return_window_passed"
        )
    return None


def _return_decision(case: Case, user, now: datetime) -> Condition | None:
    if not pending_returns(case).exists():
        return Condition(_("没有待审批的退单申请"), "no_request", hidden=True)
    return None


def _recall(case: Case, user, now: datetime) -> Condition | None:
    """A handler that asked for a 退单 is answered first: approving it (同意退单) takes the case back too, and keeps
    the handler's reason on the dispatch — a recall would overwrite it with the dispatcher's."""
    if pending_returns(case).exists():
        return Condition(_("承办方已申请退单，请先审批退单申请（同意即收回）"), "return_pending")
    return None


def _extension_request(case: Case, user, now: datetime) -> Condition | None:
    if refused := _needs_my_signature(case, user):
        return refused
    if ExtensionRequest.pending_for(case) is not None:
        return Condition(_("已有待审批的延期申请"), "pending")
    if case.due_at is not None and now >= case.due_at:
        return Condition(
            _("办理时限（%(due)s）已过，不能再申请延期；延期须在时限届满前申请") % {"due": _local(case.due_at)},
            "deadline_passed",
        )
    return None


def _extension_decision(case: Case, user, now: datetime) -> Condition | None:
    if ExtensionRequest.pending_for(case) is None:
        return Condition(_("没有待审批的延期申请"), "no_request", hidden=True)
    return None


def _hold_request(case: Case, user, now: datetime) -> Condition | None:
    if refused := _needs_my_signature(case, user):
        return refused
    if HoldRequest.pending_for(case) is not None:
        return Condition(_("已有待审批的挂账申请"), "pending")
    return None


def _hold_decision(case: Case, user, now: datetime) -> Condition | None:
    if HoldRequest.pending_for(case) is None:
        return Condition(_("没有待审批的挂账申请"), "no_request", hidden=True)
    return None


def _hold(case: Case, user, now: datetime) -> Condition | None:
    """A centre holds its own case directly; a case dispatched to a handler is held on the handler's request,
    decided by the dispatcher (DESIGN §4): departments at work, and a grid team or community centre the street (or
    district) dispatched the case down to — they ask (申请挂账), the dispatching centre or one above holds."""
    active = list(CaseDispatch.objects.filter(case=case, active=True).select_related("dispatcher_region"))
    if any(d.department_id for d in active):
        return Condition(_("事件已派遣给职能部门，须由承办部门申请挂账"), "dispatched", hidden=True)
    if active and not is_admin(user):
        level = staff_level(user)
        if level is None or _rank(level) < _rank(dispatching_level(case, active)):
            return Condition(_("事件由上级派遣，须申请挂账，由派遣方审批"), "dispatched", hidden=True)
    return None


def _rate(case: Case, user, now: datetime) -> Condition | None:
    if Rating.objects.filter(case=case, round=case.round).exists():
        return Condition(_("本轮办理已评价；重办后可再次评价"), "already_rated", hidden=True)
    return None


CHECKS = {
    "sign": _sign,
    "return_request": _return_request,
    "return": _return_decision,
    "recall": _recall,
    "return_reject": _return_decision,
    "extension_request": _extension_request,
    "extension_approve": _extension_decision,
    "extension_refuse": _extension_decision,
    "hold_request": _hold_request,
    "hold_approve": _hold_decision,
    "hold_refuse": _hold_decision,
    "hold": _hold,
    "rate": _rate,
}


def refusal(case: Case, action: str, user, now: datetime | None = None) -> Condition | None:
    check = CHECKS.get(action)
    return check(case, user, now or timezone.now()) if check else None
