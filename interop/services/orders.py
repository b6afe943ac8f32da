"""Orders in (idempotent by the partner's order id), the street's requests to the hotline, the 待分类 queue."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from cases.choices import Channel
from cases.choices import Status as CaseStatus
from cases.models import Case
from cases.services import case_file, case_transition
from cases.services.deadlines import case_recategorise, rule_ref
from core.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from core.roles import is_centre_staff
from core.stored_text import kept, source_language
from governance.choices import Level
from governance.models import Category, User
from grids.models import Grid
from grids.selectors import locate_grid

from .. import texts
from ..choices import OrderRequestKind, RequestState, RequestType, ReturnCode, Urgency
from ..models import CategoryMapping, Order, OrderRequest, Partner
from .partners import partner_ensure_user

log = logging.getLogger("interop.hotline")

#: Why an order waits in the street's 待分类 queue (shown to staff; stored as codes on the order).
TRIAGE_REASONS = {
    "unmapped_code": N_("热线分类编码“%(code)s”没有对应的事项小类"),
    "no_point": N_("工单没有坐标，无法确定网格"),
    "outside_grids": N_("坐标不在任何网格内"),
    "other_street": N_("坐标落在其他街道的网格内"),
}


def triage_reason_text(reason: dict[str, Any]) -> str:
    template = TRIAGE_REASONS.get(reason.get("code", ""), "%(code)s")
    return _(template) % {"code": reason.get("detail") or reason.get("code", "")}


@dataclass
class OrderIntake:
    """A validated order as the API serializer hands it over (wire names in docs/interop-12345.md)."""

    order_id: str
    request_type: str
    content: str
    address: str
    category_code: str
    title: str = ""
    urgency: str = Urgency.NORMAL
    lat: float | None = None
    lng: float | None = None
    requester_name: str = ""
    requester_phone: str = ""
    response_due_at: datetime | None = None
    resolution_due_at: datetime | None = None
    attachments: list[dict[str, str]] = field(default_factory=list)


@source_language()  # the case's description is kept: in the message ids' language, whatever the request's
def _description(intake: OrderIntake) -> str:
    lines = [
        intake.content.strip(),
        "",
        _("【12345工单 %(id)s｜%(type)s】")
        % {
            "id": intake.order_id,
            "type": RequestType(intake.request_type).label,
        },
    ]
    lines += [f"{a.get('name') or _('附件')}: {a['url']}" for a in intake.attachments]
    return "\n".join(lines).strip()


def urgency_deadlines(partner: Partner, intake: OrderIntake, now: datetime) -> tuple[datetime | None, datetime | None]:
    """The order's (response, resolution) deadlines: those it carries, made stricter by the partner's limits for
    its urgency (紧急 / 特急, counted from its arrival) — the earlier of the two wins."""
    response, resolution = intake.response_due_at, intake.resolution_due_at
    response_limit, resolution_limit = partner.urgency_limits(intake.urgency)
    if response_limit is not None and (response is None or now + response_limit < response):
        response = now + response_limit
    if resolution_limit is not None and (resolution is None or now + resolution_limit < resolution):
        resolution = now + resolution_limit
    if response is not None and resolution is not None and response > resolution:
        response = resolution
    return response, resolution


def order_receive(*, partner: Partner, intake: OrderIntake, payload: dict, now: datetime | None = None):
    """File the order as a case on the 12345 channel at the partner's street, once per order id.

    Returns ``(order, created)``. A repeat (same partner, same order id) returns the existing order and files
    nothing — also when two copies race: the loser's transaction (case included) rolls back to its savepoint
    and it answers with the winner's order. The catalogue category comes from the partner's mapping table; an
    unmapped code files under the partner's 待分类 category, a point in no grid of the street (or no point)
    files at the street with no grid — both with the reason on the order, in the street's 待分类 queue.
    """
    existing = Order.objects.filter(partner=partner, order_id=intake.order_id).select_related("case").first()
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    reasons: list[dict[str, str]] = []
    mapping = CategoryMapping.objects.filter(partner=partner, code=intake.category_code).select_related("category")
    mapped = mapping.first()
    if mapped is not None and mapped.category.active:
        category = mapped.category
    else:
        category = partner.fallback_category
        reasons.append({"code": "unmapped_code", "detail": intake.category_code})
    grid = None
    if intake.lat is None:
        reasons.append({"code": "no_point", "detail": ""})
    else:
        found = locate_grid(lat=intake.lat, lng=intake.lng)
        if found is None:
            reasons.append({"code": "outside_grids", "detail": f"{intake.lat},{intake.lng}"})
        elif found.community.parent_id != partner.street_id:
            reasons.append({"code": "other_street", "detail": found.name})
        else:
            grid = found
    actor = partner_ensure_user(partner=partner)
    title = intake.title.strip() or intake.content.strip().splitlines()[0][:60]
    response_due, resolution_due = urgency_deadlines(partner, intake, now)
    if intake.urgency != Urgency.NORMAL:  # seen in every list the case appears in, not only the hotline desk
        title = f"【{kept(Urgency(intake.urgency).label)}】{title}"
    try:
        with transaction.atomic():
            case = case_file(
                actor=actor,
                category=category,
                title=title,
                description=_description(intake),
                address=intake.address,
                channel=Channel.HOTLINE,
                lat=intake.lat if grid is not None else None,
                lng=intake.lng if grid is not None else None,
                grid=grid,
                street=partner.street if grid is None else None,
                citizen_name=intake.requester_name,
                citizen_phone=intake.requester_phone,
                now=now,
                external_due_at=resolution_due,
                response_due_at=response_due,
                arrive_at=Level.STREET,
            )
            order = Order.objects.create(
                partner=partner,
                order_id=intake.order_id,
                case=case,
                request_type=intake.request_type,
                category_code=intake.category_code,
                urgency=intake.urgency,
                response_due_at=response_due,
                resolution_due_at=resolution_due,
                attachments=intake.attachments,
                payload=payload,
                triage_reasons=reasons,
                received_at=now,
            )
    except IntegrityError:
        order = Order.objects.filter(partner=partner, order_id=intake.order_id).select_related("case").first()
        if order is None:
            raise
        return order, False
    log.info("12345 order %s from %s filed as %s (triage: %s)", order.order_id, partner.key_id, case.number, reasons)
    return order, True


def _street_staff(actor: User | None, order: Order) -> None:
    """Only the partner street's centre staff (and admins) speak for the street to the hotline."""
    if actor is None or not actor.is_authenticated:
        raise Forbidden(_("请先登录"), code="permission")
    if actor.is_admin:
        return
    if is_centre_staff(actor) and actor.region_id == order.partner.street_id and actor.is_active:
        return
    raise Forbidden(_("只有承接街道综治中心的工作人员可以向12345热线提出申请"), code="permission")


