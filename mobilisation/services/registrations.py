"""双报到: a member (or, entered by staff, a unit) registers with a community; the community confirms or declines."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden, InvalidInput, NotAllowed
from governance.models import Region, User

from ..choices import (
    ACTIVE_REGISTRATION,
    MAX_COMMUNITIES_PER_MEMBER,
    RegistrantKind,
    RegistrationBasis,
    RegistrationStatus,
)
from ..models import RegisteredUnit, Registration
from ..permissions import manages_community
from ..selectors import acting_unit, get_in_scope
from .events import record


def _community(community: Region | None) -> Region:
    if community is None or community.level != "community":
        raise InvalidInput(_("请选择报到的社区"), code="community")
    return community


@transaction.atomic
def registration_submit(
    *,
    actor: User,
    community: Region | None,
    basis: str,
    member: User | None = None,
    unit: RegisteredUnit | None = None,
    phone: str = "",
    skills: str = "",
    availability: str = "",
    now: datetime | None = None,
) -> Registration:
    """Register a member (themselves, or by the community's staff) or a unit (by staff) with a community.

    1. check the input; a unit registration is staff work, a member registers themselves (or staff for them);
    2. for a member, lock their user row and count their active registrations: at most two communities;
    3. insert (the partial unique constraint refuses a second active one in the same community) + one event.
    """
    now = now or timezone.now()
    community = _community(community)
    if basis not in RegistrationBasis.values:
        raise InvalidInput(_("请选择报到依据（工作地或居住地）"), code="basis")
    kind = RegistrantKind.MEMBER if member is not None else RegistrantKind.UNIT
    if kind == RegistrantKind.UNIT and unit is None:
        raise InvalidInput(_("请选择报到的党员或单位"), code="registrant")
    staff = manages_community(actor, community)
    if kind == RegistrantKind.UNIT and not staff:
        raise Forbidden(_("单位报到由社区工作人员登记"), code="forbidden")
    if kind == RegistrantKind.MEMBER and member.pk != actor.pk and not staff:
        raise Forbidden(_("只能为自己报到"), code="forbidden")
    if kind == RegistrantKind.MEMBER and acting_unit(member) is not None:
        raise NotAllowed(_("单位账号代表单位，不能以党员身份报到"), code="unit_account")
    if kind == RegistrantKind.MEMBER:
        User.objects.select_for_update().filter(pk=member.pk).first()
        active = Registration.objects.filter(kind=RegistrantKind.MEMBER, member=member, status__in=ACTIVE_REGISTRATION)
        if active.filter(community=community).exists():
            raise NotAllowed(_("已在该社区报到"), code="duplicate")
        if active.count() >= MAX_COMMUNITIES_PER_MEMBER:
            raise NotAllowed(_("每名党员最多在两个社区报到（工作地和居住地）"), code="limit")
    try:
        with transaction.atomic():
            reg = Registration.objects.create(
                kind=kind,
                member=member,
                unit=unit,
                community=community,
                basis=basis,
                phone=(phone or "").strip()[:20],
                skills=(skills or "").strip()[:200],
                availability=(availability or "").strip()[:200],
                created_at=now,
            )
    except IntegrityError:
        raise NotAllowed(_("已在该社区报到"), code="duplicate") from None
    record(subject="registration", object_id=reg.pk, community_id=community.pk, action="submit", actor=actor, at=now)
    return reg


@transaction.atomic
def registration_decide(
    *, actor: User, registration_id: int, confirm: bool, reason: str = "", now: datetime | None = None
) -> Registration:
    """The community confirms a pending registration, or declines it with a reason."""
    now = now or timezone.now()
    reg = get_in_scope(Registration.objects.select_for_update(of=("self",)), actor, registration_id)
    if not manages_community(actor, reg.community):
        raise Forbidden(_("只有报到社区的工作人员可以确认"), code="forbidden")
    if reg.status != RegistrationStatus.PENDING:
        raise NotAllowed(_("该报到已处理：%(s)s") % {"s": reg.get_status_display()}, code="state")
    reason = (reason or "").strip()
    if not confirm and not reason:
        raise InvalidInput(_("不通过须填写原因"), code="reason")
    reg.status = RegistrationStatus.CONFIRMED if confirm else RegistrationStatus.DECLINED
    reg.decline_reason = "" if confirm else reason[:200]
    reg.decided_by, reg.decided_at = actor, now
    reg.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    record(
        subject="registration",
        object_id=reg.pk,
        community_id=reg.community_id,
        action="confirm" if confirm else "decline",
        actor=actor,
        note=reason,
        at=now,
    )
    return reg


@transaction.atomic
def registration_withdraw(*, actor: User, registration_id: int, now: datetime | None = None) -> Registration:
    """The member leaves a community (or staff end the registration): frees the slot for another community."""
    now = now or timezone.now()
    reg = (
        Registration.objects.select_for_update(of=("self",))
        .filter(pk=registration_id)
        .select_related("community")
        .first()
    )
    if reg is None or not (reg.member_id == actor.pk or manages_community(actor, reg.community)):
        from core.errors import NotFound

        raise NotFound(_("记录不存在"))
    if reg.status not in ACTIVE_REGISTRATION:
        raise NotAllowed(_("该报到已结束"), code="state")
    reg.status = RegistrationStatus.WITHDRAWN
    reg.save(update_fields=["status"])
    record(
        subject="registration", object_id=reg.pk, community_id=reg.community_id, action="withdraw", actor=actor, at=now
    )
    return reg
