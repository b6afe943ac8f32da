"""The hotline's answers, applied through the ordinary case transitions with the hotline as the actor.

| decision             | what happens to the case (``case_transition`` action, actor = the partner's account)      |
|----------------------|-------------------------------------------------------------------------------------------|
| ``return_approved``  | ``reject`` (不予受理: the hotline re-dispatches the order elsewhere); the request approved |
| ``return_refused``   | ``note`` (驳回退单, final ruling: the street can no longer return this order)              |
| ``extension_approved`` | ``extension_approve`` of the case's pending request (whoever asked: the street or a       |
|                      | department) to the date asked or the hotline's ``due_at``; the hotline deadline moves     |
| ``extension_refused``  | ``extension_refuse``                                                                     |
| ``follow_up``        | valid (the requester was reached): ``rate`` with satisfaction, contacted and solved;       |
|                      | not valid: ``note`` (counted nowhere)                                                     |
| ``reopen``           | ``reopen`` (重办) with the new hotline deadline                                            |

Every decision carries the hotline's ``decision_id``; a repeat answers the first outcome and changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cases.choices import RatingResult
from cases.choices import Status as CaseStatus
from cases.models import Case
from cases.services import case_transition, within_due_horizon
from core.errors import InvalidInput, NotAllowed, NotFound
from core.stored_text import kept

from .. import texts
from ..choices import Decision, OrderRequestKind, RequestState
from ..models import InboundDecision, Order, OrderRequest, Partner
from .orders import lock_order
from .partners import partner_ensure_user

log = logging.getLogger("interop.hotline")


def _pending(order: Order, kind: str) -> OrderRequest:
    request = (
        OrderRequest.objects.select_for_update()
        .filter(order=order, kind=kind, state=RequestState.PENDING)
        .order_by("requested_at")
        .first()
    )
    if request is None:
        label = OrderRequestKind(kind).label
        raise NotAllowed(_("该工单没有待审核的%(kind)s") % {"kind": label}, code="no_request")
    return request


def _when(value: Any, field: str, *, now: datetime) -> datetime | None:
    """The hotline's time ``field`` (aware ISO 8601), at most ``MAX_DUE_HORIZON_DAYS`` after ``now``: a later one
    (2045, 9999) is refused with ``field`` as the code — it made the case's clock fail, a 500 on every retry."""
    if value in (None, ""):
        return None
    try:  # well-formed but impossible ("2026-13-45") raises ValueError
        when = value if isinstance(value, datetime) else parse_datetime(str(value))
    except ValueError:
        when = None
    if when is None or timezone.is_naive(when):
        raise InvalidInput(_("%(field)s 须为带时区的 ISO 8601 时间") % {"field": field}, code=field)
    return within_due_horizon(when, now=now, code=field)


def decision_apply(
    *, partner: Partner, order_id: str, decision_id: str, kind: str, data: dict[str, Any], now: datetime | None = None
) -> tuple[InboundDecision, bool]:
    """Apply one hotline decision to the order's case; returns ``(decision, applied_now)``.

    One transaction: the decision row (unique per partner and ``decision_id``), the request's answer and the
    case transition commit together or not at all — a refused transition (wrong state: 409, not the hotline's
    to decide: 403) leaves no decision row, so the hotline may send it again later.
    """
    now = now or timezone.now()
    seen = InboundDecision.objects.filter(partner=partner, decision_id=decision_id).first()
    if seen is not None:
        return seen, False
    if kind not in Decision.values:
        raise InvalidInput(_("未知的决定类型：%(kind)s") % {"kind": kind}, code="decision")
    order = Order.objects.filter(partner=partner, order_id=order_id).select_related("case").first()
    if order is None:
        raise NotFound(_("工单不存在：%(id)s") % {"id": order_id})
    actor = partner_ensure_user(partner=partner)
    note = str(data.get("note") or "").strip()
    try:
        with transaction.atomic():
            lock_order(order)
            record = InboundDecision.objects.create(
                partner=partner, decision_id=decision_id, order=order, kind=kind, data=data, received_at=now
            )
            _APPLY[kind](order=order, actor=actor, note=note, data=data, now=now)
    except IntegrityError:
        seen = InboundDecision.objects.filter(partner=partner, decision_id=decision_id).first()
        if seen is None:
            raise
        return seen, False
    log.info("12345 decision %s (%s) applied to order %s", decision_id, kind, order.order_id)
    return record, True


def _answer(request: OrderRequest, state: str, note: str, now: datetime) -> None:
    request.state, request.decided_at, request.decision_note = state, now, note
    request.save(update_fields=["state", "decided_at", "decision_note"])


def _return_approved(*, order, actor, note, data, now) -> None:
    request = _pending(order, OrderRequestKind.RETURN)
    _answer(request, RequestState.APPROVED, note, now)
    text = texts.decision_note(texts.RETURN_APPROVED, texts.RETURN_APPROVED_NOTED, note)
    # The order is the hotline's: approving the 退单 it takes the order away wherever the case now is — also after
    # the sweep moved it above the street while the hotline was deciding (the street could not act on it meanwhile,
    # ``guards.return_pending_holds_the_case``). Refused by the district's level check, the approval answered 403
    # on every retry while the hotline had already re-dispatched the order. The state check and guards still apply.
    case_transition(case_id=order.case_id, action="reject", actor=actor, note=text, now=now, system=True)