def lock_order(order: Order) -> None:
    """Lock the order's case, then the order (always in this order: a case transition locks the case and its
    receiver then the order — the other way round two transactions could deadlock)."""
    Case.objects.select_for_update(of=("self",)).filter(pk=order.case_id).values_list("pk", flat=True).first()
    Order.objects.select_for_update(of=("self",)).filter(pk=order.pk).values_list("pk", flat=True).first()


def _order_for(actor: User | None, order_id: int) -> Order:
    order = Order.objects.select_related("partner", "case").filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("工单不存在"))
    _street_staff(actor, order)
    return order


def pending_request_kinds(order: Order) -> set[str]:
    """The kinds (退单, 延期) of the order's requests the hotline has not answered yet."""
    return set(order.requests.filter(state=RequestState.PENDING).values_list("kind", flat=True))


def return_refusal(order: Order, *, pending: Collection[str]) -> NotAllowed | None:
    """Why the street can't ask the hotline to take the order back now (``None`` when it can): the hotline
    already ruled (终审), the case has left its centre, or a return request is pending. The service raises it;
    the order page shows it instead of the form."""
    if order.return_final:
        return NotAllowed(_("12345热线已对该工单作出终审，不能再退单"), code="final_ruling")
    if order.case.status not in (CaseStatus.REPORTED, CaseStatus.ACCEPTED):
        return NotAllowed(_("事件已派遣办理，不能再向热线退单"), code="state")
    if OrderRequestKind.RETURN in pending:
        return NotAllowed(_("已有待热线审核的退单申请"), code="pending")
    return None


