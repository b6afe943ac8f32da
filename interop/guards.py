"""What the street may not do to a 12345 order by itself (``cases.hooks`` guards, checked under the case's lock)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases import transitions

from .choices import OrderRequestKind, RequestState
from .models import Order, OrderRequest


def _partner_user(case) -> int | None:
    """The platform account the case's hotline acts as, or None when the case is no 12345 order."""
    return Order.objects.filter(case_id=case.pk).values_list("partner__user_id", flat=True).first()


def _unless_the_hotline(partner_user: int | None, actor, refusal: str) -> str | None:
    """``refusal`` when the case has a hotline (``partner_user``) and someone else acts; None otherwise."""
    if partner_user is None or (actor is not None and actor.pk == partner_user):
        return None
    return refusal


def hotline_decides_rejection(*, case, action: str, actor, data: dict) -> str | None:
    """不予受理 of a hotline case is the hotline's decision, not the street's: the street asks for a 退单
    (``order_return_request``) and the hotline, approving it, rejects the case as itself (its platform account). A
    street that could reject the order directly would drop it behind the hotline's back — also after the hotline's
    final ruling (终审) that the order is the street's (HOTLINE.md, "The order's life" 2)."""
    if action != "reject":
        return None
    return _unless_the_hotline(
        _partner_user(case), actor, _("12345 工单不能由本单位自行不予受理：请向 12345 热线申请退单，由热线决定")
    )


def hotline_decides_its_extension(*, case, action: str, actor, data: dict) -> str | None:
    """An extension asked of the hotline (``order_extension_request``) is the hotline's to approve or refuse: decided
    here by a colleague, it would leave the hotline's request pending for ever — its answer refused, and no new
    request possible. (A department's own request on the case, not sent to the hotline, the street decides.)"""
    if action not in ("extension_approve", "extension_refuse"):
        return None
    asked = OrderRequest.objects.filter(
        order__case_id=case.pk, kind=OrderRequestKind.EXTENSION, state=RequestState.PENDING
    ).values_list("order__partner__user_id", flat=True)
    return _unless_the_hotline(asked.first(), actor, _("该延期申请已提交 12345 热线审核，由热线决定"))


def hotline_follows_up(*, case, action: str, actor, data: dict) -> str | None:
    """The rating of a 12345 order's round is the hotline's 回访 (contacted, solved, satisfaction): staff recording
    one first would take the round's only rating and refuse the hotline's follow-up for good."""
    if action != "rate" or actor is None:  # a citizen's own rating through the follow-up link stays theirs
        return None
    return _unless_the_hotline(_partner_user(case), actor, _("12345 工单的回访评价由 12345 热线进行"))


def return_pending_holds_the_case(*, case, action: str, actor, data: dict) -> str | None:
    """While a 退单 asked of the hotline waits for its answer, the case stays where the hotline's approval can take
    it (不予受理 needs it 待受理 or 已受理): dispatching, handling or holding it first would leave an approval that
    can never be applied — the hotline's answer refused on every retry."""
    rejectable = transitions.get("reject").sources
    if action == "reject" or case.status not in rejectable:
        return None
    if transitions.target_status(transitions.get(action), case.status, case.held_from_status) in rejectable:
        return None  # a note, a comment, an escalation: still where the answer applies
    pending = OrderRequest.objects.filter(
        order__case_id=case.pk, kind=OrderRequestKind.RETURN, state=RequestState.PENDING
    ).exists()
    if not pending:
        return None
    return _("已向 12345 热线申请退单，请等待热线答复后再办理")