def _return_refused(*, order, actor, note, data, now) -> None:
    request = _pending(order, OrderRequestKind.RETURN)
    _answer(request, RequestState.REFUSED, note, now)
    order.return_final = True
    order.save(update_fields=["return_final"])
    text = texts.decision_note(texts.RETURN_REFUSED, texts.RETURN_REFUSED_NOTED, note)
    case_transition(
        case_id=order.case_id, action="note", actor=actor, note=text, now=now, record={"hotline": "return_refused"}
    )


def _pending_or_none(order: Order, kind: str) -> OrderRequest | None:
    try:
        return _pending(order, kind)
    except NotAllowed:
        return None


def _extension_approved(*, order, actor, note, data, now) -> None:
    """The case's pending extension request (asked by whoever handles it: the street through its page, or a
    department) is approved by the hotline; without one the transition refuses (409)."""
    request = _pending_or_none(order, OrderRequestKind.EXTENSION)
    due = _when(data.get("due_at"), "due_at", now=now) or (request.requested_due_at if request else None)
    extra = {"due_at": due} if due else {}
    # The hotline decides wherever the case now is: after the sweep moved it above the street, the district's level
    # check refused the approval (403 on every retry) while the district could not grant it either (past the
    # hotline's deadline). As with the 退单 approval: no permission check, the state and the request still apply.
    case = case_transition(
        case_id=order.case_id,
        action="extension_approve",
        actor=actor,
        note=note,
        now=now,
        system=True,
        external=True,
        **extra,
    )
    if request is not None:
        _answer(request, RequestState.APPROVED, note, now)
    if case.due_at and (order.resolution_due_at is None or case.due_at > order.resolution_due_at):
        order.resolution_due_at = case.due_at
        order.save(update_fields=["resolution_due_at"])


def _extension_refused(*, order, actor, note, data, now) -> None:
    request = _pending_or_none(order, OrderRequestKind.EXTENSION)
    case_transition(
        case_id=order.case_id,
        action="extension_refuse",
        actor=actor,
        note=note or kept(texts.EXTENSION_REFUSED),
        now=now,
        system=True,  # wherever the case now is, as the approval
    )
    if request is not None:
        _answer(request, RequestState.REFUSED, note, now)


def _follow_up(*, order, actor, note, data, now) -> None:
    """回访. Valid (the requester was reached and answered): the round's rating with the hotline's own answers
    (contacted, solved) beside the satisfaction; the assessment reads them from ``cases``."""
    if not data.get("valid", True):
        # a 回访 comes after the case is closed (the one it was merged into, for a merged order), reached or not
        status, answering_status = (
            Case.objects.filter(pk=order.case_id).values_list("status", "merged_into__status").get()
        )
        if (answering_status or status) != CaseStatus.CLOSED:
            raise NotAllowed(_("事件尚未结案，结案后再回访"), code="not_closed")
        text = texts.decision_note(texts.FOLLOW_UP_UNREACHED, texts.FOLLOW_UP_UNREACHED_NOTED, note)
        case_transition(
            case_id=order.case_id,
            action="note",
            actor=actor,
            note=text,
            now=now,
            record={"hotline": "follow_up", "valid": False},
        )
        return
    satisfaction = data.get("satisfaction")
    if satisfaction not in RatingResult.values:
        raise InvalidInput(_("satisfaction 须为 satisfied、basic 或 unsatisfied"), code="satisfaction")
    for flag in ("contacted", "solved"):
        if not isinstance(data.get(flag), bool):
            raise InvalidInput(_("%(field)s 须为 true 或 false") % {"field": flag}, code=flag)
    merged_into, answering_status = (
        Case.objects.filter(pk=order.case_id).values_list("merged_into__number", "merged_into__status").get()
    )
    if merged_into is not None and answering_status != CaseStatus.CLOSED:
        raise NotAllowed(
            _("本工单已并入%(into)s，该事件尚未结案，结案后再回访") % {"into": merged_into}, code="not_closed"
        )
    if merged_into is not None:
        # The order was merged into another case, which answered for it: the requester's answers are kept on the
        # merged case, as a note (its handling was the other case's, rated by that case's own requester).
        label = kept(RatingResult(satisfaction).label)
        text = texts.decision_note(
            texts.FOLLOW_UP_MERGED, texts.FOLLOW_UP_MERGED_NOTED, note, into=merged_into, result=label
        )
        case_transition(
            case_id=order.case_id,
            action="note",
            actor=actor,
            note=text,
            now=now,
            record={
                "hotline": "follow_up",
                "valid": True,
                "satisfaction": satisfaction,
                "contacted": data["contacted"],
                "solved": data["solved"],
                "merged_into": merged_into,
            },
        )
        return
    case_transition(
        case_id=order.case_id,
        action="rate",
        actor=actor,
        note=note,
        now=now,
        result=satisfaction,
        contacted=data["contacted"],
        solved=data["solved"],
        source="hotline",
    )


def _reopen(*, order, actor, note, data, now) -> None:
    due = _when(data.get("resolution_due_at"), "resolution_due_at", now=now)
    case_transition(
        case_id=order.case_id,
        action="reopen",
        actor=actor,
        note=note or kept(texts.REOPENED),
        now=now,
        system=True,  # the hotline's order: reopened wherever the case was closed (the district too)
        external_due_at=due,
    )
    order.resolution_due_at = due
    order.save(update_fields=["resolution_due_at"])


_APPLY = {
    Decision.RETURN_APPROVED: _return_approved,
    Decision.RETURN_REFUSED: _return_refused,
    Decision.EXTENSION_APPROVED: _extension_approved,
    Decision.EXTENSION_REFUSED: _extension_refused,
    Decision.FOLLOW_UP: _follow_up,
    Decision.REOPEN: _reopen,
}