def extension_refusal(order: Order, *, pending: Collection[str], now: datetime) -> NotAllowed | None:
    """Why the street can't ask the hotline for more time now (``None`` when it can): one request is pending,
    or the due time has passed. Whether the case's state and the officer allow an extension request at all is
    the transition's rule (``extension_request``), checked where the request is made."""
    if OrderRequestKind.EXTENSION in pending:
        return NotAllowed(_("已有待热线审核的延期申请"), code="pending")
    if order.case.due_at is not None and now >= order.case.due_at:
        return NotAllowed(_("已超过办理时限，不能再申请延期"), code="overdue")
    return None


@transaction.atomic
def order_return_request(*, order_id: int, actor: User, reason_code: str, text: str, now: datetime | None = None):
    """退单申请 to the hotline (属地不符 / 权属不清 / 职能交叉 + text), before the street dispatched the case.

    Written as an ``OrderRequest`` and a case event (an internal note tagged ``hotline: return_request``)
    through ``case_transition`` in one transaction; the outbox message is written by the note's receiver.
    Refused when the hotline already ruled (终审) or a return request is pending.
    """
    now = now or timezone.now()
    order = _order_for(actor, order_id)
    if reason_code not in ReturnCode.values:
        raise InvalidInput(_("请选择退单原因：属地不符、权属不清或职能交叉"), code="reason")
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("请填写退单理由"), code="note_required")
    lock_order(order)
    order.refresh_from_db(fields=["return_final"])
    if refusal := return_refusal(order, pending=pending_request_kinds(order)):
        raise refusal
    request = OrderRequest.objects.create(
        order=order,
        kind=OrderRequestKind.RETURN,
        reason_code=reason_code,
        text=text,
        requested_by=actor,
        requested_at=now,
    )
    label = ReturnCode(reason_code).label
    case_transition(
        case_id=order.case_id,
        action="note",
        actor=actor,
        note=kept(texts.RETURN_ASKED) % {"reason": kept(label), "text": text},
        now=now,
        reason=reason_code,
        record={"hotline": "return_request", "request": request.pk, "reason_code": reason_code, "text": text},
    )
    return request


@transaction.atomic
def order_extension_request(
    *, order_id: int, actor: User, requested_due_at: datetime, text: str, now: datetime | None = None
):
    """延期申请 to the hotline: the case's own extension request (``extension_request``, asked before the due
    time) made by the street; its event sends the message, and the hotline's answer decides it."""
    now = now or timezone.now()
    order = _order_for(actor, order_id)
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("请填写延期理由"), code="note_required")
    lock_order(order)
    if refusal := extension_refusal(order, pending=pending_request_kinds(order), now=now):
        raise refusal
    request = OrderRequest.objects.create(
        order=order,
        kind=OrderRequestKind.EXTENSION,
        text=text,
        requested_due_at=requested_due_at,
        requested_by=actor,
        requested_at=now,
    )
    case_transition(
        case_id=order.case_id,
        action="extension_request",
        actor=actor,
        note=text,
        now=now,
        requested_due_at=requested_due_at,
    )
    return request


@transaction.atomic
def order_triage_clear(*, order_id: int, actor: User, now: datetime | None = None) -> Order:
    """Street staff take the order out of the 待分类 queue (after placing or re-dispatching its case)."""
    order = _order_for(actor, order_id)
    lock_order(order)
    order.refresh_from_db(fields=["triaged_at"])
    if not order.in_triage:
        raise NotAllowed(_("该工单不在待分类队列中"), code="state")
    order.triaged_at = now or timezone.now()
    order.save(update_fields=["triaged_at"])
    case_transition(
        case_id=order.case_id,
        action="note",
        actor=actor,
        note=kept(texts.TRIAGED),
        now=order.triaged_at,
        record={"hotline": "triaged"},
    )
    return order


#: The statuses in which a case can still be placed: at its centre, not yet dispatched.
PLACEABLE = (CaseStatus.REPORTED, CaseStatus.ACCEPTED)


@transaction.atomic
def order_place(
    *,
    order_id: int,
    actor: User,
    category_id: int | None,
    grid_id: int | None = None,
    remember_mapping: bool = False,
    now: datetime | None = None,
) -> Order:
    """Place a case waiting in the 待分类 queue: its 小类 (and its grid, required when the order gave none in the
    street) chosen by the street's staff.

    The case's clock follows the chosen category's rule from the case's arrival at its level (time already spent
    counts) and stays under the hotline's deadlines (the stricter wins); its sign-for time is recomputed only
    while it has not been accepted. An internal event records the change (before → after, the rule), and the
    order leaves the queue. ``remember_mapping`` also maps the order's hotline code to the category for the
    orders to come. Bad input (an inactive or unknown category, a grid outside the street) is refused and
    nothing changes; so is a case already dispatched (re-dispatch it instead, or just clear the queue entry).
    """
    now = now or timezone.now()
    order = _order_for(actor, order_id)
    lock_order(order)
    order.refresh_from_db(fields=["triaged_at", "triage_reasons"])
    if not order.in_triage:
        raise NotAllowed(_("该工单不在待分类队列中"), code="state")
    case = Case.objects.select_related("category", "grid", "street").get(pk=order.case_id)
    if case.status not in PLACEABLE:
        raise NotAllowed(
            _("事件已派遣办理，不能再重新分类；如已处理妥当，请直接移出待分类队列"),
            code="state",
        )
    category = Category.objects.filter(pk=category_id).first() if category_id else None
    if category is None or category.parent_id is None:
        raise InvalidInput(_("请选择一个事项小类"), code="category")
    if not category.active:
        raise InvalidInput(
            _("事项小类“%(name)s”已停用，请选择一个启用的小类") % {"name": category.name}, code="category"
        )
    grid = None
    if grid_id:
        grid = Grid.objects.select_related("community").filter(pk=grid_id).first()
        if grid is None or not grid.active:
            raise InvalidInput(_("所选网格不存在或已停用"), code="grid")
        if grid.community.parent_id != order.partner.street_id:
            raise InvalidInput(
                _("网格“%(grid)s”不在%(street)s内，请选择本街道的网格")
                % {"grid": grid.name, "street": order.partner.street.name},
                code="grid",
            )
    elif case.grid_id is None:
        raise InvalidInput(_("工单地址不在本街道的任何网格内，请选择事件所在的网格"), code="grid")

    before = {"category": case.category.code, "grid": case.grid.code if case.grid is not None else None}
    case_recategorise(case, category=category, grid=grid, response_cap=order.response_due_at, now=now)
    if remember_mapping and order.category_code:
        CategoryMapping.objects.update_or_create(
            partner=order.partner, code=order.category_code, defaults={"category": category}
        )
    order.triaged_at = now
    order.save(update_fields=["triaged_at"])
    placed_grid = case.grid
    after = {"category": category.code, "grid": placed_grid.code if placed_grid is not None else None}
    note = kept(texts.PLACED) % {
        "category": f"{category.code} {category.name}",
        "grid": (kept(texts.PLACED_IN_GRID) % {"grid": placed_grid.name}) if placed_grid is not None else "",
        "due": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M") if case.due_at else "—",
    }
    case_transition(
        case_id=case.pk,
        action="note",
        actor=actor,
        note=note,
        now=now,
        reason="placed",
        record={
            "hotline": "placed",
            "before": before,
            "after": after,
            "rule": rule_ref(None, case.rule_id),
            "due_at": case.due_at.isoformat() if case.due_at else None,
            "mapping_saved": bool(remember_mapping and order.category_code),
        },
    )
    log.info("12345 order %s placed by %s: %s -> %s", order.order_id, actor.pk, before, after)
    return order


__all__ = [
    "OrderIntake",
    "lock_order",
    "order_extension_request",
    "order_place",
    "order_receive",
    "order_return_request",
    "order_triage_clear",
    "triage_reason_text",
    "urgency_deadlines",
]
